/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * IPFIX export (RFC 7011) over UDP for --ipfix HOST:PORT.
 *
 * Records are unidirectional, as NetFlow and most collectors expect: a
 * conversation gives one record per direction that carried packets since the
 * last record, with the packet and octet deltas of that direction (octets at the
 * IP layer, like xdptop's own counters). Two templates, IPv4 (id 256) and IPv6
 * (id 257), with standard information elements (RFC 7012 / IANA registry):
 *   sourceIPv4Address(8) / sourceIPv6Address(27), destinationIPv4Address(12) /
 *   destinationIPv6Address(28), sourceTransportPort(7), destinationTransportPort(11),
 *   protocolIdentifier(4), vlanId(58), octetDeltaCount(1), packetDeltaCount(2),
 *   flowStartMilliseconds(152), flowEndMilliseconds(153), flowEndReason(136),
 *   biflowDirection(239) (1: the source initiated the conversation, 2: it did not)
 * and enterprise-specific ones under XDT_IPFIX_PEN:
 *   1 processName (string, variable length), 2 processId (unsigned32),
 *   3 serverName (string, variable length: TLS SNI, HTTP Host, QUIC SNI, ...),
 *   4 applicationProtocol (string, variable length: "tls", "dns", ...).
 *
 * Timing, as flow exporters conventionally do it: a flow that has carried
 * packets for active_timeout since its last record gets a record (flowEndReason
 * activeTimeout); one that has been idle for idle_timeout gets its last record
 * (idleTimeout) and a later packet starts a new one; a flow that leaves
 * xdptop's table gets its final record (endOfFlowDetected for a TCP close or
 * reset, idleTimeout for an idle end, lackOfResources for an eviction, and
 * forcedEnd at exit). Templates go in the first message and again every
 * template_refresh (RFC 7011 section 8.4, UDP).
 *
 * Messages are at most mtu bytes (default 1400, room for IPv6 + UDP headers on a
 * 1500-byte path); sequence numbers count data records, per RFC 7011 section 3.1.
 * Send errors are counted and reported once; they never stop the capture.
 */
#ifndef XDT_EXPORT_IPFIX_H
#define XDT_EXPORT_IPFIX_H

#include <stddef.h>
#include <stdint.h>

#include "../flow/table.h"
#include "../proc/proc.h"

/* RFC 5612: the enterprise number IANA reserves for documentation and examples. */
#define XDT_IPFIX_PEN 32473u

struct xdt_ipfix_opts {
	uint32_t domain_id;		/* observation domain id */
	uint64_t active_timeout_ns;	/* 0: default 60 s */
	uint64_t idle_timeout_ns;	/* 0: default 15 s */
	uint64_t template_refresh_ns;	/* 0: default 60 s */
	size_t mtu;			/* largest message; 0: default 1400 */
};

struct xdt_ipfix_stats {
	uint64_t messages;	/* messages sent */
	uint64_t records;	/* data records sent */
	uint64_t templates;	/* template sets sent */
	uint64_t send_errors;	/* messages the socket refused (their records lost) */
};

/*
 * Where messages go. The exporter owns neither: xdptop passes a send to its
 * connected UDP socket; tests pass a function that keeps the messages.
 * Returns 0, or -errno.
 */
typedef int (*xdt_ipfix_send_fn)(void *ctx, const uint8_t *msg, size_t len);

struct xdt_ipfix;

/* NULL + errno. */
struct xdt_ipfix *xdt_ipfix_new(const struct xdt_ipfix_opts *o, xdt_ipfix_send_fn send,
				void *ctx);

/*
 * Process names for the records (the flow's owner as xdptop shows it); NULL:
 * only the owner's comm from the flow. Call before the first tick.
 */
void xdt_ipfix_set_procs(struct xdt_ipfix *x, struct xdt_proc_cache *procs);

/*
 * Walk @t at @now_ns (CLOCK_REALTIME ns, the clock of the flows' first_ns and
 * last_ns): records for active and idle timeouts, templates when due, and send
 * what is pending. Call once per output interval.
 */
void xdt_ipfix_tick(struct xdt_ipfix *x, struct xdt_flow_table *t, uint64_t now_ns);

/*
 * @f leaves the table (the engine's flow-end callback): its final records are
 * queued and its per-flow state freed. @forced: xdptop is exiting.
 */
void xdt_ipfix_flow_end(struct xdt_ipfix *x, struct xdt_flow *f, int forced);

/* Send what is queued now. */
void xdt_ipfix_flush(struct xdt_ipfix *x);

/* The first send error not yet reported, or NULL (each is returned once). */
const char *xdt_ipfix_error(struct xdt_ipfix *x);

void xdt_ipfix_stats(const struct xdt_ipfix *x, struct xdt_ipfix_stats *out);

/* Final records for every flow still in @t (forcedEnd), flush, free. NULL is accepted. */
void xdt_ipfix_free(struct xdt_ipfix *x, struct xdt_flow_table *t);

#endif
