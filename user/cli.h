/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef XDT_CLI_H
#define XDT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define XDT_DEFAULT_MAX_FLOWS 65536
/* A handshake payload (XDT_PREFIX_HANDSHAKE, 4096) and the headers before it. */
#define XDT_DEFAULT_SNAPLEN 4352
#define XDT_DEFAULT_INTERVAL_NS 1000000000ULL
#define XDT_DEFAULT_DPI_PACKETS 4
#define XDT_DEFAULT_DPI_BYTES 256
#define XDT_DEFAULT_REFRESH_MS 1000
/* Most -i options (the loader's XDT_KERNEL_MAX_IFACES). */
#define XDT_MAX_IFACES 16

enum xdt_backend {
	XDT_BACKEND_AUTO,
	XDT_BACKEND_XDP,
	XDT_BACKEND_AFXDP,
	XDT_BACKEND_PCAP,
};

struct xdt_opts {
	const char *ifnames[XDT_MAX_IFACES];	/* -i, repeatable */
	unsigned int n_ifnames;	/* 0: the default-route interface */
	const char *read_path;	/* -r */
	int json;
	uint64_t interval_ns;
	uint64_t duration_ns;	/* 0: until interrupted */
	size_t max_flows;
	int snaplen;
	enum xdt_backend backend;
	unsigned int dpi_packets;	/* payloads looked at per flow and direction */
	unsigned int dpi_bytes;		/* bytes per ordinary payload */
	int no_dpi;
	int no_kernel_proc;	/* no cgroup socket hooks: the /proc fallback only */
	unsigned int refresh_ms;	/* screen redraw period */
	int no_sandbox;		/* skip the lock-down */
	int sandbox_strict;	/* a layer that cannot be applied is fatal */
	/* Test build (XDT_SELFTEST) only; never set otherwise. */
	const char *selftest_escape;	/* attempts to run on SIGUSR2 (sandbox/selftest.c) */
	unsigned int selftest_unavailable;	/* layers (1 << enum xdt_sb_layer) to fake as missing */
	int probe;
	int mirror;		/* the interface is a SPAN/TAP port: no local traffic */
	int verbosity;		/* -v adds, -q subtracts */
	int help;
	int version;
};

/*
 * Parse argv into @o. 0 on success; -EINVAL after printing a message that names
 * the offending flag to @err.
 */
int xdt_cli_parse(int argc, char **argv, struct xdt_opts *o, FILE *err);

void xdt_cli_usage(FILE *out);

const char *xdt_backend_name(enum xdt_backend b);

#endif
