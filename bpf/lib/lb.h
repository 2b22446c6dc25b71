// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Socket load balancing for ClusterIP services (Cilium's socket-LB idea).
 *
 * API:
 *   lb4_lookup_service(addr, port, proto)   frontend entry or NULL
 *   lb4_select_backend(key, svc)            random backend among svc->count slots, or NULL
 *   lb4_remember_socket(cookie, be, revnat) record backend -> frontend for replies (UDP)
 *   lb4_lookup_socket(cookie, addr, port)   the frontend a socket's peer stands for, or NULL
 *
 * Maps (pinned per lab by the agent; the kernel keeps 15 characters of a name):
 *   ls_lb4_services   lb4_key -> lb4_service   frontends (slot 0) and their backend slots
 *   ls_lb4_backends   __u32   -> lb4_backend   backend addresses
 *   ls_lb4_reverse_nat __u16  -> lb4_reverse_nat
 *   ls_lb4_rev_sk     lb4_rev_sk_key -> lb4_rev_sk_value (LRU)
 */
#ifndef LABSITE_LB_H
#define LABSITE_LB_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "labsite_abi_lb.h"

/* Sized for a lab (tens of services, not thousands): hash maps preallocate, and memory per lab counts. */
#define LB4_SERVICES_MAX 1024
#define LB4_BACKENDS_MAX 1024

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct lb4_key);
	__type(value, struct lb4_service);
	__uint(max_entries, LB4_SERVICES_MAX);
} ls_lb4_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct lb4_backend);
	__uint(max_entries, LB4_BACKENDS_MAX);
} ls_lb4_backends SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u16);
	__type(value, struct lb4_reverse_nat);
	__uint(max_entries, LB4_SERVICES_MAX);
} ls_lb4_reverse_nat SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, struct lb4_rev_sk_key);
	__type(value, struct lb4_rev_sk_value);
	__uint(max_entries, 4096);
} ls_lb4_rev_sk SEC(".maps");

static __always_inline struct lb4_service *
lb4_lookup_service(__be32 addr, __be16 port, __u8 proto)
{
	struct lb4_key key = {
		.address = addr,
		.dport = port,
		.backend_slot = 0,
		.proto = proto,
	};

	return bpf_map_lookup_elem(&ls_lb4_services, &key);
}

/* Picks a slot uniformly at random, as Cilium's random selection does; NULL when no backend is ready. */
static __always_inline struct lb4_backend *
lb4_select_backend(__be32 addr, __be16 port, __u8 proto, const struct lb4_service *svc)
{
	struct lb4_key key = {
		.address = addr,
		.dport = port,
		.proto = proto,
	};
	struct lb4_service *slot;

	if (svc->count == 0)
		return NULL;
	key.backend_slot = (bpf_get_prandom_u32() % svc->count) + 1;
	slot = bpf_map_lookup_elem(&ls_lb4_services, &key);
	if (!slot)
		return NULL;
	return bpf_map_lookup_elem(&ls_lb4_backends, &slot->backend_id);
}

static __always_inline void
lb4_remember_socket(__u64 cookie, const struct lb4_backend *be, __be32 frontend_addr,
		    __be16 frontend_port, __u16 rev_nat_index)
{
	struct lb4_rev_sk_key key = {
		.cookie = cookie,
		.address = be->address,
		.port = be->port,
	};
	struct lb4_rev_sk_value value = {
		.address = frontend_addr,
		.port = frontend_port,
		.rev_nat_index = rev_nat_index,
	};

	bpf_map_update_elem(&ls_lb4_rev_sk, &key, &value, BPF_ANY);
}

static __always_inline struct lb4_rev_sk_value *
lb4_lookup_socket(__u64 cookie, __be32 addr, __be16 port)
{
	struct lb4_rev_sk_key key = {
		.cookie = cookie,
		.address = addr,
		.port = port,
	};

	return bpf_map_lookup_elem(&ls_lb4_rev_sk, &key);
}

#endif /* LABSITE_LB_H */
