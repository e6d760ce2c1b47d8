/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Flow accounting shared by the XDP and TC programs: canonical key, fragment
 * attribution, the flow map update, and the decision to export a payload prefix.
 */
#ifndef XDT_KERN_FLOW_H
#define XDT_KERN_FLOW_H

#include "parse.h"
#include <xdptop/frag.h>
#include <xdptop/kern.h>

/* Set by the loader before load (rodata). */
const volatile __u32 cfg_dpi_packets = 4;	/* prefixes per flow and direction */
const volatile __u32 cfg_dpi_bytes = 256;	/* bytes per prefix, <= XDT_PREFIX_MAX */
const volatile __u8 cfg_mirror = 0;		/* XDP: AF_XDP mirror mode */
/*
 * The watched interfaces in slot order (xdt_ifstats); the list ends at the first 0.
 * Not frozen: an interface deleted and created again gets a new ifindex, which
 * userspace writes here (.bss is mmapped) when it attaches again.
 */
volatile __u32 cfg_ifindex[XDT_KERNEL_MAX_IFACES] = { 0 };

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);	/* resized by the loader: --max-flows */
	__type(key, struct xdt_flow_key);
	__type(value, struct xdt_kflow);
} xdt_flows SEC(".maps");

/* Flows userspace has seen enough of: no more prefixes. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct xdt_flow_key);
	__type(value, __u8);
} xdt_done SEC(".maps");

struct xdt_kfrag_key {
	__u8 src[16];
	__u8 dst[16];
	__u32 id;
	__u16 vlan;
	__u8 family;
	__u8 proto;
};

struct xdt_kfrag_val {
	__u64 seen_ns;	/* when the entry was made; older than XDT_KFRAG_TIMEOUT_NS: a new one */
	struct xdt_frag_cover cover;	/* the datagram's bytes seen so far */
	__u16 sport;
	__u16 dport;
	__u8 proto;	/* transport protocol, past any extension headers */
	__u8 has_ports;	/* the first fragment was seen: sport, dport, proto are set */
	__u8 pad[6];
};

/* How long Linux waits for the rest of a datagram (ipfrag_time), as user/pkt/frag.h. */
#define XDT_KFRAG_TIMEOUT_NS (30ULL * 1000000000ULL)

/*
 * Per fragmented datagram, made by whichever of its fragments comes first: the
 * first fragment's ports for the later fragments, and the bytes seen so far
 * (overlapping fragments are malformed, see xdptop/frag.h).
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct xdt_kfrag_key);
	__type(value, struct xdt_kfrag_val);
} xdt_frags SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} xdt_prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDT_KSTAT_SLOTS);
	__type(key, __u32);
	__type(value, __u64);
} xdt_stats SEC(".maps");

static __always_inline void kstat(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&xdt_stats, &slot);

	if (v)
		(*v)++;
}

/* A malformed frame: the total and its reason's slot (enum xdt_malformed). */
static __always_inline void kmalformed(__u32 reason)
{
	kstat(XDT_KSTAT_MALFORMED);
	kstat(XDT_KSTAT_MALFORMED_BY + reason);
}

/* Per-interface packets and layer-2 bytes (see struct xdt_ifstat). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDT_IFSTAT_KEYS);
	__type(key, __u32);
	__type(value, struct xdt_ifstat);
} xdt_ifstats SEC(".maps");

/*
 * Count a frame of @len bytes seen on @ifindex in direction @dir (XDT_IFSTAT_*).
 * A packet costs a compare per watched interface (the list ends at the first 0),
 * not per slot.
 */
static __always_inline void kifstat(__u32 ifindex, __u32 dir, __u32 len)
{
	struct xdt_ifstat *v;
	__u32 i, key;

#pragma unroll
	for (i = 0; i < XDT_KERNEL_MAX_IFACES; i++) {
		__u32 c = cfg_ifindex[i];

		if (!c)
			return;
		if (c == ifindex)
			break;
	}
	if (i >= XDT_KERNEL_MAX_IFACES)
		return;
	key = i * 2 + dir;
	v = bpf_map_lookup_elem(&xdt_ifstats, &key);
	if (v) {
		v->packets++;
		v->bytes += len;
	}
}

