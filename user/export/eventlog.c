// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "eventlog.h"
#include "../view/build.h"

struct xdt_eventlog {
	int fd;
	char *path;
	struct xdt_eventlog_stats st;
	int last_errno;		/* of the failure reported last; 0: none */
	int pending_errno;	/* a failure not yet reported */
	char msg[512];
	/* One line at a time, grown as needed and kept. */
	char *buf;
	size_t cap;
	const struct xdt_flow **list;
	size_t list_cap;
};

static int open_log(const char *path)
{
	return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
}

struct xdt_eventlog *xdt_eventlog_open(const char *path, char *err, size_t errlen)
{
	struct xdt_eventlog *l = calloc(1, sizeof(*l));

	if (!l || !(l->path = strdup(path))) {
		snprintf(err, errlen, "--json-log %s: out of memory", path);
		free(l);
		return NULL;
	}
	l->fd = open_log(path);
	if (l->fd < 0) {
		snprintf(err, errlen, "--json-log: cannot open %s: %s", path, strerror(errno));
		free(l->path);
		free(l);
		return NULL;
	}
	return l;
}

int xdt_eventlog_reopenable(const struct xdt_eventlog *l)
{
	struct stat st;

	return l && fstat(l->fd, &st) == 0 && S_ISREG(st.st_mode);
}

int xdt_eventlog_reopen(struct xdt_eventlog *l)
{
	int fd;

	if (!xdt_eventlog_reopenable(l))
		return 0;
	/* The new descriptor first: a failure leaves the log writing where it did. */
	fd = open_log(l->path);
	if (fd < 0)
		return -errno;
	close(l->fd);
	l->fd = fd;
	return 1;
}

/* Write the line in l->buf[0..len) with as few write(2)s as the kernel allows. */
static void emit(struct xdt_eventlog *l, size_t len)
{
	size_t off = 0;
	ssize_t n;

	while (off < len) {
		n = write(l->fd, l->buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			l->st.errors++;
			if (e != l->last_errno) {
				l->last_errno = e;
				l->pending_errno = e;
			}
			return;
		}
		off += (size_t)n;
	}
	l->st.events++;
	l->last_errno = 0;
}

/*
 * A stream over l->buf; the caller ends the line and calls finish(). NULL (the
 * line counted as lost) if there is no memory for it.
 */
static FILE *line_begin(struct xdt_eventlog *l, const char *event, uint64_t now_ns)
{
	char t[40];
	FILE *out = open_memstream(&l->buf, &l->cap);

	if (!out) {
		l->st.errors++;
		return NULL;
	}
	xdt_json_time(t, sizeof(t), now_ns);
	fprintf(out, "{\"type\":\"event\",\"event\":\"%s\",\"time\":\"%s\"", event, t);
	return out;
}

static void line_finish(struct xdt_eventlog *l, FILE *out)
{
	size_t len;

	fputs("}\n", out);
	if (fclose(out) != 0) {
		l->st.errors++;
		return;
	}
	/* open_memstream's size excludes its terminating NUL. */
	len = strlen(l->buf);
	emit(l, len);
	free(l->buf);
	l->buf = NULL;
	l->cap = 0;
}

static void flow_event(struct xdt_eventlog *l, const char *event, const struct xdt_flow *f,
		       uint64_t now_ns, const struct xdt_json_ctx *ctx)
{
	FILE *out = line_begin(l, event, now_ns);

	if (!out)
		return;
	fputs(",\"flow\":", out);
	xdt_json_flow_obj(out, f, now_ns, ctx);
	line_finish(l, out);
}

/* The events @f owes now, as bits of XDT_LOGGED_*, in the order they are written. */
static uint8_t owed(const struct xdt_flow *f)
{
	uint8_t want = XDT_LOGGED_OPENED;
	char proto[24], name[256];

	xdt_view_app(f, proto, sizeof(proto), name, sizeof(name));
	if (proto[0])
		want |= XDT_LOGGED_APP;
	if (proto[0] && name[0])
		want |= XDT_LOGGED_APP_NAME;
	if (f->owner.method != XDT_METHOD_NONE && f->owner.pid > 0)
		want |= XDT_LOGGED_PROCESS;
	return (uint8_t)(want & ~f->logged);
}

/* Write what @f owes; returns the bits written. */
static uint8_t catch_up(struct xdt_eventlog *l, const struct xdt_flow *f, uint64_t now_ns,
			const struct xdt_json_ctx *ctx)
{
	uint8_t due = owed(f);

	if (due & XDT_LOGGED_OPENED)
		flow_event(l, "connection_opened", f, now_ns, ctx);
	/* A protocol and its name learnt together are one event. */
	if (due & (XDT_LOGGED_APP | XDT_LOGGED_APP_NAME))
		flow_event(l, "app_detected", f, now_ns, ctx);
	if (due & XDT_LOGGED_PROCESS)
		flow_event(l, "process_attributed", f, now_ns, ctx);
	return due;
}

