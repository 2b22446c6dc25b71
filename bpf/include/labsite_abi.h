// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Policy datapath ABI: every struct and code that crosses the kernel boundary for bpf_lxc.c
 * (policy, ipcache, endpoint and conntrack maps; ring-buffer events).
 * Mirrored in C# by src/LabSite.Clusters.Netns/Bpf/Abi/ (PolicyKey.cs, EndpointInfo.cs, Events.cs, ...), checked
 * against this object's BTF by tests/LabSite.Clusters.Netns.Tests/Bpf/Abi/AbiLayoutTests.cs; the drop reasons are
 * compared with src/LabSite.Clusters.Contract/Flows/DropReason.cs by DropReasonAbiTests.
 * Shapes follow Cilium's (bpf/lib/policy.h, maps.h, conntrack.h) where they exist, without bitfields:
 * fixed-width fields, explicit padding, one _Static_assert per size. Append-only codes.
 */
#ifndef LABSITE_ABI_H
#define LABSITE_ABI_H

#include <linux/types.h>

/* ---- drop reasons (Cilium's numbers; the datapath returns them negated) ---- */
#define DROP_INVALID_SIP        132 /* source address is not the endpoint's own */
#define DROP_UNKNOWN_TARGET     150 /* a pod sent to the underlay, which only nodes' tunnels may use */
#define DROP_NO_TUNNEL_ENDPOINT 160 /* to_overlay: the ipcache names no tunnel endpoint for the destination */
#define DROP_POLICY             133 /* no allow entry matched ("Policy denied") */
#define DROP_INVALID            134
#define DROP_CT_INVALID_HDR     135
#define DROP_PROXY_LOOKUP       165 /* redirect to the L7 proxy found no socket to assign */
#define DROP_POLICY_DENY        181 /* a deny entry matched ("Policy denied by denylist") */
#define DROP_AUTH_REQUIRED      189 /* the entry requires auth and the pair has no unexpired auth map entry */
#define DROP_EP_NOT_READY       203 /* endpoint known, policy map missing */

/* ---- event types (Cilium's monitor message types) ---- */
#define EVENT_DROP           1
#define EVENT_TRACE          4
#define EVENT_POLICY_VERDICT 5
#define EVENT_VERSION        1

/* ---- trace observation points (event sub_type for EVENT_TRACE) ---- */
#define TRACE_TO_LXC       0 /* to-endpoint */
#define TRACE_TO_OVERLAY   4 /* to-overlay: leaving the node through the VXLAN tunnel */
#define TRACE_FROM_LXC     5 /* from-endpoint */
#define TRACE_FROM_OVERLAY 9 /* from-overlay: arrived through the VXLAN tunnel, decapsulated */
#define TRACE_FROM_CRYPTO 12 /* from-crypto: decrypted by the node's IPsec (its ESP device's ingress) */
#define TRACE_TO_CRYPTO   13 /* to-crypto: handed to the node's IPsec for encryption (its ESP device's egress) */

/* ---- trace reasons: conntrack state of the packet ---- */
#define TRACE_REASON_UNKNOWN     0
#define TRACE_REASON_NEW         1
#define TRACE_REASON_ESTABLISHED 2
#define TRACE_REASON_REPLY       3

/* ---- policy match types (flow policy_match_type) ---- */
#define POLICY_MATCH_NONE       0
#define POLICY_MATCH_L3_ONLY    1
#define POLICY_MATCH_L3_L4      2
#define POLICY_MATCH_L4_ONLY    3
#define POLICY_MATCH_ALL        4
#define POLICY_MATCH_L3_PROTO   5
#define POLICY_MATCH_PROTO_ONLY 6

/* ---- directions: policy key egress byte, event direction ---- */
#define DIR_INGRESS 0
#define DIR_EGRESS  1

