// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helpers for the BPF unit tests: run crafted frames through a loaded program with
 * BPF_PROG_TEST_RUN (on loopback, or on a tap device in a private namespace),
 * then read back the flow map, the statistics, the per-interface counters and the
 * prefix ring buffer. The program-specific part (which skeleton, which verdict means
 * "pass") lives in each test file; everything here works on file descriptors.
 */
#ifndef XDT_TEST_BPF_H
#define XDT_TEST_BPF_H

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <linux/bpf.h>
#include <linux/if_tun.h>
#include <linux/pkt_cls.h>

#include <xdptop/flow.h>
#include <xdptop/kern.h>

#include "frames.h"

/* Rodata set before load; zero fields keep the program's defaults. */
struct bt_cfg {
	uint32_t dpi_packets;
	uint32_t dpi_bytes;
	uint8_t mirror;
	uint32_t ifindex[XDT_KERNEL_MAX_IFACES];	/* cfg_ifindex: interface slots */
};

#define BT_DEFAULT_DPI_PACKETS 4
#define BT_DEFAULT_DPI_BYTES 256
#define BT_MAX_REC 64
#define BT_MAX_FLOWS 64

/* One loaded program and what the tests read back from it. */
/* A prefix record with room for the largest data it can carry. */
struct bt_rec {
	struct xdt_prefix_rec r;
	uint8_t room[XDT_PREFIX_HANDSHAKE];
};

struct bt {
	const char *name;	/* "xdt_xdp" or "xdt_tc_egress", for messages */
	int prog_fd;
	int flows_fd;
	int done_fd;
	int stats_fd;
	int ifstats_fd;
	struct ring_buffer *rb;
	uint32_t pass;		/* the verdict for a packet the program lets through */
	uint8_t hook;		/* XDT_HOOK_* the prefix records carry */
	bool skb;		/* the test run builds an skb (TC) */
	uint32_t ifdir;		/* XDT_IFSTAT_RX (XDP) or XDT_IFSTAT_TX (TC) */
	uint32_t ifindex;	/* interface the frames run on; 0: the test run's default (lo) */
	uint32_t dpi_packets;
	uint32_t dpi_bytes;
	int nrec;
	struct bt_rec rec[BT_MAX_REC];
};

static const char *const bt_stat_names[XDT_KSTAT__COUNT] = {
	[XDT_KSTAT_PACKETS] = "PACKETS",
	[XDT_KSTAT_COUNTED] = "COUNTED",
	[XDT_KSTAT_UNSUPPORTED] = "UNSUPPORTED",
	[XDT_KSTAT_MALFORMED] = "MALFORMED",
	[XDT_KSTAT_FRAGMENTS] = "FRAGMENTS",
	[XDT_KSTAT_PREFIXES] = "PREFIXES",
	[XDT_KSTAT_RB_FULL] = "RB_FULL",
	[XDT_KSTAT_MAP_FULL] = "MAP_FULL",
	[XDT_KSTAT_REDIRECTED] = "REDIRECTED",
	[XDT_KSTAT_FLOWS_NEW] = "FLOWS_NEW",
};

/*
 * The tests cannot run here (not root, program does not load): skip, or fail
 * when XDT_BPF_REQUIRED is set (CI on a kernel that must run them).
 */
#define bt_unavailable(...) \
	do { \
		if (getenv("XDT_BPF_REQUIRED")) \
			cr_assert_fail(__VA_ARGS__); \
		cr_skip_test(__VA_ARGS__); \
	} while (0)

static inline void bt_require_root(void)
{
	if (geteuid() != 0)
		bt_unavailable("BPF unit tests need root (BPF_PROG_LOAD, BPF_PROG_TEST_RUN)");
}

