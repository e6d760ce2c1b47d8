// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <errno.h>

#include "pkt/frag.h"

static struct xdt_pkt frag(uint32_t id, uint8_t kind, uint16_t sport, uint16_t dport)
{
	struct xdt_pkt p = { .family = XDT_FAM_IPV4, .proto = 17, .frag = kind, .frag_id = id };

	p.src[0] = 10;
	p.dst[0] = 11;
	p.sport = sport;
	p.dport = dport;
	return p;
}

Test(frag, gives_later_fragments_the_ports_of_the_first)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(64, 7);
	struct xdt_pkt first = frag(99, XDT_FRAG_FIRST, 1234, 53);
	struct xdt_pkt later = frag(99, XDT_FRAG_LATER, 0, 0);

	xdt_frag_cache_remember(fc, &first, 1000);
	cr_assert_eq(xdt_frag_cache_resolve(fc, &later, 2000), 0);
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
	xdt_frag_cache_remember(fc, &first, 1000);
	cr_assert_eq(xdt_frag_cache_resolve(fc, &other_id, 2000), -ENOENT);
	cr_assert_eq(xdt_frag_cache_resolve(fc, &other_src, 2000), -ENOENT);
	xdt_frag_cache_free(fc);
}

Test(frag, forgets_after_the_reassembly_timeout)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(64, 7);
	struct xdt_pkt first = frag(5, XDT_FRAG_FIRST, 1, 2);
	struct xdt_pkt later = frag(5, XDT_FRAG_LATER, 0, 0);

	xdt_frag_cache_remember(fc, &first, 1);
	cr_assert_eq(xdt_frag_cache_resolve(fc, &later, 1 + XDT_FRAG_TIMEOUT_NS), -ENOENT);
	xdt_frag_cache_free(fc);
}

Test(frag, stays_bounded_under_a_flood_of_first_fragments)
{
	struct xdt_frag_cache *fc = xdt_frag_cache_new(16, 7);
	struct xdt_pkt p, newest = frag(199999, XDT_FRAG_LATER, 0, 0);
	uint32_t id;

	for (id = 0; id < 200000; id++) {
		p = frag(id, XDT_FRAG_FIRST, (uint16_t)id, 1);
		xdt_frag_cache_remember(fc, &p, 10 + id);
	}
	cr_assert_eq(xdt_frag_cache_resolve(fc, &newest, 300000), 0,
		     "the newest entry survives");
	cr_assert_eq(newest.sport, (uint16_t)199999);
	xdt_frag_cache_free(fc);
}
