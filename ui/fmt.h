/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text for the screen: rates, byte counts, durations and endpoints. Pure (no
 * curses), so the tests and every tab format numbers the same way.
 */
#ifndef XDT_UI_FMT_H
#define XDT_UI_FMT_H

#include <stddef.h>
#include <stdint.h>

#include "view/snapshot.h"

/* Bytes per second as "0 B/s", "512 B/s", "1.2 KB/s", "3.4 MB/s" (SI units, 1 KB = 1000 B). */
void xdt_fmt_rate(char *buf, size_t len, double bps);

/* A byte count: "0 B", "999 B", "1.2 KB", ... "3.0 TB". */
void xdt_fmt_bytes(char *buf, size_t len, uint64_t bytes);

/* A duration in ns, short: "0.4s", "12s", "3m05s", "2h10m", "3d04h". */
void xdt_fmt_duration(char *buf, size_t len, uint64_t ns);

/*
 * One end of a connection as shown in a column: "addr:port", "[v6]:port", or the
 * passive-DNS name instead of the address when @names and there is one. The port
 * is the service name instead when @service is not NULL and not "". Ports are only
 * shown for protocols that have them.
 */
void xdt_fmt_endpoint(char *buf, size_t len, const struct xdt_row *r, int initiator, int names,
		      const char *service);

/* "1234/firefox", "firefox", "1234" or "" */
void xdt_fmt_process(char *buf, size_t len, int32_t pid, const char *name);

/* Whether @proto carries ports worth showing (TCP, UDP, SCTP, UDP-Lite). */
int xdt_fmt_has_ports(uint8_t proto);

#endif
