// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel-side benchmarks of the xdp backend, and the helpers bench/backends.sh
 * drives. Subcommands:
 *
 *   xdp_bench testrun [REPEAT] [ROUNDS]
 *       ns per packet of xdt_xdp (the skeleton, default rodata) against an empty
 *       XDP_PASS program, with BPF_PROG_TEST_RUN on crafted UDP and TCP frames.
 *   xdp_bench pass IFNAME
 *       Attach an XDP_PASS program to IFNAME through a bpf_link (so the veth has
 *       NAPI), print "ready", hold it until SIGINT/SIGTERM/SIGHUP.
 *   xdp_bench gen IFNAME COUNT DST_MAC SRC_IP DST_IP [FLOWS] [FRAME_BYTES] [ELEPHANTS SHARE]
 *       Send COUNT UDP frames out of veth IFNAME: an XDP_TX program run with
 *       BPF_F_TEST_XDP_LIVE_FRAMES (batch 64), ports varied over FLOWS (up to
 *       1,080,000); SHARE percent of them to the first ELEPHANTS flows.
 *       Addresses must be in 10.213.0.0/16.
 *   xdp_bench flood IFNAME DST_MAC DST_IP syn|udp|quic COUNT RATE [FLOWS [SEED [SECONDS]]]
 *       Send COUNT frames out of veth IFNAME at RATE frames per second (0: as fast
 *       as it goes), or as many as go in SECONDS, each with its own 5-tuple (FLOWS 0, the default: COUNT distinct
 *       tuples) or frame n with tuple n % FLOWS (each flow COUNT / FLOWS frames):
 *       TCP SYNs to port 80 (60 B frames, no payload), UDP with an 18 B payload
 *       of 'x', or UDP whose 18 B start a QUIC v1 Initial (a long header cut
 *       short), to varied ports, from varied addresses and ports of 10.213.0.0/16 (the
 *       program bench/xdp_gen.bpf.c says which). Prints what it achieved.
 *   xdp_bench rusage OUTFILE CMD [ARG...]
 *       Run CMD as a child, forward SIGINT/SIGTERM/SIGHUP to it, and write its pid,
 *       then its user and system CPU seconds and peak RSS (wait4), to OUTFILE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include <xdptop/kern.h>
#include "xdp_flow.skel.h"
#include "xdp_gen.skel.h"

#define BENCH_NET 0x0ad50000u	/* 10.213.0.0/16: the only addresses we send */
#define BENCH_MASK 0xffff0000u
#define MAX_ROUNDS 64

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int silent_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, ap);
	return 0;
}

/* --- raw instructions --------------------------------------------------------- */

static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	struct bpf_insn i = { .code = code, .dst_reg = dst, .src_reg = src, .off = off,
			      .imm = imm };
	return i;
}

#define MOV64_IMM(d, v) insn(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, v)
#define MOV64_REG(d, s) insn(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define ALU32_IMM(op, d, v) insn(BPF_ALU | (op) | BPF_K, d, 0, 0, v)
#define ALU64_IMM(op, d, v) insn(BPF_ALU64 | (op) | BPF_K, d, 0, 0, v)
#define LDX_W(d, s, o) insn(BPF_LDX | BPF_MEM | BPF_W, d, s, o, 0)
#define STX_H(d, s, o) insn(BPF_STX | BPF_MEM | BPF_H, d, s, o, 0)
#define JGT_REG(a, b, o) insn(BPF_JMP | BPF_JGT | BPF_X, a, b, o, 0)
#define BE16(d) insn(BPF_ALU | BPF_END | BPF_TO_BE, d, 0, 0, 16)
#define CALL(fn) insn(BPF_JMP | BPF_CALL, 0, 0, 0, fn)
#define EXIT() insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

static int load_insns(const char *name, const struct bpf_insn *in, size_t n)
{
	LIBBPF_OPTS(bpf_prog_load_opts, o);
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, name, "GPL", in, n, &o);

	if (fd < 0)
		fprintf(stderr, "xdp_bench: loading %s failed: %s\n", name, strerror(errno));
	return fd;
}

