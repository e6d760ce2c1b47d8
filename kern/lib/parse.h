/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bounded L2-L4 parser for the XDP and TC programs. The same rules as the
 * userspace decoder (user/pkt/parse.c): IP-layer byte counts from the headers,
 * echo identifiers as ports, the first fragment carries the ports. Every loop has
 * a constant bound; every access is checked against data_end first.
 *
 * The parsers return KPARSE_OK, KPARSE_UNSUPPORTED, or the reason the frame is
 * malformed (enum xdt_malformed, never XDT_MAL_NONE): the same reason the
 * userspace decoder gives for the same bytes, checked in the same order.
 */
#ifndef XDT_KERN_PARSE_H
#define XDT_KERN_PARSE_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include <xdptop/flow.h>
#include <xdptop/malformed.h>

#define XDT_KMAX_VLAN 4
#define XDT_KMAX_EXT 8

#define KPARSE_OK 0
#define KPARSE_UNSUPPORTED (-1)

#define KFRAG_NONE 0
#define KFRAG_FIRST 1
#define KFRAG_LATER 2

struct kpkt {
	__u8 src[16];
	__u8 dst[16];
	__u32 ip_bytes;
	__u32 frag_id;
	__u32 payload_off;	/* from the start of the frame */
	__u32 payload_len;	/* transport payload per the IP/TCP headers */
	__u32 tcp_seq;		/* TCP: sequence number, host order */
	__u16 sport;		/* host order */
	__u16 dport;
	__u16 vlan;
	__u32 frag_len;		/* fragments: its data bytes */
	__u16 frag_off;		/* fragments: offset of this fragment's data, bytes */
	__u8 family;
	__u8 proto;
	__u8 tcp_flags;
	__u8 icmp_echo;		/* 0 none, 1 request, 2 reply */
	__u8 frag;
	__u8 frag_nh;		/* fragments: the protocol every fragment carries */
	__u8 frag_more;		/* fragments: the More Fragments flag */
};

struct vlan_tag {
	__be16 tci;
	__be16 proto;
};

static __always_inline int kparse_l4(void *data, void *data_end, void *l4, __u32 l4_len,
				     struct kpkt *p)
{
	__u32 hlen = 0;

	if (p->proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if (l4_len < 20 || (void *)(th + 1) > data_end)
			return XDT_MAL_TRUNCATED_TCP;
		hlen = th->doff * 4;
		if (hlen < 20 || hlen > l4_len)
			return XDT_MAL_BAD_TCP_HEADER;
		p->sport = bpf_ntohs(th->source);
		p->dport = bpf_ntohs(th->dest);
		p->tcp_flags = ((__u8 *)th)[13];
		p->tcp_seq = bpf_ntohl(th->seq);
	} else if (p->proto == IPPROTO_UDP) {
		struct udphdr *uh = l4;
		__u32 ulen;

		if (l4_len < 8 || (void *)(uh + 1) > data_end)
			return XDT_MAL_TRUNCATED_UDP;
		ulen = bpf_ntohs(uh->len);
		if (ulen < 8 || (p->frag == KFRAG_NONE && ulen > l4_len))
			return XDT_MAL_BAD_UDP_LENGTH;
		hlen = 8;
		p->sport = bpf_ntohs(uh->source);
		p->dport = bpf_ntohs(uh->dest);
	} else if (p->proto == IPPROTO_ICMP || p->proto == IPPROTO_ICMPV6) {
		__u8 *ic = l4;
		__u8 req = p->proto == IPPROTO_ICMP ? 8 : 128;
		__u8 rep = p->proto == IPPROTO_ICMP ? 0 : 129;

		if (l4_len < 4 || (void *)(ic + 4) > data_end)
			return XDT_MAL_TRUNCATED_ICMP;
		if (ic[0] == req || ic[0] == rep) {
			if (l4_len < 8 || (void *)(ic + 8) > data_end)
				return XDT_MAL_TRUNCATED_ICMP;
			p->sport = p->dport = ((__u16)ic[4] << 8) | ic[5];
			p->icmp_echo = ic[0] == req ? 1 : 2;
		}
		hlen = 8;
		if (hlen > l4_len)
			hlen = l4_len;
	}
	p->payload_off = (__u32)(l4 - data) + hlen;
	p->payload_len = l4_len - hlen;
	return KPARSE_OK;
}