static inline int bt_rb_record(void *ctx, void *data, size_t size)
{
	struct bt *t = ctx;

	cr_assert(size == sizeof(struct xdt_prefix_rec) + XDT_PREFIX_MAX ||
		  size == sizeof(struct xdt_prefix_rec) + XDT_PREFIX_HANDSHAKE,
		  "ring record of %zu bytes, expected %zu or %zu", size,
		  sizeof(struct xdt_prefix_rec) + XDT_PREFIX_MAX,
		  sizeof(struct xdt_prefix_rec) + XDT_PREFIX_HANDSHAKE);
	cr_assert_lt(t->nrec, BT_MAX_REC, "more prefix records than the test can hold");
	memcpy(&t->rec[t->nrec++], data, size);
	return 0;
}

/* Fill @t from a loaded object's fds and the rodata it was loaded with. */
static inline void bt_init(struct bt *t, const char *name, int prog_fd, int flows_fd, int done_fd,
			   int stats_fd, int ifstats_fd, int prefixes_fd, uint32_t pass,
			   uint8_t hook, const struct bt_cfg *cfg)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->prog_fd = prog_fd;
	t->flows_fd = flows_fd;
	t->done_fd = done_fd;
	t->stats_fd = stats_fd;
	t->ifstats_fd = ifstats_fd;
	t->pass = pass;
	t->hook = hook;
	t->ifdir = hook == XDT_HOOK_TC_EGRESS ? XDT_IFSTAT_TX : XDT_IFSTAT_RX;
	t->dpi_packets = cfg && cfg->dpi_packets ? cfg->dpi_packets : BT_DEFAULT_DPI_PACKETS;
	t->dpi_bytes = cfg && cfg->dpi_bytes ? cfg->dpi_bytes : BT_DEFAULT_DPI_BYTES;
	t->rb = ring_buffer__new(prefixes_fd, bt_rb_record, t, NULL);
	cr_assert_not_null(t->rb, "ring_buffer__new: %s", strerror(errno));
}

/*
 * The network namespace the test started in, and a tap device in a private one:
 * an interface besides loopback for the test run to take frames from.
 */
static int bt_netns_fd = -1;
static int bt_tap_fd = -1;

/*
 * Move the test into a new network namespace and make tap device @name in it
 * (the tun ioctl: no netlink needed). Both go away with bt_if_fini() or, if the
 * test dies, with its process. Returns the tap's ifindex.
 */
static inline uint32_t bt_if_tap(const char *name)
{
	struct ifreq ifr;
	unsigned int ifindex;

	cr_assert_eq(bt_netns_fd, -1, "one tap per test");
	bt_netns_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	cr_assert_geq(bt_netns_fd, 0, "/proc/self/ns/net: %s", strerror(errno));
	if (unshare(CLONE_NEWNET) < 0)
		bt_unavailable("unshare(CLONE_NEWNET): %s", strerror(errno));
	bt_tap_fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (bt_tap_fd < 0)
		bt_unavailable("/dev/net/tun: %s (a tap device stands in for an interface)",
			       strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(bt_tap_fd, TUNSETIFF, &ifr) < 0)
		bt_unavailable("TUNSETIFF %s: %s", name, strerror(errno));
	ifindex = if_nametoindex(name);
	cr_assert_gt(ifindex, 1, "tap %s has no ifindex: %s", name, strerror(errno));
	return ifindex;
}

/* Remove the tap and go back to the test's namespace; nothing to do without bt_if_tap(). */
static inline void bt_if_fini(void)
{
	if (bt_tap_fd >= 0)
		close(bt_tap_fd);
	bt_tap_fd = -1;
	if (bt_netns_fd >= 0) {
		if (setns(bt_netns_fd, CLONE_NEWNET) < 0)
			cr_log_error("setns back to the test's network namespace: %s",
				     strerror(errno));
		close(bt_netns_fd);
	}
	bt_netns_fd = -1;
}

static inline void bt_fini(struct bt *t)
{
	ring_buffer__free(t->rb);
	t->rb = NULL;
	bt_if_fini();
}

/*
 * Raw test run: 0 and the verdict in *retval, or -errno from the syscall. With
 * t->ifindex set, the frame arrives on (XDP) or leaves by (TC) that interface.
 */
