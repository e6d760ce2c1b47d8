// SPDX-License-Identifier: GPL-2.0-only
/*
 * pcapng writer (see pcapng.h). Section names in comments are those of
 * draft-ietf-opsawg-pcapng. Blocks are written in host byte order: the
 * Section Header Block's byte-order magic tells readers which one.
 *
 * Loss accounting. stdio writes its buffer out whenever it likes, so a failed
 * write(2) could take with it blocks that fwrite() accepted long before. So
 * that we know exactly what reached the file, a block never straddles a flush
 * we did not ask for: before a block that would not fit in what is left of the
 * buffer, we flush (a block larger than the whole buffer follows such a flush
 * and is flushed before the next one). When a write fails, everything after
 * the last good flush is lost: those packets are moved from "packets" to
 * "write_errors", the file is cut back to that block boundary so that it stays
 * readable, and whatever the file lost of its head (section header, interface
 * descriptions) is written again before the next packet.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <xdptop/flow.h>

#include "pcapng.h"

#define BUF_SIZE (256 * 1024)
/* The largest packet libpcap and Wireshark accept (MAXIMUM_SNAPLEN). */
#define MAX_CAPLEN 262144
/* "Options": an option's length field has 16 bits. */
#define OPT_MAX 0xffff
#define PAD4(n) (((n) + 3) & ~(size_t)3)

/* "Block Types". */
#define BT_IDB 0x00000001
#define BT_EPB 0x00000006
#define BT_SHB 0x0A0D0D0A
#define BYTE_ORDER_MAGIC 0x1A2B3C4D

/* Option codes: "Options", "Section Header Block", "Interface Description Block". */
#define OPT_ENDOFOPT 0
#define OPT_COMMENT 1
#define SHB_OS 3
#define SHB_USERAPPL 4
#define IF_NAME 2
#define IF_DESCRIPTION 3
#define IF_TSRESOL 9
#define TSRESOL_NS 9 /* 10^-9 s: timestamps are in nanoseconds */

#define MSG_QUEUE 4 /* failures waiting for xdt_pcapng_error() */
#define FAIL_SEEN 8 /* failures remembered so that each is reported once */
#define MSG_LEN (PATH_MAX + 256)

struct iface {
	uint16_t linktype;
	uint32_t snaplen;
	char *name;
	char *descr;
};

/* One open output file. */
struct out {
	FILE *f;
	char *buf; /* its stdio buffer */
	char *path;
	unsigned int seq;
	uint64_t size;		   /* bytes handed to stdio */
	uint64_t durable;	   /* of which written out by the last good flush */
	uint64_t packets;	   /* enhanced packet blocks in size */
	uint64_t pend_pkts;	   /* of which after durable */
	unsigned int idbs;	   /* interfaces 0..idbs-1 are described in size */
	unsigned int idbs_durable; /* ... and in durable */
	int err;		   /* errno of the first failed fwrite() of a block */
};

enum fail_kind { FAIL_OPEN, FAIL_WRITE, FAIL_CLOSE };

struct fail {
	enum fail_kind kind;
	int err;
	unsigned int seq;
};

struct xdt_pcapng {
	char *base;
	char *comment;
	char *appl;
	char os[2 * sizeof(((struct utsname *)0)->release) + 2];
	uint64_t rotate_bytes;
	uint64_t next_rotate; /* file size at which the next rotation is tried */
	xdt_pcapng_close_fn on_close;
	void *ctx;
	struct out cur;
	struct iface ifaces[XDT_PCAPNG_MAX_IFACES];
	unsigned int n_ifaces;
	struct xdt_pcapng_stats st;
	struct fail seen[FAIL_SEEN];
	unsigned int n_seen;
	char queue[MSG_QUEUE][MSG_LEN];
	unsigned int q_head, q_len;
	char shown[MSG_LEN];
};

/* An option ("Options"): code, length, value padded to 32 bits. */
struct opt {
	uint16_t code;
	uint16_t len;
	const void *val;
};

