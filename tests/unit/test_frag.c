// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <errno.h>

#include <xdptop/frag.h>

#include "pkt/frag.h"

/* A fragment of datagram @id: the first (bytes 0-15, more to come) or a later one (16-31). */
static struct xdt_pkt frag(uint32_t id, uint8_t kind, uint16_t sport, uint16_t dport)
{
	struct xdt_pkt p = { .family = XDT_FAM_IPV4, .proto = 17, .frag = kind, .frag_id = id };

	p.src[0] = 10;
	p.dst[0] = 11;
	p.sport = sport;
	p.dport = dport;
	p.frag_off = kind == XDT_FRAG_FIRST ? 0 : 16;
	p.frag_len = 16;
	p.frag_more = kind == XDT_FRAG_FIRST;
	return p;
}

/* Fragment of datagram @id at @off with @len bytes; @more: not the last. */
static struct xdt_pkt piece(uint32_t id, uint16_t off, uint16_t len, int more)
{
	struct xdt_pkt p = frag(id, off ? XDT_FRAG_LATER : XDT_FRAG_FIRST, off ? 0 : 1000, off ? 0 : 53);

	p.frag_off = off;
	p.frag_len = len;
	p.frag_more = (uint8_t)more;
	return p;
}

static int track(struct xdt_frag_cache *fc, uint32_t id, uint16_t off, uint16_t len, int more)
{
	struct xdt_pkt p = piece(id, off, len, more);

	return xdt_frag_cache_track(fc, &p, 1000);
}

Test(frag, gives_later_fragments_the_ports_of_the_first)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(64, 7);
	struct xdt_pkt first = frag(99, XDT_FRAG_FIRST, 1234, 53);
	struct xdt_pkt later = frag(99, XDT_FRAG_LATER, 0, 0);

	cr_assert_eq(xdt_frag_cache_track(fc, &first, 1000), 0);
	cr_assert_eq(xdt_frag_cache_track(fc, &later, 2000), 0);
	cr_assert_eq(later.sport, 1234);
	cr_assert_eq(later.dport, 53);
	xdt_frag_cache_free(fc);
}

Test(frag, does_not_match_another_id_or_address)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(64, 7);
	struct xdt_pkt first = frag(99, XDT_FRAG_FIRST, 1234, 53);
	struct xdt_pkt other_id = frag(98, XDT_FRAG_LATER, 0, 0);
	struct xdt_pkt other_src = frag(99, XDT_FRAG_LATER, 0, 0);

	other_src.src[3] = 1;
	cr_assert_eq(xdt_frag_cache_track(fc, &first, 1000), 0);
	cr_assert_eq(xdt_frag_cache_track(fc, &other_id, 2000), -ENOENT);
	cr_assert_eq(xdt_frag_cache_track(fc, &other_src, 2000), -ENOENT);
	xdt_frag_cache_free(fc);
}

Test(frag, forgets_after_the_reassembly_timeout)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(64, 7);
	struct xdt_pkt first = frag(5, XDT_FRAG_FIRST, 1, 2);
	struct xdt_pkt later = frag(5, XDT_FRAG_LATER, 0, 0);

	cr_assert_eq(xdt_frag_cache_track(fc, &first, 1), 0);
	cr_assert_eq(xdt_frag_cache_track(fc, &later, 1 + XDT_FRAG_TIMEOUT_NS), -ENOENT);
	xdt_frag_cache_free(fc);
}

Test(frag, stays_bounded_under_a_flood_of_first_fragments)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(16, 7);
	struct xdt_pkt p, newest = frag(199999, XDT_FRAG_LATER, 0, 0);
	uint32_t id;

	for (id = 0; id < 200000; id++) {
		p = frag(id, XDT_FRAG_FIRST, (uint16_t)id, 1);
		cr_assert_eq(xdt_frag_cache_track(fc, &p, 10 + id), 0);
	}
	cr_assert_eq(xdt_frag_cache_track(fc, &newest, 300000), 0,
		     "the newest entry survives");
	cr_assert_eq(newest.sport, (uint16_t)199999);
	xdt_frag_cache_free(fc);
}

Test(frag, gives_ports_to_a_later_fragment_that_came_before_the_first_only_after_it)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(64, 7);

	cr_assert_eq(track(fc, 7, 16, 16, 1), -ENOENT, "no first yet");
	cr_assert_eq(track(fc, 7, 0, 16, 1), 0);
	cr_assert_eq(track(fc, 7, 32, 8, 0), 0, "the first has come");
	xdt_frag_cache_free(fc);
}

Test(frag, calls_a_fragment_straddling_bytes_already_seen_an_overlap)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(64, 7);

	cr_assert_eq(track(fc, 1, 0, 24, 1), 0);
	cr_assert_eq(track(fc, 1, 16, 24, 1), -EBADMSG, "bytes 16-39 over 0-23");
	cr_assert_eq(track(fc, 1, 24, 24, 0), 0, "the overlap was not remembered");
	xdt_frag_cache_free(fc);
}

