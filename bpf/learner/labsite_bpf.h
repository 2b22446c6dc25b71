/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * labsite_bpf.h: everything a learner's tc program needs, and nothing of the host's headers (the lab shell's clang
 * runs with -nostdinc and sees only this folder). Written for LabSite from the kernel's UAPI numbers: fixed-width
 * types, SEC(), BTF map definitions, the context of a tc program, tc verdicts, and the helpers LabSite's loader
 * allows. Any other helper is refused at `bpf load`, even when declared by hand.
 */
#ifndef LABSITE_BPF_H
#define LABSITE_BPF_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;

#define NULL ((void *)0)

/* Puts a function or variable in an ELF section: SEC("tc") for a tc program, SEC(".maps") for maps. */
#define SEC(name) __attribute__((section(name), used))
#define __always_inline inline __attribute__((always_inline))

/* BTF map definitions, read by the loader from the object's type information (compile with -g; the lab shell adds it). */
#define __uint(name, val) int (*name)[val]
#define __type(name, val) __typeof__(val) *name

/* The map types the loader accepts. */
#define BPF_MAP_TYPE_HASH 1
#define BPF_MAP_TYPE_ARRAY 2
#define BPF_MAP_TYPE_PERCPU_ARRAY 6

/* bpf_map_update_elem flags. */
#define BPF_ANY 0
#define BPF_NOEXIST 1
#define BPF_EXIST 2

/* tc verdicts: UNSPEC hands the packet to the next program, OK lets it go on, SHOT drops it. */
#define TC_ACT_UNSPEC (-1)
#define TC_ACT_OK 0
#define TC_ACT_SHOT 2

#define ETH_P_IP 0x0800
#define ETH_P_IPV6 0x86DD
#define ETH_HLEN 14

/* The program is little-endian BPF (-target bpf on x86 and arm64): network order is big-endian. */
#define bpf_htons(x) __builtin_bswap16(x)
#define bpf_ntohs(x) __builtin_bswap16(x)
#define bpf_htonl(x) __builtin_bswap32(x)
#define bpf_ntohl(x) __builtin_bswap32(x)

/* The context of a tc program, as the kernel lays it out (only the leading fields; the verifier checks each access). */
struct __sk_buff {
	__u32 len;
	__u32 pkt_type;
	__u32 mark;
	__u32 queue_mapping;
	__u32 protocol;
	__u32 vlan_present;
	__u32 vlan_tci;
	__u32 vlan_proto;
	__u32 priority;
	__u32 ingress_ifindex;
	__u32 ifindex;
	__u32 tc_index;
	__u32 cb[5];
	__u32 hash;
	__u32 tc_classid;
	__u32 data;
	__u32 data_end;
};

/* The allowed helpers, by their kernel numbers. */
static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static long (*bpf_map_update_elem)(void *map, const void *key, const void *value, __u64 flags) = (void *)2;
static long (*bpf_map_delete_elem)(void *map, const void *key) = (void *)3;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static __u32 (*bpf_get_prandom_u32)(void) = (void *)7;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *)8;
static long (*bpf_skb_load_bytes)(const struct __sk_buff *skb, __u32 offset, void *to, __u32 len) = (void *)26;
static __u32 (*bpf_get_hash_recalc)(struct __sk_buff *skb) = (void *)34;
static long (*bpf_skb_load_bytes_relative)(const struct __sk_buff *skb, __u32 offset, void *to, __u32 len, __u32 start_header) = (void *)68;
static __u64 (*bpf_ktime_get_boot_ns)(void) = (void *)125;

/* start_header of bpf_skb_load_bytes_relative. */
#define BPF_HDR_START_MAC 0
#define BPF_HDR_START_NET 1

#endif
