// SPDX-License-Identifier: GPL-2.0-only
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <xdptop/kern.h>

#include "kflow.h"
#include "../flow/table.h"
#include "../proc/owner.h"
#include "../pkt/parse.h"
#include "../util/log.h"

#define BATCH 4096
/* Prefix records per read call: milliseconds of work, then back to the loop and its clock. */
#define RECORD_BUDGET 1024

/*
 * The bound local ports (the xdt_ports map), read whole once per sync. A flood
 * brings a new flow for every entry of the flow map at every read, and a lookup
 * of its port each would be a syscall each: 65,536 a second at the default
 * --max-flows, a third of xdptop's time.
 */
struct port_index {
	struct xdt_port_key *keys;
	struct xdt_owner *vals;
	uint32_t *slot;		/* open addressing: 1 + an index into keys/vals; 0 empty */
	uint32_t cap;		/* the map's max_entries */
	uint32_t mask;		/* slots - 1 */
	int valid;		/* this sync's read succeeded: look here, not in the map */
};

struct xdt_kflow_reader {
	struct xdt_kflow_fds fds;
	struct xdt_engine *e;
	struct ring_buffer *rb;
	struct xdt_kflow_stats stats;
	uint32_t gen;
	int ncpus;
	struct xdt_flow_key *keys;
	struct xdt_kflow *vals;
	xdt_kflow_tap_fn tap;
	void *tap_ctx;
	int budget;		/* records this read call may still take */
	int budget_spent;	/* ... and it stopped because they ran out */
	struct port_index ports;
};

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Offset that turns bpf_ktime_get_ns() (CLOCK_MONOTONIC) into wall-clock time. */
static uint64_t mono_to_real(void)
{
	return clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
}

static void to_sync(const struct xdt_flow_key *k, const struct xdt_kflow *v, uint64_t off,
		    uint32_t gen, struct xdt_flow_sync *s);

static uint32_t port_hash(const struct xdt_port_key *k)
{
	return ((uint32_t)k->port * 2654435761U) ^ ((uint32_t)k->family << 8) ^ k->proto;
}

static int ports_init(struct port_index *pi, int fd)
{
	struct bpf_map_info info;
	__u32 len = sizeof(info), slots = 2;

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	while (slots < 2 * info.max_entries && slots < (1U << 30))
		slots <<= 1;
	pi->cap = info.max_entries;
	pi->mask = slots - 1;
	pi->keys = calloc(pi->cap, sizeof(*pi->keys));
	pi->vals = calloc(pi->cap, sizeof(*pi->vals));
	pi->slot = calloc(slots, sizeof(*pi->slot));
	return pi->keys && pi->vals && pi->slot ? 0 : -ENOMEM;
}

static void ports_free(struct port_index *pi)
{
	free(pi->keys);
	free(pi->vals);
	free(pi->slot);
	memset(pi, 0, sizeof(*pi));
}

/* Read the whole map; on any error the lookups go to the map itself. */
static void ports_read(struct port_index *pi, int fd)
{
	__u32 in, out, n, have = 0, i, h;
	int first = 1, err;

	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	pi->valid = 0;
	if (!pi->slot)
		return;
	for (;;) {
		n = pi->cap - have;
		err = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, pi->keys + have,
					   pi->vals + have, &n, &opts);
		err = err < 0 ? -errno : 0;
		if (err && err != -ENOENT)
			return;
		have += n;
		if (err == -ENOENT || have >= pi->cap)
			break;
		in = out;
		first = 0;
	}
	memset(pi->slot, 0, ((size_t)pi->mask + 1) * sizeof(*pi->slot));
	for (i = 0; i < have; i++) {
		for (h = port_hash(&pi->keys[i]) & pi->mask; pi->slot[h]; h = (h + 1) & pi->mask)
			;
		pi->slot[h] = i + 1;
	}
	pi->valid = 1;
}

/* The owner of bound port @k: 0, or -ENOENT. */
static int ports_find(struct xdt_kflow_reader *r, const struct xdt_port_key *k,
		      struct xdt_owner *o)
{
	struct port_index *pi = &r->ports;
	uint32_t h;

