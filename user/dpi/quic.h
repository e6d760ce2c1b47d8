/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * QUIC (RFC 9000/9001, v2 RFC 9369) as seen from the first datagrams of a UDP
 * flow: long headers, Initial packet decryption, the TLS hellos in the Initial
 * CRYPTO streams and CONNECTION_CLOSE.
 *
 * Only Initial packets can be read by an observer: their keys come from the
 * Destination Connection ID of the client's first Initial. Handshake, 0-RTT and
 * 1-RTT (short header) packets use keys from the TLS handshake and are only
 * recognised: a short header packet is "QUIC continuing" once the flow has been
 * seen to be QUIC, and is not QUIC before that (its first byte is all the
 * structure it has).
 *
 * Pure: no allocation, no global state, never reads past len. Input bytes are
 * attacker-controlled. Needs libcrypto; uses about 45 KiB of stack (one
 * decrypted packet plus xdt_tls_parse_handshake()).
 */
#ifndef XDT_DPI_QUIC_H
#define XDT_DPI_QUIC_H

#include <stddef.h>
#include <stdint.h>

#include "tls.h"

#define XDT_QUIC_V1 0x00000001u
#define XDT_QUIC_V2 0x6b3343cfu
#define XDT_QUIC_DRAFT29 0xff00001du

#define XDT_QUIC_CID_MAX 20	/* RFC 9000 17.2: v1 connection IDs are at most 20 bytes */
/*
 * CRYPTO stream bytes kept per direction. A ClientHello with a post-quantum key
 * share is about 1.8 KB; data past this offset is dropped and a hello that does
 * not fit is not parsed.
 */
#define XDT_QUIC_CRYPTO_MAX 8192

enum xdt_quic_ptype {
	XDT_QUIC_PKT_UNKNOWN = 0,	/* a version whose packet types we do not know */
	XDT_QUIC_PKT_INITIAL,
	XDT_QUIC_PKT_0RTT,
	XDT_QUIC_PKT_HANDSHAKE,
	XDT_QUIC_PKT_RETRY,
	XDT_QUIC_PKT_VN,		/* Version Negotiation (version 0) */
};

/* One long header, as far as its version lets it be read. */
struct xdt_quic_header {
	uint32_t version;
	uint8_t type;			/* enum xdt_quic_ptype, v2 type bits already mapped */
	uint8_t dcid_len;
	uint8_t scid_len;
	uint8_t dcid[XDT_QUIC_CID_MAX];
	uint8_t scid[XDT_QUIC_CID_MAX];
	size_t token_off;		/* Initial only: the token */
	size_t token_len;
	uint64_t length;		/* the Length field: packet number and payload */
	/*
	 * Where the header ends: the protected packet number (Initial, 0-RTT,
	 * Handshake), the supported versions (Version Negotiation), the token (Retry).
	 */
	size_t hdr_len;
};

/* Packet protection keys for one direction. */
struct xdt_quic_keys {
	uint8_t key[16];		/* AEAD_AES_128_GCM */
	uint8_t iv[12];
	uint8_t hp[16];			/* AES-128-ECB header protection */
};

struct xdt_quic_crypto {
	uint8_t data[XDT_QUIC_CRYPTO_MAX];
	uint8_t have[XDT_QUIC_CRYPTO_MAX / 8];	/* bitmap of the bytes received */
	uint16_t contig;		/* data[0..contig) is all there */
	uint8_t done;			/* hello parsed, or given up on */
	uint8_t unverified;		/* some bytes came unauthenticated (cut packet) */
};

/*
 * Per flow, about 18 KiB: embed it in the flow's data (allocated when the flow is
 * first seen to be QUIC) and call xdt_quic_state_init() once.
 */