/* The flows of @t into l->list (grown as needed and kept); how many, or 0 if out of memory. */
static size_t list_flows(struct xdt_eventlog *l, struct xdt_flow_table *t)
{
	size_t n = xdt_flow_table_count(t);

	if (n > l->list_cap) {
		const struct xdt_flow **nl = realloc(l->list, n * sizeof(*nl));

		if (!nl) {
			l->st.errors++;
			return 0;
		}
		l->list = nl;
		l->list_cap = n;
	}
	return xdt_flow_table_list(t, l->list, n);
}

void xdt_eventlog_scan(struct xdt_eventlog *l, struct xdt_flow_table *t, uint64_t now_ns,
		       const struct xdt_json_ctx *ctx)
{
	size_t n, i;

	if (!l)
		return;
	n = list_flows(l, t);
	for (i = 0; i < n; i++) {
		uint8_t done;
		struct xdt_flow *m;

		if (!owed(l->list[i]))
			continue;
		done = catch_up(l, l->list[i], now_ns, ctx);
		/* The table lends const pointers; the flow itself is found by its key. */
		m = xdt_flow_table_lookup(t, &l->list[i]->key);
		if (m == l->list[i])
			m->logged |= done;
	}
}

void xdt_eventlog_flow_end(struct xdt_eventlog *l, const struct xdt_flow *f, uint64_t now_ns,
			   const struct xdt_json_ctx *ctx)
{
	if (!l)
		return;
	catch_up(l, f, now_ns, ctx);
	flow_event(l, "connection_closed", f, now_ns, ctx);
}

void xdt_eventlog_finish(struct xdt_eventlog *l, struct xdt_flow_table *t, uint64_t now_ns,
			 const struct xdt_json_ctx *ctx)
{
	size_t n, i;

	if (!l)
		return;
	n = list_flows(l, t);
	for (i = 0; i < n; i++) {
		/* The table lends const pointers; the flow itself is found by its key. */
		struct xdt_flow *m = xdt_flow_table_lookup(t, &l->list[i]->key);

		if (m != l->list[i])
			continue;
		catch_up(l, m, now_ns, ctx);
		/* Marked for the record only: the table itself is not ending it. */
		m->end = XDT_END_EXIT;
		flow_event(l, "connection_closed", m, now_ns, ctx);
		m->end = XDT_END_NONE;
	}
}

void xdt_eventlog_stats_event(struct xdt_eventlog *l, struct xdt_engine *e,
			      const struct xdt_capture_stats *cap, uint64_t now_ns)
{
	FILE *out;

	if (!l)
		return;
	out = line_begin(l, "stats", now_ns);
	if (!out)
		return;
	fputs(",\"stats\":", out);
	xdt_json_stats_obj(out, e, cap);
	line_finish(l, out);
}

void xdt_eventlog_interface(struct xdt_eventlog *l, const char *name, const char *change,
			    int ifindex, unsigned int mtu, int admin_up, int running,
			    uint64_t now_ns)
{
	FILE *out;

	if (!l)
		return;
	out = line_begin(l, "interface", now_ns);
	if (!out)
		return;
	fputs(",\"interface\":{\"name\":", out);
	xdt_json_str(out, name);
	fprintf(out, ",\"change\":\"%s\",\"ifindex\":%d,\"mtu\":%u,\"admin_up\":%s,"
		"\"running\":%s}", change, ifindex, mtu, admin_up ? "true" : "false",
		running ? "true" : "false");
	line_finish(l, out);
}

const char *xdt_eventlog_error(struct xdt_eventlog *l)
{
	if (!l || !l->pending_errno)
		return NULL;
	snprintf(l->msg, sizeof(l->msg), "--json-log: writing to %s failed: %s (events are "
		 "counted as lost until a write succeeds)", l->path, strerror(l->pending_errno));
	l->pending_errno = 0;
	return l->msg;
}

void xdt_eventlog_stats(const struct xdt_eventlog *l, struct xdt_eventlog_stats *out)
{
	if (l)
		*out = l->st;
	else
		memset(out, 0, sizeof(*out));
}

void xdt_eventlog_close(struct xdt_eventlog *l)
{
	if (!l)
		return;
	close(l->fd);
	free(l->buf);
	free(l->list);
	free(l->path);
	free(l);
}
