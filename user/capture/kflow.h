/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace side of the kernel backends: reads the kernel flow map in batches into
 * the flow table, consumes payload-prefix records from the ring buffer, and reads
 * the kernel's per-packet statistics. Works on map file descriptors only.
 */
#ifndef XDT_CAPTURE_KFLOW_H
#define XDT_CAPTURE_KFLOW_H

#include <stdint.h>
#include <stdio.h>

#include "../engine.h"

struct xdt_kflow_reader;

struct xdt_kflow_fds {
	int flows;
	int done;
	int prefixes;
	int stats;
	int owners;		/* process attribution maps (loader/attr.h), -1 if none */
	int ports;
	int execs;
	int ifstats;		/* per-interface counters (loader/loader.h); -1 or 0 if none */
};

/* Counters of the kernel path, for the stats record. */
struct xdt_kflow_stats {
	uint64_t prefixes;	/* prefix records received */
	uint64_t prefix_bad;	/* records that failed the header checks */
	uint64_t prefix_lost;	/* kernel: ring buffer full */
	uint64_t map_full;	/* kernel: flow map insert failed */
	uint64_t redirected;	/* kernel, mirror mode: frames sent to AF_XDP */
	uint64_t done_marked;	/* flows DPI finished early: no more prefixes asked */
	uint64_t attributed;	/* flows joined with a process by the kernel hooks */
	uint64_t kernel_flows;	/* entries in the kernel flow map at the last read */
	uint64_t flows_created;	/* kernel: flow map entries created */
	uint64_t flows_removed;	/* entries xdptop deleted (idle flows) */
	/*
	 * Entries the kernel's LRU map dropped to make room: created - in the map -
	 * removed. Exact once traffic stops; under a flood it may run ahead by the
	 * flows created while the map was being read.
	 */
	uint64_t flows_evicted;
};

/* NULL + errno. @e receives the flows; the reader does not own it. */
struct xdt_kflow_reader *xdt_kflow_reader_new(const struct xdt_kflow_fds *fds,
					      struct xdt_engine *e);
void xdt_kflow_reader_free(struct xdt_kflow_reader *r);

/*
 * Consume the prefix records waiting in the ring buffer, at most a bounded number
 * per call: under a flood the kernel refills the ring as fast as it is read, and
 * the caller must get back to its clock. 0 or -errno.
 */
int xdt_kflow_poll_prefixes(struct xdt_kflow_reader *r);

/* Sleep until prefix records arrive (at most @max_wait_ms), then consume them (bounded). */
int xdt_kflow_wait_prefixes(struct xdt_kflow_reader *r, int max_wait_ms);

/*
 * Read the whole kernel flow map into the flow table, take out (with their final
 * counters) flows idle past their timeout, end flows the kernel evicted, refresh
 * the packet statistics. 0 or -errno.
 */
int xdt_kflow_sync(struct xdt_kflow_reader *r);

/*
 * A payload prefix that arrived another way (AF_XDP) for flow @k: count it, run
 * DPI. Returns the flow, or NULL if the kernel map no longer has it.
 */
struct xdt_flow *xdt_kflow_note_prefix(struct xdt_kflow_reader *r, const struct xdt_flow_key *k,
				       const struct xdt_dpi_payload *pl);

/*
 * Called for every ring-buffer prefix record after the engine took it: the key,
 * the payload, when the kernel saw it (CLOCK_REALTIME ns) and the flow (or NULL).
 */
typedef void (*xdt_kflow_tap_fn)(void *ctx, const struct xdt_flow_key *k,
				 const struct xdt_dpi_payload *pl, uint64_t ts_ns,
				 struct xdt_flow *f);
void xdt_kflow_set_tap(struct xdt_kflow_reader *r, xdt_kflow_tap_fn fn, void *ctx);

/* DPI is done with flow @k: the kernel stops sending its prefixes. */
void xdt_kflow_done(struct xdt_kflow_reader *r, const struct xdt_flow_key *k);

/*
 * Called for a flow leaving the table: the kernel forgets that DPI was done with
 * it and, when it left for being idle (@idle), its counters too.
 */
void xdt_kflow_forget(struct xdt_kflow_reader *r, const struct xdt_flow_key *k, int idle);

const struct xdt_kflow_stats *xdt_kflow_stats(const struct xdt_kflow_reader *r);

/*
 * What interface slot @slot (its index among the interfaces given to the loader)
 * received (XDP) and sent (TC egress) since load, summed over the CPUs: packets
 * and layer-2 bytes, comparable with the interface counters. Any output may be
 * NULL. 0, -ENOENT without the counters map, -EINVAL for a slot past the last
 * possible, or the -errno of the map read.
 */
int xdt_kflow_ifstats(struct xdt_kflow_reader *r, unsigned int slot, uint64_t *rx_packets,
		      uint64_t *rx_bytes, uint64_t *tx_packets, uint64_t *tx_bytes);

#endif
