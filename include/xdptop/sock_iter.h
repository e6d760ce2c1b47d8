/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The record the socket iterator (kern/sock_iter.bpf.c) writes to its seq file,
 * one per open socket file descriptor, read back by loader/sockiter.c.
 *
 * Fixed-width types only, size checked at compile time: records are read as a
 * byte stream, and one read() may end in the middle of one.
 */
#ifndef XDPTOP_SOCK_ITER_H
#define XDPTOP_SOCK_ITER_H

#include <linux/types.h>

struct xdt_sock_rec {
	__u32 inode;	/* the socket's inode number, as in "socket:[INODE]" */
	__s32 tgid;	/* holder's process id in the reader's pid namespace */
};
_Static_assert(sizeof(struct xdt_sock_rec) == 8, "xdt_sock_rec is read as a byte stream");

#endif
