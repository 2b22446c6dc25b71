// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Mutual authentication, as Cilium's bpf/lib/auth.h: a policy entry with an auth_type allows a packet only when the
 * agent has authenticated the identity pair with the peer's node (a mutual-TLS handshake) and recorded it, unexpired.
 *
 * API:
 *   auth_lookup(local_id, remote_id, local, remote, auth_type)
 *            0 when an unexpired entry exists; otherwise signals the agent and returns -DROP_AUTH_REQUIRED.
 *            local/remote are the endpoints' ipcache entries (their tunnel endpoints name their nodes).
 *
 * Maps:
 *   ls_auth     auth_key -> auth_info   (Cilium: cilium_auth_map), written and expired by the agent
 *   ls_node     node_key -> node_value  underlay address -> node id (Cilium: cilium_node_map_v2)
 *   ls_signals  ring buffer of auth_signal (Cilium: cilium_signals, a perf ring)
 *
 * Every dropped packet signals (a SYN and its retransmits: a few per connection); the agent coalesces pairs it is
 * already authenticating, and a full ring skips the signal, never more than that.
 */
#ifndef LABSITE_AUTH_H
#define LABSITE_AUTH_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "labsite_abi.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct auth_key);
	__type(value, struct auth_info);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} ls_auth SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, struct node_id_key);
	__type(value, struct node_id_value);
	__uint(max_entries, 16);
} ls_node SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 14);
} ls_signals SEC(".maps");

/* Puts auth_signal in the object's BTF (only stack-allocated otherwise), where the ABI layout test reads it. */
const volatile struct auth_signal ls_auth_abi = {};

static __always_inline int auth_lookup(__u32 local_id, __u32 remote_id, const struct remote_endpoint_info *local,
				       const struct remote_endpoint_info *remote, __u8 auth_type)
{
	struct auth_signal sig = { .signal_nr = SIGNAL_AUTH_REQUIRED };
	struct auth_info *auth;
	struct node_id_value *node;
	__be32 local_node = local ? local->tunnel_endpoint : 0;
	__be32 remote_node = remote ? remote->tunnel_endpoint : 0;

	sig.key.local_sec_label = local_id;
	sig.key.remote_sec_label = remote_id;
	sig.key.auth_type = auth_type;
	sig.local_node = local_node;
	/* Same node (or a one-node lab, no tunnel): remote node id 0, as Cilium's local pairs. */
	if (remote_node && remote_node != local_node) {
		struct node_id_key nk = { .ip4 = remote_node };

		node = bpf_map_lookup_elem(&ls_node, &nk);
		if (!node || !node->id)
			return -DROP_AUTH_REQUIRED; /* Cilium: DROP_NO_NODE_ID; the agent has not named the node yet */
		sig.key.remote_node_id = node->id;
	}
	auth = bpf_map_lookup_elem(&ls_auth, &sig.key);
	if (auth && bpf_ktime_get_ns() / 1000000000ULL < auth->expiration)
		return 0;
	bpf_ringbuf_output(&ls_signals, &sig, sizeof(sig), 0);
	return -DROP_AUTH_REQUIRED;
}

#endif /* LABSITE_AUTH_H */
