// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: a sequence of datagrams of one flow into one QUIC state, so the
 * CRYPTO reassembly across packets is reached too. The input is records of
 *
 *   flags (1 byte: bit 0 from the client, bit 1 truncated), length (2 bytes,
 *   big-endian), then that many datagram bytes (fewer if the input ends).
 *
 * Authenticated packets are out of the fuzzer's reach, but a packet whose
 * Length runs past the datagram is decrypted unverified, and flipping its
 * ciphertext flips its plaintext: that is how frames and hellos get mutated.
 * Whatever happens, the strings must stay NUL-terminated and lengths in range.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dpi/quic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void must_be_string(const char *s, size_t cap)
{
	if (!memchr(s, '\0', cap))
		__builtin_trap();
}

static void must_be_hello(const struct xdt_tls_info *t)
{
	must_be_string(t->sni, sizeof(t->sni));
	must_be_string(t->alpn, sizeof(t->alpn));
	must_be_string(t->ja4, sizeof(t->ja4));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xdt_quic_state s;	/* 18 KiB: not on the stack */
	struct xdt_quic_info qi;
	struct xdt_quic_header h;
	size_t off = 0;

	xdt_quic_state_init(&s);
	memset(&qi, 0, sizeof(qi));
	while (size - off >= 3) {
		unsigned int flags = data[off];
		size_t n = (size_t)data[off + 1] << 8 | data[off + 2];

		off += 3;
		if (n > size - off)
			n = size - off;
		if (xdt_quic_parse_header(data + off, n, &h) != -EINVAL &&
		    (h.dcid_len > XDT_QUIC_CID_MAX || h.scid_len > XDT_QUIC_CID_MAX))
			__builtin_trap();
		(void)xdt_quic_looks_like(data + off, n);
		xdt_quic_feed(&s, data + off, n, flags & 1, flags >> 1 & 1, &qi);
		if (qi.dcid_len > XDT_QUIC_CID_MAX || qi.scid_len > XDT_QUIC_CID_MAX ||
		    s.crypto[0].contig > XDT_QUIC_CRYPTO_MAX ||
		    s.crypto[1].contig > XDT_QUIC_CRYPTO_MAX)
			__builtin_trap();
		must_be_hello(&qi.client_hello);
		must_be_hello(&qi.server_hello);
		off += n;
	}
	return 0;
}
