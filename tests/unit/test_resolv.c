// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sandbox/resolv.h"

/* resolv.conf files as they are found on systems; the unit runs from the repo. */
#define FIX "tests/unit/fixtures/resolv/"

static void assert_v4(const struct xdt_resolvers *r, unsigned int i, const char *text)
{
	struct in_addr a;
	uint8_t want[16] = { 0 };

	cr_assert_lt(i, r->n);
	cr_assert_eq(inet_pton(AF_INET, text, &a), 1);
	memcpy(want, &a, sizeof(a));
	cr_assert_eq(r->a[i].family, 4, "server %u is not IPv4", i);
	cr_assert_arr_eq(r->a[i].addr, want, sizeof(want), "server %u is not %s", i, text);
}

static void assert_v6(const struct xdt_resolvers *r, unsigned int i, const char *text)
{
	uint8_t want[16];

	cr_assert_lt(i, r->n);
	cr_assert_eq(inet_pton(AF_INET6, text, want), 1);
	cr_assert_eq(r->a[i].family, 6, "server %u is not IPv6", i);
	cr_assert_arr_eq(r->a[i].addr, want, sizeof(want), "server %u is not %s", i, text);
}

static void assert_default(const struct xdt_resolvers *r)
{
	cr_assert_eq(r->defaulted, 1);
	cr_assert_eq(r->n, 2);
	assert_v4(r, 0, "127.0.0.1");
	assert_v6(r, 1, "::1");
}

/* Bytes a fixture file cannot hold readably (NUL, CR) go through a temporary file. */
static int parse_bytes(const char *data, size_t len, struct xdt_resolvers *r)
{
	char path[] = "/tmp/xdt-resolv-XXXXXX";
	int fd = mkstemp(path), rc;

	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	rc = xdt_resolv_parse(path, r);
	unlink(path);
	return rc;
}

TestSuite(resolv);

Test(resolv, reads_an_ipv4_server_among_other_keywords)
{
	struct xdt_resolvers r;

	cr_assert_eq(xdt_resolv_parse(FIX "v4.conf", &r), 0);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(r.defaulted, 0);
	assert_v4(&r, 0, "192.0.2.53");
}

Test(resolv, reads_an_ipv6_server)
{
	struct xdt_resolvers r;

	cr_assert_eq(xdt_resolv_parse(FIX "v6.conf", &r), 0);
	cr_assert_eq(r.n, 1);
	assert_v6(&r, 0, "2001:db8::53");
}

Test(resolv, drops_the_scope_of_a_link_local_server_but_needs_an_address_before_it)
{
	struct xdt_resolvers r;

	cr_assert_eq(xdt_resolv_parse(FIX "scoped.conf", &r), 0);
	cr_assert_eq(r.n, 2);
	assert_v6(&r, 0, "fe80::1");
	assert_v6(&r, 1, "fe80::2");
}

Test(resolv, keeps_the_first_three_servers_in_file_order)
{
	struct xdt_resolvers r;

	cr_assert_eq(xdt_resolv_parse(FIX "many.conf", &r), 0);
	cr_assert_eq(r.n, 3);
	assert_v4(&r, 0, "192.0.2.1");
	assert_v4(&r, 1, "192.0.2.2");
	assert_v6(&r, 2, "2001:db8::3");
}

Test(resolv, keeps_a_duplicate_once_but_counts_its_slot_as_glibc_does)
{
	struct xdt_resolvers r;

	/* glibc asks 192.0.2.1 three times and never 192.0.2.4. */
	cr_assert_eq(xdt_resolv_parse(FIX "dups.conf", &r), 0);
	cr_assert_eq(r.n, 1);
	assert_v4(&r, 0, "192.0.2.1");
}

Test(resolv, skips_lines_that_hold_no_address)
{
	struct xdt_resolvers r;

	cr_assert_eq(xdt_resolv_parse(FIX "garbage.conf", &r), 0);
	cr_assert_eq(r.n, 1);
	cr_assert_eq(r.defaulted, 0);
	assert_v4(&r, 0, "192.0.2.7");
}

Test(resolv, falls_back_to_loopback_when_the_file_is_missing)
{
	struct xdt_resolvers r;

	cr_assert_eq(xdt_resolv_parse(FIX "does-not-exist.conf", &r), -ENOENT);
	assert_default(&r);
}

