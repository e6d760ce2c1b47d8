// SPDX-License-Identifier: GPL-2.0-only
/*
 * DNS decoder. Names are the only part that is not a bounded walk forward: a
 * compression pointer may jump anywhere. Every pointer must land strictly before
 * the start of the run of labels that holds it, so the runs start at strictly
 * decreasing offsets and a loop cannot be written; the hop limit bounds the rest.
 */
#include <errno.h>
#include <string.h>

#include "dns.h"

#define HDR_LEN 12
#define RR_FIXED 10		/* type, class, ttl, rdlength after the owner name */
#define MAX_HOPS 128		/* labels plus pointers in one name */
#define MAX_WIRE_NAME 255	/* RFC 1035 section 3.1, root label included */
#define MAX_QDCOUNT 8		/* real traffic has 1 */
#define MAX_OPCODE 6		/* DSO (RFC 8490); 7..15 are unassigned */
#define QU_BIT 0x8000		/* mDNS unicast-response bit of QCLASS (RFC 6762 5.4) */

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Presentation output that truncates; an escape is written whole or not at all. */
struct pres {
	char *s;
	size_t n;
	int full;
};

static void pres_put(struct pres *p, const char *src, size_t n)
{
	if (!p->s || p->full)
		return;
	if (p->n + n > XDT_DNS_NAME_MAX - 1) {
		p->full = 1;
		return;
	}
	memcpy(p->s + p->n, src, n);
	p->n += n;
}

static void pres_label(struct pres *p, const uint8_t *lab, size_t n)
{
	size_t i;

	if (p->n)
		pres_put(p, ".", 1);
	for (i = 0; i < n; i++) {
		uint8_t c = lab[i];
		char esc[4];

		if (c > ' ' && c <= '~' && c != '.' && c != '\\') {
			pres_put(p, (const char *)&c, 1);
			continue;
		}
		esc[0] = '\\';
		esc[1] = (char)('0' + c / 100);
		esc[2] = (char)('0' + c / 10 % 10);
		esc[3] = (char)('0' + c % 10);
		pres_put(p, esc, sizeof(esc));
	}
}

/*
 * The name at @off in @msg into @dst (NULL: only validate); *@next is the offset
 * just past the name where it was written, pointer included.
 */
static int read_name(const uint8_t *msg, size_t len, size_t off, char *dst, size_t *next)
{
	struct pres p = { .s = dst };
	size_t pos = off, run = off, wire = 1;
	int hops, jumped = 0;

	for (hops = 0; hops < MAX_HOPS; hops++) {
		uint8_t c;

		if (pos >= len)
			return -EINVAL;
		c = msg[pos];
		if ((c & 0xc0) == 0xc0) {
			size_t target;

			if (len - pos < 2)
				return -EINVAL;
			target = (size_t)(c & 0x3f) << 8 | msg[pos + 1];
			if (target >= run)
				return -EINVAL;
			if (!jumped)
				*next = pos + 2;
			jumped = 1;
			pos = run = target;
			continue;
		}
		if (c & 0xc0)	/* 0x40 extended and 0x80 reserved label types */
			return -EINVAL;
		if (!c) {
			if (!jumped)
				*next = pos + 1;
			if (dst) {
				if (!p.n)
					dst[p.n++] = '.';
				dst[p.n] = '\0';
			}
			return 0;
		}
		if (c > len - pos - 1)
			return -EINVAL;
		wire += (size_t)c + 1;
		if (wire > MAX_WIRE_NAME)
			return -EINVAL;
		pres_label(&p, msg + pos + 1, c);
		pos += (size_t)c + 1;
	}
	return -EINVAL;
}

static int read_question(const uint8_t *msg, size_t len, size_t *off,
			 struct xdt_dns_info *out, int first)
{
	int err = read_name(msg, len, *off, first ? out->qname : NULL, off);

