/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which bytes of one fragmented IP datagram have been seen: the rule that makes a
 * fragment "fragment_overlap", shared by the BPF programs (kern/lib/flow.h, in
 * the xdt_frags map value) and userspace (user/pkt/frag.c), so both backends
 * judge the same fragments the same way.
 *
 * The rule is Linux's reassembly (inet_frag_queue_insert() and ip_frag_queue() /
 * ip6_frag_queue() since 4.19, after RFC 5722 and its erratum 3089): a fragment
 * that overlaps bytes an earlier fragment of the same datagram carried, without
 * lying inside them, makes the datagram unusable, and so does one that
 * contradicts its end (a second last fragment ending elsewhere, data past the
 * last fragment's end). A fragment inside bytes already seen is a duplicate, let
 * through: networks duplicate packets, and Linux drops such a copy and keeps the
 * first. Contents are not compared (Linux does not either). Overlapping fragments
 * are how IDS-evasion and reassembly-ambiguity attacks are built (the receiver
 * and the monitor may keep different bytes), so they are counted as malformed.
 *
 * Bounded: XDT_FRAG_RANGES separate pieces are remembered (adjacent pieces merge,
 * so in-order fragments take one); a piece that finds no free slot is not
 * remembered, which can only hide a later overlap. Every slot is written with one
 * 32-bit store of a range some fragment really covered, so BPF programs on two
 * CPUs racing on one entry can lose a piece (hide an overlap), never invent one.
 *
 * Units: ranges are in 8-byte blocks (fragment offsets are multiples of 8). A
 * fragment that is not the last ends at its last whole block (Linux trims it
 * there), the last one at the block holding its last byte. Callers have rejected
 * empty fragments and fragments past 65535 bytes ("bad_fragment") before.
 */
#ifndef XDPTOP_FRAG_H
#define XDPTOP_FRAG_H

#include <linux/types.h>

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
/* Unrolled for the verifier (clang builds the BPF side); gcc has no such pragma. */
#ifdef __clang__
#define XDT_FRAG_UNROLL _Pragma("unroll")
#else
#define XDT_FRAG_UNROLL
#endif

#define XDT_FRAG_RANGES 4

struct xdt_frag_cover {
	__u32 range[XDT_FRAG_RANGES];	/* start << 16 | end, in 8-byte blocks; 0: free */
	__u16 total;			/* bytes: where the last fragment ends; 0: not seen */
	__u16 pad;
};
_Static_assert(sizeof(struct xdt_frag_cover) == 20, "xdt_frag_cover is in a BPF map value");

#define XDT_FRAG_ADDED 0	/* new bytes of the datagram */
#define XDT_FRAG_DUP 1		/* inside bytes already seen: a duplicate */
#define XDT_FRAG_OVERLAP 2	/* overlaps or contradicts what was seen: malformed */
#define XDT_FRAG_DONE 3		/* completed the datagram; the cover starts afresh */

/*
 * A fragment no reassembly can use ("bad_fragment"), whatever else arrives: data
 * past @room, the most the datagram may hold after its unfragmentable part
 * (IPv4: 65535 minus the header, RFC 791; IPv6: 65535, RFC 8200 4.5); no data
 * once a fragment other than the last is cut to whole 8-byte blocks (Linux
 * discards it); and for IPv6 (@v6), a fragment other than the last whose length
 * is not a multiple of 8 (RFC 8200 4.5 says discard it; IPv4 receivers trim).
 */
static __always_inline int xdt_frag_bad(__u32 off, __u32 len, __u32 more, __u32 room, int v6)
{
	if (off + len > room)
		return 1;
	if (more)
		return len < 8 || (v6 && (len & 7));
	return len == 0;
}

/*
 * xdt_frag_bad() for a parsed fragment: @ip_bytes is the IPv4 total length (so
 * the header is @ip_bytes - @len) or the IPv6 40 + payload length.
 */
static __always_inline int xdt_frag_bad_pkt(int v6, __u32 ip_bytes, __u32 off, __u32 len,
					    __u32 more)
{
	return xdt_frag_bad(off, len, more, v6 ? 65535 : 65535 - (ip_bytes - len), v6);
}

/*
 * Add the fragment at byte @off (a multiple of 8) with @len payload bytes; @more:
 * the More Fragments flag. Returns XDT_FRAG_*.
 */
static __always_inline int xdt_frag_cover_add(struct xdt_frag_cover *c, __u32 off, __u32 len,
					      __u32 more)
{
	__u32 end = off + len, s = off >> 3, e = more ? end >> 3 : (end + 7) >> 3;
	__u32 ns = s, ne = e, r, rs, re;
	int i;

	if (!more && c->total && c->total != end)
		return XDT_FRAG_OVERLAP;	/* a second last fragment, ending elsewhere */
	if (more && c->total && (e << 3) > c->total)
		return XDT_FRAG_OVERLAP;	/* data past the end the last fragment set */
	XDT_FRAG_UNROLL
	for (i = 0; i < XDT_FRAG_RANGES; i++) {
		r = c->range[i];
		if (!r)
			continue;
		rs = r >> 16;
		re = r & 0xffff;
		/* A first last fragment that ends before data already seen. */
		if (!more && !c->total && (re << 3) > end)
			return XDT_FRAG_OVERLAP;
		if (s >= rs && e <= re)
			return XDT_FRAG_DUP;
		if (s < re && rs < e)
			return XDT_FRAG_OVERLAP;
	}
	/* Merge with the pieces just before and just after. */
	XDT_FRAG_UNROLL
	for (i = 0; i < XDT_FRAG_RANGES; i++) {
		r = c->range[i];
		if (!r)
			continue;
		rs = r >> 16;
		re = r & 0xffff;
		if (re == s) {
			ns = rs;
			c->range[i] = 0;
		} else if (rs == e) {
			ne = re;
			c->range[i] = 0;
		}
	}
	if (!more)
		c->total = (__u16)end;
	if (c->total && ns == 0 && (ne << 3) >= c->total) {
		XDT_FRAG_UNROLL
		for (i = 0; i < XDT_FRAG_RANGES; i++)
			c->range[i] = 0;
		c->total = 0;
		return XDT_FRAG_DONE;
	}
	XDT_FRAG_UNROLL
	for (i = 0; i < XDT_FRAG_RANGES; i++) {
		if (!c->range[i]) {
			c->range[i] = ns << 16 | ne;
			return XDT_FRAG_ADDED;
		}
	}
	return XDT_FRAG_ADDED;	/* no free slot: this piece goes unremembered */
}

#endif
