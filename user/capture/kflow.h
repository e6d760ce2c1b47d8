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
};

/* NULL + errno. @e receives the flows; the reader does not own it. */
struct xdt_kflow_reader *xdt_kflow_reader_new(const struct xdt_kflow_fds *fds,
					      struct xdt_engine *e);
void xdt_kflow_reader_free(struct xdt_kflow_reader *r);

/* Consume the prefix records waiting in the ring buffer. 0 or -errno. */
int xdt_kflow_poll_prefixes(struct xdt_kflow_reader *r);

/* Sleep until prefix records arrive (at most @max_wait_ms), then consume them. */
int xdt_kflow_wait_prefixes(struct xdt_kflow_reader *r, int max_wait_ms);

/*
 * Read the whole kernel flow map into the flow table, take out (with their final
 * counters) flows idle past their timeout, end flows the kernel evicted, refresh
 * the packet statistics. 0 or -errno.
 */
int xdt_kflow_sync(struct xdt_kflow_reader *r);

/* A payload prefix that arrived another way (AF_XDP) for flow @k: count it, run DPI. */
void xdt_kflow_note_prefix(struct xdt_kflow_reader *r, const struct xdt_flow_key *k,
			   const struct xdt_dpi_payload *pl);

/* DPI is done with flow @k: the kernel stops sending its prefixes. */
void xdt_kflow_done(struct xdt_kflow_reader *r, const struct xdt_flow_key *k);

/*
 * Called for a flow leaving the table: the kernel forgets that DPI was done with
 * it and, when it left for being idle (@idle), its counters too.
 */
void xdt_kflow_forget(struct xdt_kflow_reader *r, const struct xdt_flow_key *k, int idle);

const struct xdt_kflow_stats *xdt_kflow_stats(const struct xdt_kflow_reader *r);

#endif
