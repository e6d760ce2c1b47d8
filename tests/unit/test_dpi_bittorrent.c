// SPDX-License-Identifier: GPL-2.0-only
/*
 * BitTorrent parser. The "real" vectors were captured with tcpdump on lo in a
 * network namespace (Debian 12): aria2c 1.36 fetching a torrent whose tracker and
 * only peer were a python script, with --dht-entry-point at the same script. The
 * script's replies (its handshake, with a qBittorrent-style peer id) are marked as
 * such. Oracle, tshark 4.0:
 *   tshark -r bt.pcap -d tcp.port==6999,bittorrent -T fields -e bittorrent.info_hash
 *     -e bittorrent.peer_id
 *   2dbfb96ba903848f047e9291c09ba9f48f622290  41322d312d33362d302dadd4659407b4c211bd56
 *   2dbfb96ba903848f047e9291c09ba9f48f622290  2d7142343435302d6b38587732507a2156713041
 *   tshark -r bt.pcap -d udp.port==6998,bt-dht -T fields -e bt-dht.bencoded.string
 *   a,id,8776cdd42131f0a556d423a6306ff95ae0cf7466,q,ping,t,4bf3adf8,v,41320003,y,q
 * The uTP vectors decode in tshark (-d udp.port==6881,bt-utp) to type 0 with the
 * same info_hash and peer id.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dpi/bittorrent.h"
#include "hexvec.h"

#define S(x) (const uint8_t *)(x), sizeof(x) - 1

#define INFO_HASH "2dbfb96ba903848f047e9291c09ba9f48f622290"

static const char aria2_handshake[] =	/* real */
	"13426974546f7272656e742070726f746f636f6c00000000001000052dbfb96ba903848f047e9291c09ba9f4"
	"8f62229041322d312d33362d302dadd4659407b4c211bd56";
static const char qb_handshake[] =	/* the python peer's, with a qBittorrent 4.4.5 id */
	"13426974546f7272656e742070726f746f636f6c00000000001000052dbfb96ba903848f047e9291c09ba9f4"
	"8f6222902d7142343435302d6b38587732507a2156713041";
static const char aria2_mse[] =		/* real: the first 68 bytes of aria2's MSE handshake */
	"90cfb7f05efaf25d5da941c8b48e41e3b8d8f03cb7e615227aa47991b8220967d7fb4053da81b98185793869"
	"00ec8ea221b41973afcfc06a259fc97da40ab790d33297cd";
static const char aria2_ping[] =	/* real; tshark bt-dht: a,id,...,q,ping,...,y,q */
	"64313a6164323a696432303a8776cdd42131f0a556d423a6306ff95ae0cf746665313a71343a70696e67313a"
	"74343a4bf3adf8313a76343a41320003313a79313a7165";
static const char aria2_find_node[] =	/* real */
	"64313a6164323a696432303a8776cdd42131f0a556d423a6306ff95ae0cf7466363a74617267657432303a87"
	"76cdd42131f0a556d423a6306ff95ae0cf746665313a71393a66696e645f6e6f6465313a74343a75bcd83131"
	"3a76343a41320003313a79313a7165";
static const char aria2_get_peers[] =	/* real */
	"64313a6164323a696432303a8776cdd42131f0a556d423a6306ff95ae0cf7466393a696e666f5f6861736832"
	"303a2dbfb96ba903848f047e9291c09ba9f48f62229065313a71393a6765745f7065657273313a74343a9091"
	"b074313a76343a41320003313a79313a7165";
/* Built from BEP 29's header (ST_DATA, version 1), with and without a SACK extension. */
static const char utp_data[] =
	"010012340102030400000000001000000002000113426974546f7272656e742070726f746f636f6c00000000"
	"001000052dbfb96ba903848f047e9291c09ba9f48f6222902d7142343435302d6b38587732507a2156713041";
static const char utp_data_sack[] =
	"010112340102030400000000001000000002000100048000000013426974546f7272656e742070726f746f63"
	"6f6c00000000001000052dbfb96ba903848f047e9291c09ba9f48f6222902d7142343435302d6b3858773250"
	"7a2156713041";
/* Built from BEP 15: protocol id 0x41727101980, action 0 (connect), transaction id. */
static const char tracker_connect[] = "0000041727101980000000005a17c0de";

/* BEP 5's examples, verbatim. */
static const char bep5_ping[] = "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe";
static const char bep5_pong[] = "d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:re";
static const char bep5_error[] = "d1:eli201e23:A Generic Error Ocurrede1:t2:aa1:y1:ee";
static const char bep5_announce[] =
	"d1:ad2:id20:abcdefghij012345678912:implied_porti1e9:info_hash20:mnopqrstuvwxyz1234564:"
	"porti6881e5:token8:aoeusnthe1:q13:announce_peer1:t2:aa1:y1:qe";