Test(frag, lets_duplicates_through)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(64, 7);

	cr_assert_eq(track(fc, 2, 0, 32, 1), 0);
	cr_assert_eq(track(fc, 2, 0, 32, 1), 0, "an exact copy");
	cr_assert_eq(track(fc, 2, 8, 8, 1), 0, "inside bytes already seen");
	xdt_frag_cache_free(fc);
}

Test(frag, calls_contradicting_ends_overlaps)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(64, 7);

	cr_assert_eq(track(fc, 3, 0, 16, 1), 0);
	cr_assert_eq(track(fc, 3, 32, 16, 0), 0, "the last: the datagram is 48 bytes");
	cr_assert_eq(track(fc, 3, 32, 24, 0), -EBADMSG, "a second last, ending at 56");
	cr_assert_eq(track(fc, 3, 48, 8, 1), -EBADMSG, "data past the end");
	cr_assert_eq(track(fc, 4, 0, 40, 1), 0);
	cr_assert_eq(track(fc, 4, 16, 8, 0), -EBADMSG, "a last ending inside bytes seen");
	xdt_frag_cache_free(fc);
}

Test(frag, starts_afresh_once_a_datagram_is_complete)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(64, 7);

	cr_assert_eq(track(fc, 5, 0, 16, 1), 0);
	cr_assert_eq(track(fc, 5, 16, 16, 0), 0);
	/* Complete: the same id is a new datagram (as Linux frees the queue). */
	cr_assert_eq(track(fc, 5, 8, 16, 1), 0);
	xdt_frag_cache_free(fc);
}

Test(frag, merges_pieces_that_arrive_out_of_order)
{
	struct xdt_frag_cover c = { 0 };
	int i;

	/* Bytes 0-7, 16-23, 32-39 and the last, 48-55: four pieces, the most kept. */
	for (i = 0; i < 4; i++)
		cr_assert_eq(xdt_frag_cover_add(&c, (uint32_t)i * 16, 8, i < 3), XDT_FRAG_ADDED);
	cr_assert_eq(xdt_frag_cover_add(&c, 8, 8, 1), XDT_FRAG_ADDED, "joins 0-7 and 16-23");
	cr_assert_eq(xdt_frag_cover_add(&c, 16, 16, 1), XDT_FRAG_OVERLAP, "bytes 16-31");
	cr_assert_eq(xdt_frag_cover_add(&c, 24, 8, 1), XDT_FRAG_ADDED);
	cr_assert_eq(xdt_frag_cover_add(&c, 40, 8, 1), XDT_FRAG_DONE, "bytes 0-55 all there");
	cr_assert_eq(c.range[0] | c.range[1] | c.range[2] | c.range[3] | c.total, 0);
}

Test(frag, forgets_a_fifth_separate_piece)
{
	struct xdt_frag_cover c = { 0 };
	int i;

	for (i = 0; i < 4; i++)
		cr_assert_eq(xdt_frag_cover_add(&c, (uint32_t)i * 16, 8, 1), XDT_FRAG_ADDED);
	/* No room: not remembered, so its copy is not known as one (the documented bound). */
	cr_assert_eq(xdt_frag_cover_add(&c, 64, 8, 1), XDT_FRAG_ADDED);
	cr_assert_eq(xdt_frag_cover_add(&c, 64, 8, 1), XDT_FRAG_ADDED);
	cr_assert_eq(xdt_frag_cover_add(&c, 0, 8, 1), XDT_FRAG_DUP);
}

Test(frag, trims_a_fragment_that_is_not_the_last_to_whole_blocks)
{
	struct xdt_frag_cover c = { 0 };

	cr_assert_eq(xdt_frag_cover_add(&c, 0, 13, 1), XDT_FRAG_ADDED, "bytes 0-7 count");
	cr_assert_eq(xdt_frag_cover_add(&c, 8, 8, 1), XDT_FRAG_ADDED, "as IPv4 receivers trim");
}

Test(frag, rejects_fragments_no_reassembly_can_use)
{
	cr_assert(xdt_frag_bad(65520, 100, 0, 65535 - 20, 0), "past 65535 bytes");
	cr_assert(xdt_frag_bad(8, 4, 1, 65515, 0), "nothing left after trimming");
	cr_assert(xdt_frag_bad(0, 12, 1, 65535, 1), "IPv6: not a multiple of 8");
	cr_assert(xdt_frag_bad(8, 0, 0, 65535, 1), "empty");
	cr_assert(!xdt_frag_bad(0, 12, 1, 65515, 0), "IPv4 receivers trim");
	cr_assert(!xdt_frag_bad(65528, 7, 0, 65535, 1));
}