/* ---- L7 proxy marks (skb->mark; Cilium: MARK_MAGIC_TO_PROXY, the proxy's SO_MARK) ---- */
#define MARK_TO_PROXY       0x0200 /* set on redirected packets; the node routes it locally (ip rule fwmark) */
#define MARK_FROM_PROXY     0x0A00 /* SO_MARK of the ingress proxy's upstream sockets: the L7 decision already allowed it */
/*
 * SO_MARK of the egress proxy's upstream sockets (Cilium: MARK_MAGIC_PROXY_EGRESS), with the client's identity in
 * the other bits as Cilium packs it (identity bits 0-15 in mark bits 16-31, bits 16-23 in mark bits 0-7): the
 * destination's INGRESS policy still judges the connection, for the client, not for the node that sends it.
 */
#define MARK_FROM_EGRESS_PROXY 0x0B00
/*
 * Set by from_overlay for to_container (Cilium: MARK_MAGIC_IDENTITY): the source identity the tunnel key (VNI)
 * carried, packed as the egress proxy's, since a packet that crossed nodes may speak for another identity than its
 * source address's (an egress proxy's upstream).
 */
#define MARK_IDENTITY          0x0F00
#define MARK_MAGIC_MASK        0x0F00

/* endpoint_info.flags */
#define EP_F_INGRESS_ENFORCED 0x1 /* send policy-verdict events for ingress */
#define EP_F_EGRESS_ENFORCED  0x2 /* ... for egress */

/* event_hdr.flags */
#define EV_F_IS_REPLY_KNOWN 0x1
#define EV_F_IS_REPLY       0x2

/*
 * Policy map key (ls_pol_NNNNN, an LPM trie per endpoint). The first 40 bits (identity, direction byte) are
 * always matched; then protocol, then port, so a prefix can wildcard "port" or "protocol and port" but never
 * the protocol alone (Cilium's ordering). Cilium packs egress:1/pad:7 in one byte; we keep the whole byte.
 */
struct policy_key {
	__u32 prefixlen;  /* struct bpf_lpm_trie_key header: 40 + proto/port prefix */
	__u32 sec_label;  /* remote identity, host order; 0 = any */
	__u8 egress;      /* DIR_INGRESS / DIR_EGRESS */
	__u8 protocol;    /* IPPROTO_*, 0 = any */
	__be16 dport;     /* destination port (ICMP: type), network order */
};
_Static_assert(sizeof(struct policy_key) == 12, "policy_key size");

#define POLICY_STATIC_PREFIX 40
#define POLICY_FULL_PREFIX   64

/* Policy map value. flags = deny (bit 0) | lpm_prefix_length << 3, as Cilium's deny:1, reserved:2, prefix:5. */
struct policy_entry {
	__be16 proxy_port;          /* 0 = no L7 redirect */
	__u8 flags;
	__u8 auth_type;
	__u8 proxy_port_priority;
	__u8 pad1;
	__u16 pad2;
};
_Static_assert(sizeof(struct policy_entry) == 8, "policy_entry size");

#define POLICY_ENTRY_DENY 0x1
#define POLICY_ENTRY_PREFIX_SHIFT 3

/*
 * Per-entry policy statistics (ls_polstats, an LRU per-CPU hash shared by the lab's endpoints), as Cilium's
 * policy_stats_key: the key of the policy entry that decided a packet, with the endpoint id and the entry's
 * protocol/port prefix in place of the LPM prefixlen, and protocol/port masked to that prefix, so it names the
 * entry (what `bpf policy get` prints a row for), not the packet.
 */
struct policy_stats_key {
	__u16 endpoint_id;  /* lxc_id whose policy map holds the entry */
	__u8 pad1;
	__u8 prefix_len;    /* the entry's protocol+port prefix: 0 any, 8 protocol, 9..24 port range / port */
	__u32 sec_label;    /* the entry's identity: the remote's, or 0 for an L4-only entry */
	__u8 egress;        /* DIR_INGRESS / DIR_EGRESS */
	__u8 protocol;      /* 0 when prefix_len < 8 */
	__be16 dport;       /* network order, masked to prefix_len */
};
_Static_assert(sizeof(struct policy_stats_key) == 12, "policy_stats_key size");

