/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * DHCPv4 (RFC 2131, options RFC 2132) over BOOTP (RFC 951), and the DHCPv6 message
 * header with a few options (RFC 8415, client FQDN RFC 4704).
 */
#ifndef XDT_DPI_DHCP_H
#define XDT_DPI_DHCP_H

#include <stddef.h>
#include <stdint.h>

#define XDT_DHCP_STR_MAX 64	/* display strings, NUL included, truncated */
#define XDT_DHCP_PARAMS_MAX 32	/* option 55 entries kept */
#define XDT_DHCP_DUID_MAX 20	/* DHCPv6 client DUID bytes kept */

/* DHCPv4 message types (option 53). */
#define XDT_DHCP_DISCOVER 1
#define XDT_DHCP_OFFER 2
#define XDT_DHCP_REQUEST 3
#define XDT_DHCP_DECLINE 4
#define XDT_DHCP_ACK 5
#define XDT_DHCP_NAK 6
#define XDT_DHCP_RELEASE 7
#define XDT_DHCP_INFORM 8

/* DHCPv6 message types. */
#define XDT_DHCP6_SOLICIT 1
#define XDT_DHCP6_ADVERTISE 2
#define XDT_DHCP6_REQUEST 3
#define XDT_DHCP6_CONFIRM 4
#define XDT_DHCP6_RENEW 5
#define XDT_DHCP6_REBIND 6
#define XDT_DHCP6_REPLY 7
#define XDT_DHCP6_RELEASE 8
#define XDT_DHCP6_DECLINE 9
#define XDT_DHCP6_RECONFIGURE 10
#define XDT_DHCP6_INFORMATION_REQUEST 11
#define XDT_DHCP6_RELAY_FORW 12
#define XDT_DHCP6_RELAY_REPL 13

struct xdt_dhcp_info {
	uint8_t op;			/* 1 BOOTREQUEST (from a client), 2 BOOTREPLY */
	uint8_t msg_type;		/* option 53, XDT_DHCP_*; 0: absent */
	uint8_t htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint8_t ciaddr[4], yiaddr[4], siaddr[4], giaddr[4];
	uint8_t has_client_mac;		/* chaddr is an Ethernet address (htype 1, hlen 6) */
	uint8_t client_mac[6];
	uint8_t has_requested_ip;	/* option 50 */
	uint8_t requested_ip[4];
	uint8_t has_server_id;		/* option 54 */
	uint8_t server_id[4];
	uint8_t has_lease_time;		/* option 51 */
	uint32_t lease_time;		/* seconds */
	uint8_t overload;		/* option 52: 1 file, 2 sname, 3 both; not read */
	uint8_t n_params;		/* option 55 length: parameters the client asks for */
	uint8_t params[XDT_DHCP_PARAMS_MAX];	/* the first of them, in the client's order */
	uint8_t ended;			/* the END option was seen */
	uint8_t truncated;		/* the options stop before END (a cut capture) */
	char hostname[XDT_DHCP_STR_MAX];	/* option 12 */
	char vendor_class[XDT_DHCP_STR_MAX];	/* option 60, e.g. "MSFT 5.0", "android-dhcp-13" */
};

struct xdt_dhcp_v6_info {
	uint8_t msg_type;		/* XDT_DHCP6_* */
	uint32_t xid;			/* 24 bits; 0 for relay messages */
	uint8_t hop_count;		/* relay messages only */
	uint8_t truncated;		/* the last option is cut */
	uint16_t n_options;		/* options walked (top level) */
	uint8_t has_client_id;		/* option 1 */
	uint8_t duid_len;		/* DUID bytes in duid[] */
	uint8_t duid[XDT_DHCP_DUID_MAX];
	uint8_t has_elapsed;		/* option 8 */
	uint16_t elapsed;		/* hundredths of a second */
	uint8_t has_vendor_class;	/* option 16 */
	uint32_t vendor_enterprise;	/* its IANA enterprise number (311 Microsoft, ...) */
	char fqdn[XDT_DHCP_STR_MAX];	/* option 39, dotted, "" when absent */
};

/*
 * A DHCPv4 message (UDP 67/68): the 236-byte BOOTP header, the magic cookie
 * 0x63825363, then the options up to END or @len. A capture cut inside the options
 * is normal (they start at byte 240): what is whole is decoded and truncated set.
 * Only the first instance of an option counts (RFC 3396 concatenation is not done);
 * with option 52 the sname/file fields hold more options, which are not read.
 * BOOTP without the cookie is rejected: nothing in use sends it, and without it
 * nothing tells BOOTP from noise on these ports.
 * 0, or -EINVAL (shorter than the cookie, bad header, no cookie, or an option of a
 * fixed size with the wrong length). Names are copied with xdt_text_copy().
 */
int xdt_dhcp_parse(const uint8_t *buf, size_t len, struct xdt_dhcp_info *out);

/* "discover", "offer", ..., "inform", and later RFCs' types up to 18; NULL if unknown. */
const char *xdt_dhcp_type_name(uint8_t msg_type);

/*
 * A DHCPv6 message (UDP 546/547): message types 1..13 of RFC 8415, relay messages
 * with their 34-byte header (the relayed message inside is not decoded). A cut last
 * option sets truncated. 0, or -EINVAL (unknown type, too short, a relay hop count
 * over 32, option code 0, a malformed option 8, 16 or 39).
 */
int xdt_dhcp_parse_v6(const uint8_t *buf, size_t len, struct xdt_dhcp_v6_info *out);

/* "solicit", "advertise", ..., "relay-repl"; NULL if unknown. */
const char *xdt_dhcp_v6_type_name(uint8_t msg_type);

#endif
