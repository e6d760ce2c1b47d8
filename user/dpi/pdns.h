/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Passive DNS: the names this host's DNS traffic resolved, by address, so a flow
 * to 10.213.0.9 can be shown as www.xdt.test before (or without) a PTR lookup.
 *
 * Bounded: a fixed number of 4-way sets; a new address replaces the entry of its
 * set seen least recently. An address is labelled with the name that was asked
 * for (the question), not the last name of a CNAME chain: that is the name the
 * user's program used.
 */
#ifndef XDT_DPI_PDNS_H
#define XDT_DPI_PDNS_H

#include <stddef.h>
#include <stdint.h>


#define XDT_PDNS_NAME_MAX 128	/* longer names are kept cut, with a trailing '~' */

struct xdt_pdns;

/* Room for about @entries addresses (rounded up to a power of two). NULL + errno. */
struct xdt_pdns *xdt_pdns_new(size_t entries, uint64_t seed);
void xdt_pdns_free(struct xdt_pdns *c);

/* Learn that @name resolved to @addr (4 bytes for @family 4, 16 for 6) at @now_ns. */
void xdt_pdns_put(struct xdt_pdns *c, int family, const uint8_t *addr, const char *name,
		  uint64_t now_ns);

/* The name for @addr (4 bytes for @family 4, 16 for 6), or NULL. */
const char *xdt_pdns_lookup(const struct xdt_pdns *c, int family, const uint8_t *addr);

/* Entries held now. */
size_t xdt_pdns_count(const struct xdt_pdns *c);

#endif