/* r0 = XDP_PASS; exit */
static int load_pass(void)
{
	const struct bpf_insn p[] = { MOV64_IMM(BPF_REG_0, XDP_PASS), EXIT() };

	return load_insns("xdt_bench_pass", p, sizeof(p) / sizeof(p[0]));
}

/*
 * The generator: each frame gets flow index i, written as UDP source port
 * 1024 + i % 60000 and destination port 10000 + i / 60000 (so up to 1,080,000
 * distinct 5-tuples, all to one address; IPv4 UDP carries no checksum to fix),
 * then XDP_TX. i is drawn with bpf_get_prandom_u32(): with @elephants > 0,
 * @share percent of the frames go to flows 0..elephants-1 and the rest spread
 * over the other flows (mice); else uniformly over all @flows. Live-frame pages
 * keep what the program wrote, so each frame gets its own ports.
 */
#define JGE_IMM(a, v, o) insn(BPF_JMP | BPF_JGE | BPF_K, a, 0, o, v)
#define JA(o) insn(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define ALU32_REG(op, d, s) insn(BPF_ALU | (op) | BPF_X, d, s, 0, 0)
#define GEN_PORTS 60000

static int load_tx(int flows, int elephants, int share)
{
	struct bpf_insn p[40];
	size_t n = 0, j_mice, j_have;

	p[n++] = MOV64_REG(BPF_REG_6, BPF_REG_1);
	p[n++] = CALL(BPF_FUNC_get_prandom_u32);
	p[n++] = MOV64_REG(BPF_REG_7, BPF_REG_0);
	if (elephants > 0 && elephants < flows) {
		p[n++] = MOV64_REG(BPF_REG_8, BPF_REG_7);
		p[n++] = ALU32_IMM(BPF_MOD, BPF_REG_8, 100);
		p[n++] = ALU32_IMM(BPF_DIV, BPF_REG_7, 100);
		j_mice = n;
		p[n++] = JGE_IMM(BPF_REG_8, share, 0);	/* patched: to mice */
		p[n++] = ALU32_IMM(BPF_MOD, BPF_REG_7, elephants);
		j_have = n;
		p[n++] = JA(0);				/* patched: to have */
		p[j_mice].off = (__s16)(n - j_mice - 1);
		p[n++] = ALU32_IMM(BPF_MOD, BPF_REG_7, flows - elephants);
		p[n++] = ALU32_IMM(BPF_ADD, BPF_REG_7, elephants);
		p[j_have].off = (__s16)(n - j_have - 1);
	} else {
		p[n++] = ALU32_IMM(BPF_MOD, BPF_REG_7, flows);
	}
	/* r8 = source port, r7 = destination port, both big-endian. */
	p[n++] = MOV64_REG(BPF_REG_8, BPF_REG_7);
	p[n++] = ALU32_IMM(BPF_MOD, BPF_REG_8, GEN_PORTS);
	p[n++] = ALU32_IMM(BPF_ADD, BPF_REG_8, 1024);
	p[n++] = BE16(BPF_REG_8);
	p[n++] = ALU32_IMM(BPF_DIV, BPF_REG_7, GEN_PORTS);
	p[n++] = ALU32_IMM(BPF_ADD, BPF_REG_7, 10000);
	p[n++] = BE16(BPF_REG_7);
	p[n++] = LDX_W(BPF_REG_2, BPF_REG_6, offsetof(struct xdp_md, data));
	p[n++] = LDX_W(BPF_REG_3, BPF_REG_6, offsetof(struct xdp_md, data_end));
	p[n++] = MOV64_REG(BPF_REG_4, BPF_REG_2);
	p[n++] = ALU64_IMM(BPF_ADD, BPF_REG_4, 38);
	p[n++] = JGT_REG(BPF_REG_4, BPF_REG_3, 2);
	p[n++] = STX_H(BPF_REG_2, BPF_REG_8, 34);	/* Ethernet 14 + IPv4 20: UDP source */
	p[n++] = STX_H(BPF_REG_2, BPF_REG_7, 36);	/* UDP destination */
	p[n++] = MOV64_IMM(BPF_REG_0, XDP_TX);
	p[n++] = EXIT();
	return load_insns("xdt_bench_tx", p, n);
}

/* --- frames -------------------------------------------------------------------- */

