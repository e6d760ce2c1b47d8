/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Self-confinement: the privilege timeline of ARCHITECTURE.md "Sandbox", one way
 * only.
 *   xdt_sandbox_early()     first thing in main(): into a cgroup leaf of our own
 *                           (before any socket exists; see loader/egress.h)
 *   ... open everything: BPF objects and links, maps, ring buffers, capture
 *       handles, files; start nothing that runs in another thread ...
 *   xdt_sandbox_lockdown()  UDP-egress lock, Landlock, no_new_privs, drop every
 *                           capability, seccomp allowlist; in this order, because
 *                           each later step takes away what an earlier one needs
 *   ... then threads, then untrusted packets, with no privilege left.
 * Landlock, capabilities and no_new_privs are per thread: lock-down must run
 * while the process has one thread, so every thread inherits it.
 */
#ifndef XDT_SANDBOX_H
#define XDT_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include "report.h"
#include "resolv.h"

#define XDT_SB_MAX_PATHS 16
#define XDT_SB_MAX_FDS 32

struct xdt_sandbox_opts {
	int disabled;		/* --no-sandbox */
	int strict;		/* --sandbox-strict: a layer not applied is an error */
	/* Files or directories read after lock-down (besides /proc and /etc/passwd). */
	const char *read_paths[XDT_SB_MAX_PATHS];
	unsigned int n_read;
	/* Files written after lock-down (logs, exports); their directories may get new files. */
	const char *write_paths[XDT_SB_MAX_PATHS];
	unsigned int n_write;
	/*
	 * Files reopened by their path after lock-down (SIGHUP, for log rotation):
	 * their directories may get the file anew and have it written, nothing more.
	 */
	const char *reopen_paths[XDT_SB_MAX_PATHS];
	unsigned int n_reopen;
	/*
	 * TCP/UDP to port 53 of these servers only, the very list the PTR client
	 * uses (so the two cannot disagree); NULL: no TCP or UDP to anywhere.
	 */
	const struct xdt_resolvers *resolvers;
	/* UDP to these (the IPFIX collector) besides; its socket is connected before. */
	struct xdt_sb_udp_dest {
		uint8_t family;		/* 4 or 6 */
		uint8_t addr[16];
		uint16_t port;		/* host order */
		const char *what;	/* "IPFIX collector", for the report */
	} udp_dests[2];
	unsigned int n_udp_dests;
	/* Capture sockets: may be read, never written (an AF_PACKET socket can send). */
	int deny_write_fds[XDT_SB_MAX_FDS];
	unsigned int n_deny_write_fds;
	/* A BPF map bpf() must still read after the drop, or -1 (see caps.c). */
	int bpf_map_fd;
	/*
	 * bpf(BPF_LINK_CREATE) stays allowed: the kernel backends attach the programs
	 * they hold to an interface deleted and created again.
	 */
	int bpf_link_create;
	/* Test build: layers (1 << enum xdt_sb_layer) that act as if the kernel had none. */
	unsigned int force_unavailable;
};

struct xdt_sandbox;

/* Step 1. Never fails: what could not be done is in the report. NULL only if out of memory. */
struct xdt_sandbox *xdt_sandbox_early(const struct xdt_sandbox_opts *o);

/*
 * Step 2, single-threaded. Logs one line saying what holds (and, once, what does
 * not). 0, or -1 with --sandbox-strict when a layer could not be applied:
 * @err then names the layer and the reason, and the caller must exit non-zero.
 */
int xdt_sandbox_lockdown(struct xdt_sandbox *sb, const struct xdt_sandbox_opts *o, char *err,
			 size_t errlen);

const struct xdt_sandbox_report *xdt_sandbox_report(const struct xdt_sandbox *sb);

/* Detach the egress lock and free. NULL is fine. */
void xdt_sandbox_free(struct xdt_sandbox *sb);

/* "udp-lock" -> XDT_SB_UDP_LOCK; -1 if no such layer. */
int xdt_sandbox_layer_by_name(const char *name);

#endif
