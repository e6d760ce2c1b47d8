// SPDX-License-Identifier: GPL-2.0-only
/*
 * Frame decoder. Every read goes through struct cur, which knows how many bytes
 * were captured (cap) and how many the frame had on the wire (wire): header fields
 * are checked against the wire length, reads against the captured length.
 */
#include <string.h>

#include <xdptop/frag.h>

#include "parse.h"

#define ETH_P_IPV4 0x0800
#define ETH_P_ARP 0x0806
#define ETH_P_8021Q 0x8100
#define ETH_P_8021AD 0x88a8
#define ETH_P_QINQ_OLD 0x9100
#define ETH_P_IPV6 0x86dd

#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ICMPV6_ 58

/* IPv6 extension headers (RFC 8200 section 4, RFC 7045). */
#define NH_HOPOPTS 0
#define NH_ROUTING 43
#define NH_FRAGMENT 44
#define NH_AH 51
#define NH_DSTOPTS 60
#define NH_MOBILITY 135
#define NH_HIP 139
#define NH_SHIM6 140

struct cur {
	const uint8_t *buf;
	size_t cap;	/* bytes captured */
	size_t wire;	/* bytes on the wire */
};

static const char *const malformed_names[XDT_MAL__COUNT] = {
#define XDT_MAL_NAME_(id, name) [XDT_MAL_##id] = name,
	XDT_MALFORMED_REASONS(XDT_MAL_NAME_)
#undef XDT_MAL_NAME_
};

const char *xdt_malformed_name(enum xdt_malformed reason)
{
	if ((unsigned int)reason >= XDT_MAL__COUNT)
		return "unknown";
	return malformed_names[reason];
}

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static enum xdt_pkt_status bad(struct xdt_pkt *out, enum xdt_malformed why)
{
	out->malformed = why;
	return XDT_PKT_MALFORMED;
}

/* Transport header at offset @off; @l4_len bytes belong to it per the IP header. */
static enum xdt_pkt_status parse_l4(const struct cur *c, size_t off, size_t l4_len,
				    struct xdt_pkt *out)
{
	size_t avail = c->cap > off ? c->cap - off : 0;
	const uint8_t *p = c->buf + off;
	size_t hlen;

	if (avail > l4_len)
		avail = l4_len;	/* Ethernet padding is not payload */

	switch (out->proto) {
	case IPPROTO_TCP_:
		if (l4_len < 20 || avail < 20)
			return bad(out, XDT_MAL_TRUNCATED_TCP);
		hlen = (size_t)(p[12] >> 4) * 4;
		if (hlen < 20 || hlen > l4_len)
			return bad(out, XDT_MAL_BAD_TCP_HEADER);
		out->sport = rd16(p);
		out->dport = rd16(p + 2);
		out->tcp_seq = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
		out->tcp_flags = p[13];
		break;
	case IPPROTO_UDP_: {
		size_t ulen;

		if (l4_len < 8 || avail < 8)
			return bad(out, XDT_MAL_TRUNCATED_UDP);
		ulen = rd16(p + 4);
		/* A first fragment's UDP length covers the whole datagram. */
		if (ulen < 8 || (out->frag == XDT_FRAG_NONE && ulen > l4_len))
			return bad(out, XDT_MAL_BAD_UDP_LENGTH);
		hlen = 8;
		out->sport = rd16(p);
		out->dport = rd16(p + 2);
		break;
	}
	case IPPROTO_ICMP_:
	case IPPROTO_ICMPV6_: {
		int echo;

		if (l4_len < 4 || avail < 4)
			return bad(out, XDT_MAL_TRUNCATED_ICMP);
		out->icmp_type = p[0];
		echo = out->proto == IPPROTO_ICMP_ ? (p[0] == 8 || p[0] == 0)
						   : (p[0] == 128 || p[0] == 129);
		hlen = 8;
		if (echo) {
			if (l4_len < 8 || avail < 8)
				return bad(out, XDT_MAL_TRUNCATED_ICMP);
			out->sport = out->dport = rd16(p + 4);
		}
		if (hlen > avail)
			hlen = avail;
		break;
	}
	default:
		hlen = 0;
		break;
	}
	out->payload_off = (uint32_t)(off + hlen);
	/* The capture may end inside the TCP options: then no payload was captured. */
	out->payload_len = (uint32_t)(avail > hlen ? avail - hlen : 0);
	out->payload_wire = (uint32_t)(l4_len - hlen);
	return XDT_PKT_OK;
}