static uint16_t ip_csum(const uint8_t *h, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/*
 * Ethernet + IPv4 + UDP (proto 17) or TCP (6, ACK|PSH) with a payload filling the
 * frame to @len bytes. UDP checksum 0 (none); TCP checksum left 0 (nothing checks it).
 * Returns the frame length.
 */
static size_t build_frame(uint8_t *f, size_t len, uint8_t proto, const uint8_t dmac[6],
			  const uint8_t smac[6], uint32_t saddr, uint32_t daddr,
			  uint16_t sport, uint16_t dport)
{
	size_t l4len = proto == IPPROTO_TCP ? 20 : 8, iplen = len - 14;
	uint8_t *ip = f + 14, *l4 = ip + 20;
	uint16_t c;

	memset(f, 0, len);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	ip[0] = 0x45;
	ip[2] = (uint8_t)(iplen >> 8);
	ip[3] = (uint8_t)iplen;
	ip[4] = 0x12;
	ip[5] = 0x34;
	ip[6] = 0x40;	/* DF */
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	c = ip_csum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	l4[0] = (uint8_t)(sport >> 8);
	l4[1] = (uint8_t)sport;
	l4[2] = (uint8_t)(dport >> 8);
	l4[3] = (uint8_t)dport;
	if (proto == IPPROTO_TCP) {
		l4[4] = 0x10;	/* seq */
		l4[11] = 0x01;	/* ack */
		l4[12] = 5 << 4;
		l4[13] = 0x18;	/* ACK|PSH */
		l4[14] = 0xff;	/* window */
	} else {
		size_t ulen = iplen - 20;

		l4[4] = (uint8_t)(ulen >> 8);
		l4[5] = (uint8_t)ulen;
	}
	memset(l4 + l4len, 'x', len - 14 - 20 - l4len);
	return len;
}

/* --- testrun -------------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Median ns per run (the kernel's own average) of two programs over @rounds test
 * runs of @repeat repetitions each, alternating, so drift of a shared VM hits both
 * alike. Returns 0, or -1 on error.
 */
static int time_progs(int fd_a, int fd_b, const uint8_t *frame, size_t len, int repeat,
		      int rounds, uint32_t *med_a, uint32_t *med_b)
{
	uint32_t d[2][MAX_ROUNDS];
	int i, j;

	for (i = 0; i < rounds; i++) {
		for (j = 0; j < 2; j++) {
			LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = frame,
				    .data_size_in = (__u32)len, .repeat = repeat);

			if (bpf_prog_test_run_opts(j ? fd_b : fd_a, &t)) {
				fprintf(stderr, "xdp_bench: test run failed: %s\n", strerror(errno));
				return -1;
			}
			if (t.retval != XDP_PASS) {
				fprintf(stderr, "xdp_bench: program returned %u, not XDP_PASS\n",
					t.retval);
				return -1;
			}
			d[j][i] = t.duration;
		}
	}
	qsort(d[0], (size_t)rounds, sizeof(d[0][0]), cmp_u32);
	qsort(d[1], (size_t)rounds, sizeof(d[1][0]), cmp_u32);
	*med_a = d[0][rounds / 2];
	*med_b = d[1][rounds / 2];
	return 0;
}

static int kstat_sum(int fd, __u32 slot, unsigned long long *out)
{
	int n = libbpf_num_possible_cpus(), i;
	__u64 *v;

	if (n <= 0)
		return -1;
	v = calloc((size_t)n, sizeof(*v));
	if (!v)
		return -1;
	if (bpf_map_lookup_elem(fd, &slot, v)) {
		free(v);
		return -1;
	}
	*out = 0;
	for (i = 0; i < n; i++)
		*out += v[i];
	free(v);
	return 0;
}

