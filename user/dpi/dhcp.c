// SPDX-License-Identifier: GPL-2.0-only
/*
 * DHCPv4 and DHCPv6. The DPI budget cuts ordinary payloads (--dpi-bytes, 256 by
 * default) and DHCPv4 options only start at byte 240, so an option list that runs
 * off the end of the capture is the normal case: it ends the walk and is flagged,
 * never failed. A length that contradicts bytes we do have is malformed.
 */
#include <errno.h>
#include <string.h>

#include "dhcp.h"
#include "text.h"

#define BOOTP_FIXED 236		/* op .. file, RFC 951 */
#define OPTS_OFF (BOOTP_FIXED + 4)
#define MAGIC_COOKIE 0x63825363u	/* RFC 1497 */
#define MAX_HOPS 16		/* RFC 1542 4.1.1: relays drop messages past this */
#define MAX_HLEN 16		/* size of chaddr */

#define OPT_PAD 0
#define OPT_HOSTNAME 12
#define OPT_REQUESTED_IP 50
#define OPT_LEASE_TIME 51
#define OPT_OVERLOAD 52
#define OPT_MSG_TYPE 53
#define OPT_SERVER_ID 54
#define OPT_PARAMS 55
#define OPT_VENDOR_CLASS 60
#define OPT_END 255

#define V6_HDR 4		/* msg-type, transaction-id */
#define V6_RELAY_HDR 34		/* msg-type, hop-count, link-address, peer-address */
#define V6_MAX_HOPS 32		/* RFC 8415 HOP_COUNT_LIMIT is 8; leave room for configs */
#define V6_OPT_CLIENTID 1
#define V6_OPT_ELAPSED 8
#define V6_OPT_VENDOR_CLASS 16
#define V6_OPT_FQDN 39

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Options 50 and 54: a fixed-size address, kept from its first instance only. */
static int take_addr(uint8_t *has, uint8_t dst[4], const uint8_t *v, uint8_t n)
{
	if (n != 4)
		return -EINVAL;
	if (!*has) {
		memcpy(dst, v, 4);
		*has = 1;
	}
	return 0;
}

static int take_option(uint8_t code, const uint8_t *v, uint8_t n, struct xdt_dhcp_info *out)
{
	switch (code) {
	case OPT_MSG_TYPE:
		if (n != 1 || !v[0])
			return -EINVAL;
		if (!out->msg_type)
			out->msg_type = v[0];
		return 0;
	case OPT_REQUESTED_IP:
		return take_addr(&out->has_requested_ip, out->requested_ip, v, n);
	case OPT_SERVER_ID:
		return take_addr(&out->has_server_id, out->server_id, v, n);
	case OPT_LEASE_TIME:
		if (n != 4)
			return -EINVAL;
		if (!out->has_lease_time)
			out->lease_time = rd32(v);
		out->has_lease_time = 1;
		return 0;
	case OPT_OVERLOAD:
		if (n != 1 || v[0] < 1 || v[0] > 3)
			return -EINVAL;
		out->overload = v[0];
		return 0;
	case OPT_PARAMS:
		if (out->n_params)
			return 0;
		out->n_params = n;
		memcpy(out->params, v, n < XDT_DHCP_PARAMS_MAX ? n : XDT_DHCP_PARAMS_MAX);
		return 0;
	case OPT_HOSTNAME:
		if (!out->hostname[0])
			xdt_text_copy(out->hostname, sizeof(out->hostname), v, n);
		return 0;
	case OPT_VENDOR_CLASS:
		if (!out->vendor_class[0])
			xdt_text_copy(out->vendor_class, sizeof(out->vendor_class), v, n);
		return 0;
	default:
		return 0;
	}
}

static int walk_options(const uint8_t *p, size_t n, struct xdt_dhcp_info *out)
{
	size_t off = 0;
	int err;

	while (off < n) {
		uint8_t code = p[off], olen;

		if (code == OPT_PAD) {
			off++;
			continue;
		}
		if (code == OPT_END) {
			out->ended = 1;
			return 0;
		}
		if (n - off < 2 || p[off + 1] > n - off - 2)
			break;
		olen = p[off + 1];
		err = take_option(code, p + off + 2, olen, out);
		if (err)
			return err;
		off += 2 + (size_t)olen;
	}
	out->truncated = 1;
	return 0;
}

int xdt_dhcp_parse(const uint8_t *buf, size_t len, struct xdt_dhcp_info *out)
{
	memset(out, 0, sizeof(*out));
	if (len < OPTS_OFF)
		return -EINVAL;
	if ((buf[0] != 1 && buf[0] != 2) || !buf[1] || buf[2] > MAX_HLEN || buf[3] > MAX_HOPS)
		return -EINVAL;
	if (rd32(buf + BOOTP_FIXED) != MAGIC_COOKIE)
		return -EINVAL;
	out->op = buf[0];
	out->htype = buf[1];
	out->hlen = buf[2];
	out->hops = buf[3];
	out->xid = rd32(buf + 4);
	out->secs = rd16(buf + 8);
	out->flags = rd16(buf + 10);
	memcpy(out->ciaddr, buf + 12, 4);
	memcpy(out->yiaddr, buf + 16, 4);
	memcpy(out->siaddr, buf + 20, 4);
	memcpy(out->giaddr, buf + 24, 4);
	if (out->htype == 1 && out->hlen == 6) {
		memcpy(out->client_mac, buf + 28, 6);
		out->has_client_mac = 1;
	}
	return walk_options(buf + OPTS_OFF, len - OPTS_OFF, out);
}