	if (!pi->valid)
		return bpf_map_lookup_elem(r->fds.ports, k, o) ? -ENOENT : 0;
	for (h = port_hash(k) & pi->mask; pi->slot[h]; h = (h + 1) & pi->mask) {
		if (!memcmp(&pi->keys[pi->slot[h] - 1], k, sizeof(*k))) {
			*o = pi->vals[pi->slot[h] - 1];
			return 0;
		}
	}
	return -ENOENT;
}

static void take_record(struct xdt_kflow_reader *r, const void *data, size_t len)
{
	const struct xdt_prefix_rec *rec = data;
	struct xdt_dpi_payload pl;
	struct xdt_flow *f;

	/* Check the header before trusting anything else in the record. */
	if (len < sizeof(*rec) || rec->hdr.type != XDT_REC_PREFIX ||
	    rec->hdr.version != XDT_REC_VERSION || rec->hdr.len > len ||
	    (rec->hdr.len != sizeof(*rec) + XDT_PREFIX_MAX &&
	     rec->hdr.len != sizeof(*rec) + XDT_PREFIX_HANDSHAKE) ||
	    rec->caplen > rec->hdr.len - sizeof(*rec) || rec->caplen > rec->payload_len) {
		r->stats.prefix_bad++;
		return;
	}
	pl = (struct xdt_dpi_payload){
		.data = rec->data,
		.caplen = rec->caplen,
		.wire_len = rec->payload_len,
		.tcp_seq = rec->tcp_seq,
		.from_b = rec->from_b & 1,
		.has_seq = !!(rec->flags & XDT_PREFIX_F_SEQ),
	};
	f = xdt_kflow_note_prefix(r, &rec->key, &pl);
	if (r->tap)
		r->tap(r->tap_ctx, &rec->key, &pl, rec->ts_ns + mono_to_real(), f);
}

/*
 * libbpf reads on while the ring has records, and a flood refills it as fast: a
 * negative return (after the record is taken) is the only way to stop it.
 */
static int on_record(void *ctx, void *data, size_t len)
{
	struct xdt_kflow_reader *r = ctx;

	take_record(r, data, len);
	if (--r->budget > 0)
		return 0;
	r->budget_spent = 1;
	return -EAGAIN;
}

void xdt_kflow_set_tap(struct xdt_kflow_reader *r, xdt_kflow_tap_fn fn, void *ctx)
{
	r->tap = fn;
	r->tap_ctx = ctx;
}

/*
 * Room in the table for one more flow. The oldest makes way if the kernel no
 * longer has it: it ends as evicted, as the next read of the map would end it.
 * One the kernel still counts stays, and the new flow waits for that read: a
 * flow ended here and read again later would be reported twice. 0, or -EBUSY.
 */
static int make_room(struct xdt_kflow_reader *r)
{
	struct xdt_flow_table *t = xdt_engine_flows(r->e);
	struct xdt_flow *old;
	struct xdt_kflow v;

	if (!xdt_flow_table_full(t))
		return 0;
	old = xdt_flow_table_oldest(t);
	if (!old || bpf_map_lookup_elem(r->fds.flows, &old->key, &v) == 0)
		return -EBUSY;
	xdt_flow_table_end_evicted(t, old);
	return 0;
}

struct xdt_flow *xdt_kflow_note_prefix(struct xdt_kflow_reader *r, const struct xdt_flow_key *k,
				       const struct xdt_dpi_payload *pl)
{
	int from_b = pl->from_b;

	struct xdt_flow *f;

	r->stats.prefixes++;
	f = xdt_flow_table_lookup(xdt_engine_flows(r->e), k);
	if (!f) {
		/* Newer than our last map read: read just this flow now. */
		struct xdt_flow_sync s;
		struct xdt_kflow v;

		if (bpf_map_lookup_elem(r->fds.flows, k, &v) != 0 || make_room(r) < 0)
			return NULL;
		to_sync(k, &v, mono_to_real(), r->gen, &s);
		f = xdt_flow_table_sync(xdt_engine_flows(r->e), &s);
		if (!f)
			return NULL;
	}
	f->prefixes[(!from_b) == f->init_is_a ? XDT_DIR_OUT : XDT_DIR_IN]++;
	xdt_engine_prefix(r->e, f, pl);
	return f;
}