static int cmd_testrun(int argc, char **argv)
{
	static const uint8_t dmac[6] = { 0x02, 0, 0, 0, 0xb1, 0x01 };
	static const uint8_t smac[6] = { 0x02, 0, 0, 0, 0xb0, 0x01 };
	int repeat = argc > 0 ? atoi(argv[0]) : 1000000;
	int rounds = argc > 1 ? atoi(argv[1]) : 5;
	uint32_t sa = htonl(BENCH_NET | 0x0101), da = htonl(BENCH_NET | 0x0102);
	struct {
		const char *what;
		uint8_t proto;
		size_t len;
	} fr[] = {
		{ "UDP/IPv4, 60 B frame, 18 B payload", IPPROTO_UDP, 60 },
		{ "TCP/IPv4 ACK|PSH, 118 B frame, 64 B payload", IPPROTO_TCP, 118 },
	};
	struct xdp_flow_bpf *skel;
	unsigned long long pk = 0, counted = 0, pref = 0;
	int empty, rc = 1;
	size_t i;

	if (repeat <= 0 || rounds <= 0 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: xdp_bench testrun [REPEAT>0] [ROUNDS 1..%d]\n", MAX_ROUNDS);
		return 2;
	}
	skel = xdp_flow_bpf__open_and_load();
	if (!skel) {
		fprintf(stderr, "xdp_bench: loading xdp_flow failed: %s\n", strerror(errno));
		return 1;
	}
	empty = load_pass();
	if (empty < 0)
		goto out;
	printf("xdp testrun: BPF_PROG_TEST_RUN, %d repeats per run, median of %d runs "
	       "(ns per packet, test-run loop included)\n", repeat, rounds);
	for (i = 0; i < sizeof(fr) / sizeof(fr[0]); i++) {
		uint8_t f[128];
		uint32_t te, tx;
		size_t len = build_frame(f, fr[i].len, fr[i].proto, dmac, smac, sa, da,
					 (uint16_t)(40000 + i), 8000);

		if (time_progs(empty, bpf_program__fd(skel->progs.xdt_xdp), f, len, repeat,
			       rounds, &te, &tx))
			goto out;
		printf("xdp testrun: %-45s empty XDP_PASS %4u ns, xdt_xdp %4u ns, "
		       "difference %4d ns\n", fr[i].what, te, tx, (int)tx - (int)te);
	}
	/* Each flow: the first 4 packets exported a prefix, every packet was counted. */
	if (kstat_sum(bpf_map__fd(skel->maps.xdt_stats), XDT_KSTAT_PACKETS, &pk) ||
	    kstat_sum(bpf_map__fd(skel->maps.xdt_stats), XDT_KSTAT_COUNTED, &counted) ||
	    kstat_sum(bpf_map__fd(skel->maps.xdt_stats), XDT_KSTAT_PREFIXES, &pref))
		goto out;
	printf("xdp testrun: xdt_xdp ran %llu times, counted %llu into flows, exported %llu "
	       "prefixes (4 per flow: the rest took the counting path)\n", pk, counted, pref);
	rc = pk == counted && pk == 2ULL * (unsigned long long)repeat * (unsigned)rounds &&
	     pref == 8 ? 0 : 1;
	if (rc)
		fprintf(stderr, "xdp_bench: unexpected kernel counters\n");
out:
	if (empty >= 0)
		close(empty);
	xdp_flow_bpf__destroy(skel);
	return rc;
}