static enum xdt_pkt_status parse_ipv4(const struct cur *c, size_t off, struct xdt_pkt *out)
{
	const uint8_t *p = c->buf + off;
	size_t hlen, tot;
	uint16_t frag;

	if (c->cap < off + 20)
		return bad(out, XDT_MAL_TRUNCATED_IPV4);
	if (p[0] >> 4 != 4)
		return bad(out, XDT_MAL_BAD_IP_VERSION);
	hlen = (size_t)(p[0] & 0x0f) * 4;
	if (hlen < 20)
		return bad(out, XDT_MAL_BAD_IPV4_HEADER);
	tot = rd16(p + 2);
	if (tot < hlen || tot > c->wire - off)
		return bad(out, XDT_MAL_BAD_IPV4_LENGTH);
	if (c->cap < off + hlen)
		return bad(out, XDT_MAL_TRUNCATED_IPV4);

	out->family = XDT_FAM_IPV4;
	out->l3_off = (uint32_t)off;
	out->ip_bytes = (uint32_t)tot;
	out->proto = p[9];
	memcpy(out->src, p + 12, 4);
	memcpy(out->dst, p + 16, 4);
	frag = rd16(p + 6);
	out->frag_id = rd16(p + 4);
	out->frag_nh = p[9];
	if (frag & 0x3fff) {
		out->frag_off = (uint16_t)((frag & 0x1fff) << 3);
		out->frag_len = (uint32_t)(tot - hlen);
		out->frag_more = !!(frag & 0x2000);
		out->frag = frag & 0x1fff ? XDT_FRAG_LATER : XDT_FRAG_FIRST;
	}

	if (out->frag == XDT_FRAG_LATER) {
		out->payload_off = (uint32_t)(off + hlen);
		out->payload_len = 0;
		return XDT_PKT_OK;
	}
	return parse_l4(c, off + hlen, tot - hlen, out);
}

static int ipv6_is_ext(uint8_t nh)
{
	switch (nh) {
	case NH_HOPOPTS:
	case NH_ROUTING:
	case NH_FRAGMENT:
	case NH_AH:
	case NH_DSTOPTS:
	case NH_MOBILITY:
	case NH_HIP:
	case NH_SHIM6:
		return 1;
	default:
		return 0;
	}
}

/* Length of extension header @nh whose first two bytes are at @p. */
static size_t ipv6_ext_len(uint8_t nh, const uint8_t *p)
{
	if (nh == NH_FRAGMENT)
		return 8;
	if (nh == NH_AH)
		return ((size_t)p[1] + 2) * 4;
	return ((size_t)p[1] + 1) * 8;
}

static enum xdt_pkt_status parse_ipv6(const struct cur *c, size_t off, struct xdt_pkt *out)
{
	const uint8_t *p = c->buf + off;
	size_t plen, end, pos, elen;
	uint8_t nh;
	int n;

	if (c->cap < off + 40)
		return bad(out, XDT_MAL_TRUNCATED_IPV6);
	if (p[0] >> 4 != 6)
		return bad(out, XDT_MAL_BAD_IP_VERSION);
	plen = rd16(p + 4);
	nh = p[6];
	/* Payload length 0 after a hop-by-hop header is a jumbogram (RFC 2675). */
	if (plen == 0 && nh == NH_HOPOPTS)
		plen = c->wire - off - 40;
	if (40 + plen > c->wire - off)
		return bad(out, XDT_MAL_BAD_IPV6_LENGTH);

	out->family = XDT_FAM_IPV6;
	out->l3_off = (uint32_t)off;
	out->ip_bytes = (uint32_t)(40 + plen);
	memcpy(out->src, p + 8, 16);
	memcpy(out->dst, p + 24, 16);