/* A block ("General Block Structure") before it is framed. */
struct block {
	uint32_t type;
	const void *fixed; /* the block type's fixed fields */
	size_t fixed_len;
	const uint8_t *data; /* EPB packet data, padded to 32 bits */
	size_t data_len;
	struct opt opt[3];
	int n_opt;
	int is_pkt;
};

static const uint8_t zeros[4];

/* Queue a message for xdt_pcapng_error(), unless this failure was reported before. */
static void __attribute__((format(printf, 5, 6)))
report(struct xdt_pcapng *w, enum fail_kind kind, int err, unsigned int seq, const char *fmt, ...)
{
	unsigned int i, n = w->n_seen < FAIL_SEEN ? w->n_seen : FAIL_SEEN;
	va_list ap;

	for (i = 0; i < n; i++)
		if (w->seen[i].kind == kind && w->seen[i].err == err && w->seen[i].seq == seq)
			return;
	w->seen[w->n_seen++ % FAIL_SEEN] = (struct fail){ kind, err, seq };
	if (w->q_len == MSG_QUEUE)
		return; /* nobody is reading them; the counters still count */
	va_start(ap, fmt);
	vsnprintf(w->queue[(w->q_head + w->q_len) % MSG_QUEUE], MSG_LEN, fmt, ap);
	va_end(ap);
	w->q_len++;
}

/* A string option's length: at most OPT_MAX, cut on a UTF-8 character boundary. */
static size_t opt_strlen(const char *s)
{
	size_t n;

	if (!s)
		return 0;
	n = strnlen(s, OPT_MAX + 1);
	if (n <= OPT_MAX)
		return n;
	n = OPT_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/* Add a string option unless @s is NULL or empty. */
static void add_str_opt(struct block *b, uint16_t code, const char *s)
{
	size_t n = opt_strlen(s);

	if (n)
		b->opt[b->n_opt++] = (struct opt){ code, (uint16_t)n, s };
}

static size_t block_len(const struct block *b)
{
	size_t len = 12 + b->fixed_len + PAD4(b->data_len);
	int i;

	for (i = 0; i < b->n_opt; i++)
		len += 4 + PAD4((size_t)b->opt[i].len);
	return b->n_opt ? len + 4 : len; /* opt_endofopt */
}

/* fwrite() that remembers the first failure of the block in o->err. */
static void put(struct out *o, const void *p, size_t n)
{
	if (!n || o->err)
		return;
	errno = 0;
	if (fwrite(p, 1, n, o->f) != n)
		o->err = errno ? errno : EIO;
}

static void put_u32(struct out *o, uint32_t v)
{
	put(o, &v, sizeof(v));
}

static void put_opt(struct out *o, const struct opt *op)
{
	uint16_t h[2] = { op->code, op->len };

	put(o, h, sizeof(h));
	put(o, op->val, op->len);
	put(o, zeros, PAD4((size_t)op->len) - op->len);
}

/*
 * A write to @o failed: everything after its last good flush is lost. Cut the
 * file back to that block boundary (best effort: a device or a pipe cannot be
 * cut) and count what was lost.
 */
static void out_rewind(struct xdt_pcapng *w, struct out *o, int err)
{
	__fpurge(o->f);
	clearerr(o->f);
	if (ftruncate(fileno(o->f), (off_t)o->durable) == 0)
		fseeko(o->f, (off_t)o->durable, SEEK_SET);
	w->st.packets -= o->pend_pkts;
	w->st.write_errors += o->pend_pkts;
	w->st.bytes -= o->size - o->durable;
	o->packets -= o->pend_pkts;
	o->pend_pkts = 0;
	o->size = o->durable;
	o->idbs = o->idbs_durable;
	o->err = 0;
	report(w, FAIL_WRITE, err, o->seq,
	       "pcap export: writing %s failed: %s; packets are dropped until writing works again "
	       "(free space, or use another --pcap-export path)",
	       o->path, strerror(err));
}

static int out_flush(struct xdt_pcapng *w, struct out *o)
{
	int e;

	errno = 0;
	if (fflush(o->f) == 0) {
		o->durable = o->size;
		o->pend_pkts = 0;
		o->idbs_durable = o->idbs;
		return 0;
	}
	e = errno ? errno : EIO;
	out_rewind(w, o, e);
	return -e;
}

/*
 * Frame and write one block ("General Block Structure"): type, total length,
 * fixed fields, data padded to 32 bits, options ended by opt_endofopt, the
 * total length again.
 */
static int write_block(struct xdt_pcapng *w, struct out *o, const struct block *b)
{
	size_t len = block_len(b);
	int i, e;

	/* Never let stdio flush in the middle of a block (see "Loss accounting"). */
	if (o->size - o->durable + len > BUF_SIZE) {
		e = out_flush(w, o);
		if (e < 0)
			return e;
	}
	put_u32(o, b->type);
	put_u32(o, (uint32_t)len);
	put(o, b->fixed, b->fixed_len);
	put(o, b->data, b->data_len);
	put(o, zeros, PAD4(b->data_len) - b->data_len);
	for (i = 0; i < b->n_opt; i++)
		put_opt(o, &b->opt[i]);
	if (b->n_opt)
		put(o, zeros, 4); /* opt_endofopt: code 0, length 0 */
	put_u32(o, (uint32_t)len);
	if (o->err) {
		e = o->err;
		out_rewind(w, o, e);
		return -e;
	}
	o->size += len;
	w->st.bytes += len;
	if (b->is_pkt) {
		o->packets++;
		o->pend_pkts++;
		w->st.packets++;
	}
	return 0;
}

/* "Section Header Block": version 1.0, section length -1 (not given). */
static int write_shb(struct xdt_pcapng *w, struct out *o)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int64_t section_len;
	} fixed = { BYTE_ORDER_MAGIC, 1, 0, -1 };
	struct block b = { .type = BT_SHB, .fixed = &fixed, .fixed_len = sizeof(fixed) };

	_Static_assert(sizeof(fixed) == 16, "SHB fixed fields");
	add_str_opt(&b, OPT_COMMENT, w->comment);
	add_str_opt(&b, SHB_OS, w->os);
	add_str_opt(&b, SHB_USERAPPL, w->appl);
	return write_block(w, o, &b);
}

