// SPDX-License-Identifier: GPL-2.0-only
/* The --json-log event log and the --pcap-export sidecars (user/export/). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "engine.h"
#include "export/eventlog.h"
#include "export/pcapexp.h"
#include "../ui/jsonview.h"
#include "frames.h"

#define T0 1795462525000000000ULL
#define SEC 1000000000ULL

static char dir[] = "/tmp/xdt-export-test.XXXXXX";

static void mkdir_tmp(void)
{
	cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

/* One IPv4 TCP or UDP frame (Ethernet) from 10.213.0.@a:@sp to 10.213.0.@b:@dp. */
static struct fb frame(uint8_t proto, uint8_t a, uint16_t sp, uint8_t b, uint16_t dp,
		       uint8_t flags)
{
	struct fb f = { 0 };
	uint16_t l4 = proto == 6 ? 20 : 8;

	fb_eth(&f, 0x0800);
	fb_ipv4(&f, proto, 0x0ad50000u | a, 0x0ad50000u | b, (uint16_t)(20 + l4), 1, 0);
	if (proto == 6)
		fb_tcp(&f, sp, dp, flags, 0);
	else
		fb_udp(&f, sp, dp, 8);
	return f;
}

static void feed(struct xdt_engine *e, struct fb f, uint64_t ts)
{
	xdt_engine_packet(e, XDT_LINK_ETHERNET, f.b, f.n, f.n, ts);
}

/* The file's lines, each checked to be one JSON value; returns how many. */
static int read_lines(const char *path, char lines[][4096], int max)
{
	static char view[65536];
	FILE *f = fopen(path, "r");
	int n = 0;

	cr_assert_not_null(f, "%s", path);
	while (n < max && fgets(lines[n], 4096, f)) {
		size_t len = strlen(lines[n]);

		cr_assert(len && lines[n][len - 1] == '\n', "line %d of %s is not whole", n + 1, path);
		lines[n][len - 1] = '\0';
		cr_assert_geq(xdt_jsonview_render(lines[n], 1, view, sizeof(view)), 0,
			      "not JSON: %s", lines[n]);
		n++;
	}
	fclose(f);
	return n;
}

/* --- event log ------------------------------------------------------------------ */

struct elog_ctx {
	struct xdt_eventlog *l;
	struct xdt_engine *e;
};

static void elog_end(const struct xdt_flow *f, void *ctx)
{
	struct elog_ctx *c = ctx;

	xdt_eventlog_flow_end(c->l, f, xdt_engine_now(c->e), NULL);
}

Test(eventlog, writes_each_event_once_in_order, .init = mkdir_tmp, .fini = rm_tmp)
{
	struct elog_ctx c = { 0 };
	struct xdt_engine_opts o = { .max_flows = 8, .seed = 1, .on_flow_end = elog_end, .ctx = &c };
	char path[256], err[256], (*lines)[4096] = calloc(16, 4096);
	struct xdt_eventlog_stats st;
	struct xdt_flow *f;
	int n;

	snprintf(path, sizeof(path), "%s/ev.jsonl", dir);
	c.l = xdt_eventlog_open(path, err, sizeof(err));
	cr_assert_not_null(c.l, "%s", err);
	c.e = xdt_engine_new(&o);
	feed(c.e, frame(6, 1, 40000, 2, 80, 0x02), T0);
	feed(c.e, frame(6, 2, 80, 1, 40000, 0x12), T0 + 1000);
	xdt_eventlog_scan(c.l, xdt_engine_flows(c.e), T0 + 2000, NULL);
	xdt_eventlog_scan(c.l, xdt_engine_flows(c.e), T0 + 3000, NULL);	/* nothing new */
	/* The process becomes known: one process_attributed. */
	f = xdt_engine_last_flow(c.e);
	cr_assert_not_null(f);
	f->owner.method = XDT_METHOD_KERNEL;
	f->owner.pid = 4242;
	strcpy(f->owner.comm, "xdt-client");
	xdt_eventlog_scan(c.l, xdt_engine_flows(c.e), T0 + 4000, NULL);
	xdt_eventlog_stats_event(c.l, c.e, NULL, T0 + 5000);
	/* Idle far past every timeout: the flow ends and is closed in the log. */
	xdt_engine_tick(c.e, T0 + 3600 * SEC);
	xdt_eventlog_stats(c.l, &st);
	xdt_eventlog_close(c.l);

	n = read_lines(path, lines, 16);
	cr_assert_eq(n, 4, "%d lines", n);
	cr_assert_eq(st.events, 4);
	cr_assert_eq(st.errors, 0);
	cr_assert(strstr(lines[0], "\"event\":\"connection_opened\"") &&
		  strstr(lines[0], "\"flow\":{\"type\":\"flow\",\"proto\":\"tcp\"") &&
		  strstr(lines[0], "\"sport\":40000") && !strstr(lines[0], "\"process\""),
		  "%s", lines[0]);
	cr_assert(strstr(lines[1], "\"event\":\"process_attributed\"") &&
		  strstr(lines[1], "\"pid\":4242") && strstr(lines[1], "xdt-client"), "%s", lines[1]);
	cr_assert(strstr(lines[2], "\"event\":\"stats\"") &&
		  strstr(lines[2], "\"stats\":{\"type\":\"stats\",\"packets\":2"), "%s", lines[2]);
	cr_assert(strstr(lines[3], "\"event\":\"connection_closed\"") &&
		  strstr(lines[3], "\"pkts_out\":1,\"bytes_out\":40,\"pkts_in\":1,\"bytes_in\":40") &&
		  strstr(lines[3], "\"end\":\"idle\""), "%s", lines[3]);
	xdt_engine_free(c.e);
	free(lines);
}