	end = off + 40 + plen;
	pos = off + 40;
	for (n = 0; ipv6_is_ext(nh); n++) {
		if (n == XDT_MAX_IPV6_EXT)
			return bad(out, XDT_MAL_IPV6_EXT_TOO_MANY);
		if (pos + 2 > end || pos + 2 > c->cap)
			return bad(out, XDT_MAL_IPV6_EXT_TRUNCATED);
		elen = ipv6_ext_len(nh, c->buf + pos);
		if (pos + elen > end || pos + elen > c->cap)
			return bad(out, XDT_MAL_IPV6_EXT_TRUNCATED);
		if (nh == NH_FRAGMENT) {
			const uint8_t *f = c->buf + pos;
			uint16_t offm = rd16(f + 2);

			out->frag_id = rd32(f + 4);
			out->frag_nh = f[0];
			out->frag_off = offm & 0xfff8;
			out->frag_len = (uint32_t)(end - pos - 8);
			out->frag_more = offm & 1;
			if (offm & 0xfff8)
				out->frag = XDT_FRAG_LATER;
			else if (offm & 1)
				out->frag = XDT_FRAG_FIRST;
		}
		nh = c->buf[pos];
		pos += elen;
		if (out->frag == XDT_FRAG_LATER)
			break;
	}
	out->proto = nh;
	if (out->frag == XDT_FRAG_LATER) {
		out->payload_off = (uint32_t)pos;
		out->payload_len = 0;
		return XDT_PKT_OK;
	}
	return parse_l4(c, pos, end - pos, out);
}

static enum xdt_pkt_status parse_arp(const struct cur *c, size_t off, struct xdt_pkt *out)
{
	const uint8_t *p = c->buf + off;
	size_t hl, pl, len;

	if (c->cap < off + 8)
		return bad(out, XDT_MAL_TRUNCATED_ARP);
	hl = p[4];
	pl = p[5];
	len = 8 + 2 * hl + 2 * pl;
	if (c->cap < off + len)
		return bad(out, XDT_MAL_TRUNCATED_ARP);
	/*
	 * Only Ethernet ARP for IPv4 names endpoints a flow can be keyed on; the kernel
	 * programs key exactly the same packets.
	 */
	if (rd16(p + 2) != ETH_P_IPV4 || pl != 4 || hl != 6)
		return XDT_PKT_UNSUPPORTED;
	out->family = XDT_FAM_ARP;
	out->proto = 0;
	out->l3_off = (uint32_t)off;
	out->ip_bytes = (uint32_t)len;
	memcpy(out->src, p + 8 + hl, 4);
	memcpy(out->dst, p + 8 + 2 * hl + 4, 4);
	out->payload_off = (uint32_t)(off + len);
	return XDT_PKT_OK;
}

/* Ethertype at @off, possibly behind 802.1Q/802.1ad tags. */
static enum xdt_pkt_status parse_ethertype(const struct cur *c, size_t off, uint16_t type,
					   struct xdt_pkt *out)
{
	int tags = 0;

	while (type == ETH_P_8021Q || type == ETH_P_8021AD || type == ETH_P_QINQ_OLD) {
		if (++tags > XDT_MAX_VLAN_TAGS)
			return bad(out, XDT_MAL_VLAN_TOO_DEEP);
		if (c->cap < off + 4)
			return bad(out, XDT_MAL_TRUNCATED_VLAN);
		if (tags == 1)
			out->vlan = rd16(c->buf + off) & 0x0fff;
		type = rd16(c->buf + off + 2);
		off += 4;
	}
	switch (type) {
	case ETH_P_IPV4:
		return parse_ipv4(c, off, out);
	case ETH_P_IPV6:
		return parse_ipv6(c, off, out);
	case ETH_P_ARP:
		return parse_arp(c, off, out);
	default:
		return XDT_PKT_UNSUPPORTED;
	}
}

