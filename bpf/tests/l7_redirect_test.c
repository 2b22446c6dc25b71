// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Test-only L7 redirect, used by TransparentProxyPrivilegedTests (not built into the datapath).
 *
 * Attached at tc ingress of a node-side veth, it steers TCP segments for port 80 into the L7 proxy the way
 * Cilium steers them into Envoy: first the established socket of the 4-tuple (the proxy's transparent
 * accepted socket), else the proxy's listener bound to 0.0.0.0:PROXY_PORT with IP_TRANSPARENT; then
 * bpf_sk_assign and a mark. The node routes marked packets locally (ip rule fwmark REDIRECT_MARK lookup
 * <table>; ip route add local 0.0.0.0/0 dev lo table <table>), so the accepted socket keeps the original
 * destination as its local address. Packets it cannot parse pass untouched.
 *
 * Build: clang -O2 -target bpf -DPROXY_PORT=<port> -c l7_redirect_test.c (the test does this).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#ifndef PROXY_PORT
#error "define PROXY_PORT"
#endif

#define REDIRECT_PORT 80
#define REDIRECT_MARK 0x200

SEC("tc")
int l7_redirect(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	struct bpf_sock_tuple tuple = {};
	struct bpf_sock *sk;
	struct iphdr *ip;
	struct tcphdr *tcp;
	long err;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	ip = (void *)(eth + 1);
	/* Options would move the TCP header; the test's traffic has none. */
	if ((void *)(ip + 1) > end || ip->protocol != IPPROTO_TCP || ip->ihl != 5)
		return TC_ACT_OK;
	tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > end || tcp->dest != bpf_htons(REDIRECT_PORT))
		return TC_ACT_OK;

	tuple.ipv4.saddr = ip->saddr;
	tuple.ipv4.daddr = ip->daddr;
	tuple.ipv4.sport = tcp->source;
	tuple.ipv4.dport = tcp->dest;
	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (sk && sk->state != BPF_TCP_LISTEN)
		goto assign;
	if (sk)
		bpf_sk_release(sk);

	/* No connection yet: the proxy's listener, found by its own port. */
	tuple.ipv4.dport = bpf_htons(PROXY_PORT);
	sk = bpf_skc_lookup_tcp(skb, &tuple, sizeof(tuple.ipv4), BPF_F_CURRENT_NETNS, 0);
	if (!sk)
		return TC_ACT_SHOT;
	if (sk->state != BPF_TCP_LISTEN) {
		bpf_sk_release(sk);
		return TC_ACT_SHOT;
	}

assign:
	err = bpf_sk_assign(skb, sk, 0);
	bpf_sk_release(sk);
	if (err)
		return TC_ACT_SHOT;
	skb->mark = REDIRECT_MARK;
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