Test(eventlog, owes_a_flow_that_ends_before_a_scan_its_opening, .init = mkdir_tmp, .fini = rm_tmp)
{
	struct elog_ctx c = { 0 };
	struct xdt_engine_opts o = { .max_flows = 1, .seed = 1, .on_flow_end = elog_end, .ctx = &c };
	char path[256], err[256], (*lines)[4096] = calloc(16, 4096);
	int n;

	snprintf(path, sizeof(path), "%s/ev.jsonl", dir);
	c.l = xdt_eventlog_open(path, err, sizeof(err));
	cr_assert_not_null(c.l, "%s", err);
	c.e = xdt_engine_new(&o);
	/* A table of one: the second flow evicts the first before any scan. */
	feed(c.e, frame(17, 1, 5000, 2, 7001, 0), T0);
	feed(c.e, frame(17, 1, 5001, 2, 7001, 0), T0 + 1000);
	xdt_eventlog_close(c.l);
	n = read_lines(path, lines, 16);
	cr_assert_eq(n, 2);
	cr_assert(strstr(lines[0], "connection_opened") && strstr(lines[0], "\"sport\":5000"),
		  "%s", lines[0]);
	cr_assert(strstr(lines[1], "connection_closed") && strstr(lines[1], "\"end\":\"evicted\""),
		  "%s", lines[1]);
	xdt_engine_free(c.e);
	free(lines);
}

Test(eventlog, appends_to_what_is_there, .init = mkdir_tmp, .fini = rm_tmp)
{
	struct xdt_engine_opts o = { .max_flows = 8, .seed = 1 };
	struct xdt_engine *e = xdt_engine_new(&o);
	char path[256], err[256], (*lines)[4096] = calloc(16, 4096);
	struct xdt_eventlog *l;
	FILE *f;

	snprintf(path, sizeof(path), "%s/ev.jsonl", dir);
	f = fopen(path, "w");
	fputs("{\"earlier\":true}\n", f);
	fclose(f);
	l = xdt_eventlog_open(path, err, sizeof(err));
	cr_assert_not_null(l, "%s", err);
	xdt_eventlog_stats_event(l, e, NULL, T0);
	xdt_eventlog_close(l);
	cr_assert_eq(read_lines(path, lines, 16), 2);
	cr_assert_str_eq(lines[0], "{\"earlier\":true}");
	xdt_engine_free(e);
	free(lines);
}

