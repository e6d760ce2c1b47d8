/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Attributes IP fragments to flows without reassembling them, and finds the
 * fragments that overlap others of the same datagram.
 *
 * Only the first fragment carries the transport header. Every datagram is known
 * by (family, vlan, src, dst, fragment protocol, fragment id), where the fragment
 * protocol is what every fragment carries (IPv4 protocol, the IPv6 Fragment
 * header's next header). Whichever of its fragments comes first makes the entry;
 * the first fragment leaves its ports and transport protocol there, and a later
 * fragment takes them and is then counted like any packet of the flow. Each
 * entry also holds the bytes seen so far (xdptop/frag.h, the rule the BPF
 * programs apply too): a fragment that overlaps them is malformed. The cache is a
 * fixed-size set-associative table: memory is bounded whatever arrives, and an
 * entry older than XDT_FRAG_TIMEOUT_NS is treated as absent (the same 30 s Linux
 * allows for reassembly).
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

/*
 * Track fragment @p (p->frag is not XDT_FRAG_NONE), seen at @now_ns: a first
 * fragment leaves its ports, a later one gets them. Returns 0; -ENOENT for a
 * later fragment whose first has not been seen (no ports); -EBADMSG if it
 * overlaps or contradicts fragments already seen of the same datagram.
 */
int xdt_frag_cache_track(struct xdt_frag_cache *fc, struct xdt_pkt *p, uint64_t now_ns);

#endif
