// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../../ui/filter.h"

/* A TLS connection from a browser to a named server. */
static struct xdt_row web(void)
{
	struct xdt_row r;

	memset(&r, 0, sizeof(r));
	r.proto = 6;
	r.family = 4;
	snprintf(r.proto_name, sizeof(r.proto_name), "tcp");
	snprintf(r.src, sizeof(r.src), "10.0.0.2");
	snprintf(r.dst, sizeof(r.dst), "93.184.216.34");
	r.sport = 51000;
	r.dport = 443;
	snprintf(r.dst_name, sizeof(r.dst_name), "www.Example.com");
	snprintf(r.state, sizeof(r.state), "ESTABLISHED");
	snprintf(r.service, sizeof(r.service), "https");
	snprintf(r.app_proto, sizeof(r.app_proto), "tls");
	snprintf(r.app, sizeof(r.app), "www.example.com");
	r.pid = 4242;
	snprintf(r.process, sizeof(r.process), "firefox");
	snprintf(r.country, sizeof(r.country), "US");
	return r;
}

static int matches(const char *expr, const struct xdt_row *r)
{
	struct xdt_filter f;

	cr_assert_eq(xdt_filter_parse(expr, &f), 0, "parse \"%s\": %s", expr,
		     f.why ? f.why : "");
	return xdt_filter_match(&f, r);
}

TestSuite(ui_filter);

Test(ui_filter, empty_filter_matches_everything)
{
	struct xdt_row r = web();

	cr_assert(matches("", &r));
	cr_assert(matches("   ", &r));
}

Test(ui_filter, free_text_matches_any_field_ignoring_case)
{
	struct xdt_row r = web();

	cr_assert(matches("FIREFOX", &r));
	cr_assert(matches("example", &r));
	cr_assert(matches("93.184", &r));
	cr_assert(matches("establ", &r));
	cr_assert(matches("https", &r));
	cr_assert(matches("us", &r));
	cr_assert_not(matches("chrome", &r));
}

Test(ui_filter, free_digits_also_match_ports_and_pid)
{
	struct xdt_row r = web();

	cr_assert(matches("51000", &r));
	cr_assert(matches("4242", &r));
	cr_assert_not(matches("8080", &r));
}

Test(ui_filter, port_matches_either_end_and_sport_dport_one_end)
{
	struct xdt_row r = web();

	cr_assert(matches("port:443", &r));
	cr_assert(matches("port:51000", &r));
	cr_assert(matches("dport:443", &r));
	cr_assert_not(matches("sport:443", &r));
	cr_assert(matches("sport:51000", &r));
	cr_assert_not(matches("port:44", &r), "a port is a number, not a substring");
}

Test(ui_filter, src_and_dst_match_address_or_name_substrings)
{
	struct xdt_row r = web();

	cr_assert(matches("dst:example", &r));
	cr_assert(matches("dst:93.184.", &r));
	cr_assert(matches("src:10.0", &r));
	cr_assert_not(matches("src:example", &r));
}

Test(ui_filter, a_whole_address_matches_exactly)
{
	struct xdt_row r = web();

	snprintf(r.src, sizeof(r.src), "10.0.0.20");
	cr_assert_not(matches("src:10.0.0.2", &r));
	cr_assert(matches("src:10.0.0.20", &r));
	snprintf(r.dst, sizeof(r.dst), "2001:db8::1");
	cr_assert(matches("dst:2001:DB8::1", &r));
	cr_assert_not(matches("dst:2001:db8::", &r));
}

Test(ui_filter, proto_is_exact_by_name_or_number)
{
	struct xdt_row r = web();

	cr_assert(matches("proto:TCP", &r));
	cr_assert(matches("proto:6", &r));
	cr_assert_not(matches("proto:tc", &r));
	cr_assert_not(matches("proto:17", &r));
	snprintf(r.proto_name, sizeof(r.proto_name), "icmpv6");
	cr_assert_not(matches("proto:icmp", &r));
}

Test(ui_filter, state_app_sni_process_are_substrings)
{
	struct xdt_row r = web();

	cr_assert(matches("state:estab", &r));
	cr_assert(matches("app:example.com", &r));
	cr_assert(matches("sni:example.com", &r));
	cr_assert(matches("app:tls", &r), "app: also matches the application protocol");
	cr_assert(matches("process:fire", &r));
	cr_assert_not(matches("process:4242", &r));
	cr_assert_not(matches("state:closed", &r));
}

Test(ui_filter, pid_and_country_are_exact)
{
	struct xdt_row r = web();

	cr_assert(matches("pid:4242", &r));
	cr_assert_not(matches("pid:424", &r));
	cr_assert(matches("country:us", &r));
	cr_assert_not(matches("country:u", &r));
}

Test(ui_filter, terms_combine_with_and)
{
	struct xdt_row r = web();

	cr_assert(matches("proto:tcp port:443 firefox", &r));
	cr_assert_not(matches("proto:tcp port:80", &r));
	cr_assert_not(matches("firefox chrome", &r));
}

Test(ui_filter, quoted_values_may_hold_blanks)
{
	struct xdt_row r = web();

	snprintf(r.process, sizeof(r.process), "Web Content");
	cr_assert(matches("process:\"web content\"", &r));
	cr_assert(matches("\"web con", &r), "an unterminated quote is still being typed");
	cr_assert_not(matches("process:\"web chrome\"", &r));
}

Test(ui_filter, unknown_keywords_and_ipv6_are_free_text)
{
	struct xdt_row r = web();

	snprintf(r.src, sizeof(r.src), "fe80::1");
	cr_assert(matches("fe80::1", &r));
	cr_assert_not(matches("color:red", &r));
}

Test(ui_filter, ignores_a_keyword_without_value_while_typing)
{
	struct xdt_filter f;

	cr_assert_eq(xdt_filter_parse("port:", &f), 0);
	cr_assert_eq(f.n, 0);
	cr_assert_eq(xdt_filter_parse("tcp pid:", &f), 0);
	cr_assert_eq(f.n, 1);
}

Test(ui_filter, rejects_numbers_that_are_not_and_says_why)
{
	struct xdt_filter f;

	cr_assert_eq(xdt_filter_parse("port:https", &f), -EINVAL);
	cr_assert_not_null(f.why);
	cr_assert_eq(f.n, 0);
	cr_assert_eq(xdt_filter_parse("port:65536", &f), -EINVAL);
	cr_assert_eq(xdt_filter_parse("pid:12x", &f), -EINVAL);
	cr_assert_eq(xdt_filter_parse("port:65535", &f), 0);
	cr_assert_null(f.why);
}

Test(ui_filter, bounds_the_number_and_length_of_terms)
{
	char many[256] = "", longv[200];
	struct xdt_filter f;

	for (int i = 0; i <= XDT_FILTER_TERMS; i++)
		strcat(many, "a ");
	cr_assert_eq(xdt_filter_parse(many, &f), -E2BIG);
	memset(longv, 'x', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	cr_assert_eq(xdt_filter_parse(longv, &f), -E2BIG);
	cr_assert_eq(f.n, 0);
}