/* --- pass ---------------------------------------------------------------------- */

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static int cmd_pass(int argc, char **argv)
{
	int ifindex, prog, link;

	if (argc != 1) {
		fprintf(stderr, "usage: xdp_bench pass IFNAME\n");
		return 2;
	}
	ifindex = (int)if_nametoindex(argv[0]);
	if (!ifindex) {
		fprintf(stderr, "xdp_bench: no interface %s\n", argv[0]);
		return 1;
	}
	catch_signals();
	prog = load_pass();
	if (prog < 0)
		return 1;
	link = bpf_link_create(prog, ifindex, BPF_XDP, NULL);
	if (link < 0) {
		fprintf(stderr, "xdp_bench: XDP attach to %s failed: %s\n", argv[0],
			strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (!got_signal)
		pause();
	close(link);	/* the link goes, and the program with it */
	close(prog);
	return 0;
}

/* --- gen ----------------------------------------------------------------------- */

static int parse_mac(const char *s, uint8_t m[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -1;
		m[i] = (uint8_t)b[i];
	}
	return 0;
}

static int parse_bench_ip(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1 || (ntohl(in.s_addr) & BENCH_MASK) != BENCH_NET) {
		fprintf(stderr, "xdp_bench: %s: only addresses in 10.213.0.0/16 are allowed\n", s);
		return -1;
	}
	*a = in.s_addr;
	return 0;
}

static int if_mac(const char *ifname, uint8_t m[6])
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), rc;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
	close(fd);
	if (rc)
		return -1;
	memcpy(m, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static int cmd_gen(int argc, char **argv)
{
	uint8_t dmac[6], smac[6], f[1514];
	uint32_t sa, da;
	long long count;
	int flows, elephants, share, ifindex, prog, rc = 1;
	size_t len;
	uint64_t t0, t1;

	if (argc < 5 || argc > 9) {
		fprintf(stderr, "usage: xdp_bench gen IFNAME COUNT DST_MAC SRC_IP DST_IP [FLOWS] "
			"[FRAME_BYTES] [ELEPHANTS SHARE%%]\n");
		return 2;
	}
	count = atoll(argv[1]);
	flows = argc > 5 ? atoi(argv[5]) : 256;
	len = argc > 6 ? (size_t)atoi(argv[6]) : 60;
	elephants = argc > 7 ? atoi(argv[7]) : 0;
	share = argc > 8 ? atoi(argv[8]) : 0;
	if (count <= 0 || count > 0x7fffffff || flows < 1 || flows > 18 * GEN_PORTS || len < 60 ||
	    len > sizeof(f) || elephants < 0 || elephants >= flows || share < 0 || share > 100) {
		fprintf(stderr, "xdp_bench: COUNT 1..2^31-1, FLOWS 1..%d, FRAME_BYTES 60..1514, "
			"ELEPHANTS 0..FLOWS-1, SHARE 0..100\n", 18 * GEN_PORTS);
		return 2;
	}
	if (parse_mac(argv[2], dmac)) {
		fprintf(stderr, "xdp_bench: bad MAC %s\n", argv[2]);
		return 2;
	}
	if (parse_bench_ip(argv[3], &sa) || parse_bench_ip(argv[4], &da))
		return 2;
	ifindex = (int)if_nametoindex(argv[0]);
	if (!ifindex || if_mac(argv[0], smac)) {
		fprintf(stderr, "xdp_bench: no interface %s\n", argv[0]);
		return 1;
	}
	build_frame(f, len, IPPROTO_UDP, dmac, smac, sa, da, 1024, 10000);
	prog = load_tx(flows, elephants, share);
	if (prog < 0)
		return 1;
	{
		struct xdp_md ctx = { .data_end = (__u32)len, .ingress_ifindex = (__u32)ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = f, .data_size_in = (__u32)len,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = (int)count,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);

		t0 = now_ns();
		if (bpf_prog_test_run_opts(prog, &t)) {
			fprintf(stderr, "xdp_bench: live-frames test run on %s failed: %s\n",
				argv[0], strerror(errno));
			goto out;
		}
		t1 = now_ns();
	}
	printf("gen: sent=%lld elapsed_ns=%llu rate_mpps=%.3f flows=%d frame_bytes=%zu "
	       "elephants=%d share=%d\n",
	       count, (unsigned long long)(t1 - t0), (double)count * 1e3 / (double)(t1 - t0),
	       flows, len, elephants, share);
	rc = 0;
out:
	close(prog);
	return rc;
}

/* --- flood --------------------------------------------------------------------- */

#define FLOOD_SLICES 100	/* test runs per second when paced: 10 ms of frames each */
#define FLOOD_MAX_LAG_NS 50000000ULL	/* further behind than this: no catching up in a burst */

enum flood_mode { FLOOD_SYN, FLOOD_UDP, FLOOD_QUIC };

static const char *const flood_modes[] = { "syn", "udp", "quic" };

/*
 * The template xdt_gen rewrites: a 60 B frame, a TCP SYN to port 80, or UDP with
 * 18 B of payload: 'x', or the start of a QUIC v1 Initial (first byte 0xc3,
 * version 1, an 8-byte DCID, no SCID, no token, Length 16) that the frame cuts
 * short: enough for xdptop to take the flow for QUIC and keep its Initial state.
 */
static size_t flood_frame(uint8_t f[60], enum flood_mode mode, const uint8_t dmac[6],
			  const uint8_t smac[6], uint32_t daddr)
{
	static const uint8_t quic[18] = { 0xc3, 0, 0, 0, 1, 8, 0x51, 0x55, 0x49, 0x43,
					  0x46, 0x4c, 0x4f, 0x44, 0, 0, 0x40, 0x10 };
	uint8_t *tcp = f + 14 + 20;

	memset(f, 0, 60);
	if (mode != FLOOD_SYN) {
		build_frame(f, 60, IPPROTO_UDP, dmac, smac, htonl(BENCH_NET), daddr, 1024, 20000);
		if (mode == FLOOD_QUIC)
			memcpy(f + 14 + 20 + 8, quic, sizeof(quic));
		return 60;
	}
	/* IPv4 total length 40: the 6 bytes to the Ethernet minimum are padding. */
	build_frame(f, 54, IPPROTO_TCP, dmac, smac, htonl(BENCH_NET), daddr, 1024, 80);
	memset(tcp + 4, 0, 8);	/* seq (the program writes it), ack */
	tcp[13] = 0x02;		/* SYN */
	return 60;
}

static int cmd_flood(int argc, char **argv)
{
	uint8_t dmac[6], smac[6], f[60];
	unsigned long long count, rate, flows = 0, seed = 1, sent = 0, chunk, secs = 0;
	uint64_t t0, t1, anchor, lag, max_lag = 0;
	struct xdp_gen_bpf *skel;
	int ifindex, mode, rc = 1;
	uint32_t da;
	char *end;

	if (argc < 6 || argc > 9) {
		fprintf(stderr, "usage: xdp_bench flood IFNAME DST_MAC DST_IP syn|udp|quic COUNT RATE "
			"[FLOWS [SEED [SECONDS]]]\n");
		return 2;
	}
	for (mode = FLOOD_SYN; mode <= FLOOD_QUIC && strcmp(argv[3], flood_modes[mode]); mode++)
		;
	errno = 0;
	count = strtoull(argv[4], &end, 10);
	if (errno || *end || !count || mode > FLOOD_QUIC)
		goto usage;
	rate = strtoull(argv[5], &end, 10);
	if (errno || *end || rate > 100000000ULL)
		goto usage;
	if (argc > 6) {
		flows = strtoull(argv[6], &end, 10);
		if (errno || *end || flows > UINT32_MAX || (flows && flows > count))
			goto usage;
	}
	if (argc > 7) {
		seed = strtoull(argv[7], &end, 10);
		if (errno || *end || seed > UINT32_MAX)
			goto usage;
	}
	if (argc > 8) {
		secs = strtoull(argv[8], &end, 10);
		if (errno || *end || secs > 86400)
			goto usage;
	}
	if (parse_mac(argv[1], dmac)) {
		fprintf(stderr, "xdp_bench: bad MAC %s\n", argv[1]);
		return 2;
	}
	if (parse_bench_ip(argv[2], &da))
		return 2;
	ifindex = (int)if_nametoindex(argv[0]);
	if (!ifindex || if_mac(argv[0], smac)) {
		fprintf(stderr, "xdp_bench: no interface %s\n", argv[0]);
		return 1;
	}
	flood_frame(f, (enum flood_mode)mode, dmac, smac, da);
	skel = xdp_gen_bpf__open();
	if (!skel) {
		fprintf(stderr, "xdp_bench: opening xdp_gen failed: %s\n", strerror(errno));
		return 1;
	}
	skel->rodata->cfg_flows = (__u32)flows;
	skel->rodata->cfg_seed = (__u32)seed;
	if (xdp_gen_bpf__load(skel)) {
		fprintf(stderr, "xdp_bench: loading xdp_gen failed: %s\n", strerror(errno));
		goto out;
	}
	catch_signals();
	/* Paced: a slice of frames, then sleep until they are due. */
	chunk = rate ? (rate + FLOOD_SLICES - 1) / FLOOD_SLICES : 1ULL << 16;
	t0 = anchor = now_ns();
	while (sent < count && !got_signal &&
	       (!secs || now_ns() - t0 < secs * 1000000000ULL)) {
		unsigned long long n = count - sent < chunk ? count - sent : chunk;
		struct xdp_md ctx = { .data_end = sizeof(f), .ingress_ifindex = (__u32)ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = f, .data_size_in = sizeof(f),
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = (int)n,
			    .flags = BPF_F_TEST_XDP_LIVE_FRAMES, .batch_size = 64);
		uint64_t due, now;

		if (bpf_prog_test_run_opts(bpf_program__fd(skel->progs.xdt_gen), &t)) {
			fprintf(stderr, "xdp_bench: live-frames test run on %s failed: %s\n",
				argv[0], strerror(errno));
			goto out;
		}
		sent += n;
		if (!rate)
			continue;
		due = anchor + (uint64_t)((double)(sent) * 1e9 / (double)rate);
		now = now_ns();
		if (now < due) {
			struct timespec ts = { (time_t)(due / 1000000000ULL),
					       (long)(due % 1000000000ULL) };

			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
			continue;
		}
		lag = now - due;
		if (lag > max_lag)
			max_lag = lag;
		if (lag > FLOOD_MAX_LAG_NS)	/* slower than asked: keep the rate, not the count */
			anchor += lag;
	}
	t1 = now_ns();
	printf("flood: mode=%s sent=%llu frames_run=%llu elapsed_ns=%llu rate_pps=%.0f "
	       "target_pps=%llu flows=%llu seed=%llu max_lag_ms=%.1f%s\n", flood_modes[mode],
	       sent, (unsigned long long)skel->bss->gen_frames, (unsigned long long)(t1 - t0),
	       (double)sent * 1e9 / (double)(t1 - t0), rate, flows, seed, (double)max_lag / 1e6,
	       got_signal ? " interrupted" : "");
	rc = got_signal ? 1 : 0;
out:
	xdp_gen_bpf__destroy(skel);
	return rc;
usage:
	fprintf(stderr, "xdp_bench: flood: COUNT >= 1, RATE 0..100000000 frames/s (0: as fast as "
		"it goes), FLOWS 0..COUNT (0: every frame its own tuple), SEED 0..2^32-1, "
		"SECONDS 0..86400 (0: no limit); mode syn, udp or quic\n");
	return 2;
}

/* --- rusage -------------------------------------------------------------------- */

static volatile pid_t child_pid;

static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static int cmd_rusage(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = forward_signal };
	struct rusage ru;
	FILE *out;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: xdp_bench rusage OUTFILE CMD [ARG...]\n");
		return 2;
	}
	out = fopen(argv[0], "w");
	if (!out) {
		fprintf(stderr, "xdp_bench: %s: %s\n", argv[0], strerror(errno));
		return 1;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "xdp_bench: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		/* A background job of a script starts with SIGINT ignored: undo that. */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execvp(argv[1], argv + 1);
		fprintf(stderr, "xdp_bench: exec %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	child_pid = pid;
	fprintf(out, "pid %d\n", (int)pid);
	fflush(out);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "xdp_bench: wait4: %s\n", strerror(errno));
			return 1;
		}
	}
	/* ru_maxrss: the child's peak resident set, in KiB (getrusage(2)). */
	fprintf(out, "cpu %ld.%06ld %ld.%06ld\nmaxrss_kb %ld\nstatus %d\n",
		(long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec, (long)ru.ru_stime.tv_sec,
		(long)ru.ru_stime.tv_usec, ru.ru_maxrss,
		WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	fclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	libbpf_set_print(silent_print);
	if (argc >= 2 && !strcmp(argv[1], "testrun"))
		return cmd_testrun(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "pass"))
		return cmd_pass(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "gen"))
		return cmd_gen(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "flood"))
		return cmd_flood(argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[1], "rusage"))
		return cmd_rusage(argc - 2, argv + 2);
	fprintf(stderr, "usage: xdp_bench testrun [REPEAT] [ROUNDS]\n"
		"       xdp_bench pass IFNAME\n"
		"       xdp_bench gen IFNAME COUNT DST_MAC SRC_IP DST_IP [FLOWS] [FRAME_BYTES] "
		"[ELEPHANTS SHARE]\n"
		"       xdp_bench flood IFNAME DST_MAC DST_IP syn|udp|quic COUNT RATE "
		"[FLOWS [SEED [SECONDS]]]\n"
		"       xdp_bench rusage OUTFILE CMD [ARG...]\n");
	return 2;
}