/* "Interface Description Block", with if_tsresol saying nanoseconds. */
static int write_idb(struct xdt_pcapng *w, struct out *o, const struct iface *i)
{
	static const uint8_t tsresol = TSRESOL_NS;
	struct {
		uint16_t linktype, reserved;
		uint32_t snaplen;
	} fixed = { i->linktype, 0, i->snaplen };
	struct block b = { .type = BT_IDB, .fixed = &fixed, .fixed_len = sizeof(fixed) };

	_Static_assert(sizeof(fixed) == 8, "IDB fixed fields");
	add_str_opt(&b, IF_NAME, i->name);
	add_str_opt(&b, IF_DESCRIPTION, i->descr);
	b.opt[b.n_opt++] = (struct opt){ IF_TSRESOL, 1, &tsresol };
	return write_block(w, o, &b);
}

/*
 * Give @o what it lacks of its head: the section header, then every declared
 * interface in id order (an EPB's interface id is its IDB's position in the
 * section, "Interface Description Block").
 */
static int out_head(struct xdt_pcapng *w, struct out *o)
{
	int r;

	if (o->size == 0 && (r = write_shb(w, o)) < 0)
		return r;
	while (o->idbs < w->n_ifaces) {
		r = write_idb(w, o, &w->ifaces[o->idbs]);
		if (r < 0)
			return r;
		o->idbs++;
	}
	return 0;
}

/* Create FILE (seq 0) or FILE.seq, mode 0600: captures are sensitive. */
static int out_open(struct xdt_pcapng *w, struct out *o, unsigned int seq, char *msg, size_t msglen)
{
	int fd, e;

	memset(o, 0, sizeof(*o));
	o->seq = seq;
	if (seq == 0)
		o->path = strdup(w->base);
	else if (asprintf(&o->path, "%s.%u", w->base, seq) < 0)
		o->path = NULL;
	o->buf = malloc(BUF_SIZE);
	if (!o->path || !o->buf) {
		e = ENOMEM;
		goto fail;
	}
	/*
	 * FILE is what the user named, a symlink included; the rotated names are ours,
	 * and a link planted at one of them is not followed.
	 */
	fd = open(o->path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC | (seq ? O_NOFOLLOW : 0), 0600);
	if (fd < 0) {
		e = errno;
		goto fail;
	}
	o->f = fdopen(fd, "w");
	if (!o->f) {
		e = errno;
		close(fd);
		goto fail;
	}
	setvbuf(o->f, o->buf, _IOFBF, BUF_SIZE);
	w->st.files++;
	return 0;
fail:
	snprintf(msg, msglen, "pcap export: cannot create %s: %s", o->path ? o->path : w->base,
		 strerror(e));
	free(o->path);
	free(o->buf);
	memset(o, 0, sizeof(*o));
	return -e;
}

