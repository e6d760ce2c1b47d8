/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which process holds which socket, asked of the kernel: a BPF task_file iterator
 * (kern/sock_iter.bpf.c) lists (tgid, socket inode) for every open socket file.
 *
 * It replaces the <root>/proc/PID/fd scan of the process fallback once xdptop is
 * sandboxed: Landlock denies ptrace-mode access to processes outside its domain,
 * so readlink(/proc/PID/fd/N) fails (EACCES) for every other process, while an
 * iterator attached before lock-down can still be run (BPF_ITER_CREATE on the
 * link, no capability needed: tests/bpf/test_sockiter.c checks it, also with
 * kernel.unprivileged_bpf_disabled set). A seccomp filter must let through
 * bpf(BPF_ITER_CREATE), read() and close().
 *
 * Process ids are those of the pid namespace of the process that walks, which
 * sees only the processes of that namespace: the same numbers as its /proc.
 */
#ifndef XDT_LOADER_SOCKITER_H
#define XDT_LOADER_SOCKITER_H

#include <stddef.h>
#include <stdint.h>

struct xdt_sockiter;

/* Load and attach the iterator (needs CAP_BPF + CAP_PERFMON). NULL with @err set. */
struct xdt_sockiter *xdt_sockiter_open(char *err, size_t errlen);

/*
 * Run it once: @cb gets each (socket inode, tgid) pair, one per open socket
 * descriptor (a socket in two descriptors or two processes comes twice), in
 * ascending tgid order. Each file table is walked once: threads sharing their
 * leader's are skipped. A thread that unshared its table (CLONE_FILES) is
 * walked at its thread id, with its tgid, so that one process can come out of
 * order. @cb returns 0 to go on or -errno to stop (returned). 0 or -errno;
 * -EBADMSG if the kernel's output ended inside a record.
 * Allocates nothing; not for two threads at once on the same @it.
 */
int xdt_sockiter_walk(struct xdt_sockiter *it,
		      int (*cb)(uint32_t inode, int32_t tgid, void *ctx), void *ctx);

void xdt_sockiter_close(struct xdt_sockiter *it);

#endif
