/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The --json-log event log: one JSON object per line, appended to a file.
 *
 *   {"type":"event","event":"connection_opened","time":"<RFC 3339>","flow":{...}}
 *
 * where "flow" is exactly the object a --json flow line carries, as the flow
 * stood when the event was written. Events: connection_opened (first seen),
 * app_detected (DPI named the protocol, and again once if a name such as the
 * SNI or Host came later), process_attributed (the owning process became
 * known), connection_closed (the flow left the table, or xdptop stopped with
 * it still there: final counters, "end" says which), and
 * stats ({"type":"event","event":"stats","time":...,"stats":{the --json stats
 * object}}).
 *
 * Each line is built whole in memory and written with one write(2) on an
 * O_APPEND descriptor, so a kill -9 loses at most a line being written, and
 * concurrent appenders never interleave within a line. A write error is counted,
 * reported once through xdt_eventlog_error(), and never stops the capture.
 */
#ifndef XDT_EXPORT_EVENTLOG_H
#define XDT_EXPORT_EVENTLOG_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"

/* struct xdt_flow.logged bits. */
#define XDT_LOGGED_OPENED 0x01
#define XDT_LOGGED_APP 0x02		/* the protocol */
#define XDT_LOGGED_APP_NAME 0x04	/* a name (SNI, Host, query, ...) with it */
#define XDT_LOGGED_PROCESS 0x08

struct xdt_eventlog_stats {
	uint64_t events;	/* lines written */
	uint64_t errors;	/* lines lost to write errors */
};

struct xdt_eventlog;

/* Open (create, 0640) @path for appending. NULL with a message naming it in @err. */
struct xdt_eventlog *xdt_eventlog_open(const char *path, char *err, size_t errlen);

/*
 * New flows, protocols and processes in @t since the last call: their events,
 * stamped @now_ns. Call once per output interval (and after each batch of a
 * replay), from the thread that owns the table.
 */
void xdt_eventlog_scan(struct xdt_eventlog *l, struct xdt_flow_table *t, uint64_t now_ns,
		       const struct xdt_json_ctx *ctx);

/* @f leaves the table: any event it still owes, then connection_closed. */
void xdt_eventlog_flow_end(struct xdt_eventlog *l, const struct xdt_flow *f, uint64_t now_ns,
			   const struct xdt_json_ctx *ctx);

/*
 * xdptop stops: every flow still in @t owes connection_closed, its "end"
 * "exit" (and any event it still owes first). Call once, before the table goes.
 */
void xdt_eventlog_finish(struct xdt_eventlog *l, struct xdt_flow_table *t, uint64_t now_ns,
			 const struct xdt_json_ctx *ctx);

/* A stats event. */
void xdt_eventlog_stats_event(struct xdt_eventlog *l, struct xdt_engine *e,
			      const struct xdt_capture_stats *cap, uint64_t now_ns);

/*
 * An interface event ({"type":"event","event":"interface","time":...,"interface":
 * {"name":...,"change":"down|up|mtu|gone|back","ifindex":N,"mtu":N,"admin_up":B,
 * "running":B}}).
 */
void xdt_eventlog_interface(struct xdt_eventlog *l, const char *name, const char *change,
			    int ifindex, unsigned int mtu, int admin_up, int running,
			    uint64_t now_ns);

/*
 * Reopen the file by its path, for log rotation (SIGHUP): the file was renamed,
 * or copied and truncated; new lines go to the path again, created if missing.
 * 1 if reopened; 0 if the log is not a regular file (a device, a FIFO: nothing
 * to rotate); -errno if the open failed, and the old file is still written.
 */
int xdt_eventlog_reopen(struct xdt_eventlog *l);

/* Is the log a regular file, which xdt_eventlog_reopen() would reopen? */
int xdt_eventlog_reopenable(const struct xdt_eventlog *l);

/* The first write error not yet reported, naming the file, or NULL (each once). */
const char *xdt_eventlog_error(struct xdt_eventlog *l);

void xdt_eventlog_stats(const struct xdt_eventlog *l, struct xdt_eventlog_stats *out);

/* NULL is accepted. */
void xdt_eventlog_close(struct xdt_eventlog *l);

#endif
