// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer: the frame decoder and the engine behind it. The first input byte
 * picks the link type, the rest is the frame; frames go through the whole
 * userspace path (decoder, fragment cache, flow table, application detection with
 * the largest budget) so state bugs show too.
 */
#include <stddef.h>
#include <stdint.h>

#include "engine.h"

static const int links[] = {
	XDT_LINK_ETHERNET, XDT_LINK_SLL, XDT_LINK_SLL2, XDT_LINK_RAW,
	XDT_LINK_IPV4,	   XDT_LINK_IPV6, XDT_LINK_NULL, XDT_LINK_LOOP,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct xdt_engine *e;
	static uint64_t ts;

	if (!e) {
		struct xdt_engine_opts o = {
			.max_flows = 64, .frag_slots = 16, .seed = 1,
			.dpi = { .enabled = 1, .packets = 64, .bytes = 512 },
		};

		e = xdt_engine_new(&o);
		if (!e)
			return 0;
	}
	if (size < 1)
		return 0;
	ts += 1000000000ULL;	/* a second per input: timeouts and evictions happen */
	xdt_engine_packet(e, links[data[0] % (sizeof(links) / sizeof(links[0]))], data + 1,
			  size - 1, size - 1, ts);
	return 0;
}
