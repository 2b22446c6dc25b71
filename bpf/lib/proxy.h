// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Redirect into the lab's L7 proxy, as Cilium steers HTTP-policed connections into Envoy.
 *
 * API:
 *   proxy_redirect(skb, pkt, proxy_port)  0 when the packet now belongs to the proxy's socket (and carries
 *                                         MARK_TO_PROXY), else -DROP_PROXY_LOOKUP (no proxy listening)
 *
 * The packet keeps its addresses: bpf_sk_assign hands it to the proxy's accepted socket for the 4-tuple, or,
 * before that exists, to the transparent listener on proxy_port. The node routes MARK_TO_PROXY locally
 * (ip rule fwmark MARK_TO_PROXY lookup <table>; local 0.0.0.0/0 dev lo in it), so the accepted socket's local
 * address is the original destination, which the proxy connects to.
 */
#ifndef LABSITE_PROXY_H
#define LABSITE_PROXY_H

#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include "labsite_abi.h"
#include "parse.h"

static __always_inline int proxy_redirect(struct __sk_buff *skb, const struct pkt_info *pkt, __u16 proxy_port)
{
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	long err;

	tuple.ipv4.saddr = pkt->ev.saddr;
	tuple.ipv4.daddr = pkt->ev.daddr;
	tuple.ipv4.sport = pkt->ev.sport;
	tuple.ipv4.dport = pkt->ev.dport;
	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk && sk->state != BPF_TCP_LISTEN)
		goto assign;
	if (sk)
		bpf_sk_release(sk);

	tuple.ipv4.dport = bpf_htons(proxy_port);
	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return -DROP_PROXY_LOOKUP;
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		return -DROP_PROXY_LOOKUP;
	}

assign:
	err = bpf_sk_assign(skb, sk, 0);
	bpf_sk_release(sk);
	if (err)
		return -DROP_PROXY_LOOKUP;
	skb->mark = MARK_TO_PROXY;
	return 0;
}

#endif /* LABSITE_PROXY_H */
