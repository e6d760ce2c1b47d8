// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <errno.h>
#include <net/if.h>

#include "capture/iface.h"

/* Fixtures are real /proc/net/route and ipv6_route layouts; the unit runs from the repo. */
#define FIX "tests/unit/fixtures/"

Test(iface, picks_the_ipv4_default_route_with_the_lowest_metric)
{
	char name[IF_NAMESIZE];

	cr_assert_eq(xdt_iface_default_route(FIX "proc-v4", name, sizeof(name)), 0);
	cr_assert_str_eq(name, "eth1");
}

Test(iface, falls_back_to_the_ipv6_default_route_and_skips_lo)
{
	char name[IF_NAMESIZE];

	cr_assert_eq(xdt_iface_default_route(FIX "proc-v6", name, sizeof(name)), 0);
	cr_assert_str_eq(name, "ens3");
}

Test(iface, says_when_there_is_no_default_route)
{
	char name[IF_NAMESIZE];

	cr_assert_eq(xdt_iface_default_route(FIX "proc-none", name, sizeof(name)), -ENOENT);
	cr_assert_eq(xdt_iface_default_route(FIX "does-not-exist", name, sizeof(name)), -ENOENT);
}
