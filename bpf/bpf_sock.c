// SPDX-License-Identifier: (GPL-2.0 OR BSD-2-Clause)
/*
 * Socket-LB: cgroup sock_addr hooks attached to a lab's cgroup. A process in that cgroup that
 * connects (TCP, connected UDP) or sends (unconnected UDP) to a ClusterIP:port is pointed straight
 * at one ready backend; recvmsg/getpeername translate the backend back to the ClusterIP so the
 * program sees the address it asked for.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include "lb.h"

#define SYS_REJECT 0
#define SYS_PROCEED 1
#define ECONNREFUSED 111

/* ctx->user_port carries the network-order port in its low 16 bits. */
static __always_inline __be16 ctx_port(const struct bpf_sock_addr *ctx)
{
	return (__be16)ctx->user_port;
}

static __always_inline int sock4_xlate_fwd(struct bpf_sock_addr *ctx, int remember)
{
	__be32 addr = ctx->user_ip4;
	__be16 port = ctx_port(ctx);
	__u8 proto = (__u8)ctx->protocol;
	struct lb4_service *svc;
	struct lb4_backend *be;

	svc = lb4_lookup_service(addr, port, proto);
	if (!svc)
		return SYS_PROCEED;
	be = lb4_select_backend(addr, port, proto, svc);
	if (!be) {
		/* A service without ready backends refuses, as Cilium's socket-LB does. */
		bpf_set_retval(-ECONNREFUSED);
		return SYS_REJECT;
	}
	if (remember)
		lb4_remember_socket(bpf_get_socket_cookie(ctx), be, addr, port, svc->rev_nat_index);
	ctx->user_ip4 = be->address;
	ctx->user_port = be->port;
	return SYS_PROCEED;
}

static __always_inline void sock4_xlate_rev(struct bpf_sock_addr *ctx)
{
	struct lb4_rev_sk_value *front;

	front = lb4_lookup_socket(bpf_get_socket_cookie(ctx), ctx->user_ip4, ctx_port(ctx));
	if (!front)
		return;
	ctx->user_ip4 = front->address;
	ctx->user_port = front->port;
}

SEC("cgroup/connect4")
int sock4_connect(struct bpf_sock_addr *ctx)
{
	return sock4_xlate_fwd(ctx, 1);
}

SEC("cgroup/sendmsg4")
int sock4_sendmsg(struct bpf_sock_addr *ctx)
{
	return sock4_xlate_fwd(ctx, 1);
}

SEC("cgroup/recvmsg4")
int sock4_recvmsg(struct bpf_sock_addr *ctx)
{
	sock4_xlate_rev(ctx);
	return SYS_PROCEED;
}

SEC("cgroup/getpeername4")
int sock4_getpeername(struct bpf_sock_addr *ctx)
{
	sock4_xlate_rev(ctx);
	return SYS_PROCEED;
}

char _license[] SEC("license") = "Dual BSD/GPL";