const char *xdt_dhcp_type_name(uint8_t msg_type)
{
	static const char *const names[] = {
		[XDT_DHCP_DISCOVER] = "discover",
		[XDT_DHCP_OFFER] = "offer",
		[XDT_DHCP_REQUEST] = "request",
		[XDT_DHCP_DECLINE] = "decline",
		[XDT_DHCP_ACK] = "ack",
		[XDT_DHCP_NAK] = "nak",
		[XDT_DHCP_RELEASE] = "release",
		[XDT_DHCP_INFORM] = "inform",
		[9] = "forcerenew",		/* RFC 3203 */
		[10] = "leasequery",		/* RFC 4388 */
		[11] = "leaseunassigned",
		[12] = "leaseunknown",
		[13] = "leaseactive",
		[14] = "bulkleasequery",	/* RFC 6926 */
		[15] = "leasequerydone",
		[16] = "activeleasequery",	/* RFC 7724 */
		[17] = "leasequerystatus",
		[18] = "tls",
	};

	return msg_type < sizeof(names) / sizeof(names[0]) ? names[msg_type] : NULL;
}

/* --- DHCPv6 ------------------------------------------------------------------- */

/*
 * Option 39's domain name: DNS wire format without compression, and "partial"
 * (no root label) when the client sends only its host name (RFC 4704 4.2).
 */
static int read_fqdn(char *dst, size_t cap, const uint8_t *p, size_t n)
{
	size_t off = 0, w = 0;

	dst[0] = '\0';
	while (off < n) {
		uint8_t l = p[off++];

		if (!l)
			return off == n ? 0 : -EINVAL;
		if (l > 63 || l > n - off)
			return -EINVAL;
		if (w && w + 1 < cap)
			dst[w++] = '.';
		if (w + 1 < cap) {
			xdt_text_copy(dst + w, cap - w, p + off, l);
			w += strlen(dst + w);
		}
		dst[w] = '\0';
		off += l;
	}
	return 0;
}

static int take_option_v6(uint16_t code, const uint8_t *v, uint16_t n,
			  struct xdt_dhcp_v6_info *out)
{
	switch (code) {
	case V6_OPT_CLIENTID:
		if (out->has_client_id)
			return 0;
		out->has_client_id = 1;
		out->duid_len = n < XDT_DHCP_DUID_MAX ? (uint8_t)n : XDT_DHCP_DUID_MAX;
		memcpy(out->duid, v, out->duid_len);
		return 0;
	case V6_OPT_ELAPSED:
		if (n != 2)
			return -EINVAL;
		out->elapsed = rd16(v);
		out->has_elapsed = 1;
		return 0;
	case V6_OPT_VENDOR_CLASS:
		if (n < 4)
			return -EINVAL;
		out->vendor_enterprise = rd32(v);
		out->has_vendor_class = 1;
		return 0;
	case V6_OPT_FQDN:
		if (n < 1)
			return -EINVAL;
		if (out->fqdn[0])
			return 0;
		return read_fqdn(out->fqdn, sizeof(out->fqdn), v + 1, (size_t)n - 1);
	default:
		return 0;
	}
}

int xdt_dhcp_parse_v6(const uint8_t *buf, size_t len, struct xdt_dhcp_v6_info *out)
{
	size_t off;
	int err;

	memset(out, 0, sizeof(*out));
	if (len < V6_HDR || buf[0] < XDT_DHCP6_SOLICIT || buf[0] > XDT_DHCP6_RELAY_REPL)
		return -EINVAL;
	out->msg_type = buf[0];
	if (buf[0] == XDT_DHCP6_RELAY_FORW || buf[0] == XDT_DHCP6_RELAY_REPL) {
		if (len < V6_RELAY_HDR || buf[1] > V6_MAX_HOPS)
			return -EINVAL;
		out->hop_count = buf[1];
		off = V6_RELAY_HDR;
	} else {
		out->xid = (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
		off = V6_HDR;
	}
	while (off < len) {
		uint16_t code, olen;

		if (len - off < 4) {
			out->truncated = 1;
			break;
		}
		code = rd16(buf + off);
		olen = rd16(buf + off + 2);
		if (!code)
			return -EINVAL;
		if (olen > len - off - 4) {
			out->truncated = 1;
			break;
		}
		err = take_option_v6(code, buf + off + 4, olen, out);
		if (err)
			return err;
		out->n_options++;
		off += 4 + (size_t)olen;
	}
	return 0;
}

const char *xdt_dhcp_v6_type_name(uint8_t msg_type)
{
	static const char *const names[] = {
		[XDT_DHCP6_SOLICIT] = "solicit",
		[XDT_DHCP6_ADVERTISE] = "advertise",
		[XDT_DHCP6_REQUEST] = "request",
		[XDT_DHCP6_CONFIRM] = "confirm",
		[XDT_DHCP6_RENEW] = "renew",
		[XDT_DHCP6_REBIND] = "rebind",
		[XDT_DHCP6_REPLY] = "reply",
		[XDT_DHCP6_RELEASE] = "release",
		[XDT_DHCP6_DECLINE] = "decline",
		[XDT_DHCP6_RECONFIGURE] = "reconfigure",
		[XDT_DHCP6_INFORMATION_REQUEST] = "information-request",
		[XDT_DHCP6_RELAY_FORW] = "relay-forw",
		[XDT_DHCP6_RELAY_REPL] = "relay-repl",
	};

	return msg_type < sizeof(names) / sizeof(names[0]) ? names[msg_type] : NULL;
}
