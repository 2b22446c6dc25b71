// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Runtime security, Tetragon-style: process exec/exit from the sched tracepoints and policy events
 * from BPF LSM hooks (file_open, bprm_check_security), for processes in a lab's cgroup only (the
 * scope map holds the lab cgroups' ids). Events go to one ring buffer; rules come from TracingPolicies
 * compiled by the netns backend. Kernel structs are read with CO-RE through the minimal definitions below.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "labsite_abi_runtime.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define SIGKILL 9

/* Minimal kernel types: libbpf relocates their fields against the running kernel's BTF. */
struct ns_common { unsigned int inum; } __attribute__((preserve_access_index));
struct net { struct ns_common ns; } __attribute__((preserve_access_index));
struct nsproxy { struct net *net_ns; } __attribute__((preserve_access_index));
struct mm_struct { unsigned long arg_start; unsigned long arg_end; } __attribute__((preserve_access_index));
struct task_struct {
	int tgid;
	int exit_code;
	struct task_struct *real_parent;
	struct nsproxy *nsproxy;
	struct mm_struct *mm;
} __attribute__((preserve_access_index));
struct path { void *mnt; } __attribute__((preserve_access_index));
struct file { struct path f_path; } __attribute__((preserve_access_index));
struct linux_binprm { const char *filename; } __attribute__((preserve_access_index));

struct sched_process_exec_args {
	__u64 common;
	__u32 filename_loc; /* __data_loc: low 16 bits offset, high 16 bits length */
	int pid;
	int old_pid;
};

struct sched_process_exit_args {
	__u64 common;
	char comm[16];
	int pid;
	int prio;
	_Bool group_dead;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 22);
} rt_events SEC(".maps");

/* Records live in the ring only; this read-only anchor puts struct rt_event in the BTF the ABI layout test reads. */
const volatile struct rt_event rt_event_abi = {};

/* cgroup id -> lab number: only processes in these cgroups are observed. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u32);
} rt_scope SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RT_MAX_RULES);
	__type(key, __u32);
	__type(value, struct rt_rule);
} rt_rules SEC(".maps");

/* netns inode of a pod -> bit mask of the rule slots that apply to it (rules with scoped = 1 only). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} rt_pod_rules SEC(".maps");

/* tgid -> binary at its last exec, for matchBinaries and for exit/policy events. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, char[RT_PATH_LEN]);
} rt_binaries SEC(".maps");

static __always_inline __u32 *in_scope(void)
{
	__u64 cg = bpf_get_current_cgroup_id();
	return bpf_map_lookup_elem(&rt_scope, &cg);
}

static __always_inline void fill_common(struct rt_event *e, __u32 kind, __u32 lab)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();

	e->kind = kind;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->lab = lab;
	e->ktime_ns = bpf_ktime_get_ns();
	e->cgroup_id = bpf_get_current_cgroup_id();
	e->netns = BPF_CORE_READ(task, nsproxy, net_ns, ns.inum);
	e->exit_code = 0;
	e->hook = 0;
	e->rule = 0;
	e->actions = 0;
	e->error = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->binary[0] = 0;
	e->path[0] = 0;
	e->args[0] = 0;
}

static __always_inline void copy_binary(struct rt_event *e)
{
	__u32 tgid = e->pid;
	char *bin = bpf_map_lookup_elem(&rt_binaries, &tgid);
	if (bin)
		bpf_probe_read_kernel_str(e->binary, sizeof(e->binary), bin);
}

SEC("tp/sched/sched_process_exec")
int rt_exec(struct sched_process_exec_args *ctx)
{
	__u32 *lab = in_scope();
	struct rt_event *e;
	struct task_struct *task;
	unsigned long start, end, len;
	__u32 tgid;

	if (!lab)
		return 0;
	e = bpf_ringbuf_reserve(&rt_events, sizeof(*e), 0);
	if (!e)
		return 0;
	fill_common(e, RT_EVENT_EXEC, *lab);
	bpf_probe_read_kernel_str(e->binary, sizeof(e->binary), (void *)ctx + (ctx->filename_loc & 0xFFFF));
	tgid = e->pid;
	bpf_map_update_elem(&rt_binaries, &tgid, e->binary, BPF_ANY);

	/* argv lives in the new image's memory: copy all but argv[0], still NUL separated. */
	task = (struct task_struct *)bpf_get_current_task();
	start = BPF_CORE_READ(task, mm, arg_start);
	end = BPF_CORE_READ(task, mm, arg_end);
	len = end > start ? end - start : 0;
	if (len > sizeof(e->args) - 1)
		len = sizeof(e->args) - 1;
	if (len > 0 && bpf_probe_read_user(e->args, len & (RT_ARGS_LEN - 1), (void *)start) == 0)
		e->args[len & (RT_ARGS_LEN - 1)] = 0;
	else
		e->args[0] = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tp/sched/sched_process_exit")
