// SPDX-License-Identifier: GPL-2.0-only
/*
 * NTP headers. Port 123 alone names the flow, so the checks here only need to keep
 * other traffic that happens to use the port (and garbage) from being decoded as
 * NTP: the fields that have few legal values are checked, the rest are reported.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ntp.h"
#include "text.h"

#define HDR_LEN 48
#define CONTROL_HDR 12		/* RFC 9327 section 2 */
#define CONTROL_MAX_DATA 468
#define PRIVATE_HDR 8		/* ntpd's struct req_pkt header */
#define MAX_STRATUM XDT_NTP_STRATUM_UNSYNC

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) << 32 | rd32(p + 4);
}

/* A kiss or reference code is ASCII, left-justified and zero-padded (RFC 5905 7.3). */
static int code_printable(const uint8_t *p)
{
	int i, end = 0;

	for (i = 0; i < 4; i++) {
		if (!p[i])
			end = 1;
		else if (end || p[i] < 0x20 || p[i] > 0x7e)
			return 0;
	}
	return p[0] != 0;
}

static void refid_text(struct xdt_ntp_info *out, const uint8_t *p)
{
	size_t n = 0;

	if (!out->refid_raw)
		return;
	if (out->stratum <= 1 || (out->stratum == MAX_STRATUM && code_printable(p))) {
		while (n < 4 && p[n])
			n++;
		xdt_text_copy(out->refid, sizeof(out->refid), p, n);
		return;
	}
	snprintf(out->refid, sizeof(out->refid), "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

static int parse_control(const uint8_t *buf, size_t len, struct xdt_ntp_info *out)
{
	if (out->mode == XDT_NTP_MODE_CONTROL) {
		if (len < CONTROL_HDR || rd16(buf + 10) > CONTROL_MAX_DATA)
			return -EINVAL;
		out->response = !!(buf[1] & 0x80);
		out->opcode = buf[1] & 0x1f;
		return 0;
	}
	/* Implementation 0 (universal), 2 (old xntpd) or 3 (xntpd) are all there is. */
	if (len < PRIVATE_HDR || buf[2] == 1 || buf[2] > 3)
		return -EINVAL;
	out->response = !!(buf[0] & 0x80);
	out->opcode = buf[3];
	return 0;
}

int xdt_ntp_parse(const uint8_t *buf, size_t len, struct xdt_ntp_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!len)
		return -EINVAL;
	out->version = buf[0] >> 3 & 7;
	out->mode = buf[0] & 7;
	if (!out->mode || !out->version || out->version > 4)
		return -EINVAL;
	if (out->mode >= XDT_NTP_MODE_CONTROL)
		return parse_control(buf, len, out);
	/* Version 1 had no modes (RFC 1059): those bits were zero. */
	if (out->version < 2 || len < HDR_LEN || buf[1] > MAX_STRATUM)
		return -EINVAL;
	out->leap = buf[0] >> 6;
	out->stratum = buf[1];
	out->poll = (int8_t)buf[2];
	out->precision = (int8_t)buf[3];
	out->root_delay = rd32(buf + 4);
	out->root_dispersion = rd32(buf + 8);
	out->refid_raw = rd32(buf + 12);
	out->ref_ts = rd64(buf + 16);
	out->orig_ts = rd64(buf + 24);
	out->rx_ts = rd64(buf + 32);
	out->tx_ts = rd64(buf + 40);
	out->extra = len - HDR_LEN > UINT16_MAX ? UINT16_MAX : (uint16_t)(len - HDR_LEN);
	out->kiss = out->mode == XDT_NTP_MODE_SERVER && !out->stratum && out->refid_raw;
	refid_text(out, buf + 12);
	return 0;
}

const char *xdt_ntp_mode_name(uint8_t mode)
{
	static const char *const names[8] = {
		"reserved", "symmetric active", "symmetric passive", "client",
		"server", "broadcast", "control", "private",
	};

	return mode < 8 ? names[mode] : names[0];
}
