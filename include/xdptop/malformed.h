/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Why a frame was rejected: one list for the BPF parser (kern/lib/parse.h), the
 * userspace decoder (user/pkt/parse.c) and the fragment tracker (xdptop/frag.h).
 * The kernel counts slot XDT_KSTAT_MALFORMED_BY + reason of its statistics array,
 * the pcap and replay path stats.malformed_by[reason]; both are printed under the
 * names below (JSON stats "malformed_by_reason", Prometheus reason="...").
 *
 * A value is an index shared by programs built from the same tree: append new
 * reasons, keep names stable (they are an output format, documented in xdptop(8)).
 */
#ifndef XDPTOP_MALFORMED_H
#define XDPTOP_MALFORMED_H

/* X(ID, "name"): XDT_MAL_ID is the enum value, "name" what the outputs print. */
#define XDT_MALFORMED_REASONS(X) \
	X(NONE, "none") \
	X(ZERO_LENGTH, "zero_length") \
	X(CAPLEN_EXCEEDS_LEN, "caplen_exceeds_len") \
	X(TRUNCATED_L2, "truncated_l2") \
	X(TRUNCATED_VLAN, "truncated_vlan") \
	X(VLAN_TOO_DEEP, "vlan_too_deep") \
	X(TRUNCATED_ARP, "truncated_arp") \
	X(BAD_IP_VERSION, "bad_ip_version") \
	X(TRUNCATED_IPV4, "truncated_ipv4") \
	X(BAD_IPV4_HEADER, "bad_ipv4_header") \
	X(BAD_IPV4_LENGTH, "bad_ipv4_length") \
	X(TRUNCATED_IPV6, "truncated_ipv6") \
	X(BAD_IPV6_LENGTH, "bad_ipv6_length") \
	X(IPV6_EXT_TRUNCATED, "ipv6_ext_truncated") \
	X(IPV6_EXT_TOO_MANY, "ipv6_ext_too_many") \
	X(TRUNCATED_TCP, "truncated_tcp") \
	X(BAD_TCP_HEADER, "bad_tcp_header") \
	X(TRUNCATED_UDP, "truncated_udp") \
	X(BAD_UDP_LENGTH, "bad_udp_length") \
	X(TRUNCATED_ICMP, "truncated_icmp") \
	X(BAD_FRAGMENT, "bad_fragment") \
	X(FRAGMENT_OVERLAP, "fragment_overlap")

enum xdt_malformed {
#define XDT_MAL_ENUM_(id, name) XDT_MAL_##id,
	XDT_MALFORMED_REASONS(XDT_MAL_ENUM_)
#undef XDT_MAL_ENUM_
	XDT_MAL__COUNT,
};

/* The reason travels in a __u8 (struct xdt_pkt.malformed) and sizes a stats array. */
_Static_assert(XDT_MAL__COUNT <= 64, "malformed reasons must fit the kernel's stats slots");

#endif
