/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Prometheus metrics in the text exposition format (version 0.0.4), written for
 * node_exporter's textfile collector (--prom-textfile PATH). No listening socket:
 * the file is rewritten every output interval, atomically (a temporary file in
 * the same directory, named so the collector ignores it, then rename()).
 *
 * Metrics (every one with # HELP and # TYPE):
 *   xdptop_info{version,backend}                            gauge 1
 *   xdptop_packets_total                                   counter: frames seen (JSON stats "packets")
 *   xdptop_packets_unsupported_total                       counter ("unsupported")
 *   xdptop_packets_malformed_total{reason}                 counter ("malformed_by_reason"; every reason, 0s too)
 *   xdptop_interface_packets_total{interface,direction}    counter (direction "rx"/"tx", or
 *                                                          "both" for the pcap backend)
 *   xdptop_interface_bytes_total{interface,direction}      counter, when known
 *   xdptop_protocol_packets_total{protocol}                counter, flows ended + flows live
 *   xdptop_protocol_bytes_total{protocol}                  counter (IP-layer bytes), same
 *   xdptop_flows                                           gauge ("flows")
 *   xdptop_flows_created_total / _expired_total / _evicted_total   counters ("flows_total", ...)
 *   xdptop_process_bytes{process}                          gauge: bytes of live flows, top N processes
 *   xdptop_process_flows{process}                          gauge: live flows of the same N
 *   xdptop_capture_dropped_total{where}                    counter: "kernel", "interface" (pcap backend)
 *   xdptop_prefix_lost_total, xdptop_kernel_map_full_total counters (kernel backends)
 *   xdptop_sandbox_layer{layer,state}                      gauge 1, one series per layer
 *   xdptop_sandbox_full                                    gauge 1 when every layer is on, else 0
 *   xdptop_export_errors_total{export}                     counter: "pcap", "json_log", "ipfix", "prom"
 *   xdptop_last_update_timestamp_seconds                   gauge
 * Protocol labels: "tcp", "udp", "icmp", "icmpv6", "arp", "other".
 * Label values are escaped as the format requires (backslash, quote, newline).
 */
#ifndef XDT_EXPORT_PROM_H
#define XDT_EXPORT_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "../engine.h"
#include "json.h"

/*
 * What xdptop saw on one interface: packets and layer-2 bytes received and sent,
 * or, when @undirected (the pcap backend cannot tell), both directions in rx_*
 * (direction="both").
 */
struct xdt_prom_iface {
	const char *name;
	uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
	int undirected;
};

/* Errors of the exports, for xdptop_export_errors_total. */
struct xdt_prom_errors {
	uint64_t pcap, json_log, ipfix;
};

struct xdt_prom_input {
	struct xdt_engine *e;
	const struct xdt_capture_stats *cap;	/* may be NULL (a replay) */
	const struct xdt_prom_iface *ifaces;	/* NULL or n_ifaces entries */
	unsigned int n_ifaces;
	struct xdt_prom_errors errors;
	const char *version;
	uint64_t now_ns;			/* CLOCK_REALTIME ns */
};

struct xdt_prom;

/*
 * @path is the file to keep up to date (it should end in ".prom" for the
 * textfile collector: a warning is put in @err otherwise, but the writer is
 * made). The directory must exist and be writable: checked now, by creating and
 * removing the temporary file. NULL with a message naming the path in @err.
 * @top_n: processes listed (0: 10).
 */
struct xdt_prom *xdt_prom_new(const char *path, unsigned int top_n, char *err, size_t errlen);

/* A flow leaves the table: its counters move to the per-protocol totals. */
void xdt_prom_flow_end(struct xdt_prom *p, const struct xdt_flow *f);

/* Write the metrics now. 0, or -errno (counted in prom errors; see xdt_prom_error()). */
int xdt_prom_write(struct xdt_prom *p, const struct xdt_prom_input *in);

/* The first write error not yet reported, naming the path, or NULL (each once). */
const char *xdt_prom_error(struct xdt_prom *p);

/* Write failures so far. */
uint64_t xdt_prom_errors(const struct xdt_prom *p);

/* Removes the temporary file if one is left; keeps the last metrics file. NULL accepted. */
void xdt_prom_free(struct xdt_prom *p);

#endif