static const char bep5_nodes[] =
	"d1:rd2:id20:0123456789abcdefghij5:nodes9:def456...e1:t2:aa1:y1:re";

static int bt_hex(const char *hex, size_t cut, int udp, struct xdt_bittorrent_info *out)
{
	uint8_t b[256];
	size_t n = unhex(b, sizeof(b), hex);

	n = cut && cut < n ? cut : n;
	return udp ? xdt_bittorrent_parse_udp(b, n, out) : xdt_bittorrent_parse(b, n, out);
}

Test(dpi_bittorrent, reads_a_real_aria2_handshake)
{
	struct xdt_bittorrent_info t;

	cr_assert_eq(bt_hex(aria2_handshake, 0, 0, &t), 0);
	cr_assert_eq(t.kind, XDT_BITTORRENT_HANDSHAKE);
	cr_assert_str_eq(t.info_hash_hex, INFO_HASH);
	/* aria2's peer id is "A2-1-36-0-" and random bytes. */
	cr_assert_str_eq(t.client, "A2-1-36-0-");
	cr_assert(t.reserved[5] & 0x10, "extension protocol (BEP 10)");
	cr_assert(t.reserved[7] & 0x01, "DHT (BEP 5)");
	cr_assert_not(t.utp);
}

Test(dpi_bittorrent, decodes_an_azureus_style_peer_id)
{
	struct xdt_bittorrent_info t;

	cr_assert_eq(bt_hex(qb_handshake, 0, 0, &t), 0);
	cr_assert_str_eq(t.client, "qB 4.4.5.0");
	cr_assert_eq(t.peer_id[0], '-');
}

Test(dpi_bittorrent, waits_for_the_rest_of_a_handshake)
{
	struct xdt_bittorrent_info t;

	cr_assert_eq(xdt_bittorrent_parse((const uint8_t *)"", 0, &t), -EAGAIN);
	cr_assert_eq(bt_hex(aria2_handshake, 1, 0, &t), -EAGAIN);
	cr_assert_eq(bt_hex(aria2_handshake, 20, 0, &t), -EAGAIN);
	cr_assert_eq(bt_hex(aria2_handshake, 67, 0, &t), -EAGAIN);
}

Test(dpi_bittorrent, rejects_other_stream_starts)
{
	struct xdt_bittorrent_info t;

	cr_assert_eq(bt_hex(aria2_mse, 0, 0, &t), -EINVAL);
	cr_assert_eq(xdt_bittorrent_parse(S("GET / HTTP/1.1\r\n"), &t), -EINVAL);
	cr_assert_eq(xdt_bittorrent_parse(S("\x13" "BitTorrent protocoX"), &t), -EINVAL);
}

Test(dpi_bittorrent, reads_real_dht_queries)
{
	static const uint8_t id[4] = { 0x87, 0x76, 0xcd, 0xd4 };
	struct xdt_bittorrent_info t;

	cr_assert_eq(bt_hex(aria2_ping, 0, 1, &t), 0);
	cr_assert_eq(t.kind, XDT_BITTORRENT_DHT);
	cr_assert_eq(t.dht_type, 'q');
	cr_assert_str_eq(t.query, "ping");
	cr_assert(t.has_node_id);
	cr_assert_arr_eq(t.node_id, id, 4);
	cr_assert_str_eq(t.version, "A2 0.3");
	cr_assert_not(t.has_info_hash);
	cr_assert_eq(bt_hex(aria2_find_node, 0, 1, &t), 0);
	cr_assert_str_eq(t.query, "find_node");
	cr_assert_eq(bt_hex(aria2_get_peers, 0, 1, &t), 0);
	cr_assert_str_eq(t.query, "get_peers");
	cr_assert_str_eq(t.info_hash_hex, INFO_HASH);
}

Test(dpi_bittorrent, reads_the_bep5_examples)
{
	struct xdt_bittorrent_info t;

	cr_assert_eq(xdt_bittorrent_parse_udp(S(bep5_ping), &t), 0);
	cr_assert_str_eq(t.query, "ping");
	cr_assert_arr_eq(t.node_id, "abcdefghij0123456789", 20);
	cr_assert_eq(xdt_bittorrent_parse_udp(S(bep5_pong), &t), 0);
	cr_assert_eq(t.dht_type, 'r');
	cr_assert_arr_eq(t.node_id, "mnopqrstuvwxyz123456", 20);
	cr_assert_eq(xdt_bittorrent_parse_udp(S(bep5_error), &t), 0);
	cr_assert_eq(t.dht_type, 'e');
	cr_assert_eq(xdt_bittorrent_parse_udp(S(bep5_announce), &t), 0);
	cr_assert_str_eq(t.query, "announce_peer");
	cr_assert_str_eq(t.info_hash_hex, "6d6e6f707172737475767778797a313233343536");
	cr_assert_eq(xdt_bittorrent_parse_udp(S(bep5_nodes), &t), 0);
	cr_assert_not(t.truncated);
}

