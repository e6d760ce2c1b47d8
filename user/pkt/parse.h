/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Link-layer to transport-layer decoding of one captured frame.
 *
 * Pure: no allocation, no global state, never reads past the captured length.
 * Input bytes are attacker-controlled.
 */
#ifndef XDT_PKT_PARSE_H
#define XDT_PKT_PARSE_H

#include <stdint.h>
#include <stddef.h>

#include <xdptop/flow.h>
#include <xdptop/malformed.h>

/* Link types, numbered as libpcap's DLT_* values on Linux. */
enum xdt_link {
	XDT_LINK_NULL = 0,	/* BSD loopback, host-order AF_ header */
	XDT_LINK_ETHERNET = 1,
	XDT_LINK_RAW = 12,	/* raw IPv4/IPv6 (LINKTYPE_RAW 101 maps here) */
	XDT_LINK_LOOP = 108,	/* OpenBSD loopback, network-order AF_ header */
	XDT_LINK_SLL = 113,	/* Linux cooked v1 */
	XDT_LINK_IPV4 = 228,
	XDT_LINK_IPV6 = 229,
	XDT_LINK_SLL2 = 276,	/* Linux cooked v2 */
};

enum xdt_pkt_status {
	XDT_PKT_OK,		/* out describes an IPv4, IPv6 or ARP packet */
	XDT_PKT_UNSUPPORTED,	/* well-formed, but not IP or ARP (LLDP, STP, ...) */
	XDT_PKT_MALFORMED,	/* out->malformed says why */
};

enum xdt_frag {
	XDT_FRAG_NONE,
	XDT_FRAG_FIRST,		/* offset 0, more fragments follow: carries the L4 header */
	XDT_FRAG_LATER,		/* offset > 0: no L4 header */
};

/* Most 802.1Q/802.1ad tags accepted in one frame; more is malformed. */
#define XDT_MAX_VLAN_TAGS 4
/* Most IPv6 extension headers followed before giving up. */
#define XDT_MAX_IPV6_EXT 8

/* TCP flag bits as on the wire. */
#define XDT_TCP_FIN 0x01
#define XDT_TCP_SYN 0x02
#define XDT_TCP_RST 0x04
#define XDT_TCP_PSH 0x08
#define XDT_TCP_ACK 0x10

struct xdt_pkt {
	uint8_t family;		/* XDT_FAM_IPV4, XDT_FAM_IPV6, XDT_FAM_ARP */
	uint8_t proto;		/* transport protocol after extension headers */
	uint8_t tcp_flags;
	uint8_t icmp_type;
	uint8_t frag;		/* enum xdt_frag */
	uint8_t malformed;	/* enum xdt_malformed when status is MALFORMED */
	uint8_t frag_nh;	/* fragments: the protocol field every fragment carries (IPv4
				 * protocol, or the IPv6 Fragment header's next header) */
	uint16_t vlan;		/* outer VLAN id, 0 when untagged */
	uint16_t sport;		/* host order; ICMP echo: identifier in both */
	uint16_t dport;
	uint16_t frag_off;	/* fragments: offset of this fragment's data, bytes */
	uint8_t frag_more;	/* fragments: the More Fragments flag */
	uint32_t frag_len;	/* fragments: its data bytes */
	uint32_t frag_id;	/* IPv4 id or IPv6 fragment identification */
	uint32_t ip_bytes;	/* IP-layer length: IPv4 total length, IPv6 40 + payload */
	uint32_t l3_off;	/* offset of the IP/ARP header in the frame */
	uint32_t payload_off;	/* offset of the transport payload */
	uint32_t payload_len;	/* captured transport payload bytes at payload_off */
	uint32_t payload_wire;	/* transport payload bytes per the IP/TCP/UDP headers */
	uint32_t tcp_seq;	/* TCP: sequence number of the first payload byte */
	uint8_t src[16];
	uint8_t dst[16];
};

/*
 * Decode one frame of link type @link. @caplen bytes are in @buf, @wirelen is the
 * length the frame had on the wire (at least @caplen). Fills @out and returns a
 * status; @out is only meaningful for XDT_PKT_OK (and ->malformed for MALFORMED).
 */
enum xdt_pkt_status xdt_pkt_parse(int link, const uint8_t *buf, size_t caplen, size_t wirelen,
				  struct xdt_pkt *out);

/* True if @link is a link type xdt_pkt_parse() understands. */
int xdt_pkt_link_supported(int link);

/*
 * Stable snake_case name of a malformed reason (enum xdt_malformed, in
 * xdptop/malformed.h: shared with the BPF parser), as used in JSON stats.
 */
const char *xdt_malformed_name(enum xdt_malformed reason);

#endif
