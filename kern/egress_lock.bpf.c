// SPDX-License-Identifier: GPL-2.0-only
/*
 * The UDP-egress lock (loader/egress.c): attached to xdptop's own cgroup v2 leaf,
 * so these programs judge only xdptop's sockets. What xdptop may send is listed
 * in xdt_egress_allow, one entry per (address, port, socket type): TCP and UDP to
 * port 53 of the resolvers for reverse DNS, and UDP to the IPFIX collector when
 * --ipfix names one. Everything else is refused, and the kernel turns a 0 into
 * EPERM.
 *
 * A socket belongs to the cgroup it was created in, so a socket made before
 * xdptop moved into the leaf is not judged here at all; that is why the move is
 * the first thing main() does.
 */
#include <linux/bpf.h>
#include <linux/in.h>
#include <linux/socket.h>

#ifndef AF_INET
#define AF_INET 2
#define AF_INET6 10
#endif
#ifndef SOCK_STREAM
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#endif
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/*
 * A destination: an IPv6 address in network order (IPv4 destinations are looked
 * up as ::ffff:a.b.c.d, so an IPv6 socket sending to a mapped address, which the
 * kernel may hand to either the 4 or the 6 hook, gets the IPv4 entry's answer),
 * the port as bpf_sock_addr.user_port holds it (network order in the low 16
 * bits), and SOCK_STREAM or SOCK_DGRAM. Layout shared with loader/egress.c.
 */
struct egress_dest {
	__u32 a[4];
	__u32 port;
	__u32 type;
};

/* Filled and frozen by the loader before the programs are attached; empty refuses all. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);	/* 3 resolvers x TCP, UDP, and the collector */
	__type(key, struct egress_dest);
	__type(value, __u8);
} xdt_egress_allow SEC(".maps");

/*
 * inet_create() resolves protocol 0 to the protocol of the type's default
 * (IPPROTO_UDP for SOCK_DGRAM, IPPROTO_TCP for SOCK_STREAM) before these hooks
 * run, so 0 is not seen in practice; it is accepted for the same two types only.
 * Ping (SOCK_DGRAM + IPPROTO_ICMP), UDP-Lite, SCTP, MPTCP and raw sockets fail.
 */
static __always_inline int tcp_or_udp(__u32 type, __u32 protocol)
{
	if (type == SOCK_DGRAM)
		return protocol == IPPROTO_UDP || protocol == 0;
	if (type == SOCK_STREAM)
		return protocol == IPPROTO_TCP || protocol == 0;
	return 0;
}

static __always_inline int allowed(struct bpf_sock_addr *ctx, struct egress_dest *k)
{
	if (!tcp_or_udp(ctx->type, ctx->protocol))
		return 0;
	k->port = ctx->user_port;
	k->type = ctx->type;
	return bpf_map_lookup_elem(&xdt_egress_allow, k) != NULL;
}

static __always_inline int allowed4(struct bpf_sock_addr *ctx)
{
	struct egress_dest k = {
		.a = { 0, 0, bpf_htonl(0xffff), ctx->user_ip4 },
	};

	return allowed(ctx, &k);
}

static __always_inline int allowed6(struct bpf_sock_addr *ctx)
{
	struct egress_dest k = {
		.a = { ctx->user_ip6[0], ctx->user_ip6[1], ctx->user_ip6[2], ctx->user_ip6[3] },
	};

	return allowed(ctx, &k);
}

/* Other families (unix, netlink, packet) do not reach this hook. */
SEC("cgroup/sock_create")
int xdt_egress_create(struct bpf_sock *sk)
{
	if (sk->family != AF_INET && sk->family != AF_INET6)
		return 1;
	return tcp_or_udp(sk->type, sk->protocol);
}

/*
 * connect() with AF_UNSPEC (dissolving a UDP association) is handled before the
 * hook is called; an IPv6 socket connecting to an AF_INET address comes here.
 */
SEC("cgroup/connect4")
int xdt_egress_connect4(struct bpf_sock_addr *ctx)
{
	return allowed4(ctx);
}

SEC("cgroup/connect6")
int xdt_egress_connect6(struct bpf_sock_addr *ctx)
{
	return allowed6(ctx);
}

/* Only for a datagram with an address; a connected one was judged at connect(). */
SEC("cgroup/sendmsg4")
int xdt_egress_sendmsg4(struct bpf_sock_addr *ctx)
{
	return allowed4(ctx);
}

SEC("cgroup/sendmsg6")
int xdt_egress_sendmsg6(struct bpf_sock_addr *ctx)
{
	return allowed6(ctx);
}

char LICENSE[] SEC("license") = "GPL";