	if (err)
		return err;
	if (len - *off < 4)
		return -EINVAL;
	if (first) {
		uint16_t qclass = rd16(msg + *off + 2);

		out->qtype = rd16(msg + *off);
		out->qclass = qclass & ~QU_BIT;
		out->qu = !!(qclass & QU_BIT);
	}
	*off += 4;
	return 0;
}

/* One resource record; stored in @a when it is of a kind we keep and @a is set. */
static int read_answer(const uint8_t *msg, size_t len, size_t *off,
		       struct xdt_dns_answer *a, int *kept)
{
	uint16_t type, rdlen;
	size_t rdata, end;
	int err;

	*kept = 0;
	err = read_name(msg, len, *off, a ? a->name : NULL, off);
	if (err)
		return err;
	if (len - *off < RR_FIXED)
		return -EINVAL;
	type = rd16(msg + *off);
	rdlen = rd16(msg + *off + 8);
	rdata = *off + RR_FIXED;
	if (len - rdata < rdlen)
		return -EINVAL;
	*off = rdata + rdlen;

	switch (type) {
	case XDT_DNS_TYPE_A:
		if (rdlen != 4)
			return -EINVAL;
		break;
	case XDT_DNS_TYPE_AAAA:
		if (rdlen != 16)
			return -EINVAL;
		break;
	case XDT_DNS_TYPE_CNAME:
	case XDT_DNS_TYPE_PTR:
		/* The target may point anywhere before it, but must fill the rdata. */
		err = read_name(msg, rdata + rdlen, rdata, a ? a->target : NULL, &end);
		if (err)
			return err;
		if (end != rdata + rdlen)
			return -EINVAL;
		break;
	default:
		if (a)
			memset(a, 0, sizeof(*a));
		return 0;
	}
	*kept = 1;
	if (!a)
		return 0;
	a->type = type;
	a->ttl = rd32(msg + rdata - 6);
	if (type == XDT_DNS_TYPE_A || type == XDT_DNS_TYPE_AAAA)
		memcpy(a->addr, msg + rdata, rdlen);
	return 0;
}

static int read_header(const uint8_t *msg, struct xdt_dns_info *out)
{
	uint16_t flags = rd16(msg + 2);

	out->id = rd16(msg);
	out->flags = flags;
	out->is_response = flags >> 15;
	out->opcode = (flags >> 11) & 0xf;
	out->rcode = flags & 0xf;
	out->answers_total = rd16(msg + 6);
	if (out->opcode > MAX_OPCODE || rd16(msg + 4) > MAX_QDCOUNT)
		return -EINVAL;
	return 0;
}

int xdt_dns_parse(const uint8_t *buf, size_t len, int tcp, struct xdt_dns_info *out)
{
	size_t off = HDR_LEN;
	uint16_t qdcount, i;
	int err, kept;

	memset(out, 0, sizeof(*out));
	if (tcp) {
		size_t mlen;

		if (len < 2)
			return -EAGAIN;
		mlen = rd16(buf);
		if (mlen < HDR_LEN)
			return -EINVAL;
		/* A header that is already here can rule out DNS before the rest comes. */
		if (len - 2 >= HDR_LEN && read_header(buf + 2, out))
			return -EINVAL;
		if (len - 2 < mlen)
			return -EAGAIN;
		buf += 2;
		len = mlen;	/* bytes after it belong to the next message */
	}
	if (len < HDR_LEN)
		return -EINVAL;
	err = read_header(buf, out);
	if (err)
		return err;

	qdcount = rd16(buf + 4);
	for (i = 0; i < qdcount; i++) {
		err = read_question(buf, len, &off, out, i == 0);
		if (err)
			return err;
	}
	for (i = 0; i < out->answers_total; i++) {
		struct xdt_dns_answer *a = NULL;

		if (out->n_answers < XDT_DNS_MAX_ANSWERS)
			a = &out->answers[out->n_answers];
		err = read_answer(buf, len, &off, a, &kept);
		if (err)
			return err;
		if (!kept)
			out->answers_skipped++;
		else if (a)
			out->n_answers++;
	}
	return 0;
}
