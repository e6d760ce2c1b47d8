// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdptop entry point: options, then either an offline replay or a live capture
 * loop that prints the flow table as JSON lines.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "engine.h"
#include "capture/iface.h"
#include "capture/pcap.h"
#include "export/json.h"
#include "util/hash.h"
#include "util/log.h"

#ifndef XDT_VERSION
#define XDT_VERSION "unknown"
#endif

#define LIVE_BUFFER_BYTES (32 << 20)
#define LIVE_TIMEOUT_MS 100
#define OFFLINE_BATCH 4096

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void install_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed stdout shows up as a write error we report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* A flow leaving the table is printed at once: nothing counted goes unreported. */
static void print_ended_flow(const struct xdt_flow *f, void *ctx)
{
	struct xdt_engine **e = ctx;

	xdt_json_flow(stdout, f, *e ? xdt_engine_now(*e) : f->last_ns);
}

static int output_ok(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 1;
	if (errno != EPIPE)
		xdt_err("writing to standard output failed: %s", strerror(errno));
	return 0;
}

static int run_offline(const struct xdt_opts *o, struct xdt_engine *e)
{
	char err[512];
	struct xdt_pcap *c;
	int n, rc = 0;

	c = xdt_pcap_open_offline(o->read_path, err, sizeof(err));
	if (!c) {
		xdt_err("%s", err);
		return 1;
	}
	while (!stop_signal) {
		n = xdt_pcap_dispatch(c, e, OFFLINE_BATCH, err, sizeof(err));
		if (n < 0) {
			unsigned long long n_read = xdt_engine_stats(e)->packets;

			xdt_err("%s: capture ends early: %s; the output covers the %llu packet%s "
				"read before that", o->read_path, err, n_read, n_read == 1 ? "" : "s");
			rc = 1;
			break;
		}
		if (xdt_pcap_eof(c))
			break;
	}
	xdt_pcap_close(c);
	if (xdt_json_table(stdout, e, NULL) < 0 || !output_ok())
		rc = 1;
	return rc;
}

/*
 * The kernel hands a ring block to us only when it is full or its timeout expires,
 * so packets that arrived just before we were told to stop may still sit in an open
 * block. Wait out one block timeout (and a margin) and read them.
 */
static void drain(struct xdt_pcap *c, struct xdt_engine *e)
{
	uint64_t deadline = clock_ns(CLOCK_MONOTONIC) + 2ULL * LIVE_TIMEOUT_MS * 1000000ULL;
	struct pollfd pfd = { .fd = xdt_pcap_fd(c), .events = POLLIN };
	char err[512];
	uint64_t now;

	while ((now = clock_ns(CLOCK_MONOTONIC)) < deadline) {
		if (poll(&pfd, 1, (int)((deadline - now) / 1000000) + 1) < 0 && errno != EINTR)
			return;
		if (xdt_pcap_dispatch(c, e, -1, err, sizeof(err)) < 0)
			return;
	}
}

static int run_live(const struct xdt_opts *o, struct xdt_engine *e)
{
	struct xdt_pcap_live_opts lo = {
		.snaplen = o->snaplen,
		.buffer_bytes = LIVE_BUFFER_BYTES,
		.timeout_ms = LIVE_TIMEOUT_MS,
	};
	uint64_t start, next_print, now;
	struct xdt_capture_stats cs;
	char ifname[IF_NAMESIZE], err[512];
	struct xdt_pcap *c;
	int rc = 0, n;

	if (o->ifname) {
		lo.ifname = o->ifname;
	} else {
		if (xdt_iface_default_route("/proc", ifname, sizeof(ifname)) < 0) {
			xdt_err("no default route, so no default interface: name one with -i "
				"(`ip link` lists them)");
			return 1;
		}
		lo.ifname = ifname;
	}
	c = xdt_pcap_open_live(&lo, err, sizeof(err));
	if (!c) {
		xdt_err("%s", err);
		return 1;
	}
	xdt_info("capturing on %s%s; a table every %g s%s", lo.ifname,
		 o->ifname ? "" : " (the default-route interface)", (double)o->interval_ns / 1e9,
		 isatty(STDIN_FILENO) ? "; Ctrl-C prints the last one and stops" : "");
	start = clock_ns(CLOCK_MONOTONIC);
	next_print = start + o->interval_ns;
	while (!stop_signal) {
		struct pollfd pfd = { .fd = xdt_pcap_fd(c), .events = POLLIN };
		uint64_t wait_ns;

		now = clock_ns(CLOCK_MONOTONIC);
		if (o->duration_ns && now - start >= o->duration_ns)
			break;
		if (now >= next_print) {
			xdt_engine_tick(e, clock_ns(CLOCK_REALTIME));
			xdt_pcap_stats(c, &cs);
			if (xdt_json_table(stdout, e, &cs) < 0 || !output_ok()) {
				rc = 1;
				break;
			}
			next_print += o->interval_ns;
			if (next_print <= now)	/* we fell behind: do not print in a burst */
				next_print = now + o->interval_ns;
		}
		wait_ns = next_print - now;
		if (o->duration_ns && start + o->duration_ns - now < wait_ns)
			wait_ns = start + o->duration_ns - now;
		if (poll(&pfd, 1, (int)(wait_ns / 1000000) + 1) < 0 && errno != EINTR) {
			xdt_err("poll on the capture failed: %s", strerror(errno));
			rc = 1;
			break;
		}
		n = xdt_pcap_dispatch(c, e, -1, err, sizeof(err));
		if (n < 0) {
			xdt_err("capture on %s failed: %s", lo.ifname, err);
			rc = 1;
			break;
		}
	}
	/* Final table: everything counted since the last print is reported. */
	if (!rc)
		drain(c, e);
	xdt_engine_tick(e, clock_ns(CLOCK_REALTIME));
	xdt_pcap_stats(c, &cs);
	xdt_pcap_close(c);
	if (xdt_json_table(stdout, e, &cs) < 0 || !output_ok())
		rc = 1;
	return rc;
}

int main(int argc, char **argv)
{
	struct xdt_engine *e = NULL;
	struct xdt_engine_opts eo;
	struct xdt_opts o;
	int level, rc;

	if (xdt_cli_parse(argc, argv, &o, stderr) < 0)
		return 2;
	if (o.help) {
		xdt_cli_usage(stdout);
		return 0;
	}
	if (o.version) {
		printf("xdptop %s\n", XDT_VERSION);
		return 0;
	}
	/* Default: errors, warnings and notices such as the interface chosen. */
	level = o.verbosity < 0 ? XDT_LOG_ERROR : XDT_LOG_INFO + o.verbosity;
	xdt_log_set_level(level > XDT_LOG_DEBUG ? XDT_LOG_DEBUG : (enum xdt_log_level)level);

	memset(&eo, 0, sizeof(eo));
	eo.max_flows = o.max_flows;
	eo.seed = xdt_hash_seed();
	eo.on_flow_end = print_ended_flow;
	eo.ctx = &e;
	e = xdt_engine_new(&eo);
	if (!e) {
		xdt_err("cannot allocate a table for %zu flows: %s", o.max_flows, strerror(errno));
		return 1;
	}
	install_signals();
	rc = o.read_path ? run_offline(&o, e) : run_live(&o, e);
	xdt_engine_free(e);
	return rc;
}