/* Flush, tell the caller, close. */
static void out_close(struct xdt_pcapng *w, struct out *o)
{
	int flushed = out_flush(w, o) == 0, e;

	if (w->on_close)
		w->on_close(w->ctx, o->seq, o->path);
	errno = 0;
	/* After a good flush, only close(2) can fail (NFS reports late errors there). */
	if (fclose(o->f) != 0 && flushed) {
		e = errno ? errno : EIO;
		report(w, FAIL_CLOSE, e, o->seq,
		       "pcap export: closing %s failed: %s; its last packets may be lost", o->path,
		       strerror(e));
	}
	free(o->buf);
	free(o->path);
	memset(o, 0, sizeof(*o));
}

/*
 * Rotation: the next file gets its head before the full one is closed. If it
 * cannot be created, packets go on into the full one, and the next try is
 * when that has grown by another rotate_bytes (not on every packet: a
 * directory that refuses files would cost an open() per packet).
 */
static void maybe_rotate(struct xdt_pcapng *w)
{
	char msg[MSG_LEN];
	struct out next;
	int r;

	if (!w->rotate_bytes || !w->cur.packets || w->cur.size < w->next_rotate)
		return;
	r = out_open(w, &next, w->cur.seq + 1, msg, sizeof(msg));
	if (r < 0) {
		report(w, FAIL_OPEN, -r, w->cur.seq + 1,
		       "%s; still writing to %s, trying again after %llu more bytes", msg,
		       w->cur.path, (unsigned long long)w->rotate_bytes);
		w->next_rotate = w->cur.size + w->rotate_bytes;
		return;
	}
	/* A failure here is counted; out_head() is tried again before the next packet. */
	out_head(w, &next);
	out_close(w, &w->cur);
	w->cur = next;
	w->next_rotate = w->rotate_bytes;
}

static char *dup_opt(const char *s, int *fail)
{
	char *d = s ? strdup(s) : NULL;

	if (s && !d)
		*fail = 1;
	return d;
}

static void set_os(struct xdt_pcapng *w)
{
	struct utsname u;

	if (uname(&u) == 0)
		snprintf(w->os, sizeof(w->os), "%s %s", u.sysname, u.release);
}

struct xdt_pcapng *xdt_pcapng_open(const struct xdt_pcapng_opts *o, char *err, size_t errlen)
{
	struct xdt_pcapng *w;
	int fail = 0, r;

