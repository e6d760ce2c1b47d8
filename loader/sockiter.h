/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which process holds which socket, asked of the kernel: a BPF task_file iterator
 * (kern/sock_iter.bpf.c) lists (tgid, socket inode) for every open socket file.
 *
 * It replaces the <root>/proc/PID/fd scan of the process fallback once xdptop is
 * sandboxed: Landlock denies ptrace-mode access to processes outside its domain,
 * so readlink(/proc/PID/fd/N) fails (EACCES) for every other process, while an
 * iterator attached before lock-down can still be run (BPF_ITER_CREATE on the
 * link, no capability needed).
 */
#ifndef XDT_LOADER_SOCKITER_H
#define XDT_LOADER_SOCKITER_H

#include <stddef.h>
#include <stdint.h>

struct xdt_sockiter;

/* Load and attach the iterator (needs CAP_BPF + CAP_PERFMON). NULL with @err set. */
struct xdt_sockiter *xdt_sockiter_open(char *err, size_t errlen);

/*
 * Run it once: @cb gets each (socket inode, tgid) pair, thread-group leaders'
 * file tables only (threads sharing them are skipped), in ascending tgid order.
 * @cb returns 0 to go on or -errno to stop (returned). 0 or -errno.
 */
int xdt_sockiter_walk(struct xdt_sockiter *it,
		      int (*cb)(uint32_t inode, int32_t tgid, void *ctx), void *ctx);

void xdt_sockiter_close(struct xdt_sockiter *it);

#endif
