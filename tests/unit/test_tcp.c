// SPDX-License-Identifier: GPL-2.0-only
#include <criterion/criterion.h>

#include "flow/table.h"
#include "flow/tcp.h"
#include "pkt/parse.h"

#define SYN XDT_TCP_SYN
#define ACK XDT_TCP_ACK
#define FIN XDT_TCP_FIN
#define RST XDT_TCP_RST

struct step {
	int from_init;
	uint8_t flags;
	enum xdt_tcp_state after;
};

static void run(const struct step *s, size_t n)
{
	uint8_t st = xdt_tcp_initial(s[0].flags);
	size_t i;

	cr_assert_eq(st, s[0].after, "first packet: %s", xdt_tcp_state_name(st));
	for (i = 1; i < n; i++) {
		st = xdt_tcp_next(st, s[i].from_init, s[i].flags);
		cr_assert_eq(st, s[i].after, "step %zu: got %s, want %s", i, xdt_tcp_state_name(st),
			     xdt_tcp_state_name(s[i].after));
	}
}

Test(tcp, walks_a_client_close_to_time_wait)
{
	const struct step s[] = {
		{ 1, SYN, XDT_TCP_SYN_SENT },
		{ 0, SYN | ACK, XDT_TCP_SYN_RECV },
		{ 1, ACK, XDT_TCP_ESTABLISHED },
		{ 1, FIN | ACK, XDT_TCP_FIN_WAIT },
		{ 0, ACK, XDT_TCP_FIN_WAIT },
		{ 0, FIN | ACK, XDT_TCP_TIME_WAIT },
		{ 1, ACK, XDT_TCP_TIME_WAIT },
	};

	run(s, sizeof(s) / sizeof(s[0]));
}

Test(tcp, walks_a_server_close_to_closed)
{
	const struct step s[] = {
		{ 1, SYN, XDT_TCP_SYN_SENT },
		{ 0, SYN | ACK, XDT_TCP_SYN_RECV },
		{ 1, ACK, XDT_TCP_ESTABLISHED },
		{ 0, FIN | ACK, XDT_TCP_CLOSE_WAIT },
		{ 1, FIN | ACK, XDT_TCP_CLOSED },
	};

	run(s, sizeof(s) / sizeof(s[0]));
}

Test(tcp, resets_from_any_state)
{
	const struct step s[] = {
		{ 1, SYN, XDT_TCP_SYN_SENT },
		{ 0, RST | ACK, XDT_TCP_RESET },
		{ 1, ACK, XDT_TCP_RESET },
	};

	run(s, sizeof(s) / sizeof(s[0]));
}

Test(tcp, treats_a_mid_stream_pickup_as_established)
{
	const struct step s[] = {
		{ 1, ACK, XDT_TCP_ESTABLISHED },
		{ 0, ACK, XDT_TCP_ESTABLISHED },
	};

	run(s, sizeof(s) / sizeof(s[0]));
	cr_assert_eq(xdt_tcp_initial(FIN | ACK), XDT_TCP_FIN_WAIT);
	cr_assert_eq(xdt_tcp_initial(RST), XDT_TCP_RESET);
}

Test(tcp, survives_a_lost_syn_ack)
{
	const struct step s[] = {
		{ 1, SYN, XDT_TCP_SYN_SENT },
		{ 1, ACK, XDT_TCP_ESTABLISHED },
	};

	run(s, sizeof(s) / sizeof(s[0]));
}
