// SPDX-License-Identifier: GPL-2.0-only
/*
 * The TC egress program (kern/tc_flow.bpf.c) on crafted frames, through
 * BPF_PROG_TEST_RUN (the kernel builds an skb from each frame, so the wire length
 * the program sees is skb->len). Same parser and accounting as XDP, so the same
 * cases; the verdict is always TC_ACT_UNSPEC.
 */
#include "cases.h"
#include "tc_flow.skel.h"

static struct tc_flow_bpf *skel;
static struct bt T;

static struct bt *tc_up(const struct bt_cfg *cfg)
{
	int err;

	bt_require_root();
	skel = tc_flow_bpf__open();
	if (!skel)
		bt_unavailable("cannot open the xdt_tc_egress BPF object: %s", strerror(errno));
	if (cfg && cfg->dpi_packets)
		skel->rodata->cfg_dpi_packets = cfg->dpi_packets;
	if (cfg && cfg->dpi_bytes)
		skel->rodata->cfg_dpi_bytes = cfg->dpi_bytes;
	if (cfg)
		memcpy(skel->bss->cfg_ifindex, cfg->ifindex, sizeof(cfg->ifindex));
	err = tc_flow_bpf__load(skel);
	if (err) {
		tc_flow_bpf__destroy(skel);
		skel = NULL;
		bt_unavailable("xdt_tc_egress does not load on this kernel: %s", strerror(-err));
	}
	bt_init(&T, "xdt_tc_egress", bpf_program__fd(skel->progs.xdt_tc_egress),
		bpf_map__fd(skel->maps.xdt_flows), bpf_map__fd(skel->maps.xdt_done),
		bpf_map__fd(skel->maps.xdt_stats), bpf_map__fd(skel->maps.xdt_ifstats),
		bpf_map__fd(skel->maps.xdt_prefixes), (uint32_t)TC_ACT_UNSPEC, XDT_HOOK_TC_EGRESS,
		cfg);
	T.skb = true;
	return &T;
}

static void tc_down(void)
{
	bt_fini(&T);
	tc_flow_bpf__destroy(skel);
	skel = NULL;
}

TestSuite(tc_prog, .fini = tc_down);

#define TC_TEST(name, fn, cfg) \
	Test(tc_prog, name) \
	{ \
		fn(tc_up(cfg)); \
	}
BT_SHARED_CASES(TC_TEST)

#define TC_TEST_UP(name, fn) \
	Test(tc_prog, name) \
	{ \
		fn(tc_up); \
	}
BT_SHARED_UP_CASES(TC_TEST_UP)

Test(tc_prog, never_changes_a_packet)
{
	struct bt *t = tc_up(NULL);
	struct fb f = { 0 };
	uint8_t out[2048];
	uint32_t v = 0, n = sizeof(out);

	fb_eth(&f, 0x86dd);
	bt_tcp6(&f, V6_A, 40000, V6_B, 443, TCP_PSH | TCP_ACK, 12, 700, 1);
	cr_assert_eq(bt_try_run(t, f.b, f.n, &v, out, &n), 0);
	cr_assert_eq(v, (uint32_t)TC_ACT_UNSPEC);
	cr_assert_eq(n, f.n, "frame of %zu bytes came out with %u", f.n, n);
	cr_assert_arr_eq(out, f.b, f.n);
	bt_expect_rec(t, 0, bt_key6(6, V6_A, 40000, V6_B, 443, 0), 0, 700, bt_tail(&f, 700));
}