void xdt_kflow_done(struct xdt_kflow_reader *r, const struct xdt_flow_key *k)
{
	uint8_t one = 1;

	if (bpf_map_update_elem(r->fds.done, k, &one, BPF_ANY) == 0)
		r->stats.done_marked++;
}

struct xdt_kflow_reader *xdt_kflow_reader_new(const struct xdt_kflow_fds *fds,
					      struct xdt_engine *e)
{
	struct xdt_kflow_reader *r = calloc(1, sizeof(*r));
	int err;

	if (!r)
		return NULL;
	r->fds = *fds;
	/* A positional initializer that predates the member leaves it 0. */
	if (r->fds.ifstats == 0)
		r->fds.ifstats = -1;
	r->e = e;
	r->ncpus = libbpf_num_possible_cpus();
	r->keys = calloc(BATCH, sizeof(*r->keys));
	r->vals = calloc(BATCH, sizeof(*r->vals));
	r->rb = ring_buffer__new(fds->prefixes, on_record, r, NULL);
	/* Without the index every lookup goes to the map: slower, as correct. */
	if (r->fds.ports >= 0 && ports_init(&r->ports, r->fds.ports) < 0)
		ports_free(&r->ports);
	if (!r->keys || !r->vals || !r->rb || r->ncpus <= 0) {
		err = errno ? errno : ENOMEM;
		xdt_kflow_reader_free(r);
		errno = err;
		return NULL;
	}
	return r;
}

void xdt_kflow_reader_free(struct xdt_kflow_reader *r)
{
	if (!r)
		return;
	ring_buffer__free(r->rb);
	ports_free(&r->ports);
	free(r->keys);
	free(r->vals);
	free(r);
}

int xdt_kflow_poll_prefixes(struct xdt_kflow_reader *r)
{
	int n;

	r->budget = RECORD_BUDGET;
	r->budget_spent = 0;
	n = ring_buffer__consume(r->rb);
	return n < 0 && !r->budget_spent ? n : 0;
}

int xdt_kflow_wait_prefixes(struct xdt_kflow_reader *r, int max_wait_ms)
{
	int n;

	/*
	 * The last call left records behind: the kernel wakes a reader only once it
	 * has caught up, so waiting for a wake-up now would sleep the whole timeout.
	 */
	if (r->budget_spent)
		return xdt_kflow_poll_prefixes(r);
	r->budget = RECORD_BUDGET;
	r->budget_spent = 0;
	n = ring_buffer__poll(r->rb, max_wait_ms);
	return n < 0 && n != -EINTR && !r->budget_spent ? n : 0;
}

/* State from the flags each side sent, named from the initiator's side. */
static uint8_t tcp_state(const struct xdt_kflow *v, int init_is_a)
{
	uint32_t fi = v->tcp_flags[init_is_a ? 0 : 1], fr = v->tcp_flags[init_is_a ? 1 : 0];
	int fin_first_init = v->fin_first_from_b == !init_is_a;

	if ((fi | fr) & XDT_TCP_RST)
		return XDT_TCP_RESET;
	if ((fi & XDT_TCP_FIN) && (fr & XDT_TCP_FIN))
		return fin_first_init ? XDT_TCP_TIME_WAIT : XDT_TCP_CLOSED;
	if (fi & XDT_TCP_FIN)
		return XDT_TCP_FIN_WAIT;
	if (fr & XDT_TCP_FIN)
		return XDT_TCP_CLOSE_WAIT;
	if (fi & XDT_TCP_ACK)
		return XDT_TCP_ESTABLISHED;	/* a pure SYN carries no ACK */
	if ((fr & (XDT_TCP_SYN | XDT_TCP_ACK)) == (XDT_TCP_SYN | XDT_TCP_ACK))
		return XDT_TCP_SYN_RECV;
	if (fi & XDT_TCP_SYN)
		return XDT_TCP_SYN_SENT;
	return XDT_TCP_ESTABLISHED;
}

