/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Attributes IP fragments to flows without reassembling them.
 *
 * Only the first fragment carries the transport header. It is remembered under
 * (family, vlan, src, dst, fragment protocol, fragment id), where the fragment
 * protocol is what every fragment carries (IPv4 protocol, the IPv6 Fragment
 * header's next header); a later fragment with the same identity gets the first
 * one's ports and transport protocol and is then counted like any packet of the
 * flow. The cache is a fixed-size set-associative table: memory is bounded whatever
 * arrives, and an entry older than XDT_FRAG_TIMEOUT_NS is treated as absent (the
 * same 30 s Linux allows for reassembly).
 */
#ifndef XDT_PKT_FRAG_H
#define XDT_PKT_FRAG_H

#include <stdint.h>

#include "parse.h"

#define XDT_FRAG_TIMEOUT_NS (30ULL * 1000000000ULL)

struct xdt_frag_cache;

/* @slots is rounded up to a power of two (at least 4). NULL + errno on failure. */
struct xdt_frag_cache *xdt_frag_cache_new(unsigned int slots, uint64_t seed);
void xdt_frag_cache_free(struct xdt_frag_cache *fc);

/* Remember the ports of first fragment @p, seen at @now_ns. */
void xdt_frag_cache_remember(struct xdt_frag_cache *fc, const struct xdt_pkt *p,
			     uint64_t now_ns);

/* Fill the ports and protocol of later fragment @p from its first: 0, or -ENOENT. */
int xdt_frag_cache_resolve(struct xdt_frag_cache *fc, struct xdt_pkt *p, uint64_t now_ns);

#endif