/* memcmp() order of two 16-byte addresses, as userspace orders keys. */
static __always_inline int kaddr_cmp(const __u8 *a, const __u8 *b)
{
	const __u32 *x = (const __u32 *)a, *y = (const __u32 *)b;
	int i;

#pragma unroll
	for (i = 0; i < 4; i++) {
		__u32 u = bpf_ntohl(x[i]), v = bpf_ntohl(y[i]);

		if (u != v)
			return u < v ? -1 : 1;
	}
	return 0;
}

/* Build the canonical key; returns 1 if the sender is endpoint b. */
static __always_inline int kflow_key(const struct kpkt *p, struct xdt_flow_key *k)
{
	int c = kaddr_cmp(p->src, p->dst), from_b;

	if (c == 0)
		c = (int)p->sport - (int)p->dport;
	from_b = c > 0;
	/* Pinging yourself: only the echo type tells the directions apart. */
	if (c == 0 && p->icmp_echo == 2)
		from_b = 1;
	k->family = p->family;
	k->proto = p->proto;
	k->vlan = p->vlan;
	if (!from_b) {
		__builtin_memcpy(k->addr_a, p->src, 16);
		__builtin_memcpy(k->addr_b, p->dst, 16);
		k->port_a = bpf_htons(p->sport);
		k->port_b = bpf_htons(p->dport);
	} else {
		__builtin_memcpy(k->addr_a, p->dst, 16);
		__builtin_memcpy(k->addr_b, p->src, 16);
		k->port_a = bpf_htons(p->dport);
		k->port_b = bpf_htons(p->sport);
	}
	return from_b;
}

#define KFRAG_ORPHAN (-1)	/* a later fragment whose first has not been seen */
#define KFRAG_OVERLAP (-2)	/* overlaps or contradicts earlier fragments: malformed */
#define KFRAG_BAD (-3)		/* no reassembly can use it: malformed */

/*
 * Track a fragment's bytes; remember the first fragment's ports, or give them to
 * a later one. Returns 0 or KFRAG_*.
 */
static __always_inline int kfrag(struct kpkt *p, __u64 now)
{
	struct xdt_kfrag_key fk = {};
	struct xdt_kfrag_val *fv;

	if (p->frag == KFRAG_NONE)
		return 0;
	/*
	 * Here rather than in the parser: the checks would multiply the paths the
	 * verifier walks through the IPv6 extension header loop. The userspace
	 * decoder judges it last too, so both give the same reason.
	 */
	if (xdt_frag_bad_pkt(p->family == XDT_FAM_IPV6, p->ip_bytes, p->frag_off, p->frag_len,
			     p->frag_more))
		return KFRAG_BAD;
	__builtin_memcpy(fk.src, p->src, 16);
	__builtin_memcpy(fk.dst, p->dst, 16);
	fk.id = p->frag_id;
	fk.vlan = p->vlan;
	fk.family = p->family;
	/* Keyed on what every fragment carries: extension headers after the IPv6
	 * Fragment header are only in the first one. */
	fk.proto = p->frag_nh;
	fv = bpf_map_lookup_elem(&xdt_frags, &fk);
	if (!fv || (now > fv->seen_ns && now - fv->seen_ns >= XDT_KFRAG_TIMEOUT_NS)) {
		struct xdt_kfrag_val nv = {};

		/* Another CPU may make it first: then use its entry. */
		nv.seen_ns = now;
		bpf_map_update_elem(&xdt_frags, &fk, &nv, fv ? BPF_ANY : BPF_NOEXIST);
		fv = bpf_map_lookup_elem(&xdt_frags, &fk);
		if (!fv)
			return p->frag == KFRAG_FIRST ? 0 : KFRAG_ORPHAN;
	}
	if (xdt_frag_cover_add(&fv->cover, p->frag_off, p->frag_len, p->frag_more) ==
	    XDT_FRAG_OVERLAP)
		return KFRAG_OVERLAP;
	if (p->frag == KFRAG_FIRST) {
		fv->sport = p->sport;
		fv->dport = p->dport;
		fv->proto = p->proto;
		fv->has_ports = 1;
		return 0;
	}
	if (!fv->has_ports)
		return KFRAG_ORPHAN;
	p->sport = fv->sport;
	p->dport = fv->dport;
	p->proto = fv->proto;
	return 0;
}