static void to_sync(const struct xdt_flow_key *k, const struct xdt_kflow *v, uint64_t off,
		    uint32_t gen, struct xdt_flow_sync *s)
{
	int first_is_init = 1;

	memset(s, 0, sizeof(*s));
	s->key = *k;
	s->pkts[0] = v->pkts[0];
	s->pkts[1] = v->pkts[1];
	s->bytes[0] = v->bytes[0];
	s->bytes[1] = v->bytes[1];
	s->first_ns = v->first_ns + off;
	s->last_ns = v->last_ns + off;
	/* The same rule as the packet path: a first SYN+ACK or echo reply names its receiver. */
	if (k->proto == 6 && k->family != XDT_FAM_ARP &&
	    (v->first_tcp_flags & (XDT_TCP_SYN | XDT_TCP_ACK)) == (XDT_TCP_SYN | XDT_TCP_ACK))
		first_is_init = 0;
	if (v->first_icmp_echo == 2)
		first_is_init = 0;
	s->init_is_a = first_is_init ? !v->first_from_b : v->first_from_b;
	s->tcp_state = k->proto == 6 && k->family != XDT_FAM_ARP ? tcp_state(v, s->init_is_a)
								  : XDT_TCP_NONE;
	s->gen = gen;
	s->cookie = v->cookie;
	if (s->tcp_state == XDT_TCP_RESET) {
		uint32_t fi = v->tcp_flags[s->init_is_a ? 0 : 1], fr = v->tcp_flags[s->init_is_a ? 1 : 0];

		s->refused = (fi & XDT_TCP_SYN) && (fr & XDT_TCP_RST) && !(fr & XDT_TCP_SYN);
	}
}

static void owner_from_kernel(struct xdt_kflow_reader *r, struct xdt_flow_owner *fo,
			      const struct xdt_owner *o, int by_port)
{
	struct xdt_exec ex;
	int have_exec;

	fo->pid = (int32_t)o->tgid;
	fo->uid = o->uid;
	fo->ts_boot_ns = o->ts_boot_ns;
	memcpy(fo->comm, o->comm, sizeof(fo->comm));
	fo->comm[sizeof(fo->comm) - 1] = '\0';
	fo->method = XDT_METHOD_KERNEL;
	fo->hook = o->hook;
	fo->by_port = (uint8_t)by_port;
	have_exec = r->fds.execs >= 0 && bpf_map_lookup_elem(r->fds.execs, &o->tgid, &ex) == 0;
	if (have_exec)
		ex.path[sizeof(ex.path) - 1] = '\0';
	xdt_owner_resolve(xdt_engine_procs(r->e), fo, have_exec ? ex.path : NULL,
			  have_exec ? ex.ts_boot_ns : 0);
}

/*
 * Join a flow with the owner the cgroup hooks recorded: by the cookie of the
 * local socket that sent it (TC egress), else, for a flow that never left
 * through a full socket (a datagram to a server that does not answer), by the
 * bound local port of its responder. Looked up once per cookie.
 */
static void attribute(struct xdt_kflow_reader *r, struct xdt_flow *f)
{
	struct xdt_port_key pk;
	struct xdt_owner o;

	if (r->fds.owners < 0 || f->key.family == XDT_FAM_ARP ||
	    (f->owner.method == XDT_METHOD_KERNEL && !f->owner.by_port))
		return;
	if (f->cookie && f->cookie != f->owner_cookie) {
		f->owner_cookie = f->cookie;
		if (bpf_map_lookup_elem(r->fds.owners, &f->cookie, &o) == 0) {
			owner_from_kernel(r, &f->owner, &o, 0);
			r->stats.attributed++;
			return;
		}
	}
	if (f->owner.method != XDT_METHOD_NONE || r->fds.ports < 0 ||
	    (f->key.proto != 6 && f->key.proto != 17) || f->owner_cookie == UINT64_MAX)
		return;
	f->owner_cookie = f->cookie ? f->cookie : UINT64_MAX;
	pk = (struct xdt_port_key){
		.port = be16toh(f->init_is_a ? f->key.port_b : f->key.port_a),
		.family = f->key.family,
		.proto = f->key.proto,
	};
	if (ports_find(r, &pk, &o) == 0) {
		owner_from_kernel(r, &f->owner, &o, 1);
		r->stats.attributed++;
	}
}

