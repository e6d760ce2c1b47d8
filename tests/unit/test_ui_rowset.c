// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "../../ui/rowset.h"

static struct xdt_row rows[5];
static struct xdt_snapshot snap;

/* Five connections of three processes (one unknown), one between loopbacks. */
static void setup(void)
{
	static const struct {
		int32_t pid;
		const char *proc;
		double rate;
		int local;
	} d[5] = {
		{ 10, "curl", 100, 0 }, { 20, "firefox", 500, 0 }, { 0, "", 9000, 0 },
		{ 10, "curl", 300, 1 }, { 20, "firefox", 50, 0 },
	};

	memset(rows, 0, sizeof(rows));
	memset(&snap, 0, sizeof(snap));
	for (int i = 0; i < 5; i++) {
		rows[i].key.addr_a[0] = (uint8_t)i;
		rows[i].proto = 6;
		snprintf(rows[i].proto_name, sizeof(rows[i].proto_name), "tcp");
		snprintf(rows[i].src, sizeof(rows[i].src), "10.0.0.%d", i + 1);
		snprintf(rows[i].dst, sizeof(rows[i].dst), "10.0.1.%d", i + 1);
		rows[i].pid = d[i].pid;
		snprintf(rows[i].process, sizeof(rows[i].process), "%s", d[i].proc);
		rows[i].bps_in = d[i].rate;
		rows[i].bytes_in = 1000;
		rows[i].local = (uint8_t)d[i].local;
	}
	snap.seq = 1;
	snap.n_rows = 5;
	snap.rows = rows;
}

TestSuite(ui_rowset, .init = setup);

static int update(struct xdt_rowset *rs, const char *ftext, int hide_local)
{
	struct xdt_filter f;
	struct xdt_sort s;

	xdt_sort_init(&s);
	cr_assert_eq(xdt_filter_parse(ftext, &f), 0);
	return xdt_rowset_update(rs, &snap, &s, &f, ftext, hide_local);
}

Test(ui_rowset, sorts_once_per_snapshot_and_choice)
{
	struct xdt_rowset rs;

	xdt_rowset_init(&rs);
	cr_assert_eq(update(&rs, "", 0), 1);
	cr_assert_eq(update(&rs, "", 0), 0, "same snapshot, same choices: cached");
	cr_assert_eq(rs.n, 5);
	cr_assert_eq(rs.idx[0], 2);
	cr_assert_eq(rs.idx[4], 4);
	cr_assert_eq(update(&rs, "curl", 0), 1);
	cr_assert_eq(rs.n, 2);
	snap.seq++;
	cr_assert_eq(update(&rs, "curl", 0), 1, "a new snapshot is sorted again");
	xdt_rowset_fini(&rs);
}

Test(ui_rowset, hides_loopback_connections_on_request)
{
	struct xdt_rowset rs;

	xdt_rowset_init(&rs);
	update(&rs, "", 1);
	cr_assert_eq(rs.n, 4);
	for (size_t i = 0; i < rs.n; i++)
		cr_assert_neq(rs.idx[i], 3);
	xdt_rowset_fini(&rs);
}

Test(ui_rowset, groups_by_process_busiest_first_unknown_last)
{
	struct xdt_rowset rs;

	xdt_rowset_init(&rs);
	update(&rs, "", 0);
	cr_assert_eq(xdt_rowset_groups(&rs, &snap), 0);
	cr_assert_eq(rs.n_groups, 3);
	cr_assert_str_eq(rs.groups[0].name, "firefox");
	cr_assert_eq(rs.groups[0].n, 2);
	cr_assert_float_eq(rs.groups[0].bps_in, 550, 1e-9);
	cr_assert_eq(rs.groups[0].bytes, 2000);
	cr_assert_str_eq(rs.groups[1].name, "curl");
	cr_assert_eq(rs.groups[2].pid, 0, "the unknown process is last, however busy");
	/* Inside a group, the table's order: firefox 500 before firefox 50. */
	cr_assert_eq(rs.by_group[rs.groups[0].first], 1);
	cr_assert_eq(rs.by_group[rs.groups[0].first + 1], 4);
	xdt_rowset_fini(&rs);
}

Test(ui_rowset, finds_a_connection_by_key)
{
	struct xdt_rowset rs;
	struct xdt_flow_key k;

	xdt_rowset_init(&rs);
	update(&rs, "", 0);
	cr_assert_eq(xdt_rowset_find(&rs, &snap, &rows[2].key), 0);
	cr_assert_eq(xdt_rowset_find(&rs, &snap, &rows[4].key), 4);
	memset(&k, 0xff, sizeof(k));
	cr_assert_eq(xdt_rowset_find(&rs, &snap, &k), XDT_ROWSET_NONE);
	xdt_rowset_fini(&rs);
}