static __always_inline int kparse_ipv4(void *data, void *data_end, void *l3, __u32 wire_left,
				       struct kpkt *p)
{
	struct iphdr *iph = l3;
	__u32 hlen, tot;
	__u16 frag;

	if ((void *)(iph + 1) > data_end)
		return XDT_MAL_TRUNCATED_IPV4;
	if (iph->version != 4)
		return XDT_MAL_BAD_IP_VERSION;
	hlen = iph->ihl * 4;
	if (hlen < 20)
		return XDT_MAL_BAD_IPV4_HEADER;
	tot = bpf_ntohs(iph->tot_len);
	if (tot < hlen || tot > wire_left)
		return XDT_MAL_BAD_IPV4_LENGTH;
	if (l3 + hlen > data_end)
		return XDT_MAL_TRUNCATED_IPV4;
	p->family = XDT_FAM_IPV4;
	p->ip_bytes = tot;
	p->proto = iph->protocol;
	__builtin_memcpy(p->src, &iph->saddr, 4);
	__builtin_memcpy(p->dst, &iph->daddr, 4);
	frag = bpf_ntohs(iph->frag_off);
	p->frag_id = bpf_ntohs(iph->id);
	p->frag_nh = iph->protocol;
	if (frag & 0x3fff) {
		/* Whether reassembly could use it is judged in kfrag(), verified once. */
		p->frag_off = (frag & 0x1fff) << 3;
		p->frag_len = tot - hlen;
		p->frag_more = !!(frag & 0x2000);
		if (frag & 0x1fff) {
			p->frag = KFRAG_LATER;
			return KPARSE_OK;
		}
		p->frag = KFRAG_FIRST;
	}
	return kparse_l4(data, data_end, l3 + hlen, tot - hlen, p);
}

static __always_inline int kipv6_is_ext(__u8 nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60 || nh == 135 ||
	       nh == 139 || nh == 140;
}

static __always_inline int kparse_ipv6(void *data, void *data_end, void *l3, __u32 wire_left,
				       struct kpkt *p)
{
	struct ipv6hdr *ip6 = l3;
	void *pos, *end;
	__u32 plen;
	__u8 nh;
	int i;

	if ((void *)(ip6 + 1) > data_end)
		return XDT_MAL_TRUNCATED_IPV6;
	if (ip6->version != 6)
		return XDT_MAL_BAD_IP_VERSION;
	plen = bpf_ntohs(ip6->payload_len);
	nh = ip6->nexthdr;
	if (plen == 0 && nh == 0)
		plen = wire_left - 40;	/* jumbogram */
	if (40 + plen > wire_left)
		return XDT_MAL_BAD_IPV6_LENGTH;
	p->family = XDT_FAM_IPV6;
	p->ip_bytes = 40 + plen;
	__builtin_memcpy(p->src, &ip6->saddr, 16);
	__builtin_memcpy(p->dst, &ip6->daddr, 16);
	pos = l3 + 40;
	end = l3 + 40 + plen;

#pragma unroll
	for (i = 0; i < XDT_KMAX_EXT + 1; i++) {
		__u8 *h = pos;
		__u32 elen;

		if (!kipv6_is_ext(nh))
			break;
		if (i == XDT_KMAX_EXT)
			return XDT_MAL_IPV6_EXT_TOO_MANY;
		if ((void *)(h + 8) > data_end || pos + 2 > end)
			return XDT_MAL_IPV6_EXT_TRUNCATED;
		if (nh == 44)
			elen = 8;
		else if (nh == 51)
			elen = ((__u32)h[1] + 2) * 4;
		else
			elen = ((__u32)h[1] + 1) * 8;
		if (pos + elen > end)
			return XDT_MAL_IPV6_EXT_TRUNCATED;
		if (nh == 44) {
			__u16 offm = ((__u16)h[2] << 8) | h[3];

			p->frag_id = ((__u32)h[4] << 24) | ((__u32)h[5] << 16) |
				     ((__u32)h[6] << 8) | h[7];
			p->frag_nh = h[0];
			p->frag_off = offm & 0xfff8;
			p->frag_len = (__u32)(end - pos) - 8;
			p->frag_more = offm & 1;
			if (offm & 0xfff8)
				p->frag = KFRAG_LATER;
			else if (offm & 1)
				p->frag = KFRAG_FIRST;
		}
		nh = h[0];
		pos += elen;
		if (p->frag == KFRAG_LATER)
			break;
	}
	p->proto = nh;
	if (p->frag == KFRAG_LATER)
		return KPARSE_OK;
	if (pos > end)
		return XDT_MAL_IPV6_EXT_TRUNCATED;
	return kparse_l4(data, data_end, pos, (__u32)(end - pos), p);
}