Test(eventlog, counts_write_errors_and_reports_them_once)
{
	struct xdt_engine_opts o = { .max_flows = 8, .seed = 1 };
	struct xdt_engine *e = xdt_engine_new(&o);
	struct xdt_eventlog_stats st;
	struct xdt_eventlog *l;
	char err[256];
	const char *m;
	int i;

	l = xdt_eventlog_open("/dev/full", err, sizeof(err));
	cr_assert_not_null(l, "%s", err);
	for (i = 0; i < 3; i++)
		xdt_eventlog_stats_event(l, e, NULL, T0);
	m = xdt_eventlog_error(l);
	cr_assert_not_null(m);
	cr_assert(strstr(m, "/dev/full") && strstr(m, "No space left"), "%s", m);
	cr_assert_null(xdt_eventlog_error(l), "the same failure is said once");
	xdt_eventlog_stats(l, &st);
	cr_assert_eq(st.errors, 3);
	cr_assert_eq(st.events, 0);
	xdt_eventlog_close(l);
	xdt_engine_free(e);
}

Test(eventlog, names_a_path_it_cannot_open)
{
	char err[256];

	cr_assert_null(xdt_eventlog_open("/nonexistent/xdt/ev.jsonl", err, sizeof(err)));
	cr_assert(strstr(err, "/nonexistent/xdt/ev.jsonl"), "%s", err);
}

Test(eventlog, closes_the_flows_still_open_when_it_finishes, .init = mkdir_tmp, .fini = rm_tmp)
{
	struct elog_ctx c = { 0 };
	struct xdt_engine_opts o = { .max_flows = 8, .seed = 1, .on_flow_end = elog_end, .ctx = &c };
	char path[256], err[256], (*lines)[4096] = calloc(16, 4096);
	int n, i, closed = 0, udp_opened = -1, udp_closed = -1;

	snprintf(path, sizeof(path), "%s/ev.jsonl", dir);
	c.l = xdt_eventlog_open(path, err, sizeof(err));
	cr_assert_not_null(c.l, "%s", err);
	c.e = xdt_engine_new(&o);
	feed(c.e, frame(6, 1, 40000, 2, 80, 0x02), T0);
	feed(c.e, frame(6, 2, 80, 1, 40000, 0x12), T0 + 1000);
	xdt_eventlog_scan(c.l, xdt_engine_flows(c.e), T0 + 2000, NULL);
	/* Seen after the last scan: opened and closed at the finish. */
	feed(c.e, frame(17, 1, 5000, 2, 7001, 0), T0 + 3000);
	xdt_eventlog_finish(c.l, xdt_engine_flows(c.e), T0 + 4000, NULL);
	xdt_eventlog_close(c.l);
	n = read_lines(path, lines, 16);
	cr_assert_eq(n, 4, "%d lines", n);
	for (i = 0; i < n; i++) {
		int udp = strstr(lines[i], "\"sport\":5000") != NULL;

		if (udp && strstr(lines[i], "connection_opened"))
			udp_opened = i;
		if (!strstr(lines[i], "connection_closed"))
			continue;
		closed++;
		if (udp)
			udp_closed = i;
		cr_assert(strstr(lines[i], "\"end\":\"exit\""), "%s", lines[i]);
	}
	cr_assert_eq(closed, 2);
	cr_assert(udp_opened >= 0 && udp_opened < udp_closed,
		  "the UDP flow is opened (line %d) before it is closed (line %d)", udp_opened,
		  udp_closed);
	/* The table's flows are not ended by it: the final table shows them live. */
	cr_assert_eq(xdt_flow_table_count(xdt_engine_flows(c.e)), 2);
	cr_assert_eq(xdt_engine_last_flow(c.e)->end, XDT_END_NONE);
	xdt_engine_free(c.e);
	free(lines);
}

Test(eventlog, reopens_its_path_after_a_rename, .init = mkdir_tmp, .fini = rm_tmp)
{
	struct xdt_engine_opts o = { .max_flows = 8, .seed = 1 };
	struct xdt_engine *e = xdt_engine_new(&o);
	char path[256], old[270], err[256], (*lines)[4096] = calloc(16, 4096);
	struct xdt_eventlog *l;

	snprintf(path, sizeof(path), "%s/ev.jsonl", dir);
	snprintf(old, sizeof(old), "%s.1", path);
	l = xdt_eventlog_open(path, err, sizeof(err));
	cr_assert_not_null(l, "%s", err);
	cr_assert(xdt_eventlog_reopenable(l));
	xdt_eventlog_stats_event(l, e, NULL, T0);
	cr_assert_eq(rename(path, old), 0);
	xdt_eventlog_stats_event(l, e, NULL, T0 + SEC);	/* still to the renamed file */
	cr_assert_eq(xdt_eventlog_reopen(l), 1);
	xdt_eventlog_stats_event(l, e, NULL, T0 + 2 * SEC);
	xdt_eventlog_close(l);
	cr_assert_eq(read_lines(old, lines, 16), 2);
	cr_assert_eq(read_lines(path, lines, 16), 1);
	cr_assert(strstr(lines[0], "\"event\":\"stats\""), "%s", lines[0]);
	xdt_engine_free(e);
	free(lines);
}

