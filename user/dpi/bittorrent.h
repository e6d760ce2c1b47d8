/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * BitTorrent: the peer wire handshake (BEP 3) over TCP or inside a uTP data packet
 * (BEP 29), DHT queries and responses (KRPC, BEP 5) and the UDP tracker connect
 * request (BEP 15). Encrypted handshakes (MSE/PE) look random and are not seen.
 */
#ifndef XDT_DPI_BITTORRENT_H
#define XDT_DPI_BITTORRENT_H

#include <stddef.h>
#include <stdint.h>

#define XDT_BITTORRENT_CLIENT_MAX 24	/* display strings, NUL included */

enum xdt_bittorrent_kind {
	XDT_BITTORRENT_HANDSHAKE = 1,
	XDT_BITTORRENT_DHT,
	XDT_BITTORRENT_TRACKER,		/* UDP tracker connect request */
};

struct xdt_bittorrent_info {
	uint8_t kind;			/* enum xdt_bittorrent_kind */
	uint8_t utp;			/* handshake: it came in a uTP data packet */
	uint8_t truncated;		/* DHT: the message is cut; what came before is kept */
	uint8_t has_info_hash;		/* handshake; DHT get_peers and announce_peer */
	uint8_t info_hash[20];
	char info_hash_hex[41];		/* lower-case hex; "" without one */
	/* Handshake. */
	uint8_t reserved[8];		/* extension bits: [5] & 0x10 BEP 10, [7] & 1 DHT */
	uint8_t peer_id[20];
	char client[XDT_BITTORRENT_CLIENT_MAX];	/* "qB 4.4.5.0", or the peer id's text prefix */
	/* DHT. */
	char dht_type;			/* 'q' query, 'r' response, 'e' error */
	char query[16];			/* "ping", "find_node", "get_peers", "announce_peer" */
	uint8_t has_node_id;
	uint8_t node_id[20];		/* the sender's ("id" in "a" or "r") */
	char version[XDT_BITTORRENT_CLIENT_MAX];	/* "v": "A2 0.3", "LT 1.2", or its text */
};

/*
 * The start of a TCP stream: 0x13 "BitTorrent protocol", 8 reserved bytes, the
 * info_hash and the peer id (68 bytes). The client is decoded from an Azureus-style
 * peer id ("-qB4450-" becomes "qB 4.4.5.0"), else is its leading printable bytes.
 * 0, -EAGAIN (a prefix of a handshake, fewer than 68 bytes), or -EINVAL.
 */
int xdt_bittorrent_parse(const uint8_t *buf, size_t len, struct xdt_bittorrent_info *out);

/*
 * A UDP payload: a DHT message (a bencoded dictionary, walked with bounded depth),
 * a uTP data packet that carries the handshake, or a UDP tracker connect request.
 * A DHT message must be whole, or be cut after "d1:ad2:id20:" or "d1:rd2:id20:" and
 * the node id (then truncated is set). 0, or -EINVAL.
 */
int xdt_bittorrent_parse_udp(const uint8_t *buf, size_t len, struct xdt_bittorrent_info *out);

#endif
