// SPDX-License-Identifier: GPL-2.0-only
/* The passive DNS cache: bounded, by family, newest name wins. */
#include <criterion/criterion.h>
#include <string.h>

#include "dpi/pdns.h"

TestSuite(pdns);

Test(pdns, finds_a_learnt_address_and_only_in_its_family)
{
	struct xdt_pdns *c = xdt_pdns_new(64, 7);
	uint8_t v4[16] = { 10, 213, 0, 9 }, v6[16] = { 0xfd, 0, 2, 0x13, [15] = 9 };

	cr_assert_not_null(c);
	xdt_pdns_put(c, 4, v4, "www.xdt.test", 1);
	cr_expect_str_eq(xdt_pdns_lookup(c, 4, v4), "www.xdt.test");
	cr_expect_null(xdt_pdns_lookup(c, 6, v4), "an IPv6 address with the same first bytes");
	xdt_pdns_put(c, 6, v6, "v6.xdt.test", 2);
	cr_expect_str_eq(xdt_pdns_lookup(c, 6, v6), "v6.xdt.test");
	xdt_pdns_put(c, 4, v4, "newer.xdt.test", 3);
	cr_expect_str_eq(xdt_pdns_lookup(c, 4, v4), "newer.xdt.test");
	cr_expect_eq(xdt_pdns_count(c), 2);
	xdt_pdns_free(c);
}

Test(pdns, holds_no_more_than_its_size)
{
	struct xdt_pdns *c = xdt_pdns_new(16, 7);
	uint8_t a[16] = { 10, 213 };
	unsigned int i, found = 0;

	cr_assert_not_null(c);
	for (i = 0; i < 1000; i++) {
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		xdt_pdns_put(c, 4, a, "n.xdt.test", i);
	}
	cr_expect_eq(xdt_pdns_count(c), 16);
	for (i = 0; i < 1000; i++) {
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		found += xdt_pdns_lookup(c, 4, a) != NULL;
	}
	cr_expect_eq(found, 16);
	/* The newest address is always kept: it replaced the oldest of its set. */
	cr_expect_not_null(xdt_pdns_lookup(c, 4, a));
	xdt_pdns_free(c);
}

Test(pdns, cuts_a_long_name_visibly)
{
	struct xdt_pdns *c = xdt_pdns_new(4, 7);
	uint8_t a[16] = { 10, 213, 0, 1 };
	char name[300];
	const char *got;

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	xdt_pdns_put(c, 4, a, name, 1);
	got = xdt_pdns_lookup(c, 4, a);
	cr_assert_not_null(got);
	cr_expect_eq(strlen(got), XDT_PDNS_NAME_MAX - 1);
	cr_expect_eq(got[XDT_PDNS_NAME_MAX - 2], '~');
	xdt_pdns_free(c);
}