static inline int bt_try_run(struct bt *t, const void *data, size_t len, uint32_t *retval,
			     void *out, uint32_t *out_len)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = data, .data_size_in = (__u32)len,
		    .data_out = out, .data_size_out = out_len ? *out_len : 0, .repeat = 1);
	struct xdp_md xdp = { .data_end = (__u32)len, .ingress_ifindex = t->ifindex };
	struct __sk_buff skb = { .ifindex = t->ifindex };
	int rc;

	if (t->ifindex && t->skb) {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	} else if (t->ifindex) {
		opts.ctx_in = &xdp;
		opts.ctx_size_in = sizeof(xdp);
	}
	rc = bpf_prog_test_run_opts(t->prog_fd, &opts);
	if (rc < 0)
		return -errno;
	*retval = opts.retval;
	if (out_len)
		*out_len = opts.data_size_out;
	return 0;
}

/* Run one frame; the syscall must succeed. Returns the verdict. */
static inline uint32_t bt_run(struct bt *t, const struct fb *f)
{
	uint32_t retval = 0;
	int rc = bt_try_run(t, f->b, f->n, &retval, NULL, NULL);

	cr_assert_eq(rc, 0, "%s: BPF_PROG_TEST_RUN of a %zu-byte frame: %s", t->name, f->n,
		     strerror(-rc));
	return retval;
}

/* Run one frame and expect the program to let it through. */
static inline void bt_send(struct bt *t, const struct fb *f)
{
	uint32_t v = bt_run(t, f);

	cr_assert_eq(v, t->pass, "%s: verdict %d for a %zu-byte frame, expected %d", t->name,
		     (int)v, f->n, (int)t->pass);
}

/* Statistics slot @slot summed over the CPUs. */
static inline uint64_t bt_stat(struct bt *t, uint32_t slot)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *v, sum = 0;
	int i;

	cr_assert_gt(ncpu, 0, "libbpf_num_possible_cpus: %d", ncpu);
	v = calloc((size_t)ncpu, sizeof(*v));
	cr_assert_not_null(v);
	cr_assert_eq(bpf_map_lookup_elem(t->stats_fd, &slot, v), 0, "xdt_stats[%u]: %s", slot,
		     strerror(errno));
	for (i = 0; i < ncpu; i++)
		sum += v[i];
	free(v);
	return sum;
}

/*
 * Every statistics slot: the ones named (designated initializers by enum
 * xdt_kstat) must have those values, all others must be zero.
 * bt_expect_stats(t, [XDT_KSTAT_PACKETS] = 1, [XDT_KSTAT_COUNTED] = 1);
 */
#define bt_expect_stats(t, ...) \
	bt_check_stats((t), (const uint64_t[XDT_KSTAT__COUNT]){ __VA_ARGS__ }, __LINE__)

/* Entries in the flow map. */
static inline uint64_t bt_flow_count(struct bt *t)
{
	struct xdt_flow_key cur, next;
	const void *prev = NULL;
	uint64_t n = 0;

	while (bpf_map_get_next_key(t->flows_fd, prev, &next) == 0) {
		n++;
		cur = next;
		prev = &cur;
	}
	return n;
}

/*
 * FLOWS_NEW left out of @want is the flow map's size: no test here deletes a flow
 * or fills the map, so every entry was created exactly once.
 */
static inline void bt_check_stats(struct bt *t, const uint64_t *want, int line)
{
	uint32_t s;

	for (s = 0; s < XDT_KSTAT__COUNT; s++) {
		uint64_t got = bt_stat(t, s), w = want[s];

		if (s == XDT_KSTAT_FLOWS_NEW && !w)
			w = bt_flow_count(t);

		cr_expect_eq(got, w, "%s (line %d): stat %s = %llu, expected %llu", t->name,
			     line, bt_stat_names[s], (unsigned long long)got,
			     (unsigned long long)w);
	}
}

