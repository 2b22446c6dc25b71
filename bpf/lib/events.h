// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Monitor events for Hubble-style flows, written to a ring buffer.
 *
 * API:
 *   send_drop(skb, pkt, ep_id, reason, dir, reply_flags)
 *   send_trace(skb, pkt, ep_id, point, reason, reply_flags)
 *   send_policy_verdict(skb, pkt, ep_id, dir, match_type, drop_reason, proxy_port)  (reason 0 = allowed)
 *   send_policy_verdict_auth(..., auth_type)  the same, for an entry that requires authentication
 * Each returns nothing: when the ring is full the event is skipped (the agent counts lost events from
 * the gaps), never the packet.
 *
 * Map: ls_events  BPF_MAP_TYPE_RINGBUF (Cilium uses a perf ring, cilium_events)
 */
#ifndef LABSITE_EVENTS_H
#define LABSITE_EVENTS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "labsite_abi.h"
#include "parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} ls_events SEC(".maps");

/*
 * Events live only on the stack, and clang emits BTF only for types that globals or maps use: this read-only
 * anchor puts the event structs in the object's BTF, where the agent's ABI layout test checks them.
 */
struct event_abi_anchor {
	struct drop_event drop;
	struct trace_event trace;
	struct policy_verdict_event verdict;
};
const volatile struct event_abi_anchor ls_event_abi = {};

static __always_inline void fill_hdr(struct event_hdr *h, struct __sk_buff *skb, const struct pkt_info *pkt,
				     __u8 type, __u8 subtype, __u16 ep_id, __u8 flags, __u16 len)
{
	h->type = type;
	h->subtype = subtype;
	h->version = EVENT_VERSION;
	h->flags = flags;
	h->endpoint_id = ep_id;
	h->len = len;
	h->ifindex = skb->ifindex;
	h->pkt_len = pkt->len;
	h->ktime_ns = bpf_ktime_get_ns();
}

static __always_inline void send_drop(struct __sk_buff *skb, const struct pkt_info *pkt, __u16 ep_id,
				      __u8 reason, __u8 dir, __u8 reply_flags)
{
	struct drop_event ev = {};

	fill_hdr(&ev.hdr, skb, pkt, EVENT_DROP, reason, ep_id, reply_flags, sizeof(ev));
	ev.pkt = pkt->ev;
	ev.direction = dir;
	bpf_ringbuf_output(&ls_events, &ev, sizeof(ev), 0);
}

static __always_inline void send_trace(struct __sk_buff *skb, const struct pkt_info *pkt, __u16 ep_id,
				       __u8 point, __u8 reason, __u8 reply_flags)
{
	struct trace_event ev = {};

	fill_hdr(&ev.hdr, skb, pkt, EVENT_TRACE, point, ep_id, reply_flags, sizeof(ev));
	ev.pkt = pkt->ev;
	ev.reason = reason;
	bpf_ringbuf_output(&ls_events, &ev, sizeof(ev), 0);
}

static __always_inline void send_policy_verdict_auth(struct __sk_buff *skb, const struct pkt_info *pkt, __u16 ep_id,
						     __u8 dir, __u8 match_type, __u8 drop_reason, __u16 proxy_port,
						     __u8 auth_type)
{
	struct policy_verdict_event ev = {};

	ev.auth_type = auth_type;

	fill_hdr(&ev.hdr, skb, pkt, EVENT_POLICY_VERDICT, 0, ep_id, 0, sizeof(ev));
	ev.pkt = pkt->ev;
	ev.direction = dir;
	ev.match_type = match_type;
	ev.allowed = drop_reason == 0;
	ev.drop_reason = drop_reason;
	ev.proxy_port = proxy_port;
	bpf_ringbuf_output(&ls_events, &ev, sizeof(ev), 0);
}

static __always_inline void send_policy_verdict(struct __sk_buff *skb, const struct pkt_info *pkt, __u16 ep_id,
						__u8 dir, __u8 match_type, __u8 drop_reason, __u16 proxy_port)
{
	send_policy_verdict_auth(skb, pkt, ep_id, dir, match_type, drop_reason, proxy_port, 0);
}

#endif /* LABSITE_EVENTS_H */
