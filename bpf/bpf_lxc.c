// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * tc programs on a pod's node-side veth (lxc...), where Cilium attaches its own:
 *   from_container  tc ingress of the lxc device: packets leaving the pod (the pod's EGRESS policy)
 *   to_container    tc egress of the lxc device: packets entering the pod (the pod's INGRESS policy)
 * One loaded object serves every pod of a lab; the endpoint is found by the pod's address (ls_lxc) and its
 * policy map by endpoint id (ls_policy). Replies pass through conntrack; new connections get a
 * policy-verdict event, drops a drop event, and connection starts / new TCP flags a trace event. Every packet a
 * policy entry decides is counted against that entry (ls_polstats, what `bpf policy get` shows as PACKETS/BYTES).
 * L7: a TCP packet whose own egress entry, or else whose destination pod's ingress entry, names a proxy port is
 * handed to that port's L7 proxy (bpf/lib/proxy.h) on the DESTINATION's node, as Cilium enforces ingress L7 there:
 * at from_container when the destination is on the client's node, else at the destination node's from_overlay.
 * The ingress proxy's upstream packets (MARK_FROM_PROXY) pass to_container unjudged; the egress proxy's
 * (MARK_FROM_EGRESS_PROXY) are judged there by the destination's ingress policy for the client identity their mark
 * carries.
 * Mutual authentication: an allow entry with an auth_type passes only when ls_auth holds an unexpired entry for the
 * pair (bpf/lib/auth.h); otherwise the packet drops with AUTH_REQUIRED and the agent is signalled to authenticate.
 * to_overlay/from_overlay sit on a multi-node lab's VXLAN device (cilium_vxlan), with the same maps: they trace, carry
 * the source identity in the tunnel key's VNI (set from the ipcache, read into MARK_IDENTITY for to_container), and
 * from_overlay does the ingress L7 redirect for clients on other nodes. While IPsec is on, pod packets between nodes
 * cross the node's ESP device instead, where to_crypto/from_crypto trace them and from_crypto does from_overlay's part.
 * Minimum kernel: 5.8 (ring buffer, LPM trie as inner map). Tested on 6.18.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>
#include "labsite_abi.h"
#include "parse.h"
#include "ipcache.h"
#include "policy.h"
#include "conntrack.h"
#include "events.h"
#include "proxy.h"
#include "auth.h"

/*
 * Whether two ipcache entries are on the same node: their tunnel endpoints (the node's underlay address; 0 in a
 * one-node lab) are equal. Cilium asks its node-local endpoint map; ours holds every node's endpoints.
 */
static __always_inline int same_node(const struct remote_endpoint_info *a, const struct remote_endpoint_info *b)
{
	return (a ? a->tunnel_endpoint : 0) == (b ? b->tunnel_endpoint : 0);
}

/*
 * An L7-policed connection is redirected to the proxy of the destination's node, before it reaches the server's
 * to-container: the destination endpoint's INGRESS policy, looked up with the client's identity, names a proxy
 * port. Cilium does this in the local delivery of the client's from-container for a destination on the same node,
 * and in bpf_overlay's from-overlay for one whose client is on another node. Returns that port (0 = no redirect),
 * or a negative drop reason when that entry requires authentication the pair lacks (the packet never reaches the
 * server's to-container, which would check it); the verdict event is the server's, as REDIRECTED.
 */
static __always_inline int ingress_proxy_port(struct __sk_buff *skb, const struct pkt_info *pkt,
					      const struct endpoint_info *dst, __u32 client_id, __u8 state)
{
	struct policy_hit hit = {};
	void *policy;

	if (pkt->ev.protocol != IPPROTO_TCP || !(dst->flags & EP_F_INGRESS_ENFORCED))
		return 0;
	policy = policy_map_of(dst->lxc_id);
	if (!policy || policy_can_access(policy, client_id, DIR_INGRESS, pkt, &hit) < 0 || !hit.proxy_port)
		return 0; /* denied or plain L4: to-container of the server decides, counts and reports */
	/* The packet goes to the proxy and never reaches the server's to-container: count it for the server here. */
	policy_account(dst->lxc_id, DIR_INGRESS, pkt, &hit);
	if (hit.auth_type) {
		int auth = auth_lookup(dst->sec_id, client_id, ipcache_lookup(pkt->ev.daddr), ipcache_lookup(pkt->ev.saddr),
				       hit.auth_type);

		if (auth < 0) {
			if (state == TRACE_REASON_NEW)
				send_policy_verdict_auth(skb, pkt, dst->lxc_id, DIR_INGRESS, hit.match_type, DROP_AUTH_REQUIRED, 0,
							 hit.auth_type);
			return auth;
		}
	}
	if (state == TRACE_REASON_NEW)
		send_policy_verdict_auth(skb, pkt, dst->lxc_id, DIR_INGRESS, hit.match_type, 0, hit.proxy_port, hit.auth_type);
	return hit.proxy_port;
}

/* The identity packed into a mark (MARK_FROM_EGRESS_PROXY, MARK_IDENTITY; Cilium's layout, see labsite_abi.h). */
static __always_inline __u32 mark_identity(__u32 mark)
{
	return (mark >> 16) | ((mark & 0xFF) << 16);
}

static __always_inline __u32 identity_mark(__u32 identity, __u32 magic)
{
	return ((identity & 0xFFFF) << 16) | ((identity >> 16) & 0xFF) | magic;
}

static __always_inline int handle_lxc(struct __sk_buff *skb, __u8 hook)
{
	struct pkt_info pkt = {};
	struct endpoint_info *ep;
	struct remote_endpoint_info *remote;
	struct ct_entry *ct;
	__u8 dir = hook == TUPLE_F_OUT ? DIR_EGRESS : DIR_INGRESS;
	__u8 point = hook == TUPLE_F_OUT ? TRACE_FROM_LXC : TRACE_TO_LXC;
	__u32 local_id, remote_id;
	struct policy_hit hit = {};
	__u8 fresh;
	__u16 ep_id;
	int l7_port = 0;
	__u8 l7_dir = DIR_EGRESS;
	void *policy;
	int ret, state, enforced;

	ret = parse_ipv4(skb, &pkt);
	if (ret > 0)
		return TC_ACT_OK; /* ARP, IPv6: not ours to judge */

	ep = lookup_endpoint(hook == TUPLE_F_OUT ? pkt.ev.saddr : pkt.ev.daddr);
	if (!ep) {
		/* A pod may only send from its own address: an unknown source leaving a pod is forged. The sender's
		 * endpoint is unknown here (the address was the key), so the event carries endpoint 0. */
		if (hook == TUPLE_F_OUT) {
			send_drop(skb, &pkt, 0, DROP_INVALID_SIP, DIR_EGRESS, 0);
			return TC_ACT_SHOT;
		}
		return TC_ACT_OK;
	}
	ep_id = ep->lxc_id;
	/* Another pod's address from this veth: forged too, and it would borrow that pod's identity and policy. */
	if (hook == TUPLE_F_OUT && ep->ifindex != skb->ifindex) {
		send_drop(skb, &pkt, ep_id, DROP_INVALID_SIP, DIR_EGRESS, 0);
		return TC_ACT_SHOT;
	}
	if (ret < 0) {
		send_drop(skb, &pkt, ep_id, (__u8)-ret, 0xff, 0);
		return TC_ACT_SHOT;
	}

	local_id = ep->sec_id;
	remote = ipcache_lookup(hook == TUPLE_F_OUT ? pkt.ev.daddr : pkt.ev.saddr);
	remote_id = remote ? remote->sec_identity : WORLD_ID;
	/* The underlay carries the nodes' VXLAN: a pod that could reach it could forge outer packets (and inner
	 * sources the receiving node would trust), so nothing from a pod goes there. */
	if (hook == TUPLE_F_OUT && remote && (remote->flags & IPCACHE_F_UNDERLAY)) {
		send_drop(skb, &pkt, ep_id, DROP_UNKNOWN_TARGET, DIR_EGRESS, 0);
		return TC_ACT_SHOT;
	}
	/* From the egress proxy (which connects from the node's address): the peer is the client it speaks for. From
	 * the tunnel: the identity the sending node put in the VNI (the same client, when that node's proxy sent it). */
	if (hook == TUPLE_F_IN && ((skb->mark & MARK_MAGIC_MASK) == MARK_FROM_EGRESS_PROXY ||
				   (skb->mark & MARK_MAGIC_MASK) == MARK_IDENTITY))
		remote_id = mark_identity(skb->mark);
	pkt.ev.src_identity = hook == TUPLE_F_OUT ? local_id : remote_id;
	pkt.ev.dst_identity = hook == TUPLE_F_OUT ? remote_id : local_id;

	state = ct_lookup(&pkt, hook, &ct);
	if (state == TRACE_REASON_REPLY && ct) {
		fresh = ct_update(ct, &pkt, 1);
		if (fresh)
			send_trace(skb, &pkt, ep_id, point, TRACE_REASON_REPLY, EV_F_IS_REPLY_KNOWN | EV_F_IS_REPLY);
		return TC_ACT_OK;
	}

	/* The proxy's own upstream connections: the L7 decision already allowed them; track them for the replies. */
	if (hook == TUPLE_F_IN && skb->mark == MARK_FROM_PROXY)
		goto track;

	policy = policy_map_of(ep_id);
	if (!policy) {
		send_drop(skb, &pkt, ep_id, DROP_EP_NOT_READY, dir, 0);
		return TC_ACT_SHOT;
	}
	/* Policy applies to every packet that is not a reply, so a new deny also stops running connections. */
	ret = policy_can_access(policy, remote_id, dir, &pkt, &hit);
	policy_account(ep_id, dir, &pkt, &hit);
	if (ret == 0 && hit.auth_type)
		ret = auth_lookup(local_id, remote_id, ipcache_lookup(hook == TUPLE_F_OUT ? pkt.ev.saddr : pkt.ev.daddr), remote,
				  hit.auth_type);
	enforced = ep->flags & (dir == DIR_INGRESS ? EP_F_INGRESS_ENFORCED : EP_F_EGRESS_ENFORCED);
	if (state == TRACE_REASON_NEW && enforced)
		send_policy_verdict_auth(skb, &pkt, ep_id, dir, hit.match_type, (__u8)-ret, hit.proxy_port, hit.auth_type);
	if (ret < 0) {
		send_drop(skb, &pkt, ep_id, (__u8)-ret, dir, 0);
		return TC_ACT_SHOT;
	}

	/*
	 * The pod's own egress entry names a proxy port: its egress proxy judges the requests (and, for a destination
	 * on this node, that destination's ingress HTTP rules too). Otherwise the destination's ingress entry may.
	 */
	if (hook == TUPLE_F_OUT) {
		l7_port = hit.proxy_port;
		if (!l7_port) {
			struct endpoint_info *dst = lookup_endpoint(pkt.ev.daddr);

			/* A destination on another node: its node's from_overlay redirects (ls_lxc holds every node's pods). */
			if (dst && same_node(ipcache_lookup(pkt.ev.saddr), remote)) {
				l7_dir = DIR_INGRESS;
				l7_port = ingress_proxy_port(skb, &pkt, dst, local_id, state);
				if (l7_port < 0) {
					send_drop(skb, &pkt, ep_id, (__u8)-l7_port, DIR_INGRESS, 0);
					return TC_ACT_SHOT;
				}
			}
		}
	}
	if (l7_port > 0) {
		ret = proxy_redirect(skb, &pkt, (__u16)l7_port);
		if (ret < 0) {
			send_drop(skb, &pkt, ep_id, (__u8)-ret, l7_dir, 0);
			return TC_ACT_SHOT;
		}
	}

track:
	if (state == TRACE_REASON_NEW || !ct) {
		ct_create(&pkt, hook, pkt.ev.src_identity);
		send_trace(skb, &pkt, ep_id, point, TRACE_REASON_NEW, EV_F_IS_REPLY_KNOWN);
	} else {
		fresh = ct_update(ct, &pkt, 0);
		if (fresh)
			send_trace(skb, &pkt, ep_id, point, TRACE_REASON_ESTABLISHED, EV_F_IS_REPLY_KNOWN);
	}
	return TC_ACT_OK;
}

/*
 * tc on a node's cilium_vxlan, where Cilium's bpf_overlay reports the same points: egress sees the inner packet
 * before encapsulation (to-overlay), ingress after decapsulation (from-overlay). They trace as Cilium's monitor
 * aggregation does: connection starts and ends (SYN, FIN, RST) and every non-TCP packet. The event's endpoint is
 * the local pod the packet leaves or reaches, which also names the node in the flow.
 * With IPsec on, the same tracing runs on the node's ESP device (an L3 TUN, no Ethernet header): egress is what
 * the node hands to encryption (to-crypto), ingress what it decrypted (from-crypto), as Cilium reports its crypto
 * device. The ESP packets themselves then cross cilium_vxlan; they carry nothing to aggregate and are not traced.
 */
static __always_inline void trace_overlay(struct __sk_buff *skb, struct pkt_info *pkt, const struct endpoint_info *ep,
					  __u8 point)
{
	if (pkt->ev.protocol == IPPROTO_ESP)
		return;
	if (pkt->ev.protocol == IPPROTO_TCP && !(pkt->ev.tcp_flags & (0x01 | 0x02 | 0x04) /* FIN, SYN, RST */))
		return;
	send_trace(skb, pkt, ep ? ep->lxc_id : 0, point, TRACE_REASON_UNKNOWN, 0);
}

/*
 * Encapsulation, as Cilium's tunnel (cilium_vxlan in collect-metadata mode): the tunnel key names the destination's
 * node (the ipcache's tunnel endpoint: the pod's /32, else its node's pod range) and carries the source's security
 * identity as the VNI, so the receiving node need not guess it from the source address. An egress proxy's upstream
 * speaks for the client in its mark. A destination with no tunnel endpoint cannot be sent (no VTEP to default to).
 */
SEC("tc")
int to_overlay(struct __sk_buff *skb)
{
	struct bpf_tunnel_key key = {};
	struct remote_endpoint_info *dst;
	struct pkt_info pkt = {};

	if (parse_ipv4(skb, &pkt) != 0)
		return TC_ACT_SHOT; /* only IPv4 is tunnelled (IPv6 neighbour discovery has no VTEP to go to) */
	pkt.ev.src_identity = (skb->mark & MARK_MAGIC_MASK) == MARK_FROM_EGRESS_PROXY ? mark_identity(skb->mark)
										: ipcache_identity(pkt.ev.saddr);
	dst = ipcache_lookup(pkt.ev.daddr);
	pkt.ev.dst_identity = dst ? dst->sec_identity : WORLD_ID;
	if (!dst || !dst->tunnel_endpoint) {
		send_drop(skb, &pkt, 0, DROP_NO_TUNNEL_ENDPOINT, 0xff, 0);
		return TC_ACT_SHOT;
	}
	trace_overlay(skb, &pkt, lookup_endpoint(pkt.ev.saddr), TRACE_TO_OVERLAY);
	key.remote_ipv4 = bpf_ntohl(dst->tunnel_endpoint);
	key.tunnel_id = pkt.ev.src_identity;
	key.tunnel_ttl = 64;
	if (bpf_skb_set_tunnel_key(skb, &key, sizeof(key), BPF_F_ZERO_CSUM_TX) < 0) {
		send_drop(skb, &pkt, 0, DROP_NO_TUNNEL_ENDPOINT, 0xff, 0);
		return TC_ACT_SHOT;
	}
	return TC_ACT_OK;
}

/*
 * Arrived through the tunnel for a pod of this node (routing sent it here). The client's identity is the VNI's (the
 * sending node's word; pods cannot reach the underlay to forge one), else the ipcache's; it travels on to
 * to_container in the mark. L3/L4 policy is the pod's to_container's; here only the pod's INGRESS L7 redirect happens,
 * for a client on another node, into this node's proxy (tc ingress, where bpf_sk_assign works). A node address that
 * speaks for another identity is a proxy's upstream, whose listener applied these HTTP rules already. A redirected
 * connection's packets never reach to_container, so its conntrack entry is made here, where the verdict is sent once.
 */
static __always_inline int arrive_from_node(struct __sk_buff *skb, struct pkt_info *pkt, struct endpoint_info *ep,
					    __u32 by_address, __u8 point)
{
	struct ct_entry *ct;
	int port, state, ret;

	trace_overlay(skb, pkt, ep, point);
	skb->mark = identity_mark(pkt->ev.src_identity, MARK_IDENTITY);
	if (!ep || pkt->ev.protocol != IPPROTO_TCP)
		return TC_ACT_OK;
	if ((by_address == HOST_ID || by_address == REMOTE_NODE_ID) && pkt->ev.src_identity != by_address)
		return TC_ACT_OK;

	state = ct_lookup(pkt, TUPLE_F_IN, &ct);
	if (state == TRACE_REASON_REPLY)
		return TC_ACT_OK; /* a reply to this node's client: its to_container passes it */
	port = ingress_proxy_port(skb, pkt, ep, pkt->ev.src_identity, state);
	if (port == 0)
		return TC_ACT_OK; /* no L7 rule for this client: to_container judges at L3/L4 */
	ret = port < 0 ? port : proxy_redirect(skb, pkt, (__u16)port);
	if (ret < 0) {
		send_drop(skb, pkt, ep->lxc_id, (__u8)-ret, DIR_INGRESS, 0);
		return TC_ACT_SHOT;
	}
	if (ct)
		ct_update(ct, pkt, 0);
	else
		ct_create(pkt, TUPLE_F_IN, pkt->ev.src_identity);
	return TC_ACT_OK;
}

SEC("tc")
int from_overlay(struct __sk_buff *skb)
{
	struct bpf_tunnel_key key = {};
	struct pkt_info pkt = {};
	__u32 by_address;

	if (parse_ipv4(skb, &pkt) != 0)
		return TC_ACT_OK;
	by_address = ipcache_identity(pkt.ev.saddr);
	pkt.ev.src_identity = by_address;
	/* A sender's own host identity means host only where the ipcache agrees (the lab's first node); another cluster's
	 * node claiming it is that cluster's node, remote-node here (Cilium presents a remote host as remote-node). */
	if (bpf_skb_get_tunnel_key(skb, &key, sizeof(key), 0) == 0 && key.tunnel_id && key.tunnel_id != HOST_ID)
		pkt.ev.src_identity = key.tunnel_id;
	pkt.ev.dst_identity = ipcache_identity(pkt.ev.daddr);
	return arrive_from_node(skb, &pkt, lookup_endpoint(pkt.ev.daddr), by_address, TRACE_FROM_OVERLAY);
}

/* Handed to the node's IPsec (the ESP device's egress): traced only; ESP then crosses the tunnel between the nodes. */
SEC("tc")
int to_crypto(struct __sk_buff *skb)
{
	struct pkt_info pkt = {};

	if (parse_ipv4_at(skb, &pkt, 0) != 0)
		return TC_ACT_OK;
	pkt.ev.src_identity = (skb->mark & MARK_MAGIC_MASK) == MARK_FROM_EGRESS_PROXY ? mark_identity(skb->mark)
										: ipcache_identity(pkt.ev.saddr);
	pkt.ev.dst_identity = ipcache_identity(pkt.ev.daddr);
	trace_overlay(skb, &pkt, lookup_endpoint(pkt.ev.saddr), TRACE_TO_CRYPTO);
	return TC_ACT_OK;
}

/*
 * Decrypted by the node's IPsec (the ESP device's ingress): from_overlay's part for a packet from another node, with
 * the identity from the ipcache (the ESP packet's VNI named the sending node's, not the pod's).
 */
SEC("tc")
int from_crypto(struct __sk_buff *skb)
{
	struct pkt_info pkt = {};
	__u32 by_address;

	if (parse_ipv4_at(skb, &pkt, 0) != 0)
		return TC_ACT_OK;
	by_address = ipcache_identity(pkt.ev.saddr);
	pkt.ev.src_identity = by_address;
	pkt.ev.dst_identity = ipcache_identity(pkt.ev.daddr);
	return arrive_from_node(skb, &pkt, lookup_endpoint(pkt.ev.daddr), by_address, TRACE_FROM_CRYPTO);
}

SEC("tc")
int from_container(struct __sk_buff *skb)
{
	return handle_lxc(skb, TUPLE_F_OUT);
}

SEC("tc")
int to_container(struct __sk_buff *skb)
{
	return handle_lxc(skb, TUPLE_F_IN);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