/* Per-interface counter @key (slot * 2 + direction) summed over the CPUs. */
static inline struct xdt_ifstat bt_ifstat(struct bt *t, uint32_t key)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xdt_ifstat *v, sum = { 0, 0 };
	int i;

	cr_assert_gt(ncpu, 0, "libbpf_num_possible_cpus: %d", ncpu);
	v = calloc((size_t)ncpu, sizeof(*v));
	cr_assert_not_null(v);
	cr_assert_eq(bpf_map_lookup_elem(t->ifstats_fd, &key, v), 0, "xdt_ifstats[%u]: %s", key,
		     strerror(errno));
	for (i = 0; i < ncpu; i++) {
		sum.packets += v[i].packets;
		sum.bytes += v[i].bytes;
	}
	free(v);
	return sum;
}

/*
 * Every per-interface counter: the slots named (designated initializers by slot)
 * must have those { packets, bytes } in the program's direction, everything else
 * (other slots, and every slot in the other direction) must be zero.
 * bt_expect_ifstats(t, [0] = { 2, 120 }, [3] = { 1, 60 });
 */
#define bt_expect_ifstats(t, ...) \
	bt_check_ifstats((t), (const struct xdt_ifstat[XDT_KERNEL_MAX_IFACES]){ __VA_ARGS__ }, \
			 __LINE__)

static inline void bt_check_ifstats(struct bt *t, const struct xdt_ifstat *want, int line)
{
	static const char *const dir[2] = { [XDT_IFSTAT_RX] = "rx", [XDT_IFSTAT_TX] = "tx" };
	uint32_t key;

	for (key = 0; key < XDT_IFSTAT_KEYS; key++) {
		struct xdt_ifstat got = bt_ifstat(t, key), w = { 0, 0 };

		if (key % 2 == t->ifdir)
			w = want[key / 2];
		cr_expect(got.packets == w.packets && got.bytes == w.bytes,
			  "%s (line %d): interface slot %u %s = %llu packets %llu bytes, expected "
			  "%llu packets %llu bytes", t->name, line, key / 2, dir[key % 2],
			  (unsigned long long)got.packets, (unsigned long long)got.bytes,
			  (unsigned long long)w.packets, (unsigned long long)w.bytes);
	}
}

/* Flow keys, with endpoint a and b given explicitly (the test states the order). */
static inline void bt_put4(uint8_t *dst, uint32_t addr)
{
	dst[0] = (uint8_t)(addr >> 24);
	dst[1] = (uint8_t)(addr >> 16);
	dst[2] = (uint8_t)(addr >> 8);
	dst[3] = (uint8_t)addr;
}

static inline struct xdt_flow_key bt_key4(uint8_t proto, uint32_t a, uint16_t port_a, uint32_t b,
					  uint16_t port_b, uint16_t vlan)
{
	struct xdt_flow_key k;

	memset(&k, 0, sizeof(k));
	bt_put4(k.addr_a, a);
	bt_put4(k.addr_b, b);
	k.port_a = htobe16(port_a);
	k.port_b = htobe16(port_b);
	k.vlan = vlan;
	k.proto = proto;
	k.family = XDT_FAM_IPV4;
	return k;
}

static inline struct xdt_flow_key bt_key6(uint8_t proto, const uint8_t *a, uint16_t port_a,
					  const uint8_t *b, uint16_t port_b, uint16_t vlan)
{
	struct xdt_flow_key k;

	memset(&k, 0, sizeof(k));
	memcpy(k.addr_a, a, 16);
	memcpy(k.addr_b, b, 16);
	k.port_a = htobe16(port_a);
	k.port_b = htobe16(port_b);
	k.vlan = vlan;
	k.proto = proto;
	k.family = XDT_FAM_IPV6;
	return k;
}

static inline struct xdt_flow_key bt_key_arp(uint32_t a, uint32_t b, uint16_t vlan)
{
	struct xdt_flow_key k = bt_key4(0, a, 0, b, 0, vlan);

	k.family = XDT_FAM_ARP;
	return k;
}

