// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../ui/sort.h"

static struct xdt_row row(const char *src, const char *dst, uint16_t dport, double in, double out)
{
	struct xdt_row r;

	memset(&r, 0, sizeof(r));
	r.proto = 6;
	snprintf(r.proto_name, sizeof(r.proto_name), "tcp");
	snprintf(r.src, sizeof(r.src), "%s", src);
	snprintf(r.dst, sizeof(r.dst), "%s", dst);
	r.sport = 40000;
	r.dport = dport;
	r.bps_in = in;
	r.bps_out = out;
	r.bytes_in = (uint64_t)in * 10;
	r.bytes_out = (uint64_t)out * 10;
	return r;
}

static void sorted(const struct xdt_row *rows, size_t n, const struct xdt_sort *s, uint32_t *idx)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = (uint32_t)i;
	cr_assert_eq(xdt_sort_index(rows, idx, n, s), 0);
}

TestSuite(ui_sort);

Test(ui_sort, defaults_to_total_rate_descending)
{
	struct xdt_row rows[] = {
		row("10.0.0.1", "10.0.0.9", 80, 100, 0),
		row("10.0.0.1", "10.0.0.9", 81, 50, 200),
		row("10.0.0.1", "10.0.0.9", 82, 0, 10),
	};
	struct xdt_sort s;
	uint32_t idx[3];

	xdt_sort_init(&s);
	cr_assert_eq(s.key, XDT_SORT_RATE);
	cr_assert(s.desc);
	sorted(rows, 3, &s, idx);
	cr_assert_eq(idx[0], 1);
	cr_assert_eq(idx[1], 0);
	cr_assert_eq(idx[2], 2);
}

Test(ui_sort, reversing_reverses_numbers)
{
	struct xdt_row rows[] = {
		row("10.0.0.1", "10.0.0.9", 80, 5, 0),
		row("10.0.0.1", "10.0.0.9", 81, 1, 0),
		row("10.0.0.1", "10.0.0.9", 82, 9, 0),
	};
	struct xdt_sort s = { .key = XDT_SORT_DOWN, .desc = 0 };
	uint32_t idx[3];

	sorted(rows, 3, &s, idx);
	cr_assert_eq(idx[0], 1);
	cr_assert_eq(idx[2], 2);
	s.desc = 1;
	sorted(rows, 3, &s, idx);
	cr_assert_eq(idx[0], 2);
	cr_assert_eq(idx[2], 1);
}

Test(ui_sort, addresses_sort_numerically_ipv4_before_ipv6)
{
	struct xdt_row rows[] = {
		row("10.0.0.1", "10.0.0.10", 80, 0, 0),
		row("10.0.0.1", "2001:db8::1", 80, 0, 0),
		row("10.0.0.1", "10.0.0.9", 443, 0, 0),
		row("10.0.0.1", "10.0.0.9", 80, 0, 0),
	};
	struct xdt_sort s = { .key = XDT_SORT_REMOTE, .desc = 0 };
	uint32_t idx[4];

	sorted(rows, 4, &s, idx);
	cr_assert_eq(idx[0], 3, "10.0.0.9:80 before 10.0.0.9:443");
	cr_assert_eq(idx[1], 2);
	cr_assert_eq(idx[2], 0, "10.0.0.10 after 10.0.0.9, not between by text");
	cr_assert_eq(idx[3], 1);
}

Test(ui_sort, index_sort_agrees_with_the_row_comparator)
{
	enum { N = 500 };
	struct xdt_row *rows = calloc(N, sizeof(*rows));
	uint32_t idx[N];

	srand(7);
	for (int i = 0; i < N; i++) {
		char a[32];

		snprintf(a, sizeof(a), "10.%d.%d.%d", rand() % 3, rand() % 3, rand() % 256);
		rows[i] = row("192.168.1.1", a, (uint16_t)(rand() % 4), rand() % 5, rand() % 5);
		rows[i].first_ns = (uint64_t)i;
		if (rand() % 3)
			snprintf(rows[i].app, sizeof(rows[i].app), "app%d", rand() % 7);
	}
	for (int k = 0; k < XDT_SORT__COUNT; k++)
		for (int desc = 0; desc < 2; desc++) {
			struct xdt_sort s = { .key = (enum xdt_sort_key)k, .desc = desc };

			sorted(rows, N, &s, idx);
			for (int i = 1; i < N; i++)
				cr_assert_leq(xdt_sort_cmp(&rows[idx[i - 1]], &rows[idx[i]], &s), 0,
					      "key %s desc %d at %d", xdt_sort_name(s.key), desc, i);
		}
	free(rows);
}

Test(ui_sort, puts_unknown_values_last_in_both_directions)
{
	struct xdt_row rows[] = {
		row("10.0.0.1", "10.0.0.9", 80, 0, 0),
		row("10.0.0.1", "10.0.0.9", 81, 0, 0),
		row("10.0.0.1", "10.0.0.9", 82, 0, 0),
	};
	struct xdt_sort s = { .key = XDT_SORT_APP, .desc = 0 };
	uint32_t idx[3];

	snprintf(rows[1].app, sizeof(rows[1].app), "b.example");
	snprintf(rows[2].app, sizeof(rows[2].app), "A.example");
	sorted(rows, 3, &s, idx);
	cr_assert_eq(idx[0], 2, "case does not matter");
	cr_assert_eq(idx[1], 1);
	cr_assert_eq(idx[2], 0);
	s.desc = 1;
	sorted(rows, 3, &s, idx);
	cr_assert_eq(idx[0], 1);
	cr_assert_eq(idx[1], 2);
	cr_assert_eq(idx[2], 0, "the blank app stays last");
}

