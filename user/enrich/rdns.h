/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reverse DNS: PTR lookups for the endpoints on the screen and in the JSON,
 * asked of the system's resolvers (the nameservers of /etc/resolv.conf, the only
 * addresses the sandbox's egress lock lets xdptop reach) with our own minimal
 * DNS client: glibc's resolver would read files and load NSS modules at run
 * time, which the sandbox forbids.
 *
 * Asynchronous: callers (the capture thread) only look in the cache and, on a
 * miss, queue the address; one resolver thread sends queries (many in flight,
 * matched by ID and question), applies a per-second query budget (a flood of new
 * addresses waits in the bounded queue, and what does not fit is dropped and
 * asked again on a later lookup), retries once after a timeout, and fills a
 * cache with positive (the answer's TTL, clamped) and negative TTLs.
 *
 * The wire: one question, RD set, a fresh random ID per datagram, no EDNS. The
 * first attempt goes to the first server, the retry to the next one. A reply
 * counts only if it comes from the address and port the datagram went to and
 * carries its ID and question (a late reply to the first datagram still counts;
 * one after the query ended does not); anything else is counted in bad_replies
 * and the query keeps waiting. SERVFAIL, REFUSED and the like send the retry at
 * once; after the retry they are "no name". A truncated (TC) reply is taken as "no name": PTR answers
 * fit in 512 bytes, and retrying over TCP is not worth a second code path.
 */
#ifndef XDT_ENRICH_RDNS_H
#define XDT_ENRICH_RDNS_H

#include <stddef.h>
#include <stdint.h>

#include "sandbox/resolv.h"

#define XDT_RDNS_NAME_MAX 254	/* 253 characters and the NUL */

/* A field left 0 takes its default. */
struct xdt_rdns_opts {
	unsigned int rate;		/* queries a second at most, retries included;
					 * default 20, at most 10000 */
	unsigned int queue_max;		/* addresses waiting; default 1024 */
	unsigned int cache_max;		/* entries kept (names, negative, pending);
					 * default 16384 */
	unsigned int timeout_ms;	/* per attempt; default 1500 */
	unsigned int neg_ttl_s;		/* NXDOMAIN, no PTR, timeout; default 300 */
	unsigned int min_ttl_s, max_ttl_s;	/* clamp of answer TTLs; 60, 86400 */
	uint16_t port;			/* servers' UDP port; 0 is 53 (others: tests) */
};

enum xdt_rdns_state {
	XDT_RDNS_PENDING,	/* queued or asked; no answer yet */
	XDT_RDNS_FOUND,		/* @name holds the PTR name */
	XDT_RDNS_NONE,		/* no name (NXDOMAIN, no PTR, resolver silent) */
	XDT_RDNS_SKIPPED,	/* not asked: unspecified/multicast/broadcast/loopback, or queue full */
};

struct xdt_rdns_stats {
	uint64_t queries;	/* datagrams sent, retries included */
	uint64_t answers;	/* with a PTR name */
	uint64_t negative;	/* NXDOMAIN, no (usable) PTR, TC, server failure twice */
	uint64_t timeouts;	/* no answer after the retry */
	uint64_t dropped;	/* not queued: queue (or the address's cache set) full */
	uint64_t bad_replies;	/* malformed, wrong ID or question, from elsewhere */
	uint64_t cached;	/* names and negative entries held */
};

struct xdt_rdns;

/*
 * Make the sockets for @servers (before the sandbox; none leaves xdptop until
 * xdt_rdns_start()). @o may be NULL (all defaults). A server whose family has
 * no socket (IPv6 disabled) is left out. NULL with errno and @err set.
 */
struct xdt_rdns *xdt_rdns_new(const struct xdt_resolvers *servers,
			      const struct xdt_rdns_opts *o, char *err, size_t errlen);

/* Start the resolver thread (after the lock-down). 0 or -errno. */
int xdt_rdns_start(struct xdt_rdns *r);

/*
 * The name of @addr (network order, 4 or 16 bytes by @family 4 or 6) into @name
 * (truncated to @len; "" unless FOUND), or queue it. An IPv4-mapped IPv6 address
 * is looked up as IPv4; an expired entry is a miss. Addresses queued before
 * xdt_rdns_start() wait for it. Never blocks on the network; safe from any thread.
 */
enum xdt_rdns_state xdt_rdns_get(struct xdt_rdns *r, int family, const uint8_t *addr,
				 char *name, size_t len);

void xdt_rdns_stats(struct xdt_rdns *r, struct xdt_rdns_stats *out);

/* Stop the thread (started or not), close the sockets, free. NULL is fine. */
void xdt_rdns_free(struct xdt_rdns *r);

#endif
