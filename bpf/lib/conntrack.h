// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Connection tracking, so replies pass whatever the policy says and monitor events can be aggregated.
 *
 * API:
 *   ct_lookup(pkt, hook, &entry)  TRACE_REASON_NEW, _ESTABLISHED (this hook created an entry for the tuple)
 *                                 or _REPLY (the reverse tuple has an entry made at the other hook);
 *                                 *entry points at the entry found (NULL for NEW)
 *   ct_create(pkt, hook, src_id)  records a new connection at this hook
 *   ct_update(entry, pkt, reply)  counts the packet; returns the TCP flags not seen before in its direction
 *
 * Each hook keys its entries with its own TUPLE_F_* flag: from-container (OUT) creates on a pod's egress,
 * to-container (IN) on a pod's ingress. A reply through hook H is the reverse tuple created at the other
 * hook: the client's OUT entry for replies into the client, the server's IN entry for replies out of it.
 *
 * Map: ls_ct4  ipv4_ct_tuple -> ct_entry (LRU: old connections age out under pressure)
 */
#ifndef LABSITE_CONNTRACK_H
#define LABSITE_CONNTRACK_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "labsite_abi.h"
#include "parse.h"

#define TCP_FLAG_FIN 0x01
#define TCP_FLAG_SYN 0x02
#define TCP_FLAG_RST 0x04

/* An LRU hash preallocates every entry (about 112 bytes each), and every lab pays for its own map: 16384 entries
 * (1.75 MiB) is far more than a lab's few pods keep open, and the least recently used entry is evicted first. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct ipv4_ct_tuple);
	__type(value, struct ct_entry);
	__uint(max_entries, 16384);
} ls_ct4 SEC(".maps");

static __always_inline void ct_tuple(const struct pkt_info *pkt, __u8 flags, int reverse, struct ipv4_ct_tuple *t)
{
	t->nexthdr = pkt->ev.protocol;
	t->flags = flags;
	t->pad = 0;
	if (!reverse) {
		t->saddr = pkt->ev.saddr;
		t->daddr = pkt->ev.daddr;
		t->sport = pkt->ev.sport;
		t->dport = pkt->ev.dport;
	} else {
		t->saddr = pkt->ev.daddr;
		t->daddr = pkt->ev.saddr;
		t->sport = pkt->ev.dport;
		t->dport = pkt->ev.sport;
	}
	/* An ICMP echo reply answers the request with the same id: key both on the id only. */
	if (pkt->ev.protocol == IPPROTO_ICMP) {
		t->sport = pkt->ev.sport;
		t->dport = 0;
	}
}

static __always_inline int ct_lookup(const struct pkt_info *pkt, __u8 hook, struct ct_entry **entry)
{
	struct ipv4_ct_tuple t;

	ct_tuple(pkt, hook, 0, &t);
	*entry = bpf_map_lookup_elem(&ls_ct4, &t);
	if (*entry)
		return TRACE_REASON_ESTABLISHED;
	ct_tuple(pkt, hook == TUPLE_F_OUT ? TUPLE_F_IN : TUPLE_F_OUT, 1, &t);
	*entry = bpf_map_lookup_elem(&ls_ct4, &t);
	if (*entry)
		return TRACE_REASON_REPLY;
	return TRACE_REASON_NEW;
}

static __always_inline void ct_create(const struct pkt_info *pkt, __u8 hook, __u32 src_id)
{
	struct ipv4_ct_tuple t;
	struct ct_entry e = {
		.packets = 1,
		.bytes = pkt->len,
		.lifetime = (__u32)(bpf_ktime_get_ns() / 1000000000ULL),
		.tx_flags_seen = pkt->ev.tcp_flags,
		.src_sec_id = src_id,
	};

	ct_tuple(pkt, hook, 0, &t);
	bpf_map_update_elem(&ls_ct4, &t, &e, BPF_ANY);
}

static __always_inline __u8 ct_update(struct ct_entry *e, const struct pkt_info *pkt, int reply)
{
	__u8 seen = reply ? e->rx_flags_seen : e->tx_flags_seen;
	__u8 fresh = pkt->ev.tcp_flags & ~seen;

	__sync_fetch_and_add(&e->packets, 1);
	__sync_fetch_and_add(&e->bytes, pkt->len);
	e->lifetime = (__u32)(bpf_ktime_get_ns() / 1000000000ULL);
	if (reply)
		e->rx_flags_seen = seen | pkt->ev.tcp_flags;
	else
		e->tx_flags_seen = seen | pkt->ev.tcp_flags;
	if (pkt->ev.tcp_flags & ~TCP_FLAG_SYN)
		e->flags |= CT_F_SEEN_NON_SYN;
	if (pkt->ev.tcp_flags & (TCP_FLAG_FIN | TCP_FLAG_RST))
		e->flags |= reply ? CT_F_RX_CLOSING : CT_F_TX_CLOSING;
	return fresh;
}

#endif /* LABSITE_CONNTRACK_H */
