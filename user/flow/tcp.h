/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * TCP connection state as an observer on the path sees it, named from the
 * initiator's side (what `ss` would show for the initiating socket).
 */
#ifndef XDT_FLOW_TCP_H
#define XDT_FLOW_TCP_H

#include <stdint.h>

/* State of a flow whose first packet has flags @flags. */
uint8_t xdt_tcp_initial(uint8_t flags);

/* State after a packet with @flags, sent by the initiator if @from_init. */
uint8_t xdt_tcp_next(uint8_t state, int from_init, uint8_t flags);

#endif