static inline void bt_key_str(const struct xdt_flow_key *k, char *buf, size_t len)
{
	size_t i, n;

	n = (size_t)snprintf(buf, len, "fam %u proto %u vlan %u a ", k->family, k->proto, k->vlan);
	for (i = 0; i < 16 && n + 3 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%02x", k->addr_a[i]);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, ":%u b ", be16toh(k->port_a));
	for (i = 0; i < 16 && n + 3 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%02x", k->addr_b[i]);
	if (n < len)
		snprintf(buf + n, len - n, ":%u", be16toh(k->port_b));
}

/* All keys in the flow map (at most BT_MAX_FLOWS). */
static inline int bt_flow_keys(struct bt *t, struct xdt_flow_key *keys)
{
	struct xdt_flow_key cur, next;
	const void *prev = NULL;
	int n = 0;

	while (bpf_map_get_next_key(t->flows_fd, prev, &next) == 0) {
		cr_assert_lt(n, BT_MAX_FLOWS, "more flows than the test can hold");
		keys[n++] = next;
		cur = next;
		prev = &cur;
	}
	return n;
}

/* The flow map holds exactly @keys (in any order). */
static inline void bt_expect_flows(struct bt *t, const struct xdt_flow_key *keys, int n)
{
	struct xdt_flow_key got[BT_MAX_FLOWS];
	char buf[160];
	int ngot = bt_flow_keys(t, got), i, j;

	for (i = 0; i < ngot; i++) {
		for (j = 0; j < n; j++)
			if (memcmp(&got[i], &keys[j], sizeof(keys[j])) == 0)
				break;
		bt_key_str(&got[i], buf, sizeof(buf));
		cr_assert_lt(j, n, "%s: unexpected flow %s", t->name, buf);
	}
	for (j = 0; j < n; j++) {
		for (i = 0; i < ngot; i++)
			if (memcmp(&got[i], &keys[j], sizeof(keys[j])) == 0)
				break;
		bt_key_str(&keys[j], buf, sizeof(buf));
		cr_assert_lt(i, ngot, "%s: missing flow %s", t->name, buf);
	}
	cr_assert_eq(ngot, n, "%s: %d flows, expected %d", t->name, ngot, n);
}

static inline void bt_expect_one_flow(struct bt *t, struct xdt_flow_key k)
{
	bt_expect_flows(t, &k, 1);
}

static inline void bt_expect_no_flows(struct bt *t)
{
	bt_expect_flows(t, NULL, 0);
}

static inline struct xdt_kflow bt_flow(struct bt *t, struct xdt_flow_key k)
{
	struct xdt_kflow f;
	char buf[160];

	bt_key_str(&k, buf, sizeof(buf));
	cr_assert_eq(bpf_map_lookup_elem(t->flows_fd, &k, &f), 0, "%s: no flow %s", t->name, buf);
	return f;
}

/* Per-endpoint counters: index 0 what a sent, 1 what b sent. */
static inline void bt_expect_counts(const struct xdt_kflow *f, uint64_t pkts_a, uint64_t bytes_a,
				    uint64_t pkts_b, uint64_t bytes_b)
{
	cr_expect_eq(f->pkts[0], pkts_a, "pkts from a = %llu, expected %llu",
		     (unsigned long long)f->pkts[0], (unsigned long long)pkts_a);
	cr_expect_eq(f->bytes[0], bytes_a, "bytes from a = %llu, expected %llu",
		     (unsigned long long)f->bytes[0], (unsigned long long)bytes_a);
	cr_expect_eq(f->pkts[1], pkts_b, "pkts from b = %llu, expected %llu",
		     (unsigned long long)f->pkts[1], (unsigned long long)pkts_b);
	cr_expect_eq(f->bytes[1], bytes_b, "bytes from b = %llu, expected %llu",
		     (unsigned long long)f->bytes[1], (unsigned long long)bytes_b);
	cr_expect_neq(f->first_ns, 0, "first_ns set");
	cr_expect_geq(f->last_ns, f->first_ns, "last_ns >= first_ns");
}

/* Consume the ring buffer into t->rec; returns the number of records so far. */
static inline int bt_drain(struct bt *t)
{
	int rc = ring_buffer__consume(t->rb);

	cr_assert_geq(rc, 0, "ring_buffer__consume: %d", rc);
	return t->nrec;
}

static inline void bt_expect_no_records(struct bt *t)
{
	cr_assert_eq(bt_drain(t), 0, "%s: %d prefix records, expected none", t->name, t->nrec);
}

/*
 * Record @i: header, key, direction, lengths, hook, and data equal to the first
 * min(@payload_len, cfg_dpi_bytes, XDT_PREFIX_MAX) bytes of @payload.
 */
static inline void bt_expect_rec(struct bt *t, int i, struct xdt_flow_key k, int from_b,
				 uint32_t payload_len, const uint8_t *payload)
{
	const struct xdt_prefix_rec *r;
	uint32_t cap = payload_len < t->dpi_bytes ? payload_len : t->dpi_bytes;
	char want[160], got[160];
	int hs;

	if (cap > XDT_PREFIX_MAX)
		cap = XDT_PREFIX_MAX;

	bt_drain(t);
	cr_assert_lt(i, t->nrec, "%s: prefix record %d missing (%d records)", t->name, i, t->nrec);
	r = &t->rec[i].r;
	/* Handshake payloads (checked by their own cases) are kept whole, up to 4 KiB. */
	hs = !!(r->flags & XDT_PREFIX_F_HANDSHAKE);
	if (hs)
		cap = payload_len < XDT_PREFIX_HANDSHAKE ? payload_len : XDT_PREFIX_HANDSHAKE;
	cr_expect_eq(r->hdr.type, XDT_REC_PREFIX, "record %d type %u", i, r->hdr.type);
	cr_expect_eq(r->hdr.version, XDT_REC_VERSION, "record %d version %u", i, r->hdr.version);
	cr_expect_eq(r->hdr.len, sizeof(*r) + (hs ? XDT_PREFIX_HANDSHAKE : XDT_PREFIX_MAX),
		     "record %d len %u", i, r->hdr.len);
	bt_key_str(&k, want, sizeof(want));
	bt_key_str(&r->key, got, sizeof(got));
	cr_expect_eq(memcmp(&r->key, &k, sizeof(k)), 0, "record %d key %s, expected %s", i, got,
		     want);
	cr_expect_eq(r->from_b, from_b, "record %d from_b %u, expected %d", i, r->from_b, from_b);
	cr_expect_eq(r->hook, t->hook, "record %d hook %u, expected %u", i, r->hook, t->hook);
	cr_expect_neq(r->ts_ns, 0, "record %d timestamp", i);
	cr_expect_eq(r->payload_len, payload_len, "record %d payload_len %u, expected %u", i,
		     r->payload_len, payload_len);
	cr_assert_eq(r->caplen, cap, "record %d caplen %u, expected %u", i, r->caplen, cap);
	cr_expect_eq(memcmp(r->data, payload, cap), 0, "record %d data differs from the payload",
		     i);
}

/* ---- frame building on top of tests/unit/frames.h ---- */

#define A4 IP4(10, 213, 0, 1)
#define B4 IP4(10, 213, 0, 2)

/* @n payload bytes that differ per @seed, so records can be told apart. */
static inline void bt_payload(struct fb *f, size_t n, uint8_t seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		fb_u8(f, (uint8_t)(seed + i * 7));
}

/* IPv4 (id 1, DF) + TCP with @optlen option bytes + @paylen payload bytes. */
static inline void bt_tcp4(struct fb *f, uint32_t src, uint16_t sport, uint32_t dst,
			   uint16_t dport, uint8_t flags, size_t optlen, size_t paylen,
			   uint8_t seed)
{
	fb_ipv4(f, 6, src, dst, (uint16_t)(20 + 20 + optlen + paylen), 1, 0x4000);
	fb_tcp(f, sport, dport, flags, optlen);
	bt_payload(f, paylen, seed);
}

static inline void bt_tcp6(struct fb *f, const uint8_t *src, uint16_t sport, const uint8_t *dst,
			   uint16_t dport, uint8_t flags, size_t optlen, size_t paylen,
			   uint8_t seed)
{
	fb_ipv6(f, 6, src, dst, (uint16_t)(20 + optlen + paylen));
	fb_tcp(f, sport, dport, flags, optlen);
	bt_payload(f, paylen, seed);
}

static inline void bt_udp4(struct fb *f, uint32_t src, uint16_t sport, uint32_t dst,
			   uint16_t dport, size_t paylen, uint8_t seed)
{
	fb_ipv4(f, 17, src, dst, (uint16_t)(20 + 8 + paylen), 1, 0);
	fb_udp(f, sport, dport, (uint16_t)(8 + paylen));
	bt_payload(f, paylen, seed);
}

static inline void bt_udp6(struct fb *f, const uint8_t *src, uint16_t sport, const uint8_t *dst,
			   uint16_t dport, size_t paylen, uint8_t seed)
{
	fb_ipv6(f, 17, src, dst, (uint16_t)(8 + paylen));
	fb_udp(f, sport, dport, (uint16_t)(8 + paylen));
	bt_payload(f, paylen, seed);
}

static inline void bt_echo4(struct fb *f, uint32_t src, uint32_t dst, uint8_t type, uint16_t id,
			    size_t paylen, uint8_t seed)
{
	fb_ipv4(f, 1, src, dst, (uint16_t)(20 + 8 + paylen), 1, 0);
	fb_icmp_echo(f, type, id, 1);
	bt_payload(f, paylen, seed);
}

static inline void bt_echo6(struct fb *f, const uint8_t *src, const uint8_t *dst, uint8_t type,
			    uint16_t id, size_t paylen, uint8_t seed)
{
	fb_ipv6(f, 58, src, dst, (uint16_t)(8 + paylen));
	fb_icmp_echo(f, type, id, 1);
	bt_payload(f, paylen, seed);
}

/* IPv6 extension header of @len bytes (a multiple of 8), next header @nh, Pad1 filled. */
static inline void bt_ext6(struct fb *f, uint8_t nh, size_t len)
{
	fb_u8(f, nh);
	fb_u8(f, (uint8_t)(len / 8 - 1));
	fb_zero(f, len - 2);
}

/* IPv6 authentication header of @len bytes (a multiple of 4, at least 12). */
static inline void bt_ah6(struct fb *f, uint8_t nh, size_t len)
{
	fb_u8(f, nh);
	fb_u8(f, (uint8_t)(len / 4 - 2));
	fb_zero(f, len - 2);
}

/* IPv6 fragment header: @offset in bytes (a multiple of 8), @more the M flag. */
static inline void bt_frag6(struct fb *f, uint8_t nh, uint16_t offset, int more, uint32_t id)
{
	fb_u8(f, nh);
	fb_u8(f, 0);
	fb_u16(f, (uint16_t)(offset | (more ? 1 : 0)));
	fb_u32(f, id);
}

/* ARP for IPv4 over Ethernet: op 1 request, 2 reply. */
static inline void bt_arp(struct fb *f, uint16_t op, uint32_t sender, uint32_t target)
{
	static const uint8_t mac_s[6] = { 2, 0, 0, 0, 0, 1 }, mac_t[6] = { 2, 0, 0, 0, 0, 2 };

	fb_u16(f, 1);		/* Ethernet */
	fb_u16(f, 0x0800);	/* IPv4 */
	fb_u8(f, 6);
	fb_u8(f, 4);
	fb_u16(f, op);
	fb_bytes(f, mac_s, 6);
	fb_u32(f, sender);
	if (op == 1)
		fb_zero(f, 6);
	else
		fb_bytes(f, mac_t, 6);
	fb_u32(f, target);
}

#endif
