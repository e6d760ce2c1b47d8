// SPDX-License-Identifier: GPL-2.0-only
/*
 * The XDP program (kern/xdp_flow.bpf.c) on crafted frames, through
 * BPF_PROG_TEST_RUN: verdicts, flow map, statistics and prefix records. Each test
 * loads its own program, so no test sees another's maps.
 */
#include "cases.h"
#include "xdp_flow.skel.h"

static struct xdp_flow_bpf *skel;
static struct bt T;

static struct bt *xdp_up(const struct bt_cfg *cfg)
{
	int err;

	bt_require_root();
	skel = xdp_flow_bpf__open();
	if (!skel)
		bt_unavailable("cannot open the xdt_xdp BPF object: %s", strerror(errno));
	if (cfg && cfg->dpi_packets)
		skel->rodata->cfg_dpi_packets = cfg->dpi_packets;
	if (cfg && cfg->dpi_bytes)
		skel->rodata->cfg_dpi_bytes = cfg->dpi_bytes;
	if (cfg)
		memcpy(skel->bss->cfg_ifindex, cfg->ifindex, sizeof(cfg->ifindex));
	if (cfg)
		skel->rodata->cfg_mirror = cfg->mirror;
	err = xdp_flow_bpf__load(skel);
	if (err) {
		xdp_flow_bpf__destroy(skel);
		skel = NULL;
		bt_unavailable("xdt_xdp does not load on this kernel: %s", strerror(-err));
	}
	bt_init(&T, "xdt_xdp", bpf_program__fd(skel->progs.xdt_xdp),
		bpf_map__fd(skel->maps.xdt_flows), bpf_map__fd(skel->maps.xdt_done),
		bpf_map__fd(skel->maps.xdt_stats), bpf_map__fd(skel->maps.xdt_ifstats),
		bpf_map__fd(skel->maps.xdt_prefixes), cfg && cfg->mirror ? XDP_DROP : XDP_PASS,
		XDT_HOOK_XDP, cfg);
	return &T;
}

static void xdp_down(void)
{
	bt_fini(&T);
	xdp_flow_bpf__destroy(skel);
	skel = NULL;
}

TestSuite(xdp_prog, .fini = xdp_down);

#define XDP_TEST(name, fn, cfg) \
	Test(xdp_prog, name) \
	{ \
		fn(xdp_up(cfg)); \
	}
BT_SHARED_CASES(XDP_TEST)

#define XDP_TEST_UP(name, fn) \
	Test(xdp_prog, name) \
	{ \
		fn(xdp_up); \
	}
BT_SHARED_UP_CASES(XDP_TEST_UP)

Test(xdp_prog, passes_a_frame_unchanged_in_host_mode)
{
	struct bt *t = xdp_up(NULL);
	struct fb f = { 0 };
	uint8_t out[2048];
	uint32_t v = 0, n = sizeof(out);

	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 40000, B4, 443, TCP_PSH | TCP_ACK, 12, 600, 1);
	cr_assert_eq(bt_try_run(t, f.b, f.n, &v, out, &n), 0);
	cr_assert_eq(v, XDP_PASS);
	cr_assert_eq(n, f.n, "frame of %zu bytes came out with %u", f.n, n);
	cr_assert_arr_eq(out, f.b, f.n);
	bt_expect_rec(t, 0, bt_key4(6, A4, 40000, B4, 443, 0), 0, 600, bt_tail(&f, 600));
}

Test(xdp_prog, drops_frames_without_a_prefix_in_mirror_mode)
{
	struct bt *t = xdp_up(BT_CFG(.mirror = 1));
	struct xdt_flow_key k = bt_key4(6, A4, 40000, B4, 443, 0);
	struct xdt_kflow fl;
	struct fb f = { 0 };

	cr_assert_eq(t->pass, XDP_DROP);
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 40000, B4, 443, TCP_SYN, 12, 0, 0);
	cr_expect_eq(bt_run(t, &f), XDP_DROP, "a SYN carries no prefix");
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, B4, 443, A4, 40000, TCP_SYN | TCP_ACK, 0, 0, 0);
	fb_zero(&f, 60 - f.n);
	cr_expect_eq(bt_run(t, &f), XDP_DROP, "a padded SYN+ACK carries no prefix");
	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 1, 52, 1, 40);

	f.n = 0;
	fb_eth(&f, 0x88cc);
	fb_zero(&f, 46);
	cr_expect_eq(bt_run(t, &f), XDP_DROP, "LLDP");
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 1, B4, 2, TCP_SYN, 0, 0, 0);
	f.b[14] = 0x44;
	cr_expect_eq(bt_run(t, &f), XDP_DROP, "IHL 4");
	f.n = 0;
	fb_eth(&f, 0x0800);
	fb_ipv4(&f, 17, A4, B4, 20 + 52, 0x4343, 56 / 8);
	bt_payload(&f, 52, 2);
	cr_expect_eq(bt_run(t, &f), XDP_DROP, "orphan fragment");

	bt_expect_one_flow(t, k);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 5, [XDT_KSTAT_COUNTED] = 2,
			[XDT_KSTAT_UNSUPPORTED] = 1, [XDT_KSTAT_MALFORMED] = 1,
			[XDT_KSTAT_FRAGMENTS] = 1);
	bt_expect_no_records(t);
}