Test(eventlog, keeps_writing_where_it_did_when_the_reopen_fails, .init = mkdir_tmp,
     .fini = rm_tmp)
{
	struct xdt_engine_opts o = { .max_flows = 8, .seed = 1 };
	struct xdt_engine *e = xdt_engine_new(&o);
	char sub[256], path[300], old[300], err[256], (*lines)[4096] = calloc(16, 4096);
	struct xdt_eventlog *l;

	snprintf(sub, sizeof(sub), "%s/d", dir);
	cr_assert_eq(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/ev.jsonl", sub);
	snprintf(old, sizeof(old), "%s/ev.jsonl", dir);
	l = xdt_eventlog_open(path, err, sizeof(err));
	cr_assert_not_null(l, "%s", err);
	/* Its directory is gone: the open fails, the old file goes on. */
	cr_assert_eq(rename(path, old), 0);
	cr_assert_eq(rmdir(sub), 0);
	cr_assert_eq(xdt_eventlog_reopen(l), -ENOENT);
	xdt_eventlog_stats_event(l, e, NULL, T0);
	xdt_eventlog_close(l);
	cr_assert_eq(read_lines(old, lines, 16), 1);
	xdt_engine_free(e);
	free(lines);
}

Test(eventlog, does_not_reopen_a_device)
{
	struct xdt_eventlog *l;
	char err[256];

	l = xdt_eventlog_open("/dev/null", err, sizeof(err));
	cr_assert_not_null(l, "%s", err);
	cr_assert_not(xdt_eventlog_reopenable(l));
	cr_assert_eq(xdt_eventlog_reopen(l), 0);
	xdt_eventlog_close(l);
}

/* --- pcap export sidecars ---------------------------------------------------------- */

struct pexp_ctx {
	struct xdt_pcapexp *x;
	struct xdt_engine *e;
	int iface;
};

static void pexp_end(const struct xdt_flow *f, void *ctx)
{
	struct pexp_ctx *c = ctx;

	xdt_pcapexp_flow_end(c->x, f, xdt_engine_now(c->e));
}

static uint64_t pexp_now(void *arg)
{
	return xdt_engine_now(((struct pexp_ctx *)arg)->e);
}

static void pexp_feed(struct pexp_ctx *c, struct fb f, uint64_t ts)
{
	feed(c->e, f, ts);
	xdt_pcapexp_packet(c->x, c->iface, ts, f.b, (uint32_t)f.n, (uint32_t)f.n,
			   xdt_engine_last_flow(c->e));
}

static int count_with(char lines[][4096], int n, const char *a, const char *b)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		k += strstr(lines[i], a) && (!b || strstr(lines[i], b));
	return k;
}

