// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * IP → security identity, and the local endpoints.
 *
 * API:
 *   ipcache_lookup(ip)     the longest matching prefix's entry (identity, tunnel endpoint, flags), or NULL
 *   ipcache_identity(ip)   identity of the longest matching prefix; WORLD_ID (2) when nothing matches
 *   lookup_endpoint(ip)    this node's endpoint with that address, or NULL
 *
 * Maps (pinned per lab):
 *   ls_ipcache  ipcache_key -> remote_endpoint_info  LPM trie: pods /32, node addresses, policy CIDRs, 0.0.0.0/0
 *   ls_lxc      endpoint_key -> endpoint_info        local pods, keyed by IPv4 like cilium_lxc
 */
#ifndef LABSITE_IPCACHE_H
#define LABSITE_IPCACHE_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "labsite_abi.h"

#define HOST_ID 1
#define WORLD_ID 2
#define REMOTE_NODE_ID 6
#define AF_INET_ 2

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct ipcache_key);
	__type(value, struct remote_endpoint_info);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} ls_ipcache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct endpoint_key);
	__type(value, struct endpoint_info);
	__uint(max_entries, 4096);
} ls_lxc SEC(".maps");

static __always_inline struct remote_endpoint_info *ipcache_lookup(__be32 ip)
{
	struct ipcache_key key = {
		.prefixlen = IPCACHE_STATIC_PREFIX + 32,
		.family = AF_INET_,
		.ip4 = ip,
	};

	return bpf_map_lookup_elem(&ls_ipcache, &key);
}

static __always_inline __u32 ipcache_identity(__be32 ip)
{
	struct remote_endpoint_info *info = ipcache_lookup(ip);

	return info ? info->sec_identity : WORLD_ID;
}

static __always_inline struct endpoint_info *lookup_endpoint(__be32 ip)
{
	struct endpoint_key key = { .ip4 = ip, .family = AF_INET_ };

	return bpf_map_lookup_elem(&ls_lxc, &key);
}

#endif /* LABSITE_IPCACHE_H */
