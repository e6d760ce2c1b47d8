// SPDX-License-Identifier: GPL-2.0-only
/*
 * xdptop entry point: options, then an offline replay or a live capture loop
 * (kernel backend or pcap) that prints the flow table as JSON lines.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <locale.h>
#include <net/if.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <xdptop/kern.h>

#include "cli.h"
#include "config.h"
#include "engine.h"
#include "capture/iface.h"
#include "capture/ifwatch.h"
#include "capture/kflow.h"
#include "capture/pcap.h"
#include "capture/xsk.h"
#include "proc/owner.h"
#include "view/build.h"
#include "../ui/ui.h"
#include "export/json.h"
#include "export/eventlog.h"
#include "export/ipfix.h"
#include "export/pcapexp.h"
#include "export/prom.h"
#include "util/hash.h"
#include "util/log.h"
#include "../loader/attr.h"
#include "../loader/loader.h"
#include "../loader/sockiter.h"
#include "sandbox/sandbox.h"
#include "sandbox/selftest.h"
#include "dpi/service.h"
#include "enrich/geoip.h"
#include "enrich/rdns.h"

#ifndef XDT_VERSION
#define XDT_VERSION "unknown"
#endif

#define LIVE_BUFFER_BYTES (32 << 20)
#define LIVE_TIMEOUT_MS 100
#define OFFLINE_BATCH 4096

static volatile sig_atomic_t stop_signal;
/* SIGHUP with --json: reopen the log files (log rotation), at the next turn of the loop. */
static volatile sig_atomic_t reopen_pending;
static int hup_reopens;
#ifdef XDT_SELFTEST
/* Test build: SIGUSR2 asks for the escape attempts (sandbox/selftest.h). */
static volatile sig_atomic_t selftest_pending;
#endif
/* The screen stops on a signal, or when a live capture ends (error, --duration). */
static volatile sig_atomic_t ui_stop;

/* What the flow-end callback needs: the engine, and the kernel reader if any. */
struct app {
	struct xdt_engine *e;
	struct xdt_kflow_reader *kr;
	/* The process fallback: the latest sock_diag + /proc snapshot, and when to redo it. */
	struct xdt_proc_snapshot *snap;
	uint64_t snap_next_ns;
	/* The screen: snapshots for the UI thread instead of JSON on stdout. */
	int ui;
	const struct xdt_opts *o;
	int capture_rc;
	struct xdt_view *view;
	struct xdt_snapbox *box;
	struct xdt_view_info vinfo;
	/* The lock-down, and the socket-owner iterator that works through it. */
	struct xdt_sandbox *sb;
	struct xdt_sockiter *it;
	int capture_fds[XDT_MAX_IFACES];
	unsigned int n_capture_fds;
	struct source *src;	/* what the capture thread runs */
	struct xdt_geoip *geoip;
	struct xdt_rdns *rdns;
	struct xdt_resolvers resolvers;	/* the PTR client's, and the egress lock's */
	/* Logs and exports (user/export/), each NULL when not asked for. */
	struct xdt_eventlog *elog;
	struct xdt_pcapexp *pexp;
	int pexp_kernel_iface;	/* the pcapng interface of kernel prefix records */
	struct xdt_ipfix *ipfix;
	int ipfix_fd;
	struct xdt_prom *prom;
	struct xdt_prom_iface prom_ifaces[XDT_MAX_IFACES];
	struct xdt_ifwatch *ifw;	/* live: interfaces going down, away, and back */
	int iface_stop;		/* an interface event ends the run (exit status 1) */
};

#define SNAPSHOT_EVERY_NS (5ULL * 1000000000ULL)

static void on_signal(int sig)
{
#ifdef XDT_SELFTEST
	if (sig == SIGUSR2) {
		selftest_pending = 1;
		return;
	}
#endif
	if (sig == SIGHUP && hup_reopens) {
		reopen_pending = 1;
		return;
	}
	stop_signal = sig;
	ui_stop = 1;
}

/*
 * SIGINT and SIGTERM stop (the final table, every export closed, links gone).
 * SIGHUP reopens the log files when the output is JSON lines (a daemon's
 * convention, for logrotate); on the screen it means the terminal hung up, and
 * stops too: a screen left on a dead terminal would only spin.
 */