static enum xdt_pkt_status parse_raw_ip(const struct cur *c, size_t off, struct xdt_pkt *out)
{
	if (c->cap < off + 1)
		return bad(out, XDT_MAL_TRUNCATED_L2);
	switch (c->buf[off] >> 4) {
	case 4:
		return parse_ipv4(c, off, out);
	case 6:
		return parse_ipv6(c, off, out);
	default:
		return bad(out, XDT_MAL_BAD_IP_VERSION);
	}
}

/* BSD loopback: a 4-byte address family, host order (NULL) or network order (LOOP). */
static enum xdt_pkt_status parse_loop(const struct cur *c, int link, struct xdt_pkt *out)
{
	uint32_t af;

	if (c->cap < 4)
		return bad(out, XDT_MAL_TRUNCATED_L2);
	af = rd32(c->buf);
	if (link == XDT_LINK_NULL && af > 0xffff)
		af = __builtin_bswap32(af);	/* written by a little-endian host */
	switch (af) {
	case 2:
		return parse_ipv4(c, 4, out);
	case 10: case 24: case 28: case 30:	/* AF_INET6 on Linux, BSDs, macOS */
		return parse_ipv6(c, 4, out);
	default:
		return XDT_PKT_UNSUPPORTED;
	}
}

int xdt_pkt_link_supported(int link)
{
	switch (link) {
	case XDT_LINK_NULL:
	case XDT_LINK_ETHERNET:
	case XDT_LINK_RAW:
	case XDT_LINK_LOOP:
	case XDT_LINK_SLL:
	case XDT_LINK_IPV4:
	case XDT_LINK_IPV6:
	case XDT_LINK_SLL2:
		return 1;
	default:
		return 0;
	}
}

static enum xdt_pkt_status parse_link(const struct cur *c, int link, struct xdt_pkt *out)
{
	const uint8_t *buf = c->buf;
	size_t caplen = c->cap;

	switch (link) {
	case XDT_LINK_ETHERNET:
		if (caplen < 14)
			return bad(out, XDT_MAL_TRUNCATED_L2);
		return parse_ethertype(c, 14, rd16(buf + 12), out);
	case XDT_LINK_SLL:
		if (caplen < 16)
			return bad(out, XDT_MAL_TRUNCATED_L2);
		return parse_ethertype(c, 16, rd16(buf + 14), out);
	case XDT_LINK_SLL2:
		if (caplen < 20)
			return bad(out, XDT_MAL_TRUNCATED_L2);
		return parse_ethertype(c, 20, rd16(buf), out);
	case XDT_LINK_RAW:
		return parse_raw_ip(c, 0, out);
	case XDT_LINK_IPV4:
		return parse_ipv4(c, 0, out);
	case XDT_LINK_IPV6:
		return parse_ipv6(c, 0, out);
	case XDT_LINK_NULL:
	case XDT_LINK_LOOP:
		return parse_loop(c, link, out);
	default:
		return XDT_PKT_UNSUPPORTED;
	}
}

enum xdt_pkt_status xdt_pkt_parse(int link, const uint8_t *buf, size_t caplen, size_t wirelen,
				  struct xdt_pkt *out)
{
	struct cur c = { .buf = buf, .cap = caplen, .wire = wirelen };
	enum xdt_pkt_status st;

	memset(out, 0, sizeof(*out));
	if (caplen == 0 || wirelen == 0)
		return bad(out, XDT_MAL_ZERO_LENGTH);
	if (caplen > wirelen)
		return bad(out, XDT_MAL_CAPLEN_EXCEEDS_LEN);
	st = parse_link(&c, link, out);
	/*
	 * A fragment no reassembly can use, judged once the rest of it parsed, as the
	 * BPF programs do (kfrag()): the same reason for the same frame.
	 */
	if (st == XDT_PKT_OK && out->frag != XDT_FRAG_NONE &&
	    xdt_frag_bad_pkt(out->family == XDT_FAM_IPV6, out->ip_bytes, out->frag_off,
			     out->frag_len, out->frag_more))
		return bad(out, XDT_MAL_BAD_FRAGMENT);
	return st;
}
