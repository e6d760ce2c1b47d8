// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: per-flow application detection (user/dpi/dpi.c) over a sequence of
 * payloads of one flow: TCP reassembly (sequence numbers chosen by the input,
 * so duplicates, overlaps, holes and rebasing all happen) and the protocol
 * dispatch to every parser. Input: a header byte (bit 0: UDP instead of TCP;
 * bits 1-2 pick the server port), then records of
 *   flags(1: bit 0 from_b, bit 1 cut by the capture) seq(4) len(2) data(len).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dpi/dpi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t ports[] = { 443, 53, 22, 80 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t c[16] = { 10, 213, 0, 1 }, s[16] = { 10, 213, 0, 2 }, from_a;
	struct xdt_dpi_stats st = { 0 };
	struct xdt_flow f;
	size_t at = 1;

	if (size < 1)
		return 0;
	memset(&f, 0, sizeof(f));
	xdt_flow_key_make(&f.key, XDT_FAM_IPV4, data[0] & 1 ? 17 : 6, 0, c, 40000, s,
			  ports[(data[0] >> 1) & 3], &from_a);
	f.init_is_a = 1;
	while (size - at >= 7) {
		struct xdt_dpi_payload pl;
		uint32_t len = (uint32_t)data[at + 5] << 8 | data[at + 6];

		if (len > size - at - 7)
			len = (uint32_t)(size - at - 7);
		pl = (struct xdt_dpi_payload){
			.data = data + at + 7,
			.caplen = len,
			.wire_len = data[at] & 2 ? len + 100 : len,
			.tcp_seq = (uint32_t)data[at + 1] << 24 | (uint32_t)data[at + 2] << 16 |
				   (uint32_t)data[at + 3] << 8 | data[at + 4],
			.from_b = data[at] & 1,
			.has_seq = f.key.proto == 6,
		};
		xdt_dpi_feed(&st, &f, &pl);
		at += 7 + len;
	}
	xdt_app_free(f.app);
	return 0;
}
