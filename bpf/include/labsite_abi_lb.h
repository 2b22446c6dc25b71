// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Load-balancer ABI: every struct the socket-LB maps share with user space.
 * Mirrored in C# by src/LabSite.Clusters.Netns/Bpf/Abi/Lb4*.cs and checked against this object's BTF
 * by tests/LabSite.Clusters.Netns.Tests/Bpf/Abi/AbiLayoutTests.cs. Shapes follow Cilium's lb4_* structs
 * (bpf/lib/common.h) so `cilium-dbg bpf lb list` style dumps read naturally.
 * Fixed-width fields, explicit padding, no bitfields; one _Static_assert per size.
 */
#ifndef LABSITE_ABI_LB_H
#define LABSITE_ABI_LB_H

#include <linux/types.h>

/* Key of ls_lb4_services. backend_slot 0 is the service (frontend) entry; 1..count are its backends. */
struct lb4_key {
	__be32 address;      /* ClusterIP, network order */
	__be16 dport;        /* service port, network order */
	__u16 backend_slot;  /* 0 = frontend, n = n-th backend */
	__u8 proto;          /* IPPROTO_TCP / IPPROTO_UDP */
	__u8 scope;          /* always 0 (external) here; kept for Cilium's shape */
	__u8 pad[2];
};
_Static_assert(sizeof(struct lb4_key) == 12, "lb4_key size");

/* Value of ls_lb4_services. For the frontend: count backends; for a slot: backend_id. */
struct lb4_service {
	__u32 backend_id;
	__u16 count;
	__u16 rev_nat_index;
	__u8 flags;
	__u8 flags2;
	__u16 qcount;
};
_Static_assert(sizeof(struct lb4_service) == 12, "lb4_service size");

/* Value of ls_lb4_backends (key: __u32 backend id, from 1). */
struct lb4_backend {
	__be32 address;
	__be16 port;
	__u8 proto;
	__u8 flags;
	__u16 cluster_id;
	__u8 zone;
	__u8 pad;
};
_Static_assert(sizeof(struct lb4_backend) == 12, "lb4_backend size");

/* Value of ls_lb4_reverse_nat (key: __u16 rev_nat_index): the frontend a reply must appear from. */
struct lb4_reverse_nat {
	__be32 address;
	__be16 port;
	__u16 pad;
};
_Static_assert(sizeof(struct lb4_reverse_nat) == 8, "lb4_reverse_nat size");

/* Key of ls_lb4_rev_sk: which backend a socket was sent to, so recvmsg/getpeername show the frontend. */
struct lb4_rev_sk_key {
	__u64 cookie;
	__be32 address;
	__be16 port;
	__u16 pad;
};
_Static_assert(sizeof(struct lb4_rev_sk_key) == 16, "lb4_rev_sk_key size");

struct lb4_rev_sk_value {
	__be32 address;
	__be16 port;
	__u16 rev_nat_index;
};
_Static_assert(sizeof(struct lb4_rev_sk_value) == 8, "lb4_rev_sk_value size");

#endif /* LABSITE_ABI_LB_H */