struct xdt_quic_state {
	uint8_t is_quic;
	uint8_t have_odcid;
	uint8_t odcid_len;
	uint8_t odcid[XDT_QUIC_CID_MAX];	/* keys come from this */
	uint8_t keys_valid[2];
	uint32_t keys_version[2];
	struct xdt_quic_keys keys[2];	/* [0] client, [1] server */
	int64_t largest_pn[2];		/* for packet number decoding, -1: none yet */
	struct xdt_quic_crypto crypto[2];
};

/* What a flow's datagrams have shown so far. Zero it before the first feed. */
struct xdt_quic_info {
	uint32_t version;		/* of the latest long header, Version Negotiation aside */
	uint8_t dcid_len;
	uint8_t scid_len;
	uint8_t dcid[XDT_QUIC_CID_MAX];	/* of the client's first Initial */
	uint8_t scid[XDT_QUIC_CID_MAX];
	uint8_t version_negotiation;	/* the server answered with Version Negotiation */
	uint8_t retry;			/* the server sent a Retry */
	uint8_t have_client_hello;
	uint8_t have_server_hello;
	/* The hello was read (partly) from a truncated packet whose tag was not checked. */
	uint8_t client_hello_unverified;
	uint8_t server_hello_unverified;
	uint8_t closed;			/* CONNECTION_CLOSE seen in an Initial */
	uint8_t close_app;		/* ... of the application kind (0x1d) */
	uint64_t close_error;
	uint32_t initials_decrypted;	/* whole and authenticated */
	uint32_t initials_unverified;	/* truncated: decrypted without the tag */
	uint32_t tag_failures;		/* dropped: the tag did not verify */
	uint32_t initials_no_keys;	/* not decrypted: the client's first Initial was unseen */
	/*
	 * Long header packets whose lengths lie, dropped unread: in a datagram the
	 * capture did not cut, a token length or Length that runs past its end; an
	 * Initial whose Length leaves no room for a packet number and the sample.
	 */
	uint32_t malformed;
	struct xdt_tls_info client_hello;
	struct xdt_tls_info server_hello;
};

void xdt_quic_state_init(struct xdt_quic_state *s);

/*
 * One UDP payload of the flow. from_client: sent by the flow's initiator.
 * truncated: the capture cut the datagram. Coalesced long header packets are
 * walked by their Length field. An Initial that is all there is authenticated
 * and dropped if its tag fails; in a cut datagram, one that runs past len is
 * decrypted as far as it goes, unverified. In a whole datagram a packet that runs
 * past its end lies about its length: it is counted in out->malformed, not read.
 *
 * Returns 0 if the datagram is QUIC (out updated), -EINVAL if it is not.
 */
int xdt_quic_feed(struct xdt_quic_state *s, const uint8_t *buf, size_t len, int from_client,
		  int truncated, struct xdt_quic_info *out);

/*
 * Cheap test for the dispatcher: a long header with the fixed bit, a known
 * version (or Version Negotiation) and connection IDs that fit.
 */
int xdt_quic_looks_like(const uint8_t *buf, size_t len);

/*
 * Parse the long header at buf. Returns 0 if it is all there; -EAGAIN if only the
 * version-independent part (version and connection IDs) is, the rest being cut;
 * -EINVAL if it is not a long header or is malformed. Versions whose packet
 * types are unknown stop after the connection IDs.
 */
int xdt_quic_parse_header(const uint8_t *buf, size_t len, struct xdt_quic_header *out);

/* "v1", "v2", "draft-29", or NULL. */
const char *xdt_quic_version_name(uint32_t version);

/*
 * The Initial keys of one direction (server: the "server in" secret) for a
 * version and the client's first Destination Connection ID (RFC 9001 5.2).
 * Returns 0, -ENOTSUP for a version without known Initial keys, -EINVAL for a
 * connection ID longer than 20 bytes, -EIO if libcrypto failed. Exported for tests.
 */
int xdt_quic_initial_keys(uint32_t version, const uint8_t *dcid, size_t dcid_len, int server,
			  struct xdt_quic_keys *out);

#endif /* XDT_DPI_QUIC_H */
