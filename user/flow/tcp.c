// SPDX-License-Identifier: GPL-2.0-only
#include "tcp.h"
#include "table.h"
#include "../pkt/parse.h"

static uint8_t on_fin(uint8_t state, int from_init)
{
	switch (state) {
	case XDT_TCP_SYN_SENT:
	case XDT_TCP_SYN_RECV:
	case XDT_TCP_ESTABLISHED:
		return from_init ? XDT_TCP_FIN_WAIT : XDT_TCP_CLOSE_WAIT;
	case XDT_TCP_FIN_WAIT:
		return from_init ? state : XDT_TCP_TIME_WAIT;
	case XDT_TCP_CLOSE_WAIT:
		return from_init ? XDT_TCP_CLOSED : state;
	default:
		return state;
	}
}

uint8_t xdt_tcp_initial(uint8_t flags)
{
	if ((flags & (XDT_TCP_SYN | XDT_TCP_ACK)) == XDT_TCP_SYN)
		return xdt_tcp_next(XDT_TCP_SYN_SENT, 1, flags & ~XDT_TCP_SYN);
	if ((flags & (XDT_TCP_SYN | XDT_TCP_ACK)) == (XDT_TCP_SYN | XDT_TCP_ACK))
		return xdt_tcp_next(XDT_TCP_SYN_RECV, 0, flags & ~(XDT_TCP_SYN | XDT_TCP_ACK));
	/* Picked up mid-stream: the handshake happened before we looked. */
	return xdt_tcp_next(XDT_TCP_ESTABLISHED, 1, flags);
}

uint8_t xdt_tcp_next(uint8_t state, int from_init, uint8_t flags)
{
	if (flags & XDT_TCP_RST)
		return XDT_TCP_RESET;
	switch (state) {
	case XDT_TCP_SYN_SENT:
		if (!from_init && (flags & XDT_TCP_SYN) && (flags & XDT_TCP_ACK))
			state = XDT_TCP_SYN_RECV;
		else if (from_init && !(flags & XDT_TCP_SYN) && (flags & XDT_TCP_ACK))
			state = XDT_TCP_ESTABLISHED;	/* the SYN+ACK was not seen */
		break;
	case XDT_TCP_SYN_RECV:
		if (from_init && !(flags & XDT_TCP_SYN) && (flags & XDT_TCP_ACK))
			state = XDT_TCP_ESTABLISHED;
		break;
	default:
		break;
	}
	if (flags & XDT_TCP_FIN)
		state = on_fin(state, from_init);
	return state;
}
