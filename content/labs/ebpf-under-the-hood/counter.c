// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Counts the IPv4 packets that reach the Death Star, by IP protocol (6 TCP, 17 UDP, 1 ICMP).
 * Attached to the tc ingress hook of the pod's eth0 with: bpf load counter.o --pod deploy/deathstar
 *
 * The kernel's verifier refuses this program as it is. Load it, read its log, and fix it.
 */
#include "labsite_bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);   /* the IP protocol number */
	__type(value, __u64); /* packets seen */
} by_protocol SEC(".maps");

SEC("tc")
int count_packets(struct __sk_buff *skb)
{
	__u8 proto = 0;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	/* The protocol is byte 9 of the IPv4 header, which follows the 14-byte Ethernet header. */
	if (bpf_skb_load_bytes(skb, ETH_HLEN + 9, &proto, 1) < 0)
		return TC_ACT_OK;

	__u32 key = proto;
	__u64 *count = bpf_map_lookup_elem(&by_protocol, &key);
	*count += 1;

	/* Let the packet go on: counting never changes what the pod receives. */
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