/*
 * Count @p into its flow. Returns the flow, or NULL (orphan or overlapping
 * fragment, map full).
 */
static __always_inline struct xdt_kflow *kflow_account(struct kpkt *p, struct xdt_flow_key *k,
						       int *from_b, __u64 now)
{
	struct xdt_kflow *f;
	int d = kfrag(p, now);

	if (d == KFRAG_OVERLAP || d == KFRAG_BAD) {
		kmalformed(d == KFRAG_BAD ? XDT_MAL_BAD_FRAGMENT : XDT_MAL_FRAGMENT_OVERLAP);
		return NULL;
	}
	if (d < 0) {
		kstat(XDT_KSTAT_FRAGMENTS);
		return NULL;
	}
	d = kflow_key(p, k);
	*from_b = d;
	f = bpf_map_lookup_elem(&xdt_flows, k);
	if (!f) {
		struct xdt_kflow nf = {};

		nf.first_ns = now;
		nf.first_from_b = d;
		nf.first_tcp_flags = p->frag == KFRAG_LATER ? 0 : p->tcp_flags;
		nf.first_icmp_echo = p->frag == KFRAG_LATER ? 0 : p->icmp_echo;
		/* Another CPU may insert the same flow first: then use its entry. */
		if (bpf_map_update_elem(&xdt_flows, k, &nf, BPF_NOEXIST) == 0)
			kstat(XDT_KSTAT_FLOWS_NEW);
		f = bpf_map_lookup_elem(&xdt_flows, k);
		if (!f) {
			kstat(XDT_KSTAT_MAP_FULL);
			return NULL;
		}
	}
	d &= 1;
	__sync_fetch_and_add(&f->pkts[d], 1);
	__sync_fetch_and_add(&f->bytes[d], p->ip_bytes);
	f->last_ns = now;
	if (p->proto == IPPROTO_TCP && p->frag != KFRAG_LATER && p->family != XDT_FAM_ARP) {
		__u32 fl = p->tcp_flags;

		if ((f->tcp_flags[d] | fl) != f->tcp_flags[d])
			__sync_fetch_and_or(&f->tcp_flags[d], fl);
		if ((fl & 0x01) && !f->fin_seen) {
			f->fin_first_from_b = d;
			f->fin_seen = 1;
		}
	}
	kstat(XDT_KSTAT_COUNTED);
	return f;
}

/*
 * Whether this packet's payload may go to userspace: it carries payload, it is
 * within the first cfg_dpi_packets of its flow and direction so far, and
 * userspace has not said it is done with the flow. No side effects: the hook
 * then looks at the first payload bytes and claims a slot with kprefix_claim().
 */
static __always_inline int kprefix_wanted(struct xdt_kflow *f, const struct kpkt *p,
					  const struct xdt_flow_key *k, int from_b)
{
	if (!f || p->payload_len == 0 || p->frag == KFRAG_LATER)
		return 0;
	if (f->prefixes[from_b & 1] >= cfg_dpi_packets)
		return 0;
	return !bpf_map_lookup_elem(&xdt_done, k);
}

/* DNS, mDNS, LLMNR, and DHCP and DHCPv6, whose client names sit past byte 240. */
static __always_inline int kport_is_handshake(__u16 port)
{
	return port == 53 || port == 5353 || port == 5355 || port == 67 || port == 68 ||
	       port == 546 || port == 547;
}

/*
 * A handshake payload (see XDT_PREFIX_HANDSHAKE): @head holds its first 4 bytes
 * (zero when it has fewer). A TCP direction that started with a TLS handshake
 * record keeps handshake-sized prefixes, for a ClientHello split over segments.
 */
