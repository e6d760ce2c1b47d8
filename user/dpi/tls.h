/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TLS ClientHello / ServerHello decoding at the start of a TCP stream or in a
 * QUIC CRYPTO stream: SNI, ALPN, versions, chosen cipher and the JA4 client
 * fingerprint.
 *
 * Pure: no allocation, no global state, never reads past len. Input bytes are
 * attacker-controlled. Uses about 25 KiB of stack (a hello may span records, so
 * it is gathered into a local buffer).
 */
#ifndef XDT_DPI_TLS_H
#define XDT_DPI_TLS_H

#include <stdint.h>
#include <stddef.h>

#define XDT_TLS_SNI_MAX 256
#define XDT_TLS_ALPN_MAX 64	/* comma-separated protocol list, truncated */
#define XDT_TLS_JA4_MAX 40
/* Largest handshake message gathered; matches the caller's 16 KiB stream bound. */
#define XDT_TLS_HELLO_MAX 16384

enum xdt_tls_handshake {
	XDT_TLS_CLIENT_HELLO = 1,
	XDT_TLS_SERVER_HELLO = 2,
};

struct xdt_tls_info {
	uint8_t handshake;		/* enum xdt_tls_handshake */
	uint8_t hello_retry;		/* ServerHello is a TLS 1.3 HelloRetryRequest */
	uint16_t legacy_version;	/* hello legacy_version */
	/*
	 * ClientHello: highest in supported_versions (ignoring GREASE), else legacy.
	 * ServerHello: selected (supported_versions extension), else legacy.
	 */
	uint16_t max_version;
	uint16_t cipher;		/* ServerHello: chosen cipher suite */
	char sni[XDT_TLS_SNI_MAX];	/* NUL-terminated, non-printable bytes become '?' */
	/*
	 * ClientHello: offered list, e.g. "h2,http/1.1". ServerHello: the selected one,
	 * which TLS 1.3 sends encrypted, so it is only seen for TLS 1.2 and older.
	 */
	char alpn[XDT_TLS_ALPN_MAX];
	/* ClientHello only, e.g. "t13d1516h2_8daaf6152771_02713d6af862"; 'q' first over QUIC */
	char ja4[XDT_TLS_JA4_MAX];
};

/*
 * Parse the TLS records at the start of a TCP stream's payload (one or more
 * records; a handshake message may span records).
 *
 * Returns 0 when a ClientHello or ServerHello was parsed; -EAGAIN if buf is empty
 * or a TLS handshake start cut before the hello ends (append more payload and
 * retry); -EINVAL if it is not TLS, is malformed, or is a hello larger than
 * XDT_TLS_HELLO_MAX. out is fully written only on 0.
 */
int xdt_tls_parse(const uint8_t *buf, size_t len, struct xdt_tls_info *out);

/*
 * Parse one bare handshake message (no record layer, as in a QUIC CRYPTO stream):
 * buf starts with the 4-byte handshake header. quic: the hello came over QUIC, so
 * the JA4 starts with 'q' instead of 't'. Bytes after the message are ignored.
 *
 * Returns 0 when a ClientHello or ServerHello was parsed; -EAGAIN if buf ends
 * before the message does; -EINVAL if it is not a hello, is malformed, or is
 * larger than XDT_TLS_HELLO_MAX. out is fully written only on 0.
 */
int xdt_tls_parse_handshake(const uint8_t *buf, size_t len, int quic, struct xdt_tls_info *out);

/* SHA-256 of len bytes (FIPS 180-4); exported for tests. */
void xdt_tls_sha256(const void *data, size_t len, uint8_t digest[32]);

#endif /* XDT_DPI_TLS_H */