/* One CPU's share of an entry's counters; readers sum the per-CPU values. */
struct policy_stats_value {
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct policy_stats_value) == 16, "policy_stats_value size");

/* ipcache key (ls_ipcache, LPM trie): prefixlen counts 32 static bits + the IP prefix (Cilium's layout). */
struct ipcache_key {
	__u32 prefixlen;
	__u16 cluster_id;
	__u8 pad1;
	__u8 family;      /* 2 = AF_INET */
	__be32 ip4;
};
_Static_assert(sizeof(struct ipcache_key) == 12, "ipcache_key size");

#define IPCACHE_STATIC_PREFIX 32

/* remote_endpoint_info.flags */
#define IPCACHE_F_UNDERLAY 0x1 /* the nodes' underlay: pods may not send there (no forged VXLAN) */

struct remote_endpoint_info {
	__u32 sec_identity;
	__be32 tunnel_endpoint;
	__u16 pad;
	__u8 key;
	__u8 flags;
};
_Static_assert(sizeof(struct remote_endpoint_info) == 12, "remote_endpoint_info size");

/* Local endpoint (ls_lxc), keyed by the pod's IPv4 address as Cilium's cilium_lxc is. */
struct endpoint_key {
	__be32 ip4;
	__u8 family;
	__u8 key;
	__u16 cluster_id;
};
_Static_assert(sizeof(struct endpoint_key) == 8, "endpoint_key size");

struct endpoint_info {
	__u32 ifindex;    /* node-side veth (lxc...) */
	__u16 unused;
	__u16 lxc_id;     /* endpoint id: key of ls_policy */
	__u32 flags;      /* EP_F_* */
	__u32 pad;
	__u64 mac;
	__u64 node_mac;
	__u32 sec_id;     /* the endpoint's own identity */
	__u32 parent_ifindex;
};
_Static_assert(sizeof(struct endpoint_info) == 40, "endpoint_info size");

/* Conntrack tuple (ls_ct4, LRU hash). Addresses as seen in the packet; flags = TUPLE_F_OUT/IN: the hook
 * that created the entry (from-container = OUT, to-container = IN). */
struct ipv4_ct_tuple {
	__be32 daddr;
	__be32 saddr;
	__be16 dport;
	__be16 sport;
	__u8 nexthdr;
	__u8 flags;
	__u16 pad;
};
_Static_assert(sizeof(struct ipv4_ct_tuple) == 16, "ipv4_ct_tuple size");

#define TUPLE_F_OUT 0
#define TUPLE_F_IN  1

struct ct_entry {
	__u64 packets;
	__u64 bytes;
	__u32 lifetime;         /* seconds of CLOCK_MONOTONIC when last seen */
	__u16 flags;            /* CT_F_* (Cilium bit order: rx_closing, tx_closing, ..., seen_non_syn = bit 4) */
	__u16 rev_nat_index;
	__u8 tx_flags_seen;     /* TCP flags seen in the original direction */
	__u8 rx_flags_seen;     /* ... in the reply direction */
	__u16 pad;
	__u32 src_sec_id;       /* identity of the connection's source */
};
_Static_assert(sizeof(struct ct_entry) == 32, "ct_entry size");

#define CT_F_RX_CLOSING   0x01
#define CT_F_TX_CLOSING   0x02
#define CT_F_SEEN_NON_SYN 0x10

/* ---- ring-buffer events (ls_events). Every event starts with event_hdr; len = total bytes. ---- */
struct event_hdr {
	__u8 type;         /* EVENT_* */
	__u8 subtype;      /* drop: reason; trace: observation point; verdict: 0 */
	__u8 version;      /* EVENT_VERSION */
	__u8 flags;        /* EV_F_* */
	__u16 endpoint_id; /* lxc_id of the endpoint whose hook saw the packet */
	__u16 len;         /* sizeof the whole event */
	__u32 ifindex;
	__u32 pkt_len;
	__u64 ktime_ns;    /* CLOCK_MONOTONIC */
};
_Static_assert(sizeof(struct event_hdr) == 24, "event_hdr size");