Test(resolv, falls_back_to_loopback_when_the_file_is_empty)
{
	struct xdt_resolvers r;

	cr_assert_eq(xdt_resolv_parse(FIX "empty.conf", &r), 0);
	assert_default(&r);
}

Test(resolv, falls_back_to_loopback_when_no_line_names_a_server)
{
	struct xdt_resolvers r;

	cr_assert_eq(xdt_resolv_parse(FIX "no-nameserver.conf", &r), 0);
	assert_default(&r);
}

Test(resolv, ignores_comments_and_what_follows_the_address)
{
	struct xdt_resolvers r;

	cr_assert_eq(xdt_resolv_parse(FIX "comments.conf", &r), 0);
	cr_assert_eq(r.n, 1);
	assert_v4(&r, 0, "192.0.2.4");
}

Test(resolv, ignores_an_indented_line_as_glibc_does)
{
	struct xdt_resolvers r;

	/* res_vinit_1 matches the keyword at column 0 only. */
	cr_assert_eq(xdt_resolv_parse(FIX "indented.conf", &r), 0);
	assert_default(&r);
}

Test(resolv, fails_on_a_directory_with_the_default_in_place)
{
	struct xdt_resolvers r;

	cr_assert_lt(xdt_resolv_parse(FIX, &r), 0);
	assert_default(&r);
}

Test(resolv, takes_the_last_line_without_a_newline)
{
	static const char text[] = "nameserver 192.0.2.5";
	struct xdt_resolvers r;

	cr_assert_eq(parse_bytes(text, sizeof(text) - 1, &r), 0);
	cr_assert_eq(r.n, 1);
	assert_v4(&r, 0, "192.0.2.5");
}

Test(resolv, reads_ipv4_the_way_inet_aton_does)
{
	static const char text[] = "nameserver 10.1\nnameserver 0x7f.1\n";
	struct xdt_resolvers r;

	cr_assert_eq(parse_bytes(text, sizeof(text) - 1, &r), 0);
	cr_assert_eq(r.n, 2);
	assert_v4(&r, 0, "10.0.0.1");
	assert_v4(&r, 1, "127.0.0.1");
}

Test(resolv, refuses_an_address_ending_in_a_carriage_return)
{
	/* glibc's word ends at ' ', '\t' or '\n' only, and "192.0.2.1\r" is no address. */
	static const char text[] = "nameserver 192.0.2.1\r\nnameserver 2001:db8::1\r\n"
				   "nameserver 192.0.2.2\n";
	struct xdt_resolvers r;

	cr_assert_eq(parse_bytes(text, sizeof(text) - 1, &r), 0);
	cr_assert_eq(r.n, 1);
	assert_v4(&r, 0, "192.0.2.2");
}

Test(resolv, ends_a_line_at_a_nul_byte)
{
	static const char text[] = "nameserver 192.0.2.1\0junk\nname\0server 192.0.2.2\n";
	struct xdt_resolvers r;

	cr_assert_eq(parse_bytes(text, sizeof(text) - 1, &r), 0);
	cr_assert_eq(r.n, 1);
	assert_v4(&r, 0, "192.0.2.1");
}

Test(resolv, reads_lines_longer_than_its_buffer)
{
	size_t pad = 10000, len = 0;
	char *text = malloc(3 * pad + 200);
	struct xdt_resolvers r;

	cr_assert_not_null(text);
	/* A long comment whose tail looks like a nameserver line. */
	text[len++] = '#';
	memset(text + len, 'x', pad);
	len += pad;
	len += (size_t)sprintf(text + len, "nameserver 192.0.2.1\n");
	/* Blanks before the address, and a long scope after one. */
	len += (size_t)sprintf(text + len, "nameserver");
	memset(text + len, ' ', pad);
	len += pad;
	len += (size_t)sprintf(text + len, "192.0.2.2\nnameserver fe80::3%%");
	memset(text + len, 'e', pad);
	len += pad;
	/* A word too long to be an address, cut where a short prefix would parse. */
	len += (size_t)sprintf(text + len, "\nnameserver 192.0.2.4");
	memset(text + len, '4', 100);
	len += 100;
	text[len++] = '\n';
	cr_assert_eq(parse_bytes(text, len, &r), 0);
	free(text);
	cr_assert_eq(r.n, 2);
	assert_v4(&r, 0, "192.0.2.2");
	assert_v6(&r, 1, "fe80::3");
}