static void install_signals(int reopen)
{
	/*
	 * SA_RESTART: a signal that comes while stdout is blocked on a slow reader must
	 * not fail the write. stdio drops what an interrupted write did not take, so
	 * the JSON would lose lines and xdptop exit 1. The waits of the loops (poll,
	 * epoll_wait, nanosleep) are never restarted, so a stop is still seen at once.
	 */
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	hup_reopens = reopen;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
#ifdef XDT_SELFTEST
	sigaction(SIGUSR2, &sa, NULL);
#endif
	/* A closed stdout shows up as a write error we report, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* One flow, about to be printed as it ends, from the latest snapshot. */
static void owner_from_snapshot(struct app *a, const struct xdt_flow *f)
{
	struct xdt_flow *m = xdt_flow_table_lookup(xdt_engine_flows(a->e), &f->key);

	if (m == f)
		xdt_owner_fallback_one(m, a->snap, xdt_engine_procs(a->e));
}

/* --- logs and exports (user/export/) ------------------------------------------- */

/* A flow leaves the table: its last event, sidecar line, IPFIX records, totals. */
static void exports_flow_end(struct app *a, const struct xdt_flow *f, uint64_t now,
			     const struct xdt_json_ctx *jc)
{
	xdt_eventlog_flow_end(a->elog, f, now, jc);
	if (a->pexp)
		xdt_pcapexp_flow_end(a->pexp, f, now);
	if (a->prom)
		xdt_prom_flow_end(a->prom, f);
	if (a->ipfix) {
		/* The table lends a const pointer; the exporter frees the state hung on it. */
		struct xdt_flow *m = xdt_flow_table_lookup(xdt_engine_flows(a->e), &f->key);

		if (m == f)
			xdt_ipfix_flow_end(a->ipfix, m, 0);
	}
}

/* Say each export failure once: exports never stop the capture. */
static void exports_report(struct app *a)
{
	const char *m;

	while (a->elog && (m = xdt_eventlog_error(a->elog)))
		xdt_warn("%s", m);
	while (a->pexp && (m = xdt_pcapexp_error(a->pexp)))
		xdt_warn("%s", m);
	while (a->ipfix && (m = xdt_ipfix_error(a->ipfix)))
		xdt_warn("%s", m);
	while (a->prom && (m = xdt_prom_error(a->prom)))
		xdt_warn("%s", m);
}

static struct xdt_json_ctx json_ctx(struct app *a)
{
	return (struct xdt_json_ctx){ xdt_engine_pdns(a->e), xdt_engine_procs(a->e), a->geoip,
				      a->rdns };
}

/* What changed since the last call: events for new flows, apps and processes. */
static void exports_scan(struct app *a, uint64_t now)
{
	struct xdt_json_ctx jc;

	if (!a->elog)
		return;
	jc = json_ctx(a);
	xdt_eventlog_scan(a->elog, xdt_engine_flows(a->e), now, &jc);
}

static unsigned int source_ifaces(struct app *a, struct xdt_prom_iface *out);

/* Once per output interval (and at the end): everything the exports write. */
static void exports_tick(struct app *a, const struct xdt_capture_stats *cs, uint64_t now)
{
	struct xdt_capture_stats c = { 0 };

	if (cs)
		c = *cs;
	c.sandbox = xdt_sandbox_report(a->sb);
	if (!cs)
		c.backend = "file";
	exports_scan(a, now);
	xdt_eventlog_stats_event(a->elog, a->e, &c, now);
	if (a->ipfix)
		xdt_ipfix_tick(a->ipfix, xdt_engine_flows(a->e), now);
	if (a->pexp)
		xdt_pcapexp_flush(a->pexp);
	if (a->prom) {
		struct xdt_eventlog_stats es;
		struct xdt_pcapexp_stats ps = { 0 };
		struct xdt_ipfix_stats is = { 0 };
		struct xdt_prom_input in = {
			.e = a->e,
			.cap = &c,
			.ifaces = a->prom_ifaces,
			.version = XDT_VERSION,
			.now_ns = clock_ns(CLOCK_REALTIME),	/* when written, replay or not */
		};

		in.n_ifaces = source_ifaces(a, a->prom_ifaces);
		xdt_eventlog_stats(a->elog, &es);
		if (a->pexp)
			xdt_pcapexp_stats(a->pexp, &ps);
		if (a->ipfix)
			xdt_ipfix_stats(a->ipfix, &is);
		in.errors = (struct xdt_prom_errors){ ps.errors, es.errors, is.send_errors };
		xdt_prom_write(a->prom, &in);
	}
	exports_report(a);
}

static int ipfix_send(void *ctx, const uint8_t *msg, size_t len)
{
	struct app *a = ctx;

	/* Connected before the lock-down, to the one address the egress lock lets through. */
	if (send(a->ipfix_fd, msg, len, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

static uint64_t pexp_now(void *arg)
{
	struct app *a = arg;

	return a->o && a->o->read_path ? xdt_engine_now(a->e) : clock_ns(CLOCK_REALTIME);
}

static void owners_fallback(struct app *a, int refresh, int force);
static void logs_reopen(struct app *a);

/* A capture file closes: owners of its flows not found yet are looked up now. */
static void pexp_refresh(void *arg)
{
	struct app *a = arg;

	if (!a->o || !a->o->read_path)
		owners_fallback(a, 1, 1);
}

/*
 * The export files and the collector's socket, made before the lock-down (which
 * lets xdptop create files only in the directories named here, and send UDP only
 * to the collector). 0, or 1 after saying why.
 */
static int exports_open(const struct xdt_opts *o, struct app *a, struct xdt_sandbox_opts *so)
{
	char err[4200];

	a->ipfix_fd = -1;
	if (o->json_log_path) {
		a->elog = xdt_eventlog_open(o->json_log_path, err, sizeof(err));
		if (!a->elog) {
			xdt_err("%s", err);
			return 1;
		}
		/* Reopened on SIGHUP (JSON output only; a device or FIFO never is). */
		if (!a->ui && xdt_eventlog_reopenable(a->elog))
			so->reopen_paths[so->n_reopen++] = o->json_log_path;
	}
	if (o->prom_path) {
		err[0] = 0;
		a->prom = xdt_prom_new(o->prom_path, o->prom_top, err, sizeof(err));
		if (!a->prom) {
			xdt_err("%s", err);
			return 1;
		}
		if (err[0])
			xdt_warn("%s", err);
		so->write_paths[so->n_write++] = o->prom_path;	/* temporary file + rename */
	}
	if (o->pcap_export_path) {
		char note[600];

		snprintf(note, sizeof(note), "written by xdptop %s; what each interface holds is "
			 "in its description", XDT_VERSION);
		a->pexp = xdt_pcapexp_open(o->pcap_export_path, o->pcap_rotate_bytes,
					   "xdptop " XDT_VERSION, note, err, sizeof(err));
		if (!a->pexp) {
			xdt_err("%s", err);
			return 1;
		}
		if (o->pcap_rotate_bytes)	/* new files after the lock-down */
			so->write_paths[so->n_write++] = o->pcap_export_path;
	}
	if (o->ipfix_target) {
		struct xdt_ipfix_opts io = {
			.active_timeout_ns = o->ipfix_active_ns,
			.idle_timeout_ns = o->ipfix_idle_ns,
			.domain_id = 1,
		};
		struct sockaddr_storage ss;
		struct xdt_sb_udp_dest *u = &so->udp_dests[so->n_udp_dests];
		unsigned int len;

		xdt_cli_hostport(o->ipfix_target, &ss, &len, err, sizeof(err));
		a->ipfix_fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (a->ipfix_fd < 0 || connect(a->ipfix_fd, (struct sockaddr *)&ss, len) < 0) {
			xdt_err("--ipfix %s: cannot make a UDP socket to it: %s", o->ipfix_target,
				strerror(errno));
			return 1;
		}
		a->ipfix = xdt_ipfix_new(&io, ipfix_send, a);
		if (!a->ipfix) {
			xdt_err("--ipfix: cannot set up the exporter: %s", strerror(errno));
			return 1;
		}
		memset(u, 0, sizeof(*u));
		if (ss.ss_family == AF_INET) {
			u->family = 4;
			memcpy(u->addr, &((struct sockaddr_in *)&ss)->sin_addr, 4);
			u->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		} else {
			u->family = 6;
			memcpy(u->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
			u->port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		}
		u->what = "IPFIX collector";
		so->n_udp_dests++;
		xdt_info("IPFIX records to %s over UDP (active timeout %g s, idle %g s)",
			 o->ipfix_target,
			 (double)(o->ipfix_active_ns ? o->ipfix_active_ns
						     : XDT_DEFAULT_IPFIX_ACTIVE_NS) / 1e9,
			 (double)(o->ipfix_idle_ns ? o->ipfix_idle_ns : XDT_DEFAULT_IPFIX_IDLE_NS) /
				 1e9);
	}
	return 0;
}

/* Once the engine exists: the exports that read it. */
static void exports_bind(struct app *a)
{
	struct xdt_json_ctx jc = json_ctx(a);

	if (a->pexp)
		xdt_pcapexp_bind(a->pexp, xdt_engine_flows(a->e), &jc, pexp_now, pexp_refresh, a);
	if (a->ipfix)
		xdt_ipfix_set_procs(a->ipfix, xdt_engine_procs(a->e));
}

/* At exit, while the table still holds the open flows. */
static void exports_close(struct app *a)
{
	if (a->elog && a->e) {
		struct xdt_json_ctx jc = json_ctx(a);

		xdt_eventlog_finish(a->elog, xdt_engine_flows(a->e),
				    a->o && a->o->read_path ? xdt_engine_now(a->e)
							     : clock_ns(CLOCK_REALTIME),
				    &jc);
	}
	if (a->ipfix) {
		xdt_ipfix_free(a->ipfix, xdt_engine_flows(a->e));
		a->ipfix = NULL;
	}
	if (a->pexp) {
		struct xdt_pcapexp_stats ps;

		xdt_pcapexp_stats(a->pexp, &ps);
		xdt_pcapexp_close(a->pexp);
		a->pexp = NULL;
		xdt_info("--pcap-export: %llu packet%s and %llu connection line%s in %u file%s",
			 (unsigned long long)ps.packets, ps.packets == 1 ? "" : "s",
			 (unsigned long long)ps.connections, ps.connections == 1 ? "" : "s",
			 ps.files, ps.files == 1 ? "" : "s");
	}
	exports_report(a);
	xdt_eventlog_close(a->elog);
	a->elog = NULL;
	xdt_prom_free(a->prom);
	a->prom = NULL;
	if (a->ipfix_fd >= 0)
		close(a->ipfix_fd);
	a->ipfix_fd = -1;
}

/* A flow leaving the table is printed at once: nothing counted goes unreported. */
static void on_flow_end(const struct xdt_flow *f, void *ctx)
{
	struct app *a = ctx;

	if (f->owner.method == XDT_METHOD_NONE && a->snap)
		owner_from_snapshot(a, f);
	struct xdt_json_ctx jc = {
		a->e ? xdt_engine_pdns(a->e) : NULL,
		a->e ? xdt_engine_procs(a->e) : NULL,
		a->geoip,
		a->rdns,
	};

	uint64_t now = a->o && a->o->read_path ? xdt_engine_now(a->e) : clock_ns(CLOCK_REALTIME);

	if (a->ui)
		xdt_view_flow_ended(a->view, a->e, f, now);
	else
		xdt_json_flow(stdout, f, a->e ? xdt_engine_now(a->e) : f->last_ns, &jc);
	exports_flow_end(a, f, now, &jc);
	/* Idle in userspace means idle in the kernel too: free its map entry. */
	if (a->kr && (f->end == XDT_END_IDLE || (f->app && f->app->done)))
		xdt_kflow_forget(a->kr, &f->key, f->end == XDT_END_IDLE);
}

/* DPI has what it wants: the kernel need not send this flow's payloads any more. */
static void on_dpi_done(const struct xdt_flow *f, void *ctx)
{
	struct app *a = ctx;

	if (a->kr)
		xdt_kflow_done(a->kr, &f->key);
}

/* The snapshot's socket owners from the kernel's task_file iterator (loader/sockiter.h). */
static int iter_walk(int (*cb)(uint32_t inode, int32_t pid, void *cbctx), void *cbctx, void *ctx)
{
	return xdt_sockiter_walk(ctx, cb, cbctx);
}

/*
 * Flows the kernel hooks did not attribute (sockets older than xdptop, or no
 * hooks) get the owner a snapshot of the sockets names. The snapshot is redone
 * at most every SNAPSHOT_EVERY_NS: a /proc scan is not free on a busy host.
 */
static void owners_fallback(struct app *a, int refresh, int force)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct xdt_proc_snapshot *s;
	int err = 0;

	if (refresh && (force || now >= a->snap_next_ns)) {
		a->snap_next_ns = now + SNAPSHOT_EVERY_NS;
		s = a->it ? xdt_proc_snapshot_new_walk("/", iter_walk, a->it, &err)
			  : xdt_proc_snapshot_new("/", &err);
		if (s) {
			xdt_proc_snapshot_free(a->snap);
			a->snap = s;
		} else {
			xdt_dbg("socket snapshot for the process fallback failed: %s",
				  strerror(-err));
		}
	}
	if (a->snap)
		xdt_owner_fallback(xdt_engine_flows(a->e), a->snap, xdt_engine_procs(a->e));
}

static int output_ok(void)
{
	if (fflush(stdout) == 0 && !ferror(stdout))
		return 1;
	if (errno != EPIPE)
		xdt_err("writing to standard output failed: %s", strerror(errno));
	return 0;
}

/* The table as JSON lines, or, for the screen, a snapshot published to the UI. */
static int print_table(struct app *a, const struct xdt_capture_stats *live)
{
	struct xdt_capture_stats cs = { 0 };
	struct xdt_flow_key sel;
	struct xdt_snapshot *s;

	/* A replay has no capture counters, but the sandbox state is for every run. */
	if (live)
		cs = *live;
	cs.sandbox = xdt_sandbox_report(a->sb);
	if (!a->ui)
		return xdt_json_table(stdout, a->e, &cs) == 0 && output_ok() ? 0 : -EIO;
	/* The screen is closing: nobody would see another snapshot. */
	if (stop_signal)
		return 0;
	if (live) {
		a->vinfo.backend = cs.backend;
		a->vinfo.xdp_mode = cs.kernel ? cs.xdp_mode : NULL;
		a->vinfo.capture_dropped = cs.dropped + cs.if_dropped;
		a->vinfo.prefix_lost = cs.prefix_lost;
		a->vinfo.map_full = cs.map_full;
	}
	a->vinfo.sandbox = cs.sandbox;
	/* A replay is shown as of its last packet, live traffic as of now. */
	s = xdt_view_build(a->view, a->e, &a->vinfo,
			   xdt_snapbox_selected(a->box, &sel) ? &sel : NULL,
			   a->o && a->o->read_path ? xdt_engine_now(a->e) : clock_ns(CLOCK_REALTIME));
	if (s)
		xdt_snapbox_publish(a->box, s);
	return 0;
}

/* Replay the whole file (opened before lock-down) into the engine, then the table. */
static int run_file(const struct xdt_opts *o, struct app *a, struct xdt_pcap *c)
{
	struct xdt_engine *e = a->e;
	char err[512];
	int n, rc = 0;

	while (!stop_signal) {
		if (reopen_pending)
			logs_reopen(a);
		n = xdt_pcap_dispatch(c, e, OFFLINE_BATCH, err, sizeof(err));
		if (n < 0) {
			unsigned long long n_read = xdt_engine_stats(e)->packets;

			xdt_err("%s: capture ends early: %s; the output covers the %llu packet%s "
				"read before that", o->read_path, err, n_read, n_read == 1 ? "" : "s");
			rc = 1;
			break;
		}
		/* Events in the order the capture had them, not all at its end. */
		exports_scan(a, xdt_engine_now(e));
		if (xdt_pcap_eof(c))
			break;
	}
	a->vinfo.backend = "file";
	if (print_table(a, NULL))
		rc = 1;
	exports_tick(a, NULL, xdt_engine_now(e));
	return rc;
}

/*
 * A live backend, driven by one loop: wait for data at most @max_wait_ms, then
 * read; print the table every interval; stop on a signal or --duration.
 */
struct live {
	struct app *app;
	const char *name;
	void *ctx;
	int (*read)(void *ctx, int max_wait_ms);	/* 0 or -errno */
	void (*refresh)(void *ctx, struct xdt_capture_stats *cs);	/* before a print */
	void (*drain)(void *ctx);	/* once, after the loop */
	/* An interface went down, away or came back: the backend follows it. */
	void (*iface)(void *ctx, const struct xdt_ifev *ev);
};

/* --- interfaces that go down, away, and come back ------------------------------ */

static void on_ifev(const struct xdt_ifev *ev, void *arg)
{
	const struct live *l = arg;
	struct app *a = l->app;

	switch (ev->kind) {
	case XDT_IFEV_DOWN:
		xdt_warn("%s is down (%s): nothing to capture there until it is up again",
			 ev->name, ev->admin_up ? "no carrier" : "set down");
		break;
	case XDT_IFEV_UP:
		xdt_info("%s is up again", ev->name);
		break;
	case XDT_IFEV_MTU:
		xdt_info("%s: MTU changed from %u to %u", ev->name, ev->old_mtu, ev->mtu);
		break;
	case XDT_IFEV_GONE:
		if (a->o->exit_on_iface_loss) {
			xdt_err("%s was deleted: stopping (--exit-on-iface-loss)", ev->name);
			a->iface_stop = 1;
		} else {
			xdt_warn("%s was deleted: waiting for an interface of that name to attach "
				 "to again (the counts so far are kept)", ev->name);
		}
		break;
	case XDT_IFEV_BACK:
		xdt_info("%s exists again (ifindex %d)%s", ev->name, ev->ifindex,
			 a->o->exit_on_iface_loss ? "" : ": capturing there again");
		break;
	}
	xdt_eventlog_interface(a->elog, ev->name, xdt_ifev_name(ev->kind), ev->ifindex, ev->mtu,
			       (int)ev->admin_up, (int)ev->running, clock_ns(CLOCK_REALTIME));
	if (!a->iface_stop && l->iface)
		l->iface(l->ctx, ev);
}

/*
 * Read what the interfaces did. @wait_ms > 0 after a capture error: the error may
 * be the first sign of an interface going away, and the kernel's word on it may
 * still be on its way. Returns the number of events.
 */
static int iface_events(struct live *l, int wait_ms)
{
	struct xdt_ifwatch *w = l->app->ifw;
	struct pollfd pfd = { .fd = xdt_ifwatch_fd(w), .events = POLLIN };
	int n;

	if (!w)
		return 0;
	if (wait_ms > 0)
		poll(&pfd, 1, wait_ms);
	n = xdt_ifwatch_poll(w, on_ifev, l);
	if (n < 0) {
		xdt_warn("interface events unreadable (%s): no longer following them",
			 strerror(-n));
		xdt_ifwatch_free(w);
		l->app->ifw = NULL;
		return 0;
	}
	return n;
}

static int live_loop(const struct xdt_opts *o, struct live *l)
{
	uint64_t start = clock_ns(CLOCK_MONOTONIC), next_print = start + o->interval_ns, now;
	struct xdt_capture_stats cs;
	int rc = 0, failed = 0;

	while (!stop_signal) {
		uint64_t wait_ns;

		if (reopen_pending)
			logs_reopen(l->app);
#ifdef XDT_SELFTEST
		if (selftest_pending) {
			selftest_pending = 0;
			xdt_selftest_run(o->selftest_escape ? o->selftest_escape : "",
					 l->app->capture_fds, l->app->n_capture_fds, stdout);
		}
#endif
		iface_events(l, 0);
		if (l->app->iface_stop) {
			rc = 1;
			break;
		}
		now = clock_ns(CLOCK_MONOTONIC);
		if (o->duration_ns && now - start >= o->duration_ns)
			break;
		if (now >= next_print) {
			l->refresh(l->ctx, &cs);
			owners_fallback(l->app, 1, 0);
			if (print_table(l->app, &cs)) {
				rc = failed = 1;
				break;
			}
			exports_tick(l->app, &cs, clock_ns(CLOCK_REALTIME));
			next_print += o->interval_ns;
			if (next_print <= now)	/* we fell behind: do not print in a burst */
				next_print = now + o->interval_ns;
		}
		wait_ns = next_print - now;
		if (o->duration_ns && start + o->duration_ns - now < wait_ns)
			wait_ns = start + o->duration_ns - now;
		if (l->read(l->ctx, (int)(wait_ns / 1000000) + 1) < 0) {
			rc = failed = 1;
			break;
		}
	}
	/* Final table: everything counted since the last print is reported. */
	if (!failed)
		l->drain(l->ctx);
	l->refresh(l->ctx, &cs);
	/* The last table: a fresh look for what is still unattributed. */
	owners_fallback(l->app, 1, 1);
	if (print_table(l->app, &cs))
		rc = 1;
	exports_tick(l->app, &cs, clock_ns(CLOCK_REALTIME));
	return rc;
}

/* --- pcap backend ------------------------------------------------------------ */

struct pcap_live {
	unsigned int n;
	struct xdt_pcap *c[XDT_MAX_IFACES];
	const char *ifname[XDT_MAX_IFACES];
	unsigned int paused[XDT_MAX_IFACES];	/* its interface is down or gone */
	unsigned int errors[XDT_MAX_IFACES];	/* failed reads in a row while it was up */
	struct xdt_engine *e;
	struct app *app;
	struct live *live;
};

/* A failed read: the interface going down or away, or a real failure. 0 or -EIO. */
static int pcap_read_failed(struct pcap_live *p, unsigned int i, const char *err)
{
	/* The socket can tell before rtnetlink does: give the kernel's word a moment. */
	iface_events(p->live, 500);
	if (p->app->ifw && !xdt_ifwatch_running(p->app->ifw, i)) {
		p->paused[i] = 1;
		xdt_dbg("capture on %s: %s (the interface is down or gone)", p->ifname[i], err);
		return 0;
	}
	if (++p->errors[i] < 3) {
		xdt_warn("capture on %s: %s; reading on", p->ifname[i], err);
		return 0;
	}
	xdt_err("capture on %s failed: %s", p->ifname[i], err);
	return -EIO;
}

/*
 * Wait up to @max_wait_ms, then read at most PCAP_BATCH frames per interface.
 * Frames read, or -errno. Bounded because "all that are ready" has no end while
 * the kernel fills the ring faster than we read it (a flood): the loop must get
 * back to its clock to print.
 */
#define PCAP_BATCH 8192
static int pcap_read_some(struct pcap_live *p, int max_wait_ms)
{
	struct pollfd pfd[XDT_MAX_IFACES];
	char err[512];
	unsigned int i;
	int n, total = 0;

	for (i = 0; i < p->n; i++)
		pfd[i] = (struct pollfd){ .fd = p->paused[i] ? -1 : xdt_pcap_fd(p->c[i]),
					  .events = POLLIN };
	if (poll(pfd, p->n, max_wait_ms) < 0 && errno != EINTR) {
		xdt_err("poll on the capture failed: %s", strerror(errno));
		return -errno;
	}
	for (i = 0; i < p->n; i++) {
		if (p->paused[i])
			continue;
		n = xdt_pcap_dispatch(p->c[i], p->e, PCAP_BATCH, err, sizeof(err));
		if (n > 0)
			p->errors[i] = 0;
		if (n < 0 && pcap_read_failed(p, i, err) < 0)
			return -EIO;
		if (n > 0)
			total += n;
	}
	return total;
}

static int pcap_read(void *ctx, int max_wait_ms)
{
	int n = pcap_read_some(ctx, max_wait_ms);

	return n < 0 ? n : 0;
}

/* The pcap backend follows its interfaces: pause while down or gone, rebind when back. */
static void pcap_iface(void *ctx, const struct xdt_ifev *ev)
{
	struct pcap_live *p = ctx;
	unsigned int i = ev->slot;
	int rc;

	if (i >= p->n)
		return;
	switch (ev->kind) {
	case XDT_IFEV_DOWN:
	case XDT_IFEV_GONE:
		p->paused[i] = 1;
		break;
	case XDT_IFEV_UP:
		p->paused[i] = 0;
		p->errors[i] = 0;
		break;
	case XDT_IFEV_BACK:
		rc = xdt_pcap_rebind(p->c[i], ev->ifindex);
		if (rc < 0) {
			xdt_err("%s: cannot capture there again: %s", ev->name, strerror(-rc));
			p->app->iface_stop = 1;
			return;
		}
		p->paused[i] = !(ev->admin_up && ev->running);
		p->errors[i] = 0;
		break;
	case XDT_IFEV_MTU:
		break;
	}
}

static void pcap_refresh(void *ctx, struct xdt_capture_stats *cs)
{
	struct pcap_live *p = ctx;
	struct xdt_capture_stats one;
	unsigned int i;

	xdt_engine_tick(p->e, clock_ns(CLOCK_REALTIME));
	memset(cs, 0, sizeof(*cs));
	for (i = 0; i < p->n; i++) {
		if (xdt_pcap_stats(p->c[i], &one) < 0)
			continue;
		cs->valid = 1;
		cs->dropped += one.dropped;
		cs->if_dropped += one.if_dropped;
	}
	cs->backend = "pcap";
}

/*
 * The kernel hands a ring block to us only when it is full or its timeout expires,
 * so packets that arrived just before we were told to stop may still sit in an open
 * block. Wait out one block timeout (and a margin) and read them; then what the
 * ring still holds, as long as each batch comes back full (a backlog left by a
 * flood that has ended), for at most a second more (one that goes on).
 */
static void pcap_drain(void *ctx)
{
	uint64_t deadline = clock_ns(CLOCK_MONOTONIC) + 2ULL * LIVE_TIMEOUT_MS * 1000000ULL;
	uint64_t now;
	int n = 0;

	while ((now = clock_ns(CLOCK_MONOTONIC)) < deadline)
		if ((n = pcap_read_some(ctx, (int)((deadline - now) / 1000000) + 1)) < 0)
			return;
	deadline += 1000000000ULL;
	while (n >= PCAP_BATCH && clock_ns(CLOCK_MONOTONIC) < deadline)
		n = pcap_read_some(ctx, 0);
}

static void close_pcap(struct pcap_live *p)
{
	while (p->n)
		xdt_pcap_close(p->c[--p->n]);
}

/* --pcap-export: a frame the pcap backend (or the replayed file) delivered. */
static void pcap_tap(void *ctx, int iface, const uint8_t *buf, uint32_t caplen, uint32_t wirelen,
		     uint64_t ts_ns, struct xdt_flow *f)
{
	struct app *a = ctx;

	xdt_pcapexp_packet(a->pexp, iface, ts_ns, buf, caplen, wirelen, f);
}

/* Declare @c's interface in the export file and copy its frames there. */
static void pcap_export_tap(struct app *a, struct xdt_pcap *c, const char *name,
			    const char *description)
{
	int id;

	if (!a->pexp)
		return;
	id = xdt_pcapexp_iface(a->pexp, (uint16_t)xdt_pcap_linktype(c),
			       (uint32_t)xdt_pcap_snaplen(c), name, description);
	if (id < 0) {
		xdt_warn("--pcap-export: cannot declare interface %s: %s", name, strerror(-id));
		return;
	}
	xdt_pcap_set_tap(c, pcap_tap, a, id);
}

/* 0, or 1 after saying why. */
static int open_pcap(const struct xdt_opts *o, const char *const *ifnames, unsigned int n,
		     struct app *a, struct pcap_live *p)
{
	char err[512];

	p->e = a->e;
	p->app = a;
	for (p->n = 0; p->n < n; p->n++) {
		struct xdt_pcap_live_opts lo = {
			.ifname = ifnames[p->n],
			.snaplen = o->snaplen,
			.buffer_bytes = LIVE_BUFFER_BYTES,
			.timeout_ms = LIVE_TIMEOUT_MS,
			.promisc = o->mirror,
		};

		p->ifname[p->n] = ifnames[p->n];
		p->c[p->n] = xdt_pcap_open_live(&lo, err, sizeof(err));
		if (!p->c[p->n]) {
			xdt_err("%s", err);
			close_pcap(p);
			return 1;
		}
		/* A packet socket can send: the sandbox forbids writing to it. */
		a->capture_fds[a->n_capture_fds++] = xdt_pcap_fd(p->c[p->n]);
		pcap_export_tap(a, p->c[p->n], ifnames[p->n],
				"pcap backend: every packet the interface carried (both "
				"directions), cut at --snaplen bytes");
		xdt_info("capturing on %s with the pcap backend", ifnames[p->n]);
	}
	return 0;
}

/* --- kernel (xdp) backend ---------------------------------------------------- */

struct kern_live {
	struct xdt_kernel *k;
	struct xdt_kflow_reader *kr;
	struct xdt_xsk *xsk;	/* mirror mode: prefixes arrive as AF_XDP frames */
	struct xdt_attr *attr;	/* process attribution hooks, or NULL */
	struct xdt_engine *e;
	struct app *app;
	struct live *live;
};

/*
 * A mirror-mode frame, cut by the XDP program right after its payload prefix. Its
 * IP lengths describe the original packet, so they are checked against the largest
 * frame there can be rather than against what arrived.
 */
static void on_xsk_frame(const uint8_t *data, size_t len, void *ctx)
{
	struct kern_live *k = ctx;
	struct xdt_dpi_payload pl;
	struct xdt_flow_key key;
	struct xdt_flow *f;
	struct xdt_pkt p;
	uint8_t from_a;

	if (xdt_pkt_parse(XDT_LINK_ETHERNET, data, len, 65535 + 64, &p) != XDT_PKT_OK)
		return;
	xdt_flow_key_make(&key, p.family, p.proto, p.vlan, p.src, p.sport, p.dst, p.dport,
			  &from_a);
	pl = (struct xdt_dpi_payload){
		.data = data + p.payload_off,
		.caplen = p.payload_len,
		.wire_len = p.payload_wire,
		.tcp_seq = p.tcp_seq,
		.from_b = !from_a,
		.has_seq = p.proto == 6,
	};
	f = xdt_kflow_note_prefix(k->kr, &key, &pl);
	/* --pcap-export: the frame as the socket got it, with its length on the wire. */
	if (k->app->pexp)
		xdt_pcapexp_packet(k->app->pexp, k->app->pexp_kernel_iface,
				   clock_ns(CLOCK_REALTIME), data, (uint32_t)len,
				   (uint32_t)(p.payload_off + p.payload_wire), f);
}

/*
 * --pcap-export, xdp backend: a ring-buffer prefix record carries the flow key
 * and the payload, not the headers, which are rebuilt around it.
 */
static void kern_tap(void *ctx, const struct xdt_flow_key *k, const struct xdt_dpi_payload *pl,
		     uint64_t ts_ns, struct xdt_flow *f)
{
	struct app *a = ctx;
	uint8_t buf[XDT_PREFIX_HANDSHAKE + 128];
	uint32_t origlen;
	int n;

	n = xdt_pcapng_synth(k, pl->from_b, pl->tcp_seq, pl->has_seq, pl->wire_len, pl->data,
			     pl->caplen, buf, sizeof(buf), &origlen);
	if (n > 0)
		xdt_pcapexp_packet(a->pexp, a->pexp_kernel_iface, ts_ns, buf, (uint32_t)n, origlen,
				   f);
}

static int kern_read(void *ctx, int max_wait_ms)
{
	struct kern_live *k = ctx;
	int n;

	if (k->xsk) {
		n = xdt_xsk_poll(k->xsk, max_wait_ms, on_xsk_frame, k);
		if (n < 0)
			xdt_err("reading the AF_XDP sockets failed: %s", strerror(-n));
		return n < 0 ? n : 0;
	}
	return xdt_kflow_wait_prefixes(k->kr, max_wait_ms);
}

/*
 * The kernel backend follows its interfaces: a deleted interface takes its links
 * with it; one created again under the name gets the same programs, maps and
 * counters attached anew.
 */
static void kern_iface(void *ctx, const struct xdt_ifev *ev)
{
	struct kern_live *k = ctx;
	char err[512];

	if (ev->kind == XDT_IFEV_GONE) {
		xdt_kernel_detach(k->k, ev->slot);
		if (k->xsk) {
			/* New AF_XDP sockets need CAP_NET_RAW, dropped at the lock-down. */
			xdt_xsk_close(k->xsk);
			k->xsk = NULL;
			xdt_warn("%s: its AF_XDP sockets went with it and cannot be opened again "
				 "under the lock-down: from now on its flows are counted, not "
				 "inspected (restart xdptop to inspect them again)", ev->name);
		}
		return;
	}
	if (ev->kind != XDT_IFEV_BACK)
		return;
	if (xdt_kernel_reattach(k->k, ev->slot, ev->ifindex, err, sizeof(err)) < 0) {
		xdt_err("%s: cannot attach again: %s", ev->name, err);
		k->app->iface_stop = 1;
		return;
	}
	xdt_info("%s: attached again (XDP %s%s)", ev->name, xdt_kernel_xdp_mode(k->k),
		 k->app->o->mirror ? "" : " ingress, tcx egress");
}

static void kern_refresh(void *ctx, struct xdt_capture_stats *cs)
{
	struct kern_live *k = ctx;
	const struct xdt_kflow_stats *ks;
	int err;

	xdt_kflow_poll_prefixes(k->kr);

	err = xdt_kflow_sync(k->kr);
	if (err < 0)
		xdt_warn("reading the kernel flow map failed: %s", strerror(-err));
	ks = xdt_kflow_stats(k->kr);
	memset(cs, 0, sizeof(*cs));
	cs->backend = k->xsk ? "afxdp" : "xdp";
	cs->kernel = 1;
	cs->xdp_mode = xdt_kernel_xdp_mode(k->k);
	cs->prefixes = ks->prefixes;
	cs->prefix_bad = ks->prefix_bad;
	cs->prefix_lost = ks->prefix_lost;
	cs->map_full = ks->map_full;
	cs->redirected = ks->redirected;
	cs->done_marked = ks->done_marked;
	cs->kernel_flows = ks->kernel_flows;
	cs->kernel_flows_created = ks->flows_created;
	cs->kernel_flows_evicted = ks->flows_evicted;
	/* Mirror mode: prefixes travel in redirected frames, lost when a socket is full. */
	if (k->xsk) {
		struct xdt_xsk_stats xs;

		err = xdt_xsk_stats(k->xsk, &xs);
		if (err < 0) {
			xdt_warn("reading the AF_XDP socket statistics failed: %s", strerror(-err));
		} else {
			cs->xsk = 1;
			cs->xsk_rx_ring_full = xs.rx_ring_full;
			cs->xsk_rx_dropped = xs.rx_dropped;
			cs->prefix_lost += xs.rx_ring_full + xs.rx_dropped;
		}
	}
}

static void kern_drain(void *ctx)
{
	struct kern_live *k = ctx;

	if (k->xsk)
		xdt_xsk_poll(k->xsk, 0, on_xsk_frame, k);
	else
		xdt_kflow_poll_prefixes(k->kr);
}

static void close_kernel(struct kern_live *k)
{
	xdt_xsk_close(k->xsk);
	xdt_kflow_reader_free(k->kr);
	xdt_attr_close(k->attr);
	xdt_kernel_close(k->k);	/* destroys the links: nothing stays attached */
	memset(k, 0, sizeof(*k));
}

/* --pcap-export with a kernel backend: one interface for what the kernel hands up. */
static void kern_export_iface(const struct xdt_opts *o, const char *const *ifnames,
			      unsigned int n, struct app *a, struct kern_live *k)
{
	char name[XDT_MAX_IFACES * (IF_NAMESIZE + 1)] = "", desc[600];
	unsigned int i;
	int id;

	if (!a->pexp)
		return;
	for (i = 0; i < n; i++)
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s%s", i ? "," : "",
			 ifnames[i]);
	if (o->mirror)
		snprintf(desc, sizeof(desc),
			 "afxdp backend (mirror port): only the frames that carried one of the "
			 "first %u payloads of a flow direction, cut after the payload prefix "
			 "(original length from the IP header); the XDP program counts every "
			 "other packet in the kernel", o->no_dpi ? 0 : o->dpi_packets);
	else
		snprintf(desc, sizeof(desc),
			 "xdp backend: only the first %u payloads of each flow direction, cut "
			 "to the prefix the kernel sent (%u bytes, whole handshakes up to %d); "
			 "the kernel counts every other packet without sending it. IP and "
			 "TCP/UDP headers are rebuilt from the flow key: addresses, ports, "
			 "TCP sequence number and lengths are real; TTL 64, IP ID 0, TCP flags "
			 "PSH|ACK, window 0 and zero checksums are not what was sent",
			 o->no_dpi ? 0 : o->dpi_packets, o->dpi_bytes, XDT_PREFIX_HANDSHAKE);
	id = xdt_pcapexp_iface(a->pexp, o->mirror ? XDT_LINKTYPE_ETHERNET : XDT_LINKTYPE_RAW,
			       o->mirror ? 65535 : XDT_PREFIX_HANDSHAKE + 60, name, desc);
	if (id < 0) {
		xdt_warn("--pcap-export: cannot declare interface %s: %s", name, strerror(-id));
		return;
	}
	a->pexp_kernel_iface = id;
	if (!o->mirror)
		xdt_kflow_set_tap(k->kr, kern_tap, a);
	xdt_info("--pcap-export with the %s backend: only payload prefixes reach xdptop, so "
		 "only they are written (the interface description in the file says so)",
		 o->mirror ? "afxdp" : "xdp");
}

/* 0, or -1 if the backend could not start (@err says why). */
static int open_kernel(const struct xdt_opts *o, const char *const *ifnames, unsigned int n,
		       struct app *a, struct kern_live *k, char *err, size_t errlen)
{
	struct xdt_kernel_opts ko = {
		.ifnames = ifnames,
		.n_ifnames = n,
		.max_flows = o->max_flows,
		.dpi_packets = o->no_dpi ? 0 : o->dpi_packets,
		.dpi_bytes = o->dpi_bytes,
		.mirror = o->mirror,
	};
	const struct xdt_kernel_maps *m;
	struct xdt_kflow_fds fds;
	unsigned int i;

	memset(k, 0, sizeof(*k));
	k->e = a->e;
	k->app = a;
	k->k = xdt_kernel_open(&ko, err, errlen);
	if (!k->k)
		return -1;
	m = xdt_kernel_maps(k->k);
	fds = (struct xdt_kflow_fds){ m->flows, m->done, m->prefixes, m->stats, -1, -1, -1,
				      m->ifstats };
	if (!o->no_kernel_proc) {
		char aerr[512];

		k->attr = xdt_attr_open("/proc/self/mounts", o->max_flows, aerr, sizeof(aerr));
		if (k->attr) {
			fds.owners = xdt_attr_maps(k->attr)->owners;
			fds.ports = xdt_attr_maps(k->attr)->ports;
			fds.execs = xdt_attr_maps(k->attr)->execs;
			xdt_info("process attribution: cgroup socket hooks on %s",
				 xdt_attr_cgroup(k->attr));
		} else {
			xdt_warn("process attribution in the kernel unavailable: %s", aerr);
		}
	}
	k->kr = xdt_kflow_reader_new(&fds, a->e);
	if (!k->kr) {
		snprintf(err, errlen, "cannot set up the kernel map reader: %s", strerror(errno));
		close_kernel(k);
		return -1;
	}
	if (o->mirror) {
		k->xsk = xdt_xsk_open(ifnames[0], m->xsks, err, errlen);
		if (!k->xsk) {
			close_kernel(k);
			return -1;
		}
		xdt_info("capturing on mirror port %s with the afxdp backend (XDP %s, %u AF_XDP "
			 "socket%s)", ifnames[0], xdt_kernel_xdp_mode(k->k), xdt_xsk_queues(k->xsk),
			 xdt_xsk_queues(k->xsk) == 1 ? "" : "s");
	} else {
		for (i = 0; i < n; i++)
			xdt_info("capturing on %s with the xdp backend (XDP %s ingress, tcx egress)",
				 ifnames[i], xdt_kernel_xdp_mode(k->k));
	}
	a->kr = k->kr;
	kern_export_iface(o, ifnames, n, a, k);
	return 0;
}

/* --- what a run reads, opened before lock-down -------------------------------- */

enum src_kind { SRC_NONE, SRC_FILE, SRC_PCAP, SRC_KERNEL };

struct source {
	enum src_kind kind;
	struct xdt_pcap *file;
	struct pcap_live pcap;
	struct kern_live kern;
	struct live l;
	char ifname[IF_NAMESIZE];
	const char *def[1];
};

static void source_close(struct app *a, struct source *src)
{
	switch (src->kind) {
	case SRC_FILE:
		xdt_pcap_close(src->file);
		break;
	case SRC_PCAP:
		close_pcap(&src->pcap);
		break;
	case SRC_KERNEL:
		a->kr = NULL;
		close_kernel(&src->kern);
		break;
	default:
		break;
	}
	src->kind = SRC_NONE;
	xdt_ifwatch_free(a->ifw);
	a->ifw = NULL;
}

/* Follow the interfaces through rtnetlink (opened now, before the lock-down). */
static void watch_ifaces(struct app *a, const char *const *devs, unsigned int n)
{
	char err[256];

	a->ifw = xdt_ifwatch_new(devs, n, err, sizeof(err));
	if (!a->ifw)
		xdt_warn("%s: an interface that goes down or away is not followed", err);
}

/* Open the file or the live backend (auto: xdp, else pcap). 0, or 1 after saying why. */
static int source_open(const struct xdt_opts *o, struct app *a, struct source *src)
{
	const char *const *devs = o->ifnames;
	unsigned int n = o->n_ifnames;
	char err[512];

	memset(src, 0, sizeof(*src));
	if (o->read_path) {
		src->file = xdt_pcap_open_offline(o->read_path, err, sizeof(err));
		if (!src->file) {
			xdt_err("%s", err);
			return 1;
		}
		src->kind = SRC_FILE;
		pcap_export_tap(a, src->file, o->read_path,
				"replay (-r): every packet of the file read, as read");
		return 0;
	}
	if (!n) {
		if (xdt_iface_default_route("/proc", src->ifname, sizeof(src->ifname)) < 0) {
			xdt_err("no default route, so no default interface: name one with -i "
				"(`ip link` lists them)");
			return 1;
		}
		src->def[0] = src->ifname;
		devs = src->def;
		n = 1;
		xdt_info("%s is the default-route interface", src->ifname);
	}
	a->vinfo.ifnames = devs;
	a->vinfo.n_ifnames = n;
	if (isatty(STDIN_FILENO) && !a->ui)
		xdt_info("a table every %g s; Ctrl-C prints the last one and stops",
			 (double)o->interval_ns / 1e9);
	/* Sockets that exist before we start: their owners from a first snapshot. */
	owners_fallback(a, 1, 1);
	if (o->backend != XDT_BACKEND_PCAP) {
		if (open_kernel(o, devs, n, a, &src->kern, err, sizeof(err)) == 0) {
			src->kind = SRC_KERNEL;
			src->l = (struct live){
				.app = a,
				.name = o->mirror ? "afxdp" : "xdp",
				.ctx = &src->kern,
				.read = kern_read,
				.refresh = kern_refresh,
				.drain = kern_drain,
				.iface = kern_iface,
			};
			src->kern.live = &src->l;
			watch_ifaces(a, devs, n);
			return 0;
		}
		if (o->backend != XDT_BACKEND_AUTO) {
			xdt_err("%s", err);
			return 1;
		}
		xdt_warn("%s backend unavailable, using pcap: %s", o->mirror ? "afxdp" : "xdp",
			 err);
	}
	if (open_pcap(o, devs, n, a, &src->pcap))
		return 1;
	src->kind = SRC_PCAP;
	src->l = (struct live){
		.app = a,
		.name = "pcap",
		.ctx = &src->pcap,
		.read = pcap_read,
		.refresh = pcap_refresh,
		.drain = pcap_drain,
		.iface = pcap_iface,
	};
	src->pcap.live = &src->l;
	watch_ifaces(a, devs, n);
	return 0;
}

/* What each live interface carried, as far as the backend counts it (for the metrics). */
static unsigned int source_ifaces(struct app *a, struct xdt_prom_iface *out)
{
	struct source *src = a->src;
	unsigned int i, n = 0;

	if (!src)
		return 0;
	if (src->kind == SRC_PCAP) {
		for (i = 0; i < src->pcap.n; i++, n++) {
			out[n] = (struct xdt_prom_iface){ .name = src->pcap.ifname[i], .undirected = 1 };
			xdt_pcap_counts(src->pcap.c[i], &out[n].rx_packets, &out[n].rx_bytes);
		}
	} else if (src->kind == SRC_KERNEL) {
		for (i = 0; i < a->vinfo.n_ifnames && i < XDT_MAX_IFACES; i++) {
			out[n] = (struct xdt_prom_iface){ .name = a->vinfo.ifnames[i] };
			if (xdt_kflow_ifstats(src->kern.kr, i, &out[n].rx_packets, &out[n].rx_bytes,
					      &out[n].tx_packets, &out[n].tx_bytes) == 0)
				n++;
		}
	}
	return n;
}

static int source_run(const struct xdt_opts *o, struct app *a, struct source *src)
{
	return src->kind == SRC_FILE ? run_file(o, a, src->file) : live_loop(o, &src->l);
}

/*
 * The lock-down, once everything is open and before any other thread exists.
 * 0, or 1 after saying why (--sandbox-strict and a layer missing).
 */
static int lockdown(struct app *a, struct xdt_sandbox_opts *so, struct source *src)
{
	char err[512];
	unsigned int i;

	for (i = 0; i < a->n_capture_fds && i < XDT_SB_MAX_FDS; i++)
		so->deny_write_fds[so->n_deny_write_fds++] = a->capture_fds[i];
	so->bpf_map_fd = src->kind == SRC_KERNEL ? xdt_kernel_maps(src->kern.k)->flows : -1;
	so->bpf_link_create = src->kind == SRC_KERNEL && a->ifw && !a->o->exit_on_iface_loss;
	if (xdt_sandbox_lockdown(a->sb, so, err, sizeof(err)) < 0) {
		xdt_err("%s", err);
		return 1;
	}
	return 0;
}

static void *capture_thread(void *arg)
{
	struct app *a = arg;
	struct timespec nap = { 0, 0 };

	a->capture_rc = source_run(a->o, a, a->src);
	/* A live capture that ended stops the screen. */
	if (!a->o->read_path) {
		ui_stop = 1;
		return NULL;
	}
	/*
	 * A replay stays on screen: keep publishing (the table does not change, but
	 * the details the screen asks for do) until the screen is closed.
	 */
	nap.tv_sec = a->o->refresh_ms / 1000;
	nap.tv_nsec = (long)(a->o->refresh_ms % 1000) * 1000000L;
	while (!stop_signal) {
		nanosleep(&nap, NULL);
		print_table(a, NULL);
	}
	return NULL;
}

/* Copy what the capture thread logged while the screen was up, now that it is gone. */
static void replay_log(FILE *log)
{
	char buf[4096];
	size_t n;

	rewind(log);
	while ((n = fread(buf, 1, sizeof(buf), log)) > 0)
		if (fwrite(buf, 1, n, stderr) != n)
			break;
	fclose(log);
}

/*
 * Service names, GeoIP databases and the reverse-DNS client: files read and
 * sockets made now, before the lock-down.
 */
static void open_enrichment(const struct xdt_opts *o, struct app *a)
{
	static const char *const own[] = { XDT_DATADIR "/services", "/usr/share/xdptop/services" };
	char msg[1024];
	size_t i;
	int n;

	for (i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		n = xdt_service_load(own[i], XDT_SERVICE_OVER);
		if (n >= 0) {
			xdt_dbg("service names: %d from %s", n, own[i]);
			break;
		}
	}
	n = xdt_service_load("/etc/services", XDT_SERVICE_UNDER);
	if (n >= 0)
		xdt_dbg("service names: %d from /etc/services", n);
	if (!o->no_geoip) {
		a->geoip = xdt_geoip_open(o->geoip_dir, msg, sizeof(msg));
		xdt_info("%s", msg);
	}
	/* A replay printed as JSON ends before any answer could come: no queries then. */
	if (!o->no_resolve && !(o->read_path && !a->ui)) {
		struct xdt_rdns_opts ro = { .rate = o->resolve_rate };

		xdt_resolv_parse("/etc/resolv.conf", &a->resolvers);
		a->rdns = xdt_rdns_new(&a->resolvers, &ro, msg, sizeof(msg));
		if (!a->rdns)
			xdt_warn("reverse DNS unavailable: %s", msg);
	}
}

/*
 * Open the source, set up the screen if there is one, lock down, then run: in
 * this thread for JSON, or in a capture thread while this one draws the screen.
 * Messages go to a temporary file while the screen is up (they would tear it)
 * and are shown after.
 */
static int run(struct xdt_opts *o, struct app *a, struct xdt_sandbox_opts *so)
{
	struct xdt_ui_opts uo = {
		.refresh_ms = o->refresh_ms,
		.no_color = getenv("NO_COLOR") && getenv("NO_COLOR")[0],
	};
	struct source src;
	struct xdt_ui *ui = NULL;
	FILE *log = NULL;
	int saved = -1, rc;
	char err[256];
	pthread_t th;

	a->o = o;
	a->src = &src;
	if (a->ui) {
		a->view = xdt_view_new();
		a->box = xdt_snapbox_new();
		if (!a->view || !a->box) {
			xdt_err("cannot allocate the screen's state: %s", strerror(errno));
			return 1;
		}
		o->interval_ns = (uint64_t)o->refresh_ms * 1000000ULL;
	}
	rc = source_open(o, a, &src);
	if (rc) {
		exports_close(a);	/* files made at start-up are finished, not left open */
		return rc;
	}
	if (src.kind != SRC_FILE) {
		char ierr[256];

		/* /proc/PID/fd cannot be read once Landlock holds: the kernel lists owners. */
		a->it = xdt_sockiter_open(ierr, sizeof(ierr));
		if (!a->it)
			xdt_dbg("socket-owner iterator unavailable (%s): the process fallback "
				"scans /proc", ierr);
	}
	if (a->ui) {
		/* Before any other thread: setlocale is not thread-safe. */
		setlocale(LC_CTYPE, "");
		ui = xdt_ui_open(a->box, &uo, err, sizeof(err));
		if (!ui) {
			xdt_err("%s", err);
			exports_close(a);
			source_close(a, &src);
			return 1;
		}
		log = tmpfile();
		if (log) {
			fflush(stderr);
			saved = dup(STDERR_FILENO);
			if (saved >= 0)
				dup2(fileno(log), STDERR_FILENO);
		}
	}
	rc = lockdown(a, so, &src);
	if (!rc && a->rdns && xdt_rdns_start(a->rdns) < 0) {
		xdt_warn("reverse DNS unavailable: cannot start its thread");
		xdt_rdns_free(a->rdns);
		a->rdns = NULL;
	}
	if (!rc && !a->ui) {
		rc = source_run(o, a, &src);
	} else if (!rc) {
		if (pthread_create(&th, NULL, capture_thread, a)) {
			xdt_err("cannot start the capture thread");
			rc = 1;
		} else {
			xdt_ui_loop(ui, &ui_stop);
			stop_signal = stop_signal ? stop_signal : SIGINT;
			pthread_join(th, NULL);
			rc = a->capture_rc;
		}
	}
	exports_close(a);
	if (a->ui) {
		xdt_ui_close(ui);
		if (saved >= 0) {
			fflush(stderr);
			dup2(saved, STDERR_FILENO);
			close(saved);
		}
		if (log)
			replay_log(log);
	}
	source_close(a, &src);
	return rc;
}

static FILE *log_file;
static char log_path[4096];	/* what log_file was opened as; "" without one */
static enum xdt_log_level log_file_level;

static void log_file_close(void)
{
	xdt_log_set_file(NULL, XDT_LOG_ERROR);
	if (log_file)
		fclose(log_file);
	log_file = NULL;
}

/*
 * --log-level/--log-dir: DIR/xdptop_<UTC time>.log, made now (and DIR with it),
 * before the lock-down; a new name rather than an old file reused. 0, or 1
 * after saying why.
 */
static int log_file_open(const struct xdt_opts *o)
{
	const char *dir = o->log_dir ? o->log_dir : "logs";
	int level = o->log_level >= 0 ? o->log_level : XDT_LOG_INFO;
	char *path = log_path, stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	int fd, i;

	if (mkdir(dir, 0750) < 0 && errno != EEXIST) {
		xdt_err("--log-dir: cannot create %s: %s", dir, strerror(errno));
		return 1;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	for (i = 0, fd = -1; fd < 0 && i < 100; i++) {
		if (i)
			snprintf(path, sizeof(log_path), "%s/xdptop_%s-%d.log", dir, stamp, i);
		else
			snprintf(path, sizeof(log_path), "%s/xdptop_%s.log", dir, stamp);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOCTTY,
			  0640);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	log_file = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!log_file) {
		xdt_err("--log-dir: cannot create a log file in %s: %s", dir, strerror(errno));
		if (fd >= 0)
			close(fd);
		log_path[0] = 0;
		return 1;
	}
	atexit(log_file_close);
	log_file_level = (enum xdt_log_level)level;
	xdt_log_set_file(log_file, log_file_level);
	xdt_info("logging (%s and above) to %s",
		 (const char *[]){ "error", "warn", "info", "debug" }[level], path);
	return 0;
}

/*
 * SIGHUP: the log file again under the name it was made with (logrotate renamed
 * it, or copied and truncated it). The new file first: if it cannot be opened,
 * the old one goes on. 1 if reopened, 0 without a log file, -errno.
 */
static int log_file_reopen(void)
{
	FILE *nf, *old = log_file;
	int fd;

	if (!log_file)
		return 0;
	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0)
		return -errno;
	nf = fdopen(fd, "a");
	if (!nf) {
		int e = errno;

		close(fd);
		return -e;
	}
	/* Once set, no thread writes to the old file (util/log.h): it can close. */
	xdt_log_set_file(nf, log_file_level);
	log_file = nf;
	fclose(old);
	return 1;
}

/* SIGHUP with JSON output: the log files reopened by their paths, and said so. */
static void logs_reopen(struct app *a)
{
	const char *jl = a->o ? a->o->json_log_path : NULL;
	int lr, er;

	reopen_pending = 0;
	lr = log_file_reopen();
	er = xdt_eventlog_reopen(a->elog);
	if (lr > 0)
		xdt_info("SIGHUP: reopened the log file %s", log_path);
	else if (lr < 0)
		xdt_warn("SIGHUP: cannot reopen the log file %s: %s; still writing to the file "
			 "open before", log_path, strerror(-lr));
	if (er > 0)
		xdt_info("SIGHUP: reopened --json-log %s", jl);
	else if (er < 0)
		xdt_warn("SIGHUP: cannot reopen --json-log %s: %s; still writing to the file "
			 "open before", jl, strerror(-er));
	if (!lr && !er)
		xdt_info("SIGHUP: no log file to reopen (--log-dir, or --json-log to a regular "
			 "file)");
}

/* The options (from the configuration file and argv) point into these: kept to the end. */
static int cfg_argc;
static char **cfg_argv;
static char *cfg_path;

static void config_free(void)
{
	xdt_config_free(cfg_argc, cfg_argv, cfg_path);
}

int main(int argc, char **argv)
{
	struct xdt_sandbox_opts so = { 0 };
	struct app a = { 0 };
	struct xdt_engine_opts eo;
	struct xdt_opts o;
	int level, rc;

	/* The configuration file's words go first: the command line wins. */
	if (xdt_config_argv(argc, argv, &cfg_argc, &cfg_argv, &cfg_path, stderr) < 0)
		return 2;
	atexit(config_free);
	if (xdt_cli_parse_ex(cfg_argc, cfg_argv, cfg_argc - argc, &o, stderr) < 0)
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
	xdt_kernel_log_init();
	if ((o.log_level >= 0 || o.log_dir) && log_file_open(&o))
		return 1;
	if (cfg_path)
		xdt_dbg("options from %s", cfg_path);
	if (o.probe) {
		char ifname[IF_NAMESIZE];
		const char *dev = o.n_ifnames ? o.ifnames[0] : NULL;

		if (!dev && xdt_iface_default_route("/proc", ifname, sizeof(ifname)) == 0)
			dev = ifname;
		xdt_kernel_probe(stdout, dev);
		return output_ok() ? 0 : 1;
	}
#ifdef XDT_SELFTEST
	if (o.selftest_escape) {
		char err[256];

		if (xdt_selftest_check(o.selftest_escape, err, sizeof(err))) {
			fprintf(stderr, "xdptop: %s\n", err);
			return 2;
		}
	}
#endif

	/* Without --json the output is the screen, which needs a terminal. */
	a.ui = !o.json;
	if (a.ui && !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "xdptop: standard output is not a terminal, and the screen needs "
			"one: use --json for JSON lines\n");
		return 2;
	}
	a.o = &o;

	/* Into our own cgroup before any socket exists (sandbox/sandbox.h). */
	so.disabled = o.no_sandbox;
	so.strict = o.sandbox_strict;
	so.bpf_map_fd = -1;
	so.force_unavailable = o.selftest_unavailable;
	a.sb = xdt_sandbox_early(&so);
	if (!a.sb) {
		xdt_err("out of memory");
		return 1;
	}

	/* The log file is reopened on SIGHUP (JSON output): its directory stays writable. */
	if (log_path[0] && !a.ui)
		so.reopen_paths[so.n_reopen++] = log_path;
	open_enrichment(&o, &a);
	if (exports_open(&o, &a, &so)) {
		exports_close(&a);
		xdt_rdns_free(a.rdns);
		xdt_geoip_close(a.geoip);
		xdt_sandbox_free(a.sb);
		return 1;
	}
	/* The egress lock admits the resolvers only when there is a PTR client to use them. */
	so.resolvers = a.rdns ? &a.resolvers : NULL;
	memset(&eo, 0, sizeof(eo));
	eo.geoip = a.geoip;
	eo.rdns = a.rdns;
	eo.max_flows = o.max_flows;
	eo.seed = xdt_hash_seed();
	eo.on_flow_end = on_flow_end;
	eo.ctx = &a;
	eo.dpi.enabled = !o.no_dpi;
	eo.dpi.packets = o.dpi_packets;
	eo.dpi.bytes = o.dpi_bytes;
	eo.on_dpi_done = on_dpi_done;
	a.e = xdt_engine_new(&eo);
	if (!a.e) {
		xdt_err("cannot allocate a table for %zu flows: %s", o.max_flows, strerror(errno));
		xdt_rdns_free(a.rdns);
		xdt_geoip_close(a.geoip);
		xdt_sandbox_free(a.sb);
		return 1;
	}
	exports_bind(&a);
	install_signals(!a.ui);
	rc = run(&o, &a, &so);
	xdt_engine_free(a.e);
	xdt_proc_snapshot_free(a.snap);
	xdt_snapbox_free(a.box);
	xdt_view_free(a.view);
	xdt_sockiter_close(a.it);
	xdt_rdns_free(a.rdns);
	xdt_geoip_close(a.geoip);
	xdt_sandbox_free(a.sb);
	return rc;
}
