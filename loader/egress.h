/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The UDP-egress lock: xdptop in a cgroup v2 leaf of its own, with cgroup
 * sock_create, connect4/6 and sendmsg4/6 programs (kern/egress_lock.bpf.c) that
 * let its sockets reach port 53 of the configured resolvers, the IPFIX collector
 * (--ipfix) if there is one, and nothing else.
 * Landlock cannot do this (it has no UDP rules); seccomp cannot see addresses.
 *
 * Two steps, because a socket belongs to the cgroup it was created in:
 *  1. xdt_egress_join(), first thing in main(), before any socket exists: make
 *     <cgroup2>/<our cgroup>/xdptop.<pid>, fork the reaper, move in.
 *  2. xdt_egress_lock(), at lock-down: load and attach the programs (bpf_links
 *     on the leaf; they go when xdptop's last fd does).
 * The reaper is a child that stays in the original cgroup, drops every privilege
 * it does not need, waits for xdptop to exit (however it exits) and removes the
 * leaf, so no cgroup is left behind. A leaf left by an older, killed xdptop whose
 * reaper died too is removed by the next xdt_egress_join() (empty xdptop.* leaves
 * beside ours).
 */
#ifndef XDT_LOADER_EGRESS_H
#define XDT_LOADER_EGRESS_H

#include <stddef.h>
#include <stdint.h>

struct xdt_egress;

/*
 * Step 1. @mounts is normally "/proc/self/mounts", @self_cgroup
 * "/proc/self/cgroup". NULL with a message in @err (what failed, why) when there
 * is no cgroup v2 hierarchy, no permission, etc.; the caller goes on without the
 * lock.
 */
struct xdt_egress *xdt_egress_join(const char *mounts, const char *self_cgroup, char *err,
				   size_t errlen);

/* One destination the lock lets through. */
struct xdt_egress_dest {
	uint8_t family;		/* 4 or 6 */
	uint8_t addr[16];	/* IPv4 in the first 4 bytes */
	uint16_t port;		/* host order */
	uint8_t udp;		/* 1: UDP (SOCK_DGRAM), 0: TCP (SOCK_STREAM) */
};
#define XDT_EGRESS_MAX_DESTS 16

/*
 * Step 2. Allow connect() and sendmsg() of TCP or UDP sockets to the @n
 * destinations in @d only (none: every connect and send of a TCP or UDP socket
 * fails with EPERM); IPv4-mapped IPv6 destinations are judged by their IPv4
 * address. Sockets other than TCP and UDP (raw, ICMP, SCTP, ...) of the inet
 * families cannot be created in the leaf. 0, or -errno with a message in @err.
 */
int xdt_egress_lock(struct xdt_egress *g, const struct xdt_egress_dest *d, unsigned int n,
		    char *err, size_t errlen);

/* The leaf's path, e.g. "/sys/fs/cgroup/unified/user.slice/xdptop.1234". */
const char *xdt_egress_leaf(const struct xdt_egress *g);

/*
 * Detach and free; NULL is fine. The leaf stays (this process is still in it),
 * and so does the pipe to the reaper, which removes the leaf once this process
 * and everything it forked have exited.
 */
void xdt_egress_close(struct xdt_egress *g);

#endif