Test(pcapexp, gives_every_capture_file_the_lines_of_its_connections, .init = mkdir_tmp,
     .fini = rm_tmp)
{
	struct pexp_ctx c = { 0 };
	struct xdt_engine_opts o = { .max_flows = 64, .seed = 1, .on_flow_end = pexp_end, .ctx = &c };
	struct xdt_json_ctx jc = { 0 };
	char path[256], side[300], err[512], (*lines)[4096] = calloc(64, 4096);
	struct xdt_pcapexp_stats st;
	int n, i;

	snprintf(path, sizeof(path), "%s/cap.pcapng", dir);
	/* About 10 packets a file. */
	c.x = xdt_pcapexp_open(path, 1000, "xdptop test", "a test", err, sizeof(err));
	cr_assert_not_null(c.x, "%s", err);
	c.e = xdt_engine_new(&o);
	xdt_pcapexp_bind(c.x, xdt_engine_flows(c.e), &jc, pexp_now, NULL, &c);
	c.iface = xdt_pcapexp_iface(c.x, XDT_LINKTYPE_ETHERNET, 65535, "xdt0", "test");
	cr_assert_geq(c.iface, 0);
	/* A long conversation on port 1000 spans the files; one on 2000 is in the first only. */
	pexp_feed(&c, frame(17, 1, 2000, 2, 53, 0), T0);
	for (i = 0; i < 30; i++)
		pexp_feed(&c, frame(17, 1, 1000, 2, 7001, 0), T0 + (uint64_t)(i + 1) * SEC / 100);
	xdt_pcapexp_stats(c.x, &st);
	cr_assert_geq(st.files, 3, "%u files", st.files);
	xdt_pcapexp_close(c.x);

	/* First file: both conversations, as of its closing. */
	snprintf(side, sizeof(side), "%s.connections.jsonl", path);
	n = read_lines(side, lines, 64);
	cr_assert_eq(count_with(lines, n, "\"sport\":2000", NULL), 1, "%d lines", n);
	cr_assert_eq(count_with(lines, n, "\"sport\":1000", NULL), 1);
	/* Every later file: the long one only, and its counters grow. */
	for (i = 1; i < (int)st.files; i++) {
		snprintf(side, sizeof(side), "%s.%d.connections.jsonl", path, i);
		n = read_lines(side, lines, 64);
		cr_assert_eq(n, 1, "%s: %d lines", side, n);
		cr_assert_eq(count_with(lines, n, "\"sport\":1000", NULL), 1);
		cr_assert_eq(access(side, R_OK), 0);
	}
	snprintf(side, sizeof(side), "%s.%u.connections.jsonl", path, st.files);
	cr_assert_neq(access(side, F_OK), 0, "no sidecar without its capture file");
	cr_assert_eq(st.packets, 31);
	xdt_engine_free(c.e);
	free(lines);
}

Test(pcapexp, writes_a_connection_that_ends_with_its_final_counters, .init = mkdir_tmp,
     .fini = rm_tmp)
{
	struct pexp_ctx c = { 0 };
	struct xdt_engine_opts o = { .max_flows = 64, .seed = 1, .on_flow_end = pexp_end, .ctx = &c };
	struct xdt_json_ctx jc = { 0 };
	char path[256], side[300], err[512], (*lines)[4096] = calloc(64, 4096);
	int n;

	snprintf(path, sizeof(path), "%s/cap.pcapng", dir);
	c.x = xdt_pcapexp_open(path, 0, "xdptop test", "a test", err, sizeof(err));
	cr_assert_not_null(c.x, "%s", err);
	c.e = xdt_engine_new(&o);
	xdt_pcapexp_bind(c.x, xdt_engine_flows(c.e), &jc, pexp_now, NULL, &c);
	c.iface = xdt_pcapexp_iface(c.x, XDT_LINKTYPE_ETHERNET, 65535, "xdt0", "test");
	pexp_feed(&c, frame(6, 1, 40000, 2, 80, 0x02), T0);
	pexp_feed(&c, frame(6, 2, 80, 1, 40000, 0x14), T0 + 1000);	/* RST|ACK */
	xdt_engine_tick(c.e, T0 + 3600 * SEC);	/* ends it */
	pexp_feed(&c, frame(17, 1, 5000, 2, 7001, 0), T0 + 3601 * SEC);	/* open at exit */
	xdt_pcapexp_close(c.x);
	snprintf(side, sizeof(side), "%s.connections.jsonl", path);
	n = read_lines(side, lines, 64);
	cr_assert_eq(n, 2);
	cr_assert(strstr(lines[0], "\"sport\":40000") && strstr(lines[0], "\"state\":\"RESET\"") &&
		  strstr(lines[0], "\"end\":\"idle\""), "%s", lines[0]);
	cr_assert(strstr(lines[1], "\"sport\":5000") && !strstr(lines[1], "\"end\""), "%s",
		  lines[1]);
	xdt_engine_free(c.e);
	free(lines);
}

Test(pcapexp, names_a_path_it_cannot_create)
{
	char err[512];

	cr_assert_null(xdt_pcapexp_open("/nonexistent/xdt/cap.pcapng", 0, "t", "t", err,
					sizeof(err)));
	cr_assert(strstr(err, "/nonexistent/xdt/cap.pcapng"), "%s", err);
}