	if (!o || !o->path || !o->path[0]) {
		snprintf(err, errlen, "pcap export: no file name given");
		errno = EINVAL;
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		goto nomem;
	w->base = dup_opt(o->path, &fail);
	w->comment = dup_opt(o->shb_comment, &fail);
	w->appl = dup_opt(o->shb_appl, &fail);
	if (fail)
		goto nomem;
	w->rotate_bytes = o->rotate_bytes;
	w->next_rotate = o->rotate_bytes;
	w->on_close = o->on_close;
	w->ctx = o->ctx;
	set_os(w);
	r = out_open(w, &w->cur, 0, err, errlen);
	if (r < 0) {
		xdt_pcapng_close(w);
		errno = -r;
		return NULL;
	}
	out_head(w, &w->cur); /* buffered; a failure is counted and reported */
	return w;
nomem:
	snprintf(err, errlen, "pcap export to %s: out of memory", o->path);
	xdt_pcapng_close(w);
	errno = ENOMEM;
	return NULL;
}

int xdt_pcapng_add_iface(struct xdt_pcapng *w, uint16_t linktype, uint32_t snaplen,
			 const char *name, const char *description)
{
	struct iface *i;
	int fail = 0;

	if (!w)
		return -EINVAL;
	if (w->n_ifaces == XDT_PCAPNG_MAX_IFACES)
		return -ENOSPC;
	i = &w->ifaces[w->n_ifaces];
	i->name = dup_opt(name, &fail);
	i->descr = dup_opt(description, &fail);
	if (fail) {
		free(i->name);
		free(i->descr);
		memset(i, 0, sizeof(*i));
		return -ENOMEM;
	}
	i->linktype = linktype;
	i->snaplen = snaplen;
	w->n_ifaces++;
	/* The interface exists even if this write fails: out_head() retries it. */
	out_head(w, &w->cur);
	return (int)w->n_ifaces - 1;
}

/* "Enhanced Packet Block": timestamp in if_tsresol units, high word first. */
static int write_epb(struct xdt_pcapng *w, int iface, uint64_t ts_ns, const uint8_t *data,
		     uint32_t caplen, uint32_t origlen, const char *comment)
{
	struct {
		uint32_t iface, ts_high, ts_low, caplen, origlen;
	} fixed = { (uint32_t)iface, (uint32_t)(ts_ns >> 32), (uint32_t)ts_ns, caplen, origlen };
	struct block b = { .type = BT_EPB,
			   .fixed = &fixed,
			   .fixed_len = sizeof(fixed),
			   .data = data,
			   .data_len = caplen,
			   .is_pkt = 1 };

	_Static_assert(sizeof(fixed) == 20, "EPB fixed fields");
	add_str_opt(&b, OPT_COMMENT, comment);
	return write_block(w, &w->cur, &b);
}

/*
 * Arguments readers would choke on are refused with -EINVAL and not counted
 * as write errors: a packet longer than MAX_CAPLEN or than the interface's
 * snaplen, or captured longer than it was on the wire.
 */
int xdt_pcapng_write(struct xdt_pcapng *w, int iface, uint64_t ts_ns, const uint8_t *data,
		     uint32_t caplen, uint32_t origlen, const char *comment)
{
	const struct iface *i;
	int r;

	if (!w || iface < 0 || (unsigned int)iface >= w->n_ifaces || (caplen && !data))
		return -EINVAL;
	i = &w->ifaces[iface];
	if (caplen > MAX_CAPLEN || caplen > origlen || (i->snaplen && caplen > i->snaplen))
		return -EINVAL;
	maybe_rotate(w);
	r = out_head(w, &w->cur);
	if (r == 0)
		r = write_epb(w, iface, ts_ns, data, caplen, origlen, comment);
	if (r < 0)
		w->st.write_errors++;
	return r;
}

const char *xdt_pcapng_path(const struct xdt_pcapng *w)
{
	return w->cur.path;
}

unsigned int xdt_pcapng_seq(const struct xdt_pcapng *w)
{
	return w->cur.seq;
}

int xdt_pcapng_flush(struct xdt_pcapng *w)
{
	if (!w)
		return -EINVAL;
	return out_flush(w, &w->cur);
}

const char *xdt_pcapng_error(struct xdt_pcapng *w)
{
	if (!w || !w->q_len)
		return NULL;
	memcpy(w->shown, w->queue[w->q_head], MSG_LEN);
	w->q_head = (w->q_head + 1) % MSG_QUEUE;
	w->q_len--;
	return w->shown;
}

void xdt_pcapng_stats(const struct xdt_pcapng *w, struct xdt_pcapng_stats *out)
{
	*out = w->st;
}

void xdt_pcapng_close(struct xdt_pcapng *w)
{
	unsigned int i;

	if (!w)
		return;
	if (w->cur.f)
		out_close(w, &w->cur);
	for (i = 0; i < w->n_ifaces; i++) {
		free(w->ifaces[i].name);
		free(w->ifaces[i].descr);
	}
	free(w->base);
	free(w->comment);
	free(w->appl);
	free(w);
}

/* --- headers for a payload prefix ------------------------------------------ */

static void be16_put(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void be32_put(uint8_t *p, uint32_t v)
{
	be16_put(p, v >> 16);
	be16_put(p + 2, v & 0xffff);
}

/* A 16-bit length field that cannot hold @v says 65535 (the packet was bigger: GSO). */
static uint32_t len16(uint64_t v)
{
	return v > 0xffff ? 0xffff : (uint32_t)v;
}

/* RFC 791: IHL 5, no options; TOS 0, ID 0, no flags, TTL 64, checksum 0. */
static void synth_ipv4(uint8_t *p, uint8_t proto, const uint8_t *src, const uint8_t *dst,
		       uint64_t l4_len)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	be16_put(p + 2, len16(20 + l4_len));
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
}

/* RFC 8200: traffic class 0, flow label 0, no extension headers, hop limit 64. */
static void synth_ipv6(uint8_t *p, uint8_t proto, const uint8_t *src, const uint8_t *dst,
		       uint64_t l4_len)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	be16_put(p + 4, len16(l4_len));
	p[6] = proto;
	p[7] = 64;
	memcpy(p + 8, src, 16);
	memcpy(p + 24, dst, 16);
}

