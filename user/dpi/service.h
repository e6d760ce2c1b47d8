/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Service names by port, for flows no payload parser recognised. Three sources,
 * asked in this order:
 *   1. xdptop's services file (data/services, installed as
 *      <prefix>/share/xdptop/services): site and common-use names, editable;
 *   2. the built-in table: well-known assignments, IANA's names where IANA's
 *      assignment is what runs on the port (as /etc/services names them),
 *      common-use names where it is not; it works with no file at all;
 *   3. /etc/services, for every port the two before do not name.
 * Files are read at start-up (xdt_service_load), before the sandbox locks the
 * filesystem; lookups afterwards read memory only. Without a load, only the
 * built-in table answers.
 */
#ifndef XDT_DPI_SERVICE_H
#define XDT_DPI_SERVICE_H

#include <stddef.h>
#include <stdint.h>

struct xdt_service {
	uint16_t port;
	uint8_t iana;		/* 1: IANA's service name for the port; 0: common use */
	const char *name;
};

enum xdt_service_rank {
	XDT_SERVICE_OVER,	/* asked before the built-in table (xdptop's file) */
	XDT_SERVICE_UNDER,	/* asked after it (/etc/services) */
};

/*
 * Add the entries of @path, in /etc/services format ("name port/proto aliases #
 * comment"; tcp and udp lines; the first line for a port wins), at @rank.
 * Call before other threads exist. The number of entries added, or -errno (the
 * tables are unchanged then); lines that do not parse are skipped.
 */
int xdt_service_load(const char *path, enum xdt_service_rank rank);

/* Drop what xdt_service_load added (tests). */
void xdt_service_unload(void);

/* The name for @port over @ipproto (IPPROTO_TCP or IPPROTO_UDP), or NULL. */
const char *xdt_service_name(uint8_t ipproto, uint16_t port);

/*
 * The server side of a flow between @port_a and @port_b: the port that has a
 * name, or the lower one when both or neither have.
 */
uint16_t xdt_service_server_port(uint8_t ipproto, uint16_t port_a, uint16_t port_b);

/* The name of xdt_service_server_port()'s port, or NULL when it has none. */
const char *xdt_service_for_flow(uint8_t ipproto, uint16_t port_a, uint16_t port_b);

/* The table for @ipproto, sorted by port, and its length in *@n; NULL for others. */
const struct xdt_service *xdt_service_table(uint8_t ipproto, size_t *n);

#endif
