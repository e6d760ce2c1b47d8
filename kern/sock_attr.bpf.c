// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process attribution: cgroup socket hooks at the cgroup v2 root record which
 * task owns each socket, by socket cookie, at the moments the task is known to
 * be current (creating, binding, connecting, sending or receiving an
 * unconnected datagram). The TC egress program stamps each flow with the cookie
 * of the local socket that sent it (struct xdt_kflow.cookie), so userspace joins
 * flow -> cookie -> owner, also for sockets that lived for a millisecond.
 *
 * Accepted connections are made by the kernel in softirq, where no task is
 * current: sockops at passive establishment gives the new socket's cookie and
 * local port, and the owner of the listener bound to that port is copied.
 *
 * Every program returns 1 (allow): attribution never changes what a socket may do.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/socket.h>

#ifndef AF_INET
#define AF_INET 2
#define AF_INET6 10
#endif
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include <xdptop/kern.h>

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);	/* resized by the loader */
	__type(key, __u64);		/* socket cookie */
	__type(value, struct xdt_owner);
} xdt_owners SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct xdt_port_key);
	__type(value, struct xdt_owner);
} xdt_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);		/* tgid */
	__type(value, struct xdt_exec);
} xdt_execs SEC(".maps");

/* Only the fields read, relocated against the running kernel's BTF (CO-RE). */
struct linux_binprm {
	const char *filename;
} __attribute__((preserve_access_index));

struct mm_struct {
	unsigned long arg_start;
	unsigned long arg_end;
} __attribute__((preserve_access_index));

struct task_struct {
	struct mm_struct *mm;
} __attribute__((preserve_access_index));

/* One value at a time: too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdt_exec);
} xdt_exec_scratch SEC(".maps");

/*
 * A new program image: keep its path and first arguments, so a process that
 * made a connection and exited within a millisecond still has its full name.
 */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(xdt_exec, struct task_struct *p, int old_pid, struct linux_binprm *bprm)
{
	__u32 zero = 0, tgid = (__u32)(bpf_get_current_pid_tgid() >> 32);
	struct mm_struct *mm;
	struct xdt_exec *e;
	unsigned long start, end, n;
	long r;

	e = bpf_map_lookup_elem(&xdt_exec_scratch, &zero);
	if (!e)
		return 0;
	e->ts_boot_ns = bpf_ktime_get_boot_ns();
	r = bpf_probe_read_kernel_str(e->path, sizeof(e->path), BPF_CORE_READ(bprm, filename));
	e->path_len = r > 0 ? (__u16)r : 0;
	e->args_len = 0;
	mm = BPF_CORE_READ(p, mm);
	start = BPF_CORE_READ(mm, arg_start);
	end = BPF_CORE_READ(mm, arg_end);
	n = end > start ? end - start : 0;
	if (n > XDT_EXEC_ARGS_MAX)
		n = XDT_EXEC_ARGS_MAX;
	if (n && bpf_probe_read_user(e->args, (__u32)n, (void *)start) == 0)
		e->args_len = (__u16)n;
	bpf_map_update_elem(&xdt_execs, &tgid, e, BPF_ANY);
	return 0;
}

static __always_inline void owner_fill(struct xdt_owner *o, __u8 hook)
{
	__u64 pt = bpf_get_current_pid_tgid(), ug = bpf_get_current_uid_gid();

	o->tgid = (__u32)(pt >> 32);
	o->pid = (__u32)pt;
	o->uid = (__u32)ug;
	o->gid = (__u32)(ug >> 32);
	o->cgroup_id = bpf_get_current_cgroup_id();
	o->ts_boot_ns = bpf_ktime_get_boot_ns();
	bpf_get_current_comm(o->comm, sizeof(o->comm));
	o->hook = hook;
}

static __always_inline void owner_record(__u64 cookie, __u8 hook)
{
	struct xdt_owner o = {};

	if (!cookie)
		return;
	owner_fill(&o, hook);
	/* A kernel thread (pid 0) owns nothing a user would recognise. */
	if (!o.tgid)
		return;
	bpf_map_update_elem(&xdt_owners, &cookie, &o, BPF_ANY);
}

