/* SPDX-License-Identifier: GPL-2.0-only */
/* SSH identification strings (RFC 4253 section 4.2): "SSH-2.0-OpenSSH_9.2p1 ...". */
#ifndef XDT_DPI_SSH_H
#define XDT_DPI_SSH_H

#include <stddef.h>
#include <stdint.h>

#define XDT_SSH_SOFTWARE_MAX 256

struct xdt_ssh_info {
	char proto[8];		/* "2.0" (or "1.99") */
	char software[XDT_SSH_SOFTWARE_MAX];	/* software version and comments */
};

/*
 * The identification line at the start of either side of an SSH connection.
 * 0, -EAGAIN (it starts like one but the line is not complete), or -EINVAL.
 */
int xdt_ssh_parse(const uint8_t *buf, size_t len, struct xdt_ssh_info *out);

#endif
