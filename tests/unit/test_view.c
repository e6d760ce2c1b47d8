// SPDX-License-Identifier: GPL-2.0-only
/*
 * The snapshots the screen draws: the mailbox between the threads (a reader keeps
 * its snapshot however many are published meanwhile) and what a row says about a
 * real TLS flow (curl's ClientHello: SNI www.xdt.test).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "frames.h"
#include "view/build.h"

#define S 1000000000ULL

TestSuite(view);

Test(view, keeps_a_taken_snapshot_alive_across_publishes)
{
	struct xdt_snapbox *b = xdt_snapbox_new();
	struct xdt_snapshot *s1 = calloc(1, sizeof(*s1)), *s2 = calloc(1, sizeof(*s2)), *got;

	cr_assert(b && s1 && s2);
	cr_expect_null(xdt_snapbox_get(b), "nothing before the first publish");
	s1->seq = 1;
	xdt_snapbox_publish(b, s1);
	got = xdt_snapbox_get(b);
	cr_assert_eq(got, s1);
	s2->seq = 2;
	xdt_snapbox_publish(b, s2);
	cr_expect_eq(got->seq, 1, "still readable: ASan would catch a use after free");
	xdt_snapshot_put(b, got);
	got = xdt_snapbox_get(b);
	cr_expect_eq(got->seq, 2);
	xdt_snapshot_put(b, got);
	xdt_snapbox_free(b);
}

Test(view, carries_the_selection_from_the_ui_to_the_producer)
{
	struct xdt_snapbox *b = xdt_snapbox_new();
	struct xdt_flow_key k = { .proto = 6, .family = 4 }, got;

	cr_assert_not_null(b);
	cr_expect_eq(xdt_snapbox_selected(b, &got), 0);
	xdt_snapbox_select(b, &k);
	cr_assert_eq(xdt_snapbox_selected(b, &got), 1);
	cr_expect_eq(memcmp(&got, &k, sizeof(k)), 0);
	xdt_snapbox_select(b, NULL);
	cr_expect_eq(xdt_snapbox_selected(b, &got), 0);
	xdt_snapbox_free(b);
}

static void tcp_frame(struct xdt_engine *e, uint32_t src, uint16_t sport, uint32_t dst,
		      uint16_t dport, uint8_t flags, const uint8_t *pay, size_t n, uint64_t ts)
{
	struct fb f;

	fb_tcp4_frame(&f, src, sport, dst, dport, flags, pay, n);
	xdt_engine_packet(e, XDT_LINK_ETHERNET, f.b, f.n, f.n, ts);
}

Test(view, rows_name_the_application_and_linger_once_ended)
{
	struct xdt_engine_opts o = { .max_flows = 16, .seed = 1,
				     .dpi = { .enabled = 1, .packets = 4, .bytes = 256 } };
	struct xdt_view_info info = { .backend = "file" };
	struct xdt_engine *e = xdt_engine_new(&o);
	struct xdt_view *v = xdt_view_new();
	uint8_t ch[2048];
	struct xdt_snapshot *s;
	const struct xdt_row *r;
	struct xdt_flow_key key;
	size_t n;
	FILE *fp = fopen("tests/unit/fixtures/tls13-clienthello-curl.bin", "rb");

	cr_assert(e && v && fp);
	n = fread(ch, 1, sizeof(ch), fp);
	fclose(fp);
	tcp_frame(e, IP4(10, 213, 0, 1), 40000, IP4(10, 213, 0, 2), 443, 0x02, NULL, 0, 1 * S);
	tcp_frame(e, IP4(10, 213, 0, 2), 443, IP4(10, 213, 0, 1), 40000, 0x12, NULL, 0, 1 * S);
	tcp_frame(e, IP4(10, 213, 0, 1), 40000, IP4(10, 213, 0, 2), 443, 0x18, ch, n, 1 * S);
	s = xdt_view_build(v, e, &info, NULL, 2 * S);
	cr_assert_not_null(s);
	cr_assert_eq(s->n_rows, 1);
	r = &s->rows[0];
	cr_expect_str_eq(r->proto_name, "tcp");
	cr_expect_str_eq(r->src, "10.213.0.1");
	cr_expect_str_eq(r->dst, "10.213.0.2");
	cr_expect_eq(r->dport, 443);
	cr_expect_str_eq(r->service, "https");
	cr_expect_str_eq(r->app_proto, "tls");
	cr_expect_str_eq(r->app, "www.xdt.test");
	cr_expect_eq(r->ended, 0);
	cr_expect_eq(s->n_history, 1);
	key = r->key;
	xdt_snapshot_free(s);

	xdt_view_flow_ended(v, e, xdt_flow_table_lookup(xdt_engine_flows(e), &key), 3 * S);
	s = xdt_view_build(v, e, &info, NULL, 4 * S);
	cr_assert_eq(s->n_rows, 2, "the live flow and its lingering ended row");
	cr_expect_eq(s->rows[1].ended, 1);
	xdt_snapshot_free(s);
	s = xdt_view_build(v, e, &info, NULL, 3 * S + XDT_VIEW_LINGER_NS + 1);
	cr_expect_eq(s->n_rows, 1, "gone after lingering");
	xdt_snapshot_free(s);
	xdt_view_free(v);
	xdt_engine_free(e);
}