static __always_inline int is_inet(__u32 family)
{
	return family == AF_INET || family == AF_INET6;
}

SEC("cgroup/sock_create")
int xdt_sock_create(struct bpf_sock *sk)
{
	if (is_inet(sk->family) &&
	    (sk->protocol == IPPROTO_TCP || sk->protocol == IPPROTO_UDP))
		owner_record(bpf_get_socket_cookie(sk), XDT_OWNER_CREATE);
	return 1;
}

static __always_inline int post_bind(struct bpf_sock *sk)
{
	struct xdt_port_key k = {
		.port = (__u16)sk->src_port,
		.family = sk->family == AF_INET6 ? XDT_FAM_IPV6 : XDT_FAM_IPV4,
		.proto = (__u8)sk->protocol,
	};
	struct xdt_owner o = {};

	owner_record(bpf_get_socket_cookie(sk), XDT_OWNER_BIND);
	if (!k.port || (k.proto != IPPROTO_TCP && k.proto != IPPROTO_UDP))
		return 1;
	owner_fill(&o, XDT_OWNER_BIND);
	if (o.tgid)
		bpf_map_update_elem(&xdt_ports, &k, &o, BPF_ANY);
	return 1;
}

SEC("cgroup/post_bind4")
int xdt_post_bind4(struct bpf_sock *sk)
{
	return post_bind(sk);
}

SEC("cgroup/post_bind6")
int xdt_post_bind6(struct bpf_sock *sk)
{
	return post_bind(sk);
}

SEC("cgroup/connect4")
int xdt_connect4(struct bpf_sock_addr *ctx)
{
	owner_record(bpf_get_socket_cookie(ctx), XDT_OWNER_CONNECT);
	return 1;
}

SEC("cgroup/connect6")
int xdt_connect6(struct bpf_sock_addr *ctx)
{
	owner_record(bpf_get_socket_cookie(ctx), XDT_OWNER_CONNECT);
	return 1;
}

SEC("cgroup/sendmsg4")
int xdt_sendmsg4(struct bpf_sock_addr *ctx)
{
	owner_record(bpf_get_socket_cookie(ctx), XDT_OWNER_SENDMSG);
	return 1;
}

SEC("cgroup/sendmsg6")
int xdt_sendmsg6(struct bpf_sock_addr *ctx)
{
	owner_record(bpf_get_socket_cookie(ctx), XDT_OWNER_SENDMSG);
	return 1;
}

SEC("cgroup/recvmsg4")
int xdt_recvmsg4(struct bpf_sock_addr *ctx)
{
	owner_record(bpf_get_socket_cookie(ctx), XDT_OWNER_RECVMSG);
	return 1;
}

SEC("cgroup/recvmsg6")
int xdt_recvmsg6(struct bpf_sock_addr *ctx)
{
	owner_record(bpf_get_socket_cookie(ctx), XDT_OWNER_RECVMSG);
	return 1;
}

/* An accepted connection belongs to whoever owns the listener on its local port. */
SEC("sockops")
int xdt_sockops(struct bpf_sock_ops *ops)
{
	struct xdt_port_key k = {
		.port = (__u16)ops->local_port,
		.family = ops->family == AF_INET6 ? XDT_FAM_IPV6 : XDT_FAM_IPV4,
		.proto = IPPROTO_TCP,
	};
	struct xdt_owner *l, o;
	__u64 cookie;

	if (ops->op != BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB || !is_inet(ops->family))
		return 1;
	l = bpf_map_lookup_elem(&xdt_ports, &k);
	if (!l)
		return 1;
	cookie = bpf_get_socket_cookie(ops);
	if (!cookie)
		return 1;
	o = *l;
	o.hook = XDT_OWNER_ACCEPT;
	bpf_map_update_elem(&xdt_owners, &cookie, &o, BPF_ANY);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
