/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Process attribution in the kernel: loads kern/sock_attr.bpf.c and attaches its
 * cgroup socket hooks and sockops program to the cgroup v2 root, with bpf_links
 * (gone when xdptop is). Independent of the capture backend.
 */
#ifndef XDT_LOADER_ATTR_H
#define XDT_LOADER_ATTR_H

#include <stddef.h>

struct xdt_attr;

struct xdt_attr_maps {
	int owners;		/* socket cookie -> struct xdt_owner */
	int ports;		/* struct xdt_port_key -> struct xdt_owner */
	int execs;		/* tgid -> struct xdt_exec */
};

/*
 * Find the cgroup v2 root (from @mounts, normally "/proc/self/mounts"; else from
 * init's mount namespace through /proc/1/root), load and attach. NULL with a message in @err (what failed, why, what to do).
 */
struct xdt_attr *xdt_attr_open(const char *mounts, size_t max_sockets, char *err,
			       size_t errlen);

/* Detach and free. NULL is fine. */
void xdt_attr_close(struct xdt_attr *a);

const struct xdt_attr_maps *xdt_attr_maps(const struct xdt_attr *a);

/* The cgroup v2 mount point the hooks are attached to. */
const char *xdt_attr_cgroup(const struct xdt_attr *a);

#endif
