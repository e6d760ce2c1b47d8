/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * STUN messages (RFC 8489, formerly 5389) and the TURN methods (RFC 8656, 6062):
 * the header, and SOFTWARE, USERNAME, XOR-MAPPED-ADDRESS and ERROR-CODE.
 */
#ifndef XDT_DPI_STUN_H
#define XDT_DPI_STUN_H

#include <stddef.h>
#include <stdint.h>

#define XDT_STUN_STR_MAX 128	/* display strings, NUL included, truncated */

#define XDT_STUN_BINDING 0x001
#define XDT_STUN_ALLOCATE 0x003
#define XDT_STUN_REFRESH 0x004
#define XDT_STUN_SEND 0x006
#define XDT_STUN_DATA 0x007
#define XDT_STUN_CREATE_PERMISSION 0x008
#define XDT_STUN_CHANNEL_BIND 0x009

#define XDT_STUN_REQUEST 0
#define XDT_STUN_INDICATION 1
#define XDT_STUN_SUCCESS 2
#define XDT_STUN_ERROR 3

struct xdt_stun_info {
	uint16_t type;			/* the raw message type */
	uint16_t method;		/* XDT_STUN_BINDING, ... (12 bits) */
	uint8_t cls;			/* XDT_STUN_REQUEST, ... */
	uint8_t truncated;		/* the message goes on past @len */
	uint16_t length;		/* the header's message length (after the header) */
	uint8_t txid[12];		/* transaction id */
	uint16_t n_attrs;		/* attributes walked */
	uint8_t has_mapped;		/* XOR-MAPPED-ADDRESS decoded */
	uint8_t mapped_family;		/* 4 or 6 */
	uint16_t mapped_port;
	uint8_t mapped_addr[16];	/* IPv4: the first 4 bytes */
	uint16_t error_code;		/* ERROR-CODE: 300..699; 0 when absent */
	uint8_t has_integrity;		/* MESSAGE-INTEGRITY(-SHA256) present (not checked) */
	uint8_t has_fingerprint;	/* FINGERPRINT present (not checked) */
	char software[XDT_STUN_STR_MAX];	/* SOFTWARE */
	char username[XDT_STUN_STR_MAX];	/* USERNAME, e.g. ICE "ufrag:ufrag" */
};

/*
 * A STUN message in a UDP payload: the 20-byte header with the magic cookie
 * 0x2112A442, the two top bits of the type zero, a length that is a multiple of 4
 * and covers the rest of the datagram. Attributes are walked to the end of the
 * message or of @len, whichever comes first; a cut capture sets truncated.
 * Classic STUN (RFC 3489, no cookie) and TURN ChannelData are not recognised.
 * 0, or -EINVAL (shorter than the header, no cookie, bytes past the message, an
 * attribute past the message, a malformed XOR-MAPPED-ADDRESS or ERROR-CODE).
 */
int xdt_stun_parse(const uint8_t *buf, size_t len, struct xdt_stun_info *out);

/* "binding", "allocate", ..., "channel bind", "connect", ...; NULL if unknown. */
const char *xdt_stun_method_name(uint16_t method);

/* "request", "indication", "success", "error". */
const char *xdt_stun_class_name(uint8_t cls);

#endif
