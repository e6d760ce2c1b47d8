/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Flow identity shared by the kernel programs and userspace.
 *
 * A flow key is canonical: endpoint "a" is the lower (address, port) pair, so both
 * directions of a conversation map to the same key. Which endpoint started the
 * conversation is flow state, not part of the key.
 *
 * Fixed-width types only, explicit padding, size checked at compile time: this
 * struct crosses the kernel/user boundary as a BPF map key.
 */
#ifndef XDPTOP_FLOW_H
#define XDPTOP_FLOW_H

#include <linux/types.h>

/* Address families as stored in xdt_flow_key.family. */
#define XDT_FAM_IPV4 4
#define XDT_FAM_IPV6 6
#define XDT_FAM_ARP 3 /* ARP conversation between two IPv4 addresses */

struct xdt_flow_key {
	__u8 addr_a[16];	/* IPv4 uses the first 4 bytes, rest zero */
	__u8 addr_b[16];
	__be16 port_a;		/* TCP/UDP port; ICMP echo identifier; else 0 */
	__be16 port_b;
	__u16 vlan;		/* outer 802.1Q VLAN id, 0 when untagged */
	__u8 proto;		/* IPPROTO_*; 0 for ARP */
	__u8 family;		/* XDT_FAM_* */
};

_Static_assert(sizeof(struct xdt_flow_key) == 40, "xdt_flow_key is a map key: keep its size fixed");

#endif
