/* SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause) */
/*
 * ABI of bpf_runtime.c shared with the netns backend (src/LabSite.Clusters.Netns/Bpf/Abi/RuntimeAbi.cs):
 * the ring-buffer event, the scope map (cgroup id -> lab) and the policy rules. Change both together.
 */
#ifndef LABSITE_ABI_RUNTIME_H
#define LABSITE_ABI_RUNTIME_H

#include <linux/types.h>

#define RT_PATH_LEN 256
#define RT_ARGS_LEN 256
#define RT_RULE_PATH_LEN 128
#define RT_MAX_RULES 16

enum rt_event_kind {
	RT_EVENT_EXEC = 1,
	RT_EVENT_EXIT = 2,
	RT_EVENT_LSM = 3,
};

enum rt_hook {
	RT_HOOK_FILE_OPEN = 1,
	RT_HOOK_BPRM_CHECK = 2,
};

enum rt_match_op {
	RT_OP_EQUAL = 0,
	RT_OP_PREFIX = 1,
};

/* Bit set: Post always reports; Sigkill signals the task; Override returns -errno from the hook. */
enum rt_action {
	RT_ACTION_POST = 1,
	RT_ACTION_SIGKILL = 2,
	RT_ACTION_OVERRIDE = 4,
};

struct rt_event {
	__u32 kind;
	__u32 pid;       /* tgid */
	__u32 tid;
	__u32 ppid;
	__u32 uid;
	__u32 lab;       /* value of the scope map: which lab's cgroup */
	__u64 ktime_ns;
	__u64 cgroup_id;
	__u32 netns;     /* inode of the task's network namespace: which pod */
	__s32 exit_code; /* exit: the kernel's wait status (code << 8 | signal) */
	__u32 hook;      /* lsm: enum rt_hook */
	__u32 rule;      /* lsm: index of the matching rule */
	__u32 actions;   /* lsm: enum rt_action bits applied */
	__s32 error;     /* lsm: errno returned (0 = allowed) */
	char comm[16];
	char binary[RT_PATH_LEN]; /* exec: the new binary; others: the process binary seen at exec */
	char path[RT_PATH_LEN];   /* lsm: the file or program path */
	char args[RT_ARGS_LEN];   /* exec: argv[1..], NUL separated */
};

/* One TracingPolicy selector, compiled: hook + path match (+ optional binary match) -> actions. */
struct rt_rule {
	__u32 lab;
	__u32 hook;
	__u32 path_op;
	__u32 binary_op;
	__u32 actions;
	__s32 error;
	__u32 path_len;   /* 0 = any path */
	__u32 binary_len; /* 0 = any binary */
	__u32 scoped;     /* 1 = only pods whose rt_pod_rules mask has this rule's slot (namespaced or podSelector) */
	char path[RT_RULE_PATH_LEN];
	char binary[RT_RULE_PATH_LEN];
};

#endif
