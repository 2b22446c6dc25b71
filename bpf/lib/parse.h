// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Packet parsing for the lxc programs.
 *
 * API:
 *   parse_ipv4(skb, pkt)  fills *pkt from an Ethernet+IPv4 packet; returns 0, 1 when the packet is not IPv4
 *                         (callers pass it untouched), or a negative DROP_* code for a truncated header.
 *   parse_ipv4_at(skb, pkt, l3off)  the same with the IPv4 header at l3off (0 on an L3 device such as a TUN).
 * Reads with bpf_skb_load_bytes, so non-linear skbs are fine and the verifier needs no packet bounds.
 */
#ifndef LABSITE_PARSE_H
#define LABSITE_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "labsite_abi.h"

struct pkt_info {
	struct event_pkt ev;  /* addresses, ports, protocol, flags as events carry them */
	__be16 policy_port;   /* what the policy key's dport holds: the L4 port, or the ICMP type */
	__u16 pad;
	__u32 len;
};

static __always_inline int parse_ipv4_at(struct __sk_buff *skb, struct pkt_info *pkt, __u32 l3off)
{
	struct iphdr ip;
	__u32 l4off;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 1;
	if (bpf_skb_load_bytes(skb, l3off, &ip, sizeof(ip)) < 0)
		return -DROP_INVALID;
	if (ip.ihl < 5)
		return -DROP_INVALID;
	pkt->ev.saddr = ip.saddr;
	pkt->ev.daddr = ip.daddr;
	pkt->ev.protocol = ip.protocol;
	pkt->len = skb->len;
	l4off = l3off + ip.ihl * 4;
	/* Later fragments carry no L4 header: policy sees port 0 for them. */
	if (ip.frag_off & bpf_htons(0x1fff))
		return 0;
	switch (ip.protocol) {
	case IPPROTO_TCP: {
		__u8 hdr[14];

		if (bpf_skb_load_bytes(skb, l4off, hdr, sizeof(hdr)) < 0)
			return -DROP_CT_INVALID_HDR;
		__builtin_memcpy(&pkt->ev.sport, &hdr[0], 2);
		__builtin_memcpy(&pkt->ev.dport, &hdr[2], 2);
		pkt->ev.tcp_flags = hdr[13];
		pkt->policy_port = pkt->ev.dport;
		break;
	}
	case IPPROTO_UDP:
	case IPPROTO_SCTP: {
		__u8 hdr[4];

		if (bpf_skb_load_bytes(skb, l4off, hdr, sizeof(hdr)) < 0)
			return -DROP_CT_INVALID_HDR;
		__builtin_memcpy(&pkt->ev.sport, &hdr[0], 2);
		__builtin_memcpy(&pkt->ev.dport, &hdr[2], 2);
		pkt->policy_port = pkt->ev.dport;
		break;
	}
	case IPPROTO_ICMP: {
		__u8 hdr[6];

		if (bpf_skb_load_bytes(skb, l4off, hdr, sizeof(hdr)) < 0)
			return -DROP_CT_INVALID_HDR;
		pkt->ev.icmp_type = hdr[0];
		pkt->ev.icmp_code = hdr[1];
		/* Echo request/reply ids pair a request with its reply in conntrack, like ports. */
		__builtin_memcpy(&pkt->ev.sport, &hdr[4], 2);
		pkt->policy_port = bpf_htons(hdr[0]);
		break;
	}
	default:
		break;
	}
	return 0;
}

static __always_inline int parse_ipv4(struct __sk_buff *skb, struct pkt_info *pkt)
{
	return parse_ipv4_at(skb, pkt, ETH_HLEN);
}

#endif /* LABSITE_PARSE_H */
