// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Per-endpoint policy maps and the lookup that decides allow or drop.
 *
 * API:
 *   policy_map_of(lxc_id)   the endpoint's LPM policy map, or NULL
 *   policy_can_access(map, remote_id, dir, pkt, &match_type, &proxy_port)
 *                           0 to allow, -DROP_POLICY (no entry) or -DROP_POLICY_DENY (a deny entry)
 *
 * Maps:
 *   ls_pol_tmpl the inner map's shape (empty; see below)
 *   ls_policy   __u32 lxc_id -> inner LPM trie (policy_key -> policy_entry); the agent creates one inner
 *               map per endpoint, pinned as ls_pol_<id, 5 digits> (Cilium: cilium_policy_v2_<id>).
 */
#ifndef LABSITE_POLICY_H
#define LABSITE_POLICY_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "labsite_abi.h"
#include "parse.h"

#define POLICY_MAP_ENTRIES 16384

struct policy_inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct policy_key);
	__type(value, struct policy_entry);
	__uint(max_entries, POLICY_MAP_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
};

/*
 * An unused instance of the inner map: clang emits only forward declarations for key/value types reached
 * through __array(values, ...), which libbpf cannot size ("can't determine key size"); a top-level map of the
 * same definition makes BTF carry the full structs (also what the ABI layout test reads).
 */
struct policy_inner ls_pol_tmpl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__type(key, __u32);
	__uint(max_entries, 4096);
	__array(values, struct policy_inner);
} ls_policy SEC(".maps");

static __always_inline void *policy_map_of(__u16 lxc_id)
{
	__u32 key = lxc_id;

	return bpf_map_lookup_elem(&ls_policy, &key);
}

static __always_inline __u8 entry_prefix(const struct policy_entry *e)
{
	return e->flags >> POLICY_ENTRY_PREFIX_SHIFT;
}

static __always_inline int policy_verdict(const struct policy_entry *win, int l3_wins, __u8 *match_type,
					  __u16 *proxy_port)
{
	__u8 prefix = entry_prefix(win);

	if (l3_wins)
		*match_type = prefix > 8 ? POLICY_MATCH_L3_L4 : prefix > 0 ? POLICY_MATCH_L3_PROTO : POLICY_MATCH_L3_ONLY;
	else
		*match_type = prefix == 0 ? POLICY_MATCH_ALL : prefix <= 8 ? POLICY_MATCH_PROTO_ONLY : POLICY_MATCH_L4_ONLY;
	*proxy_port = bpf_ntohs(win->proxy_port);
	return (win->flags & POLICY_ENTRY_DENY) ? -DROP_POLICY_DENY : 0;
}

/*
 * Cilium's __policy_can_access: look up {remote identity, dir, proto, port} at full length, then the same
 * with identity 0 (L4-only entries). Precedence between the two matches:
 *   1. a deny entry wins (deny beats allow whatever its specificity);
 *   2. then the higher proxy_port_priority;
 *   3. then the longer protocol/port prefix;
 *   4. then the entry with a specific identity.
 * The null checks are nested on purpose: written as `!l3 && !l4`, clang ORs the two pointers, which the
 * verifier rejects ("pointer |= pointer prohibited").
 */
static __always_inline int policy_can_access(void *map, __u32 remote_id, __u8 dir, const struct pkt_info *pkt,
					     __u8 *match_type, __u16 *proxy_port)
{
	struct policy_key key = {
		.prefixlen = POLICY_FULL_PREFIX,
		.sec_label = remote_id,
		.egress = dir,
		.protocol = pkt->ev.protocol,
		.dport = pkt->policy_port,
	};
	struct policy_entry *l3, *l4;

	l3 = bpf_map_lookup_elem(map, &key);
	key.sec_label = 0;
	l4 = bpf_map_lookup_elem(map, &key);

	if (!l3) {
		if (!l4) {
			*match_type = POLICY_MATCH_NONE;
			return -DROP_POLICY;
		}
		return policy_verdict(l4, 0, match_type, proxy_port);
	}
	if (!l4)
		return policy_verdict(l3, 1, match_type, proxy_port);
	if ((l3->flags & POLICY_ENTRY_DENY) != (l4->flags & POLICY_ENTRY_DENY))
		return (l3->flags & POLICY_ENTRY_DENY) ? policy_verdict(l3, 1, match_type, proxy_port)
						       : policy_verdict(l4, 0, match_type, proxy_port);
	if (l3->proxy_port_priority != l4->proxy_port_priority)
		return l3->proxy_port_priority > l4->proxy_port_priority ? policy_verdict(l3, 1, match_type, proxy_port)
									 : policy_verdict(l4, 0, match_type, proxy_port);
	return entry_prefix(l3) >= entry_prefix(l4) ? policy_verdict(l3, 1, match_type, proxy_port)
						    : policy_verdict(l4, 0, match_type, proxy_port);
}

#endif /* LABSITE_POLICY_H */