static __always_inline int kprefix_is_handshake(const struct xdt_kflow *f, const struct kpkt *p,
						const __u8 *head, int from_b)
{
	if (p->proto == IPPROTO_TCP)
		return (f->handshake >> (from_b & 1)) & 1 ||
		       (head[0] == 0x16 && head[1] == 0x03 && head[2] <= 0x04);
	if (p->proto == IPPROTO_UDP)
		return kport_is_handshake(p->sport) || kport_is_handshake(p->dport) ||
		       (head[0] & 0xc0) == 0xc0;	/* QUIC long header */
	return 0;
}

/*
 * Claim one of the direction's cfg_dpi_packets prefix slots. The atomic counter
 * makes "at most cfg_dpi_packets" hold across CPUs. Returns the payload bytes to
 * send (bounded for the record size), 0 when the slots are gone.
 */
static __always_inline __u32 kprefix_claim(struct xdt_kflow *f, const struct kpkt *p, int from_b,
					   int handshake)
{
	__u32 d = from_b & 1, len = p->payload_len, max;

	if (__sync_fetch_and_add(&f->prefixes[d], 1) >= cfg_dpi_packets)
		return 0;
	if (handshake) {
		/* A plain store: losing a race only makes a later prefix smaller. */
		if (p->proto == IPPROTO_TCP && !((f->handshake >> d) & 1))
			f->handshake |= (__u8)(1 << d);
		max = XDT_PREFIX_HANDSHAKE;
	} else {
		max = cfg_dpi_bytes < XDT_PREFIX_MAX ? cfg_dpi_bytes : XDT_PREFIX_MAX;
	}
	return len < max ? len : max;
}

/*
 * Reserve and fill a prefix record except its data; NULL if the ring is full.
 * @handshake must be a constant at each call site: it picks the record size.
 * Records are submitted with default wake-ups: the kernel wakes the reader only
 * when it had caught up, so an idle reader sleeps in epoll and a busy one is never
 * woken per record. Prefixes come with new flows, not with every packet.
 */
static __always_inline struct xdt_prefix_rec *kprefix_begin(const struct kpkt *p,
							    const struct xdt_flow_key *k,
							    int from_b, __u64 now, __u8 hook,
							    const int handshake)
{
	__u32 size = sizeof(struct xdt_prefix_rec) +
		     (handshake ? XDT_PREFIX_HANDSHAKE : XDT_PREFIX_MAX);
	struct xdt_prefix_rec *r;

	r = bpf_ringbuf_reserve(&xdt_prefixes, size, 0);
	if (!r) {
		kstat(XDT_KSTAT_RB_FULL);
		return NULL;
	}
	r->hdr.type = XDT_REC_PREFIX;
	r->hdr.version = XDT_REC_VERSION;
	r->hdr.len = size;
	__builtin_memcpy(&r->key, k, sizeof(*k));
	r->ts_ns = now;
	r->payload_len = p->payload_len;
	r->from_b = from_b;
	r->hook = hook;
	r->tcp_seq = p->tcp_seq;
	r->flags = (p->proto == IPPROTO_TCP ? XDT_PREFIX_F_SEQ : 0) |
		   (handshake ? XDT_PREFIX_F_HANDSHAKE : 0);
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
	r->caplen = 0;
	return r;
}

/* @len bounded so the verifier can see it fits in a record of that kind. */
static __always_inline __u32 kprefix_bound(__u32 len, const int handshake)
{
	if (handshake) {
		len &= 0x1fff;
		return len > XDT_PREFIX_HANDSHAKE ? XDT_PREFIX_HANDSHAKE : len;
	}
	len &= 0x3ff;
	return len > XDT_PREFIX_MAX ? XDT_PREFIX_MAX : len;
}

/* Send @r, whose data the hook copied (@copied bytes; 0 if the copy failed). */
static __always_inline void kprefix_submit(struct xdt_prefix_rec *r, __u32 copied)
{
	r->caplen = copied;
	bpf_ringbuf_submit(r, 0);
	kstat(XDT_KSTAT_PREFIXES);
}

#endif