static __always_inline int kparse_arp(void *data_end, void *l3, struct kpkt *p)
{
	__u8 *a = l3;
	__u32 need;

	/* The lengths the header gives must be there, as the userspace decoder checks. */
	if ((void *)(a + 8) > data_end)
		return XDT_MAL_TRUNCATED_ARP;
	need = 8 + 2 * (__u32)a[4] + 2 * (__u32)a[5];
	if ((void *)a + need > data_end)
		return XDT_MAL_TRUNCATED_ARP;
	/* Ethernet + IPv4 ARP only: 28 bytes, as the userspace decoder keys it. */
	if (a[2] != 0x08 || a[3] != 0x00 || a[5] != 4 || a[4] != 6)
		return KPARSE_UNSUPPORTED;
	if ((void *)(a + 28) > data_end)	/* known from need; said again for the verifier */
		return XDT_MAL_TRUNCATED_ARP;
	p->family = XDT_FAM_ARP;
	p->proto = 0;
	p->ip_bytes = 28;
	__builtin_memcpy(p->src, a + 14, 4);
	__builtin_memcpy(p->dst, a + 24, 4);
	return KPARSE_OK;
}

/* Parse an Ethernet frame of @wire_len bytes (data..data_end may be less in TC). */
static __always_inline int kparse_eth(void *data, void *data_end, __u32 wire_len,
				      struct kpkt *p)
{
	struct ethhdr *eth = data;
	void *l3 = data + sizeof(*eth);
	__u32 l3off, wire_left;
	__u16 proto;
	int i;

	if ((void *)(eth + 1) > data_end)
		return XDT_MAL_TRUNCATED_L2;
	proto = bpf_ntohs(eth->h_proto);
#pragma unroll
	for (i = 0; i < XDT_KMAX_VLAN + 1; i++) {
		struct vlan_tag *t = l3;

		if (proto != 0x8100 && proto != 0x88a8 && proto != 0x9100)
			break;
		if (i == XDT_KMAX_VLAN)
			return XDT_MAL_VLAN_TOO_DEEP;
		if ((void *)(t + 1) > data_end)
			return XDT_MAL_TRUNCATED_VLAN;
		if (i == 0)
			p->vlan = bpf_ntohs(t->tci) & 0x0fff;
		proto = bpf_ntohs(t->proto);
		l3 += sizeof(*t);
	}
	/*
	 * The room left on the wire is plain arithmetic on an offset; the barrier keeps
	 * clang from folding it back into 32-bit arithmetic on the packet pointer, which
	 * the verifier rejects.
	 */
	l3off = (__u32)(l3 - data);
	asm volatile("" : "+r"(l3off));
	wire_left = wire_len > l3off ? wire_len - l3off : 0;
	if (proto == ETH_P_IP)
		return kparse_ipv4(data, data_end, l3, wire_left, p);
	if (proto == ETH_P_IPV6)
		return kparse_ipv6(data, data_end, l3, wire_left, p);
	if (proto == ETH_P_ARP)
		return kparse_arp(data_end, l3, p);
	return KPARSE_UNSUPPORTED;
}

#endif
