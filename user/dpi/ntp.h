/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NTP (RFC 5905; versions 2-4): the 48-byte header of modes 1-5, and the control
 * (mode 6, RFC 9327) and private (mode 7, ntpd's ntpdc) messages by their first
 * bytes only.
 */
#ifndef XDT_DPI_NTP_H
#define XDT_DPI_NTP_H

#include <stddef.h>
#include <stdint.h>

#define XDT_NTP_MODE_SYM_ACTIVE 1
#define XDT_NTP_MODE_SYM_PASSIVE 2
#define XDT_NTP_MODE_CLIENT 3
#define XDT_NTP_MODE_SERVER 4
#define XDT_NTP_MODE_BROADCAST 5
#define XDT_NTP_MODE_CONTROL 6
#define XDT_NTP_MODE_PRIVATE 7

#define XDT_NTP_STRATUM_UNSYNC 16

struct xdt_ntp_info {
	uint8_t version;
	uint8_t mode;			/* XDT_NTP_MODE_* */
	/* Modes 1-5. */
	uint8_t leap;			/* 0..2, 3: clock unsynchronised */
	uint8_t stratum;		/* 0 unspecified or kiss-o'-death, 1 primary, 16 unsync */
	int8_t poll, precision;		/* log2 seconds */
	uint8_t kiss;			/* mode 4, stratum 0: refid is a kiss code (RATE, DENY) */
	uint32_t root_delay, root_dispersion;	/* NTP short format (16.16), raw */
	uint32_t refid_raw;
	uint64_t ref_ts, orig_ts, rx_ts, tx_ts;	/* NTP timestamps (32.32), raw */
	uint16_t extra;			/* bytes after the header: extension fields, MAC */
	char refid[16];			/* "GPS", "RATE", "192.0.2.1"; "" when zero */
	/* Modes 6 and 7. */
	uint8_t response;		/* the R bit */
	uint8_t opcode;			/* mode 6: opcode (2 read variables); 7: request code */
};

/*
 * An NTP message (UDP 123). Modes 1-5 need the whole 48-byte header, a version of
 * 2-4 and a stratum of at most 16; the reference id is shown as a 4-character code
 * for strata 0 and 1 (and 16 when printable), as an IPv4 address otherwise (for an
 * IPv6 server it is a hash, shown the same way, as ntpq does). Modes 6 and 7 need
 * their 12- and 8-byte headers and a version of 1-4, mode 6 a data count of at most
 * 468 and mode 7 implementation 0, 2 or 3; only the header is read.
 * 0, or -EINVAL (mode 0, version or stratum out of range, too short).
 */
int xdt_ntp_parse(const uint8_t *buf, size_t len, struct xdt_ntp_info *out);

/* "symmetric active", "client", "server", "control", ...; "reserved" for mode 0. */
const char *xdt_ntp_mode_name(uint8_t mode);

#endif