/* The packet, already parsed (Cilium sends raw bytes; we decode in the kernel to keep events small). */
struct event_pkt {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;      /* ICMP: id */
	__be16 dport;      /* ICMP: 0 */
	__u8 protocol;
	__u8 tcp_flags;    /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 URG 0x20 ECE 0x40 CWR 0x80 */
	__u8 icmp_type;
	__u8 icmp_code;
	__u32 src_identity;
	__u32 dst_identity;
};
_Static_assert(sizeof(struct event_pkt) == 24, "event_pkt size");

struct drop_event {
	struct event_hdr hdr;
	struct event_pkt pkt;
	__u8 direction;    /* DIR_* of the policy that dropped; 0xff when not a policy drop */
	__u8 pad[7];
};
_Static_assert(sizeof(struct drop_event) == 56, "drop_event size");

struct trace_event {
	struct event_hdr hdr;
	struct event_pkt pkt;
	__u8 reason;       /* TRACE_REASON_* */
	__u8 pad[7];
};
_Static_assert(sizeof(struct trace_event) == 56, "trace_event size");

struct policy_verdict_event {
	struct event_hdr hdr;
	struct event_pkt pkt;
	__u8 direction;    /* DIR_* */
	__u8 match_type;   /* POLICY_MATCH_* */
	__u8 allowed;      /* 1 allowed, 0 denied */
	__u8 drop_reason;  /* DROP_POLICY or DROP_POLICY_DENY when denied, else 0 */
	__u16 proxy_port;  /* host order */
	__u8 auth_type;    /* the deciding entry's auth_type (1 = SPIRE), as Cilium's verdict notification carries it */
	__u8 pad2;
};
_Static_assert(sizeof(struct policy_verdict_event) == 56, "policy_verdict_event size");

/*
 * Mutual authentication (Cilium's bpf/lib/auth.h). ls_auth: auth_key -> auth_info, written by the agent after a
 * mutual-TLS handshake between the two identities' nodes. remote_node_id is 0 when the peer is on the same node, else
 * the peer node's id from ls_node. expiration: seconds of CLOCK_MONOTONIC (bpf_ktime_get_ns() / 1e9); Cilium keeps
 * seconds of wall time through an offset it calibrates, which the agent converts to when it prints.
 */
struct auth_key {
	__u32 local_sec_label;
	__u32 remote_sec_label;
	__u16 remote_node_id;
	__u8 auth_type;   /* the policy entry's auth_type: 1 = SPIRE */
	__u8 pad;
};
_Static_assert(sizeof(struct auth_key) == 12, "auth_key size");

struct auth_info {
	__u64 expiration;
};
_Static_assert(sizeof(struct auth_info) == 8, "auth_info size");

/* ls_node: a node's underlay address (the ipcache's tunnel endpoint) -> its id (Cilium: cilium_node_map_v2). */
struct node_id_key {
	__be32 ip4;
};
_Static_assert(sizeof(struct node_id_key) == 4, "node_id_key size");

struct node_id_value {
	__u16 id;
	__u16 pad;
};
_Static_assert(sizeof(struct node_id_value) == 4, "node_id_value size");

/* ls_signals (ring buffer): the datapath asks the agent to authenticate a pair (Cilium: SIGNAL_AUTH_REQUIRED). */
#define SIGNAL_AUTH_REQUIRED 2

struct auth_signal {
	__u32 signal_nr;  /* SIGNAL_AUTH_REQUIRED */
	struct auth_key key;
	__be32 local_node; /* underlay address of the node whose endpoint dropped (0 in a one-node lab) */
};
_Static_assert(sizeof(struct auth_signal) == 20, "auth_signal size");

#endif /* LABSITE_ABI_H */
