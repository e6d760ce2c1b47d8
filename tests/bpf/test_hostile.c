// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hostile corpus (tests/hostile/gen.py, compiled in as hostile_corpus.h)
 * through the XDP and the TC program, in order, on one loaded program each: no
 * frame may change the verdict, every malformed frame must be counted under the
 * reason the manifest gives, and every valid one counted into a flow. The same
 * frames go through the pcap path and live through both backends in
 * tests/hostile/run.sh.
 */
#include "bpf_test.h"
#include "hostile_corpus.h"
#include "tc_flow.skel.h"
#include "xdp_flow.skel.h"

#define N_FRAMES (sizeof(hostile_frames) / sizeof(hostile_frames[0]))

static const char *const reason_names[XDT_MAL__COUNT] = {
#define NAME_(id, name) [XDT_MAL_##id] = name,
	XDT_MALFORMED_REASONS(NAME_)
#undef NAME_
};

static struct xdp_flow_bpf *xdp;
static struct tc_flow_bpf *tc;
static struct bt T;

static void down(void)
{
	bt_fini(&T);
	xdp_flow_bpf__destroy(xdp);
	tc_flow_bpf__destroy(tc);
	xdp = NULL;
	tc = NULL;
}

TestSuite(hostile, .fini = down);

/* Packets of every flow in the map, both directions; *@entries: how many flows. */
static uint64_t flow_packets(struct bt *t, uint64_t *entries)
{
	struct xdt_flow_key cur, next;
	const void *prev = NULL;
	struct xdt_kflow f;
	uint64_t n = 0;

	*entries = 0;
	while (bpf_map_get_next_key(t->flows_fd, prev, &next) == 0) {
		cr_assert_eq(bpf_map_lookup_elem(t->flows_fd, &next, &f), 0);
		n += f.pkts[0] + f.pkts[1];
		(*entries)++;
		cur = next;
		prev = &cur;
	}
	return n;
}

/*
 * Run the corpus through @t's program and compare every statistics slot with
 * what the manifest says; frames a TC test run refuses to build an skb from
 * (short IP headers, some kernels) are left out of the expectation, logged.
 */
static void run_corpus(struct bt *t)
{
	uint64_t want[XDT_KSTAT_SLOTS] = { 0 }, ok = 0, entries, pkts;
	size_t i;
	uint32_t s;

	for (i = 0; i < N_FRAMES; i++) {
		const struct hostile_frame *h = &hostile_frames[i];
		uint32_t v = 0;
		int rc = bt_try_run(t, h->data, h->len, &v, NULL, NULL);

		if (rc == -EINVAL && t->skb && h->short_ip) {
			cr_log_info("%s: %s: the kernel refused to build an skb (short IP header)",
				    t->name, h->name);
			continue;
		}
		cr_assert_eq(rc, 0, "%s: %s: BPF_PROG_TEST_RUN: %s", t->name, h->name,
			     strerror(-rc));
		cr_assert_eq(v, t->pass, "%s: %s: verdict %u, expected %u", t->name, h->name, v,
			     t->pass);
		want[XDT_KSTAT_PACKETS]++;
		switch (h->kind) {
		case HOSTILE_OK:
			want[XDT_KSTAT_COUNTED]++;
			ok++;
			break;
		case HOSTILE_ORPHAN:
			want[XDT_KSTAT_FRAGMENTS]++;
			break;
		case HOSTILE_UNSUPPORTED:
			want[XDT_KSTAT_UNSUPPORTED]++;
			break;
		case HOSTILE_MALFORMED:
			want[XDT_KSTAT_MALFORMED]++;
			want[XDT_KSTAT_MALFORMED_BY + h->reason]++;
			break;
		}
	}
	cr_assert_gt(want[XDT_KSTAT_MALFORMED], 20, "the corpus is mostly hostile");
	/* Prefix records are not this test's business: payloads only had to be read. */
	want[XDT_KSTAT_PREFIXES] = bt_stat(t, XDT_KSTAT_PREFIXES);
	/* Nothing is evicted from a map this size: every entry made is still there. */
	pkts = flow_packets(t, &entries);
	want[XDT_KSTAT_FLOWS_NEW] = entries;
	for (s = 0; s < XDT_KSTAT_SLOTS; s++) {
		uint64_t got = bt_stat(t, s);

		if (s < XDT_KSTAT__COUNT)
			cr_expect_eq(got, want[s], "%s: %s = %llu, expected %llu", t->name,
				     bt_stat_names[s], (unsigned long long)got,
				     (unsigned long long)want[s]);
		else
			cr_expect_eq(got, want[s], "%s: malformed %s = %llu, expected %llu",
				     t->name, reason_names[s - XDT_KSTAT_MALFORMED_BY],
				     (unsigned long long)got, (unsigned long long)want[s]);
	}
	cr_expect_eq(pkts, ok, "%s: %llu packets in the flow map, %llu valid frames", t->name,
		     (unsigned long long)pkts, (unsigned long long)ok);
}

Test(hostile, xdp_counts_every_corpus_frame_under_its_reason)
{
	int err;

	bt_require_root();
	xdp = xdp_flow_bpf__open();
	if (!xdp)
		bt_unavailable("cannot open the xdt_xdp BPF object: %s", strerror(errno));
	err = xdp_flow_bpf__load(xdp);
	if (err)
		bt_unavailable("xdt_xdp does not load on this kernel: %s", strerror(-err));
	bt_init(&T, "xdt_xdp", bpf_program__fd(xdp->progs.xdt_xdp),
		bpf_map__fd(xdp->maps.xdt_flows), bpf_map__fd(xdp->maps.xdt_done),
		bpf_map__fd(xdp->maps.xdt_stats), bpf_map__fd(xdp->maps.xdt_ifstats),
		bpf_map__fd(xdp->maps.xdt_prefixes), XDP_PASS, XDT_HOOK_XDP, NULL);
	run_corpus(&T);
}

Test(hostile, tc_counts_every_corpus_frame_under_its_reason)
{
	int err;

	bt_require_root();
	tc = tc_flow_bpf__open();
	if (!tc)
		bt_unavailable("cannot open the xdt_tc_egress BPF object: %s", strerror(errno));
	err = tc_flow_bpf__load(tc);
	if (err)
		bt_unavailable("xdt_tc_egress does not load on this kernel: %s", strerror(-err));
	bt_init(&T, "xdt_tc_egress", bpf_program__fd(tc->progs.xdt_tc_egress),
		bpf_map__fd(tc->maps.xdt_flows), bpf_map__fd(tc->maps.xdt_done),
		bpf_map__fd(tc->maps.xdt_stats), bpf_map__fd(tc->maps.xdt_ifstats),
		bpf_map__fd(tc->maps.xdt_prefixes), (uint32_t)TC_ACT_UNSPEC, XDT_HOOK_TC_EGRESS,
		NULL);
	T.skb = true;
	run_corpus(&T);
}