/*
 * One entry of a read of the map. A flow new to a full table is left out (1):
 * making room would end a flow the kernel may still have, one this read has not
 * come to yet, and it would be reported again when it does. With @new_only,
 * flows already in the table are skipped (a second pass).
 */
static int sync_one(struct xdt_kflow_reader *r, const struct xdt_flow_key *k,
		    struct xdt_kflow *v, uint64_t off, uint64_t now_real, int new_only)
{
	struct xdt_flow_table *t = xdt_engine_flows(r->e);
	struct xdt_flow_sync s;
	struct xdt_flow *f = xdt_flow_table_lookup(t, k);

	if (f && new_only)
		return 0;
	if (!f && xdt_flow_table_full(t))
		return 1;
	to_sync(k, v, off, r->gen, &s);
	f = xdt_flow_table_sync(t, &s);
	if (!f)
		return 0;
	attribute(r, f);
	/*
	 * Idle past its timeout: take it out of the kernel with its final counters, so
	 * no packet between this read and the removal goes uncounted.
	 */
	if (now_real > f->last_ns && now_real - f->last_ns >= xdt_flow_timeout_ns(f) &&
	    bpf_map_lookup_and_delete_elem(r->fds.flows, k, v) == 0) {
		r->stats.flows_removed++;
		to_sync(k, v, off, r->gen, &s);
		f = xdt_flow_table_sync(t, &s);
		/*
		 * Unless a packet came in between, it is gone from the kernel now: end it
		 * here, or the next read would take its absence for an eviction.
		 */
		if (f && (now_real <= f->last_ns || now_real - f->last_ns >= xdt_flow_timeout_ns(f)))
			xdt_flow_table_end_idle(t, f);
	}
	return 0;
}

static void read_stats(struct xdt_kflow_reader *r)
{
	struct xdt_engine_stats *es = xdt_engine_stats_mut(r->e);
	uint64_t sum[XDT_KSTAT_SLOTS] = { 0 };
	uint64_t *per_cpu = calloc((size_t)r->ncpus, sizeof(uint64_t));
	uint32_t slot;
	int c;

	if (!per_cpu)
		return;
	for (slot = 0; slot < XDT_KSTAT_SLOTS; slot++) {
		if (bpf_map_lookup_elem(r->fds.stats, &slot, per_cpu))
			continue;
		for (c = 0; c < r->ncpus; c++)
			sum[slot] += per_cpu[c];
	}
	free(per_cpu);
	es->packets = sum[XDT_KSTAT_PACKETS];
	es->unsupported = sum[XDT_KSTAT_UNSUPPORTED];
	es->malformed = sum[XDT_KSTAT_MALFORMED];
	/* By reason, as the pcap path counts them: the same enum indexes both. */
	for (slot = 1; slot < XDT_MAL__COUNT; slot++)
		es->malformed_by[slot] = sum[XDT_KSTAT_MALFORMED_BY + slot];
	es->frag_unattributed = sum[XDT_KSTAT_FRAGMENTS];
	es->parsed = es->packets - es->unsupported - es->malformed;
	r->stats.prefix_lost = sum[XDT_KSTAT_RB_FULL];
	r->stats.map_full = sum[XDT_KSTAT_MAP_FULL];
	r->stats.redirected = sum[XDT_KSTAT_REDIRECTED];
	r->stats.flows_created = sum[XDT_KSTAT_FLOWS_NEW];
	/* Created after the map was read are not evicted: clamp, never wrap. */
	r->stats.flows_evicted = r->stats.flows_created >
					 r->stats.kernel_flows + r->stats.flows_removed
				 ? r->stats.flows_created - r->stats.kernel_flows -
					   r->stats.flows_removed
				 : 0;
}

