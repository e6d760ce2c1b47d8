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
#define XDT_DEFAULT_RESOLVE_RATE 20	/* PTR queries a second */
#define XDT_DEFAULT_IPFIX_ACTIVE_NS (60ULL * 1000000000ULL)
#define XDT_DEFAULT_IPFIX_IDLE_NS (15ULL * 1000000000ULL)
#define XDT_DEFAULT_PROM_TOP 10
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
	int exit_on_iface_loss;	/* a deleted interface ends the run */
	unsigned int refresh_ms;	/* screen redraw period */
	const char *config_path;	/* --config; NULL: the search path */
	int no_config;
	const char *geoip_dir;	/* searched first for .mmdb files */
	int no_geoip;
	int no_resolve;		/* no PTR queries */
	unsigned int resolve_rate;	/* PTR queries a second, at most */
	/* Logs and exports (user/export/; xdptop(8) LOGS AND EXPORTS). */
	int log_level;		/* --log-level: enum xdt_log_level of the log file; -1: no file */
	const char *log_dir;	/* --log-dir; NULL: ./logs */
	const char *json_log_path;	/* --json-log */
	const char *pcap_export_path;	/* --pcap-export */
	uint64_t pcap_rotate_bytes;	/* --pcap-rotate MB, in bytes; 0: one file */
	const char *ipfix_target;	/* --ipfix HOST:PORT, checked by xdt_cli_hostport() */
	uint64_t ipfix_active_ns;	/* --ipfix-active; 0: XDT_DEFAULT_IPFIX_ACTIVE_NS */
	uint64_t ipfix_idle_ns;		/* --ipfix-idle; 0: XDT_DEFAULT_IPFIX_IDLE_NS */
	const char *prom_path;		/* --prom-textfile */
	unsigned int prom_top;		/* --prom-top; 0: XDT_DEFAULT_PROM_TOP */
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

/*
 * xdt_cli_parse, where argv[1..@n_config] are the words the configuration file
 * stands for (xdt_config_argv) and the rest the real command line. The file's
 * words are parsed like the others, but the command line wins:
 *  - its -i/--interface list replaces the file's, and a -r/--read on it drops
 *    the file's interfaces, --mirror, --backend, --interval, --duration and
 *    --snaplen silently (they are about live capture; only the same options on
 *    the command line are "not with -r/--read" errors);
 *  - a -i/--interface on it drops a read named in the file.
 * Contradictions that remain (--no-sandbox and --sandbox-strict, --backend afxdp
 * without --mirror, ...) are errors wherever the words came from.
 */
int xdt_cli_parse_ex(int argc, char **argv, int n_config, struct xdt_opts *o, FILE *err);

/*
 * Parse argv, every word from the configuration file, checking each value but
 * not how the options combine: the file is checked one key at a time, and a key
 * may need another ("backend: afxdp" needs "mirror: true", which may come from
 * the command line). 0, or -EINVAL after a message naming the flag to @err.
 */
int xdt_cli_check_values(int argc, char **argv, struct xdt_opts *o, FILE *err);

/*
 * What the long option @name (no dashes) is: -1 unknown, 0 a flag, 1 takes a
 * value, 2 takes a value and may be repeated (-i/--interface).
 */
int xdt_cli_option_kind(const char *name);

/* The @i-th long option's name, NULL past the last (for tests that cover all). */
const char *xdt_cli_option_name(unsigned int i);

void xdt_cli_usage(FILE *out);

const char *xdt_backend_name(enum xdt_backend b);

struct sockaddr_storage;
/*
 * A numeric "ADDRESS:PORT" ("10.0.0.1:4739", "[fd00::1]:4739") into @ss (port 1-65535).
 * 0, or -EINVAL with the reason in @why.
 */
int xdt_cli_hostport(const char *s, struct sockaddr_storage *ss, unsigned int *sslen,
		     char *why, size_t whylen);

#endif