Test(dpi_bittorrent, keeps_a_cut_message_only_by_its_fixed_start)
{
	struct xdt_bittorrent_info t;

	cr_assert_eq(xdt_bittorrent_parse_udp((const uint8_t *)bep5_nodes, 40, &t), 0);
	cr_assert(t.truncated);
	cr_assert_eq(t.dht_type, 'r');
	cr_assert(t.has_node_id);
	/* The node id itself is cut. */
	cr_assert_eq(xdt_bittorrent_parse_udp((const uint8_t *)bep5_nodes, 31, &t), -EINVAL);
	cr_assert_eq(xdt_bittorrent_parse_udp(S("d1:t2:aa1:y1:q"), &t), -EINVAL);
}

Test(dpi_bittorrent, rejects_malformed_bencoding)
{
	static const char *const bad[] = {
		"d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qee",	/* trailing */
		"d1:ad2:id20:abcdefghij0123456789e1:t2:aa1:y1:qe",	/* query, no name */
		"d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:y1:xe",	/* y */
		"d1:rd2:id20:mnopqrstuvwxyz123456e1:t2:aa1:yi1ee",	/* y not a string */
		"d1:rd2:id20:mnopqrstuvwxyz123456e1:t02:aa1:y1:re",	/* leading zero */
		"d1:rd2:id20:mnopqrstuvwxyz123456e1:t9999999:aa1:y1:re",	/* length */
		"d1:rd2:id20:mnopqrstuvwxyz123456e1:xi1-2e1:y1:re",	/* integer */
		"d1:xi-e1:y1:re", "de", "d", "di1e1:y1:re",
	};
	struct xdt_bittorrent_info t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_assert_eq(xdt_bittorrent_parse_udp((const uint8_t *)bad[i], strlen(bad[i]), &t),
			     -EINVAL, "%s", bad[i]);
}

Test(dpi_bittorrent, bounds_the_nesting_depth)
{
	struct xdt_bittorrent_info t;
	char b[2048];
	size_t n;

	n = (size_t)snprintf(b, sizeof(b), "d1:xl");
	memset(b + n, 'l', 1000);
	n += 1000;
	memset(b + n, 'e', 1002);
	n += 1002;
	memcpy(b + n, "1:y1:re", 7);
	n += 7;
	cr_assert_eq(xdt_bittorrent_parse_udp((const uint8_t *)b, n, &t), -EINVAL);
	cr_assert_eq(xdt_bittorrent_parse_udp(S("d1:xllllllleeeeeee1:y1:re"), &t), 0);
}

Test(dpi_bittorrent, reads_a_handshake_inside_a_utp_data_packet)
{
	struct xdt_bittorrent_info t;

	cr_assert_eq(bt_hex(utp_data, 0, 1, &t), 0);
	cr_assert(t.utp);
	cr_assert_str_eq(t.client, "qB 4.4.5.0");
	cr_assert_eq(bt_hex(utp_data_sack, 0, 1, &t), 0);
	cr_assert_str_eq(t.info_hash_hex, INFO_HASH);
	cr_assert_eq(bt_hex(utp_data, 60, 1, &t), -EINVAL);
	cr_assert_eq(bt_hex(utp_data_sack, 23, 1, &t), -EINVAL);
}

Test(dpi_bittorrent, recognises_a_udp_tracker_connect_request)
{
	struct xdt_bittorrent_info t;

	cr_assert_eq(bt_hex(tracker_connect, 0, 1, &t), 0);
	cr_assert_eq(t.kind, XDT_BITTORRENT_TRACKER);
	cr_assert_eq(bt_hex(tracker_connect, 15, 1, &t), -EINVAL);
}

Test(dpi_bittorrent, accepts_no_random_datagrams)
{
	struct xdt_bittorrent_info t;
	uint32_t seed = 0xb17;
	uint8_t b[128];
	int i;

	for (i = 0; i < 10000; i++) {
		noise(b, sizeof(b), &seed);
		if (i & 1)
			b[0] = 'd';
		cr_assert_neq(xdt_bittorrent_parse_udp(b, sizeof(b), &t), 0);
	}
}

