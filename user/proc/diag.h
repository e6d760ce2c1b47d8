/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fallback attribution of flows to processes, for when the kernel socket hooks are
 * unavailable and for sockets that existed before xdptop started: a snapshot of
 * every TCP and UDP socket (one NETLINK_SOCK_DIAG dump: addresses, ports, state,
 * uid, inode) joined with the socket inodes each process holds open
 * (<root>/proc/PID/fd/N -> "socket:[INODE]", or a caller's walker: see
 * xdt_proc_snapshot_new_walk()).
 *
 * A snapshot is a picture of one moment: a socket opened after it is not in it,
 * and a pid in it may have exited since (check it with xdt_proc_cache_get()).
 * The dump sees the network namespace xdptop runs in, the fd scan the pid
 * namespace <root>/proc was mounted in.
 *
 * The snapshot functions are named xdt_proc_snapshot_* because callers know them as
 * part of process attribution; the netlink reply parser is xdt_diag_*.
 */
#ifndef XDT_PROC_DIAG_H
#define XDT_PROC_DIAG_H

#include <stddef.h>
#include <stdint.h>

struct xdt_diag_sock {
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* IPPROTO_TCP or IPPROTO_UDP */
	uint8_t state;		/* TCP_* numbering; UDP: 1 connected, 7 unconnected */
	uint8_t v6only;		/* IPv6 listening/unconnected socket with IPV6_V6ONLY:
				 * IPv4 cannot reach it */
	uint16_t lport;		/* host order */
	uint16_t rport;
	uint8_t laddr[16];	/* network order; IPv4 in the first 4 bytes, rest 0 */
	uint8_t raddr[16];
	uint32_t uid;
	uint32_t inode;		/* 0: no file behind it (TIME_WAIT, SYN_RECV) */
};

/* Called once per socket: 0 to go on, or a -errno that stops the walk and is returned. */
typedef int (*xdt_diag_cb)(const struct xdt_diag_sock *s, void *ctx);

/*
 * Walk the netlink messages in @buf (one recv() of a SOCK_DIAG_BY_FAMILY dump for
 * protocol @proto: inet_diag_msg does not say which protocol it describes).
 * Reads at most @len bytes, allocates nothing. 0 when more messages are to come,
 * 1 at NLMSG_DONE, the callback's -errno, -EBADMSG for a malformed buffer, or the
 * kernel's -errno from NLMSG_ERROR (or from NLMSG_DONE, for a dump cut short).
 */
int xdt_diag_parse(const void *buf, size_t len, uint8_t proto, xdt_diag_cb cb, void *ctx);

/*
 * Dump every TCP and UDP socket, IPv4 and IPv6, in all states, to @cb. A protocol
 * the kernel has no diag module for (udp_diag not loaded: -ENOENT) is skipped.
 * 0 or -errno.
 */
int xdt_diag_dump(xdt_diag_cb cb, void *ctx);

/* At most this many sockets with an inode are kept; see xdt_proc_snapshot_count(). */
#define XDT_PROC_SNAPSHOT_MAX 262144

/* xdt_proc_snapshot_find() matched a listening or unconnected socket, not the flow. */
#define XDT_PROC_MATCH_BOUND 1

struct xdt_proc_snapshot;

/*
 * Dump the sockets and scan <root>/proc for their owners. Sockets beyond
 * XDT_PROC_SNAPSHOT_MAX are left out (finds for them say -ENOENT; count() says
 * truncated). A socket held by several processes (fork, SCM_RIGHTS) belongs to
 * the first pid in /proc order, usually the parent. NULL with *@err = -errno.
 */
struct xdt_proc_snapshot *xdt_proc_snapshot_new(const char *root, int *err);

/* The same from sockets the caller already has (tests; a dump made elsewhere). */
struct xdt_proc_snapshot *xdt_proc_snapshot_build(const char *root,
						  const struct xdt_diag_sock *socks, size_t n,
						  int *err);

/* Told once per open socket file: 0 to go on, or a -errno that stops the walk. */
typedef int (*xdt_proc_owner_cb)(uint32_t inode, int32_t pid, void *cbctx);

/*
 * A source of socket ownership other than the <root>/proc fd scan, for when
 * that scan cannot see other processes (a Landlock sandbox denies readlink of
 * their fds): loader/sockiter.c's BPF iterator, behind a function of this type,
 * keeps this layer free of libbpf. It calls @cb with every (socket inode, pid),
 * pids in ascending order, and returns 0, @cb's -errno, or its own -errno.
 */
typedef int (*xdt_proc_owner_walk)(xdt_proc_owner_cb cb, void *cbctx, void *ctx);

/*
 * xdt_proc_snapshot_new() and _build() with the owners from @walk (called with
 * @walk_ctx) instead of the <root>/proc fd scan; @walk NULL is the scan. The
 * first pid @walk gives a socket keeps it. If @walk fails, what it gave is
 * dropped and the scan is made instead (logged at debug level): a snapshot
 * with fewer owners beats none. @root still names the /proc of the scan; the
 * walker's pids must be in the same pid namespace.
 */
struct xdt_proc_snapshot *xdt_proc_snapshot_new_walk(const char *root, xdt_proc_owner_walk walk,
						     void *walk_ctx, int *err);
struct xdt_proc_snapshot *xdt_proc_snapshot_build_walk(const char *root,
						       const struct xdt_diag_sock *socks,
						       size_t n, xdt_proc_owner_walk walk,
						       void *walk_ctx, int *err);

void xdt_proc_snapshot_free(struct xdt_proc_snapshot *s);

/* Sockets kept; *@truncated (if not NULL) is 1 when some were left out. */
size_t xdt_proc_snapshot_count(const struct xdt_proc_snapshot *s, int *truncated);

/*
 * The owner of the socket with local @laddr:@lport and remote @raddr:@rport
 * (addresses in network order, 4 or 16 bytes by @family 4 or 6; ports in host
 * order). A flow seen on the wire does not say which side is local: call with
 * one orientation, then the other, and prefer a 0 from either over a
 * XDT_PROC_MATCH_BOUND.
 *
 * 0: the socket of exactly this flow (an IPv4 flow also matches an IPv6 socket
 * with v4-mapped addresses). XDT_PROC_MATCH_BOUND: no such socket, but a TCP
 * listener or unconnected UDP socket bound to @laddr (or the wildcard address,
 * including an IPv6 "::" socket without IPV6_V6ONLY for IPv4) and @lport, whose
 * owner most likely handles the flow. -ENOENT: neither.
 * *@pid is 0 when no process in <root>/proc holds the socket; *@uid is then still
 * the socket's owner.
 */
int xdt_proc_snapshot_find(const struct xdt_proc_snapshot *s, int family, uint8_t proto,
			   const uint8_t *laddr, uint16_t lport, const uint8_t *raddr,
			   uint16_t rport, int32_t *pid, uint32_t *uid);

#endif
