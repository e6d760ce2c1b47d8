// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../ui/fmt.h"

TestSuite(ui_fmt);

Test(ui_fmt, rates_have_one_decimal_above_bytes)
{
	char b[32];

	xdt_fmt_rate(b, sizeof(b), 0);
	cr_assert_str_eq(b, "0 B/s");
	xdt_fmt_rate(b, sizeof(b), 512);
	cr_assert_str_eq(b, "512 B/s");
	xdt_fmt_rate(b, sizeof(b), 1234);
	cr_assert_str_eq(b, "1.2 KB/s");
	xdt_fmt_rate(b, sizeof(b), 3.45e6);
	cr_assert_str_eq(b, "3.5 MB/s");
	xdt_fmt_rate(b, sizeof(b), 999999);
	cr_assert_str_eq(b, "1.0 MB/s", "never 1000.0 KB/s");
	xdt_fmt_rate(b, sizeof(b), -3);
	cr_assert_str_eq(b, "0 B/s");
}

Test(ui_fmt, byte_counts_use_the_same_units)
{
	char b[32];

	xdt_fmt_bytes(b, sizeof(b), 999);
	cr_assert_str_eq(b, "999 B");
	xdt_fmt_bytes(b, sizeof(b), 12000000000ULL);
	cr_assert_str_eq(b, "12.0 GB");
}

Test(ui_fmt, durations_are_short)
{
	char b[32];

	xdt_fmt_duration(b, sizeof(b), 400000000ULL);
	cr_assert_str_eq(b, "0.4s");
	xdt_fmt_duration(b, sizeof(b), 185ULL * 1000000000ULL);
	cr_assert_str_eq(b, "3m05s");
	xdt_fmt_duration(b, sizeof(b), 7800ULL * 1000000000ULL);
	cr_assert_str_eq(b, "2h10m");
}

Test(ui_fmt, endpoints_bracket_ipv6_and_take_names_and_services)
{
	struct xdt_row r;
	char b[128];

	memset(&r, 0, sizeof(r));
	r.proto = 6;
	snprintf(r.src, sizeof(r.src), "2001:db8::2");
	snprintf(r.dst, sizeof(r.dst), "10.0.0.1");
	snprintf(r.dst_name, sizeof(r.dst_name), "srv.example");
	r.sport = 5000;
	r.dport = 443;
	xdt_fmt_endpoint(b, sizeof(b), &r, 1, 0, NULL);
	cr_assert_str_eq(b, "[2001:db8::2]:5000");
	xdt_fmt_endpoint(b, sizeof(b), &r, 0, 0, "https");
	cr_assert_str_eq(b, "10.0.0.1:https");
	xdt_fmt_endpoint(b, sizeof(b), &r, 0, 1, NULL);
	cr_assert_str_eq(b, "srv.example:443");
	r.proto = 1;
	xdt_fmt_endpoint(b, sizeof(b), &r, 0, 0, NULL);
	cr_assert_str_eq(b, "10.0.0.1", "ICMP has no ports to show");
}

Test(ui_fmt, processes_show_pid_and_name_when_known)
{
	char b[64];

	xdt_fmt_process(b, sizeof(b), 42, "curl");
	cr_assert_str_eq(b, "42/curl");
	xdt_fmt_process(b, sizeof(b), 0, "");
	cr_assert_str_eq(b, "");
}
