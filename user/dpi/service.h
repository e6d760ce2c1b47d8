/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Service names by port, for flows no payload parser recognised: a built-in table
 * of well-known assignments, IANA's names where IANA's assignment is what runs on
 * the port (as /etc/services names them), common-use names where it is not.
 * /etc/services is not read at run time: the process is sandboxed by then and the
 * file may be absent.
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