/* One pass over the whole map: entries read into @read, left out into @left. 0 or -errno. */
static int read_map(struct xdt_kflow_reader *r, uint64_t off, uint64_t now_real, int new_only,
		    uint64_t *read, uint64_t *left)
{
	__u32 in, out;	/* hash map batches resume at a bucket index */
	int first = 1, err;
	__u32 n, i;

	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	*read = *left = 0;
	for (;;) {
		n = BATCH;
		err = bpf_map_lookup_batch(r->fds.flows, first ? NULL : &in, &out, r->keys,
					   r->vals, &n, &opts);
		err = err < 0 ? -errno : 0;
		if (err && err != -ENOENT)
			return err;
		for (i = 0; i < n; i++)
			*left += (uint64_t)sync_one(r, &r->keys[i], &r->vals[i], off, now_real,
						    new_only);
		*read += n;
		if (err == -ENOENT)	/* that was the last batch */
			return 0;
		in = out;
		first = 0;
	}
}

int xdt_kflow_sync(struct xdt_kflow_reader *r)
{
	uint64_t off = mono_to_real(), now_real = clock_ns(CLOCK_REALTIME);
	uint64_t read, left, removed = r->stats.flows_removed, n;
	int err;

	r->gen++;
	if (r->fds.ports >= 0)
		ports_read(&r->ports, r->fds.ports);
	err = read_map(r, off, now_real, 0, &read, &left);
	if (err)
		return err;	/* a partial read would end live flows as evicted */
	xdt_flow_table_end_unsynced(xdt_engine_flows(r->e), r->gen);
	/*
	 * New flows a full table left out (a flood): the flows gone from the kernel
	 * have made way now, so a second pass takes them. One that fails leaves them
	 * to the next sync.
	 */
	if (left)
		read_map(r, off, now_real, 1, &n, &left);
	xdt_engine_tick(r->e, now_real);
	/* What was read, less what this sync took out as idle. */
	removed = r->stats.flows_removed - removed;
	r->stats.kernel_flows = read > removed ? read - removed : 0;
	read_stats(r);
	return 0;
}

void xdt_kflow_forget(struct xdt_kflow_reader *r, const struct xdt_flow_key *k, int idle)
{
	if (idle && bpf_map_delete_elem(r->fds.flows, k) == 0)
		r->stats.flows_removed++;
	/* A new connection with the same key must get its prefixes. */
	bpf_map_delete_elem(r->fds.done, k);
}

const struct xdt_kflow_stats *xdt_kflow_stats(const struct xdt_kflow_reader *r)
{
	return &r->stats;
}

/* One direction of one interface slot, summed over the CPUs. */
static int ifstat_sum(const struct xdt_kflow_reader *r, uint32_t key, struct xdt_ifstat *sum)
{
	struct xdt_ifstat *per_cpu = calloc((size_t)r->ncpus, sizeof(*per_cpu));
	int c, err = 0;

	if (!per_cpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(r->fds.ifstats, &key, per_cpu)) {
		err = -errno;
		goto out;
	}
	sum->packets = sum->bytes = 0;
	for (c = 0; c < r->ncpus; c++) {
		sum->packets += per_cpu[c].packets;
		sum->bytes += per_cpu[c].bytes;
	}
out:
	free(per_cpu);
	return err;
}

int xdt_kflow_ifstats(struct xdt_kflow_reader *r, unsigned int slot, uint64_t *rx_packets,
		      uint64_t *rx_bytes, uint64_t *tx_packets, uint64_t *tx_bytes)
{
	struct xdt_ifstat rx, tx;
	int err;

	if (r->fds.ifstats < 0)
		return -ENOENT;
	if (slot >= XDT_KERNEL_MAX_IFACES)
		return -EINVAL;
	err = ifstat_sum(r, slot * 2 + XDT_IFSTAT_RX, &rx);
	if (!err)
		err = ifstat_sum(r, slot * 2 + XDT_IFSTAT_TX, &tx);
	if (err)
		return err;
	if (rx_packets)
		*rx_packets = rx.packets;
	if (rx_bytes)
		*rx_bytes = rx.bytes;
	if (tx_packets)
		*tx_packets = tx.packets;
	if (tx_bytes)
		*tx_bytes = tx.bytes;
	return 0;
}