int rt_exit(struct sched_process_exit_args *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32;
	__u32 *lab;
	struct rt_event *e;
	struct task_struct *task;

	/* One event per process: when its last thread goes. */
	if (!ctx->group_dead)
		return 0;
	lab = in_scope();
	if (!lab)
		return 0;
	e = bpf_ringbuf_reserve(&rt_events, sizeof(*e), 0);
	if (e) {
		fill_common(e, RT_EVENT_EXIT, *lab);
		task = (struct task_struct *)bpf_get_current_task();
		e->exit_code = BPF_CORE_READ(task, exit_code);
		copy_binary(e);
		bpf_ringbuf_submit(e, 0);
	}
	bpf_map_delete_elem(&rt_binaries, &tgid);
	return 0;
}

/* Does s start with (PREFIX) or equal (EQUAL) the first len bytes of pattern? */
static __always_inline int match(const char *s, const char *pattern, __u32 len, __u32 op)
{
	__u32 i;

	if (len == 0)
		return 1;
	if (len > RT_RULE_PATH_LEN)
		return 0;
	for (i = 0; i < RT_RULE_PATH_LEN; i++) {
		if (i >= len)
			break;
		if (s[i] != pattern[i])
			return 0;
	}
	return op == RT_OP_PREFIX || (len < RT_PATH_LEN && s[len & (RT_PATH_LEN - 1)] == 0);
}

/* Applies the first rule of this lab and hook that matches e->path; returns the hook's verdict. */
static __always_inline int enforce(struct rt_event *e, __u32 hook)
{
	__u32 netns = e->netns;
	__u64 *pod_mask = bpf_map_lookup_elem(&rt_pod_rules, &netns);
	__u64 mask = pod_mask ? *pod_mask : 0;
	__u32 i;

	for (i = 0; i < RT_MAX_RULES; i++) {
		__u32 key = i;
		struct rt_rule *r = bpf_map_lookup_elem(&rt_rules, &key);

		if (!r || r->actions == 0 || r->lab != e->lab || r->hook != hook)
			continue;
		/* A namespaced policy (or one with a podSelector) applies to the pods it selects only. */
		if (r->scoped && !(mask & (1ULL << i)))
			continue;
		if (!match(e->path, r->path, r->path_len, r->path_op))
			continue;
		if (!match(e->binary, r->binary, r->binary_len, r->binary_op))
			continue;
		e->hook = hook;
		e->rule = i;
		e->actions = r->actions;
		if (r->actions & RT_ACTION_SIGKILL)
			bpf_send_signal(SIGKILL);
		if (r->actions & RT_ACTION_OVERRIDE)
			e->error = r->error;
		bpf_ringbuf_submit(e, 0);
		return e->actions & RT_ACTION_OVERRIDE ? -e->error : 0;
	}
	bpf_ringbuf_discard(e, 0);
	return 0;
}

struct sys_enter_openat_args {
	__u64 common;
	__s64 nr;
	__u64 dfd;
	const char *filename;
	__u64 flags;
	__u64 mode;
};

/*
 * Fallback file hook where the kernel refuses BPF LSM programs: the path as the process passed it, at
 * openat entry. Post and Sigkill work here (the kill lands before the syscall returns); Override cannot.
 */
SEC("tp/syscalls/sys_enter_openat")
int rt_openat(struct sys_enter_openat_args *ctx)
{
	__u32 *lab = in_scope();
	struct rt_event *e;

	if (!lab)
		return 0;
	e = bpf_ringbuf_reserve(&rt_events, sizeof(*e), 0);
	if (!e)
		return 0;
	fill_common(e, RT_EVENT_LSM, *lab);
	copy_binary(e);
	if (bpf_probe_read_user_str(e->path, sizeof(e->path), ctx->filename) < 0)
		e->path[0] = 0;
	enforce(e, RT_HOOK_FILE_OPEN);
	return 0;
}

SEC("lsm.s/file_open")
int BPF_PROG(rt_file_open, struct file *file, int ret)
{
	__u32 *lab;
	struct rt_event *e;

	if (ret)
		return ret;
	lab = in_scope();
	if (!lab)
		return 0;
	e = bpf_ringbuf_reserve(&rt_events, sizeof(*e), 0);
	if (!e)
		return 0;
	fill_common(e, RT_EVENT_LSM, *lab);
	copy_binary(e);
	if (bpf_d_path(&file->f_path, e->path, sizeof(e->path)) < 0)
		e->path[0] = 0;
	return enforce(e, RT_HOOK_FILE_OPEN);
}

SEC("lsm/bprm_check_security")
int BPF_PROG(rt_bprm_check, struct linux_binprm *bprm, int ret)
{
	__u32 *lab;
	struct rt_event *e;

	if (ret)
		return ret;
	lab = in_scope();
	if (!lab)
		return 0;
	e = bpf_ringbuf_reserve(&rt_events, sizeof(*e), 0);
	if (!e)
		return 0;
	fill_common(e, RT_EVENT_LSM, *lab);
	copy_binary(e);
	bpf_probe_read_kernel_str(e->path, sizeof(e->path), BPF_CORE_READ(bprm, filename));
	return enforce(e, RT_HOOK_BPRM_CHECK);
}