Test(ui_sort, equal_rows_keep_their_order)
{
	struct xdt_row rows[4];
	struct xdt_sort s = { .key = XDT_SORT_PROTO, .desc = 1 };
	uint32_t idx[4];

	for (int i = 0; i < 4; i++)
		rows[i] = row("10.0.0.1", "10.0.0.9", 80, 1, 1);
	sorted(rows, 4, &s, idx);
	for (uint32_t i = 0; i < 4; i++)
		cr_assert_eq(idx[i], i);
}

Test(ui_sort, with_names_shown_remote_sorts_by_name_named_first)
{
	struct xdt_row rows[] = {
		row("10.0.0.1", "10.0.0.1", 80, 0, 0),
		row("10.0.0.1", "10.0.0.2", 80, 0, 0),
		row("10.0.0.1", "10.0.0.3", 80, 0, 0),
	};
	struct xdt_sort s = { .key = XDT_SORT_REMOTE, .desc = 0, .names = 1 };
	uint32_t idx[3];

	snprintf(rows[1].dst_name, sizeof(rows[1].dst_name), "zeta.example");
	snprintf(rows[2].dst_name, sizeof(rows[2].dst_name), "alpha.example");
	sorted(rows, 3, &s, idx);
	cr_assert_eq(idx[0], 2);
	cr_assert_eq(idx[1], 1);
	cr_assert_eq(idx[2], 0);
}

Test(ui_sort, process_sorts_by_name_then_pid)
{
	struct xdt_row rows[] = {
		row("10.0.0.1", "10.0.0.9", 80, 0, 0),
		row("10.0.0.1", "10.0.0.9", 81, 0, 0),
		row("10.0.0.1", "10.0.0.9", 82, 0, 0),
	};
	struct xdt_sort s = { .key = XDT_SORT_PROCESS, .desc = 0 };
	uint32_t idx[3];

	rows[0].pid = 20;
	snprintf(rows[0].process, sizeof(rows[0].process), "curl");
	rows[2].pid = 10;
	snprintf(rows[2].process, sizeof(rows[2].process), "curl");
	sorted(rows, 3, &s, idx);
	cr_assert_eq(idx[0], 2);
	cr_assert_eq(idx[1], 0);
	cr_assert_eq(idx[2], 1, "unknown process last");
}

Test(ui_sort, next_cycles_through_every_key_in_natural_direction)
{
	struct xdt_sort s;
	int seen[XDT_SORT__COUNT] = { 0 };

	xdt_sort_init(&s);
	for (int i = 0; i < XDT_SORT__COUNT; i++) {
		xdt_sort_next(&s);
		seen[s.key]++;
		if (s.key == XDT_SORT_TOTAL)
			cr_assert(s.desc);
		if (s.key == XDT_SORT_APP)
			cr_assert_not(s.desc);
	}
	for (int i = 0; i < XDT_SORT__COUNT; i++)
		cr_assert_eq(seen[i], 1);
	cr_assert_eq(s.key, XDT_SORT_RATE);
}

Test(ui_sort, sorts_100000_rows_quickly)
{
	enum { N = 100000 };
	struct xdt_row *rows = calloc(N, sizeof(*rows));
	uint32_t *idx = malloc(N * sizeof(*idx));
	struct xdt_sort s = { .key = XDT_SORT_REMOTE, .desc = 0 };
	struct timespec t0, t1;

	srand(1);
	for (int i = 0; i < N; i++) {
		char a[32];

		snprintf(a, sizeof(a), "10.%d.%d.%d", rand() % 256, rand() % 256, rand() % 256);
		rows[i] = row("192.168.1.1", a, (uint16_t)rand(), rand() % 1000, rand() % 1000);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sorted(rows, N, &s, idx);
	s.key = XDT_SORT_RATE;
	sorted(rows, N, &s, idx);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	/* Generous for sanitizers and a loaded CI machine; typically ~40 ms. */
	cr_assert_lt((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000, 2000);
	free(idx);
	free(rows);
}

Test(ui_sort, app_sorts_as_shown_falling_back_to_the_protocol)
{
	struct xdt_row rows[] = {
		row("10.0.0.1", "10.0.0.9", 80, 0, 0),
		row("10.0.0.1", "10.0.0.9", 81, 0, 0),
		row("10.0.0.1", "10.0.0.9", 82, 0, 0),
	};
	struct xdt_sort s = { .key = XDT_SORT_APP, .desc = 0 };
	uint32_t idx[3];

	snprintf(rows[0].app, sizeof(rows[0].app), "web.example");
	snprintf(rows[1].app_proto, sizeof(rows[1].app_proto), "dns");
	sorted(rows, 3, &s, idx);
	cr_assert_eq(idx[0], 1, "\"dns\" is what the App column shows");
	cr_assert_eq(idx[1], 0);
	cr_assert_eq(idx[2], 2);
}