Test(xdp_prog, counts_a_flow_map_entry_once_when_it_is_created)
{
	struct bt *t = xdp_up(NULL);
	struct fb f = { 0 };

	/* Two packets and a reply on one flow, one packet on another. */
	fb_eth(&f, 0x0800);
	bt_udp4(&f, A4, 5000, B4, 6000, 10, 1);
	bt_run(t, &f);
	bt_run(t, &f);
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_udp4(&f, B4, 6000, A4, 5000, 10, 2);
	bt_run(t, &f);
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_udp4(&f, A4, 5001, B4, 6000, 10, 3);
	bt_run(t, &f);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 4, [XDT_KSTAT_COUNTED] = 4,
			[XDT_KSTAT_PREFIXES] = 4, [XDT_KSTAT_FLOWS_NEW] = 2);
}

/* A mirror-mode run: the verdict and the frame as the program left it. */
static void mirror_run(struct bt *t, const struct fb *f, uint32_t want_len)
{
	uint8_t out[2048];
	uint32_t v = 0, n = sizeof(out);

	cr_assert_eq(bt_try_run(t, f->b, f->n, &v, out, &n), 0);
	cr_expect_eq(v, XDP_DROP, "verdict %u: an empty XSKMAP makes the redirect a drop", v);
	cr_expect_eq(n, want_len, "frame of %zu bytes came out with %u, expected %u", f->n, n,
		     want_len);
	cr_expect_arr_eq(out, f->b, n < want_len ? n : want_len);
}

Test(xdp_prog, redirects_a_prefix_carrying_frame_in_mirror_mode)
{
	struct bt *t = xdp_up(BT_CFG(.mirror = 1, .dpi_packets = 2));
	struct xdt_flow_key k = bt_key4(6, A4, 40000, B4, 443, 0);
	struct xdt_kflow fl;
	struct fb f = { 0 };

	/* 400 payload bytes: cut to the headers + cfg_dpi_bytes (256) for the socket. */
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 40000, B4, 443, TCP_PSH | TCP_ACK, 0, 400, 1);
	mirror_run(t, &f, 14 + 20 + 20 + 256);
	cr_expect_eq(bt_stat(t, XDT_KSTAT_REDIRECTED), 1);

	/* Shorter than the prefix: not cut. */
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 40000, B4, 443, TCP_PSH | TCP_ACK, 0, 50, 2);
	mirror_run(t, &f, (uint32_t)f.n);
	cr_expect_eq(bt_stat(t, XDT_KSTAT_REDIRECTED), 2);

	/* cfg_dpi_packets reached in this direction: a plain drop, frame untouched. */
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, A4, 40000, B4, 443, TCP_PSH | TCP_ACK, 0, 400, 3);
	mirror_run(t, &f, (uint32_t)f.n);
	cr_expect_eq(bt_stat(t, XDT_KSTAT_REDIRECTED), 2);

	/* The other direction has its own budget. */
	f.n = 0;
	fb_eth(&f, 0x0800);
	bt_tcp4(&f, B4, 443, A4, 40000, TCP_PSH | TCP_ACK, 0, 10, 4);
	mirror_run(t, &f, (uint32_t)f.n);

	fl = bt_flow(t, k);
	bt_expect_counts(&fl, 3, 440 + 90 + 440, 1, 50);
	cr_expect_eq(fl.prefixes[0], 2);
	cr_expect_eq(fl.prefixes[1], 1);
	bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 4, [XDT_KSTAT_COUNTED] = 4,
			[XDT_KSTAT_REDIRECTED] = 3);
	bt_expect_no_records(t);
}