/* RFC 9293: data offset 5 (no options), PSH|ACK, ack 0, window 0, checksum 0. */
static void synth_tcp(uint8_t *p, __be16 sport, __be16 dport, uint32_t seq)
{
	memset(p, 0, 20);
	memcpy(p, &sport, 2);
	memcpy(p + 2, &dport, 2);
	be32_put(p + 4, seq);
	p[12] = 5 << 4;
	p[13] = 0x18;
}

/* RFC 768: checksum 0 ("not computed", legal for IPv4; readers accept it for IPv6). */
static void synth_udp(uint8_t *p, __be16 sport, __be16 dport, uint32_t payload_len)
{
	memset(p, 0, 8);
	memcpy(p, &sport, 2);
	memcpy(p + 2, &dport, 2);
	be16_put(p + 4, len16(8 + (uint64_t)payload_len));
}

/*
 * Besides the header's -EINVAL cases: a NULL pointer, @caplen > @payload_len, or a
 * packet whose length does not fit @origlen or the int returned.
 */
int xdt_pcapng_synth(const struct xdt_flow_key *k, int from_b, uint32_t tcp_seq, int has_seq,
		     uint32_t payload_len, const uint8_t *payload, uint32_t caplen, uint8_t *out,
		     size_t outlen, uint32_t *origlen)
{
	const uint8_t *src, *dst;
	size_t ip_len, l4_len;
	uint64_t hdr, wire;

	if (!k || !out || !origlen || (caplen && !payload) || caplen > payload_len ||
	    (k->proto != IPPROTO_TCP && k->proto != IPPROTO_UDP) ||
	    (k->family != XDT_FAM_IPV4 && k->family != XDT_FAM_IPV6))
		return -EINVAL;
	ip_len = k->family == XDT_FAM_IPV4 ? 20 : 40;
	l4_len = k->proto == IPPROTO_TCP ? 20 : 8;
	hdr = ip_len + l4_len;
	wire = hdr + payload_len;
	if (wire > UINT32_MAX || hdr + caplen > INT_MAX)
		return -EINVAL;
	if (outlen < hdr + caplen)
		return -ENOSPC;
	src = from_b ? k->addr_b : k->addr_a;
	dst = from_b ? k->addr_a : k->addr_b;
	if (k->family == XDT_FAM_IPV4)
		synth_ipv4(out, k->proto, src, dst, l4_len + (uint64_t)payload_len);
	else
		synth_ipv6(out, k->proto, src, dst, l4_len + (uint64_t)payload_len);
	if (k->proto == IPPROTO_TCP)
		synth_tcp(out + ip_len, from_b ? k->port_b : k->port_a,
			  from_b ? k->port_a : k->port_b, has_seq ? tcp_seq : 0);
	else
		synth_udp(out + ip_len, from_b ? k->port_b : k->port_a,
			  from_b ? k->port_a : k->port_b, payload_len);
	if (caplen)
		memcpy(out + hdr, payload, caplen);
	*origlen = (uint32_t)wire;
	return (int)(hdr + caplen);
}
