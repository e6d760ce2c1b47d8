/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The name servers of /etc/resolv.conf, read as glibc's resolver reads them: the
 * addresses reverse DNS may send to, and so the only ones the UDP-egress lock
 * (loader/egress.c) lets xdptop reach.
 */
#ifndef XDT_SANDBOX_RESOLV_H
#define XDT_SANDBOX_RESOLV_H

#include <stdint.h>

/* glibc's MAXNS: name servers after the third are never asked. */
#define XDT_RESOLV_MAX 3

struct xdt_resolver {
	uint8_t family;		/* 4 or 6 */
	uint8_t addr[16];	/* network order; IPv4 in the first 4 bytes, rest 0 */
};

struct xdt_resolvers {
	unsigned int n;
	int defaulted;		/* no usable nameserver line: glibc's loopback default */
	struct xdt_resolver a[XDT_RESOLV_MAX];
};

/*
 * Parse @path. 0, or -errno if it cannot be read (then @r holds the default, as
 * glibc would use it). Lines "nameserver ADDR" (IPv4, or IPv6 with an optional
 * "%scope"), comments ('#', ';'), other keywords ignored; like glibc, only lines
 * that start in column 0 count. The servers of the first XDT_RESOLV_MAX usable
 * lines are kept, in file order, a duplicate once (it still takes one of glibc's
 * slots). None usable: 127.0.0.1 and ::1, defaulted 1.
 */
int xdt_resolv_parse(const char *path, struct xdt_resolvers *r);

#endif
