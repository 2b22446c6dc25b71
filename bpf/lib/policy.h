// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Per-endpoint policy maps and the lookup that decides allow or drop.
 *
 * API:
 *   policy_map_of(lxc_id)   the endpoint's LPM policy map, or NULL
 *   policy_can_access(map, remote_id, dir, pkt, &hit)
 *                           0 to allow, -DROP_POLICY (no entry) or -DROP_POLICY_DENY (a deny entry); *hit says
 *                           which entry decided (match type NONE when none) and its proxy port
 *   policy_account(lxc_id, dir, pkt, &hit)
 *                           counts the packet against the entry that decided it (no-op when none did)
 *
 * Maps:
 *   ls_pol_tmpl the inner map's shape (empty; see below)
 *   ls_policy   __u32 lxc_id -> inner LPM trie (policy_key -> policy_entry); the agent creates one inner
 *               map per endpoint, pinned as ls_pol_<id, 5 digits> (Cilium: cilium_policy_v2_<id>).
 *   ls_polstats policy_stats_key -> per-CPU policy_stats_value (Cilium: cilium_policystats). Per-CPU, so the
 *               hot path adds without atomics; LRU, so a full map forgets old entries instead of failing.
 *
 * What is counted is what Cilium counts: every packet that a policy lookup decides with an entry, allowed or
 * denied. Replies skip the lookup (conntrack), so they are not counted; later packets of a connection in its
 * original direction are looked up (a new deny stops running connections), so they are.
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

/*
 * Only entries that matched traffic get a counter, a few per pod in a lab. The LRU map is preallocated, so its
 * size is memory every lab pays (1024 entries: about 120 KiB on 2 CPUs; 8192 would be 960 KiB); an overflow
 * forgets the least recently counted entries rather than failing.
 */
#define POLICY_STATS_ENTRIES 1024

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__type(key, struct policy_stats_key);
	__type(value, struct policy_stats_value);
	__uint(max_entries, POLICY_STATS_ENTRIES);
} ls_polstats SEC(".maps");

/* Which entry decided a packet, and what it says. */
struct policy_hit {
	__u32 sec_label;    /* the entry's identity: the remote's, or 0 for an L4-only entry */
	__u8 prefix;        /* the entry's protocol/port prefix length */
	__u8 match_type;    /* POLICY_MATCH_*; NONE when no entry matched */
	__u16 proxy_port;   /* host order, 0 = no L7 redirect */
	__u8 auth_type;     /* the entry's auth_type: non-zero = the pair must be authenticated (bpf/lib/auth.h) */
};

static __always_inline void *policy_map_of(__u16 lxc_id)
{
	__u32 key = lxc_id;

	return bpf_map_lookup_elem(&ls_policy, &key);
}

static __always_inline __u8 entry_prefix(const struct policy_entry *e)
{
	return e->flags >> POLICY_ENTRY_PREFIX_SHIFT;
}

/* Fills *hit from the winning entry; l3_wins: it is the remote identity's entry (else the L4-only one). */
static __always_inline int policy_verdict(const struct policy_entry *win, int l3_wins, __u32 remote_id,
					  struct policy_hit *hit)
{
	__u8 prefix = entry_prefix(win);

	hit->sec_label = l3_wins ? remote_id : 0;
	hit->prefix = prefix;
	if (l3_wins)
		hit->match_type = prefix > 8 ? POLICY_MATCH_L3_L4 : prefix > 0 ? POLICY_MATCH_L3_PROTO : POLICY_MATCH_L3_ONLY;
	else
		hit->match_type = prefix == 0 ? POLICY_MATCH_ALL : prefix <= 8 ? POLICY_MATCH_PROTO_ONLY : POLICY_MATCH_L4_ONLY;
	hit->proxy_port = bpf_ntohs(win->proxy_port);
	hit->auth_type = (win->flags & POLICY_ENTRY_DENY) ? 0 : win->auth_type;
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
					     struct policy_hit *hit)
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
			hit->match_type = POLICY_MATCH_NONE;
			hit->proxy_port = 0;
			hit->auth_type = 0;
			return -DROP_POLICY;
		}
		return policy_verdict(l4, 0, remote_id, hit);
	}
	if (!l4)
		return policy_verdict(l3, 1, remote_id, hit);
	if ((l3->flags & POLICY_ENTRY_DENY) != (l4->flags & POLICY_ENTRY_DENY))
		return (l3->flags & POLICY_ENTRY_DENY) ? policy_verdict(l3, 1, remote_id, hit)
						       : policy_verdict(l4, 0, remote_id, hit);
	if (l3->proxy_port_priority != l4->proxy_port_priority)
		return l3->proxy_port_priority > l4->proxy_port_priority ? policy_verdict(l3, 1, remote_id, hit)
									 : policy_verdict(l4, 0, remote_id, hit);
	return entry_prefix(l3) >= entry_prefix(l4) ? policy_verdict(l3, 1, remote_id, hit)
						    : policy_verdict(l4, 0, remote_id, hit);
}

/*
 * Cilium's __policy_account. The lookup cannot return the matched key, so protocol and port are masked here to
 * the entry's prefix (protocol is never partly wildcarded). A new key is inserted with BPF_NOEXIST: when two
 * CPUs race, one insert loses and that packet goes uncounted, which statistics can afford.
 */
static __always_inline void policy_account(__u16 lxc_id, __u8 dir, const struct pkt_info *pkt,
					   const struct policy_hit *hit)
{
	struct policy_stats_value *value;
	struct policy_stats_key key = {
		.endpoint_id = lxc_id,
		.prefix_len = hit->prefix,
		.sec_label = hit->sec_label,
		.egress = dir,
		.protocol = pkt->ev.protocol,
		.dport = pkt->policy_port,
	};

	if (hit->match_type == POLICY_MATCH_NONE)
		return;
	if (hit->prefix <= 8) {
		if (hit->prefix < 8)
			key.protocol = 0;
		key.dport = 0;
	} else if (hit->prefix < 24) {
		key.dport &= bpf_htons((__u16)(0xffff << (24 - hit->prefix)));
	}

	value = bpf_map_lookup_elem(&ls_polstats, &key);
	if (value) {
		/* Per-CPU: only this CPU writes this slot, so plain adds suffice. */
		value->packets += 1;
		value->bytes += pkt->len;
	} else {
		struct policy_stats_value init = { .packets = 1, .bytes = pkt->len };

		bpf_map_update_elem(&ls_polstats, &key, &init, BPF_NOEXIST);
	}
}

#endif /* LABSITE_POLICY_H */
