#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Hostile frames, each with the verdict xdptop must give it.

usage: gen.py DIR               DIR/manifest.json and DIR/hostile.pcap
       gen.py --c-header FILE   the frames the BPF programs get, as a C header
                                (tests/bpf/test_hostile.c)
       gen.py --seeds DIR       fuzzer seeds (DIR is tests/fuzz/seeds): the
                                malformed frames for fuzz_pkt, the lying payloads
                                for fuzz_tls, fuzz_dns and fuzz_quic

Every frame has a verdict: "ok" (counted into a flow), "orphan" (a later IP
fragment whose first was not seen: parsed, not attributed), "unsupported", or
a malformed reason as xdptop(8) names it (zero_length ... fragment_overlap).
A frame whose transport payload a DPI parser must reject names that protocol
in "dpi" ("tls", "dns", "quic"). Valid frames sit between the hostile ones, so
the counts check that nothing valid is lost or misjudged either.

"paths" says where a frame goes:
  replay  written to the pcap file for `xdptop -r`
  bpf     BPF_PROG_TEST_RUN of the XDP and TC programs (at least 14 bytes:
          the test run refuses less)
  xdp     sent live over a veth to the interface xdptop --backend xdp watches
  pcap    the same, to --backend pcap (which sees frames after the kernel
          untagged the outer VLAN: a cut tag never reaches it)
Frames only a capture file can hold (empty, shorter than Ethernet, cut by the
snap length) are replay-only. "short_ip": less than an IPv4/IPv6 header after
the Ethernet header, which some kernels refuse to build an skb from in a TC
test run (tests/bpf/cases.h). "oracle": one of the fragment sequences Linux's
own reassembly judges too (tests/hostile/run.sh sends them to the namespace's
own address and compares its ReasmFails counters).

The frames go from 10.213.70.1 / fd00:213::70:1 to 10.213.70.2 /
fd00:213::70:2, to a MAC address no interface has (the receiving stack drops
them as not its own; the oracle sequences are re-addressed to the receiver).
"""
import json
import os
import struct
import sys

SRC_MAC = bytes.fromhex("020000007001")
DST_MAC = bytes.fromhex("020000007099")
A4, B4 = bytes([10, 213, 70, 1]), bytes([10, 213, 70, 2])
A6 = bytes.fromhex("fd000213000000000000000000700001")
B6 = bytes.fromhex("fd000213000000000000000000700002")
ALL = ("replay", "bpf", "xdp", "pcap")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(l3, etype, vlans=(), dst=DST_MAC):
    """Ethernet behind @vlans, a list of (TPID, VLAN id) from the outermost."""
    if not vlans:
        return dst + SRC_MAC + struct.pack("!H", etype) + l3
    tags = b""
    for i, (_, vid) in enumerate(vlans):
        nxt = vlans[i + 1][0] if i + 1 < len(vlans) else etype
        tags += struct.pack("!HH", vid, nxt)
    return dst + SRC_MAC + struct.pack("!H", vlans[0][0]) + tags + l3


def ip4(proto, l4, ident=1, frag=0x4000, tot=None, ihl=5, ver=4, opts=b"", src=A4, dst=B4):
    hlen = 20 + len(opts)
    tot = hlen + len(l4) if tot is None else tot
    h = struct.pack("!BBHHHBBH4s4s", ver << 4 | ihl, 0, tot, ident, frag, 64, proto, 0, src,
                    dst) + opts
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + l4


def ip6(nh, payload, plen=None, src=A6, dst=B6):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", 6 << 28, plen, nh, 64, src, dst) + payload


def ext6(nh, n8=1):
    """Hop-by-hop, routing or destination options header of n8 * 8 bytes (PadN)."""
    body = bytes([1, n8 * 8 - 4]) + bytes(n8 * 8 - 4)
    return bytes([nh, n8 - 1]) + body


def frag6(nh, off, more, ident):
    return struct.pack("!BBHI", nh, 0, off | (1 if more else 0), ident)


def tcp(sport, dport, flags=0x18, payload=b"", doff=5, seq=1000, opts=None):
    opts = bytes(doff * 4 - 20) if opts is None else opts
    return struct.pack("!HHIIBBHHH", sport, dport, seq, 0, doff << 4, flags, 65535, 0,
                       0) + opts + payload


def udp(sport, dport, payload=b"", ulen=None):
    ulen = 8 + len(payload) if ulen is None else ulen
    return struct.pack("!HHHH", sport, dport, ulen, 0) + payload


def echo(typ, ident, payload=b"hostile"):
    return struct.pack("!BBHHH", typ, 0, 0, ident, 1) + payload


def arp(ptype=0x0800, hl=6, pl=4):
    body = struct.pack("!HHBBH", 1, ptype, hl, pl, 1)
    return body + SRC_MAC[:hl].ljust(hl, b"\0") + A4[:pl].ljust(pl, b"\0") + \
        bytes(hl) + B4[:pl].ljust(pl, b"\0")


# --- application payloads ------------------------------------------------------------

def client_hello(sni=b"hostile.example", ext_len=None, sni_len=None, body_len=None):
    """A TLS 1.3 ClientHello handshake message; the lengths can be made to lie."""
    name = struct.pack("!BH", 0, len(sni) if sni_len is None else sni_len) + sni
    sni_ext = struct.pack("!HHH", 0x0000, len(name) + 2, len(name)) + name
    versions = struct.pack("!HHB", 0x002B, 3, 2) + b"\x03\x04"
    exts = sni_ext + versions
    body = b"\x03\x03" + bytes(range(32)) + b"\x00" + b"\x00\x02\x13\x01" + b"\x01\x00" + \
        struct.pack("!H", len(exts) if ext_len is None else ext_len) + exts
    n = len(body) if body_len is None else body_len
    return struct.pack("!BBH", 1, n >> 16, n & 0xFFFF) + body


def tls_record(fragment, rlen=None, ctype=22):
    return struct.pack("!BHH", ctype, 0x0301, len(fragment) if rlen is None else rlen) + \
        fragment


def dns_header(ident, qd=1, an=0, response=True):
    return struct.pack("!HHHHHH", ident, 0x8180 if response else 0x0100, qd, an, 0, 0)


def qname(name):
    return b"".join(bytes([len(p)]) + p for p in name.split(b".")) + b"\0"


def quic_initial(token_len, length, rest, dcid=b"\x83\x94\xc8\xf0\x3e\x51\x57\x08"):
    """A QUIC v1 Initial long header whose varints are given raw."""
    return bytes([0xC3]) + struct.pack("!I", 1) + bytes([len(dcid)]) + dcid + b"\x00" + \
        token_len + length + rest


# --- the corpus -----------------------------------------------------------------------

class Corpus:
    def __init__(self):
        self.frames = []

    def add(self, name, data, verdict, paths=ALL, wire=None, dpi=None, short_ip=False,
            oracle=False, why="", payload=None):
        assert all(f["name"] != name for f in self.frames), name
        if len(data) < 14:
            paths = tuple(p for p in paths if p == "replay")
        self.frames.append({"name": name, "data": data.hex(),
                            "wire": len(data) if wire is None else wire, "verdict": verdict,
                            "dpi": dpi, "paths": list(paths), "short_ip": short_ip,
                            "oracle": oracle, "why": why,
                            "payload": payload.hex() if payload is not None else None})


def frag4(c, name, ident, off, data_len, more, verdict, first_l4=None, oracle=True, why=""):
    """An IPv4/UDP fragment: @data_len bytes at @off; the first carries @first_l4."""
    payload = first_l4 if first_l4 is not None else bytes((off + i) & 0xFF
                                                         for i in range(data_len))
    assert len(payload) == data_len
    c.add(name, eth(ip4(17, payload, ident=ident, frag=(0x2000 if more else 0) | off // 8),
                    0x0800), verdict, oracle=oracle, why=why)


def frag6f(c, name, ident, off, data_len, more, verdict, first_l4=None, oracle=True, why=""):
    payload = first_l4 if first_l4 is not None else bytes((off + i) & 0xFF
                                                         for i in range(data_len))
    assert len(payload) == data_len
    c.add(name, eth(ip6(44, frag6(17, off, more, ident) + payload), 0x86DD), verdict,
          oracle=oracle, why=why)


def build():
    c = Corpus()
    V4, V6 = 0x0800, 0x86DD

    # Valid frames first, and again between the hostile ones below.
    c.add("ok_tcp_syn", eth(ip4(6, tcp(40001, 80, flags=0x02)), V4), "ok")
    c.add("ok_udp", eth(ip4(17, udp(40002, 9999, b"hello")), V4), "ok")
    c.add("ok_icmp_echo", eth(ip4(1, echo(8, 0x4242)), V4), "ok")
    c.add("ok_udp6", eth(ip6(17, udp(40003, 9999, b"hello six")), V6), "ok")
    c.add("ok_arp", eth(arp(), 0x0806), "ok")
    c.add("unsupported_ethertype", eth(b"xdptop hostile" + bytes(32), 0x88B5), "unsupported")
    c.add("unsupported_arp_not_ipv4", eth(arp(ptype=0x86DD, pl=16), 0x0806), "unsupported")

    # Too short to be Ethernet: only a capture file can hold these.
    c.add("zero_length", b"", "zero_length", paths=("replay",))
    c.add("ethernet_10_bytes", (DST_MAC + SRC_MAC)[:10], "truncated_l2", paths=("replay",))
    c.add("ok_cut_by_snaplen", eth(ip4(6, tcp(40004, 80, payload=bytes(400))), V4)[:54],
          "ok", paths=("replay",), wire=14 + 20 + 20 + 400,
          why="cut by the capture, not by a lie: still counted")

    # IPv4 header lies.
    c.add("ipv4_ihl_4", eth(ip4(6, tcp(40005, 80), ihl=4), V4), "bad_ipv4_header")
    c.add("ipv4_total_length_past_frame", eth(ip4(17, udp(40006, 9999, b"x"), tot=1400), V4),
          "bad_ipv4_length")
    c.add("ipv4_total_length_below_header", eth(ip4(17, udp(40007, 9999), tot=12), V4),
          "bad_ipv4_length")
    c.add("ipv4_version_6_in_ipv4", eth(ip4(17, udp(40008, 9999), ver=6), V4),
          "bad_ip_version")
    c.add("ipv4_ihl_15_past_frame", eth(ip4(17, b"", ihl=15, tot=60)[:20], V4),
          "bad_ipv4_length", why="IHL 15 needs 60 bytes, total length 60 > 20 on the wire")
    c.add("ipv4_cut_to_10_bytes", eth(ip4(17, udp(40009, 9999))[:10], V4), "truncated_ipv4",
          short_ip=True)
    c.add("ipv4_cut_to_10_bytes_vlan", eth(ip4(17, udp(40009, 9999))[:10], V4,
                                           vlans=((0x8100, 70),)), "truncated_ipv4")
    c.add("ok_ipv4_options", eth(ip4(17, udp(40010, 9999, b"opt"), ihl=6, opts=b"\x01\x01\x01\x00"),
                                 V4), "ok")

    # IPv6 header and extension header chains.
    c.add("ipv6_payload_length_past_frame", eth(ip6(17, udp(40011, 9999, b"x"), plen=900), V6),
          "bad_ipv6_length")
    c.add("ipv6_cut_to_20_bytes", eth(ip6(17, udp(40012, 9999))[:20], V6), "truncated_ipv6",
          short_ip=True)
    c.add("ipv6_version_4_in_ipv6", eth(b"\x40" + ip6(17, udp(40013, 9999))[1:], V6),
          "bad_ip_version")
    chain = b""
    for _ in range(8):
        chain += ext6(60)
    c.add("ok_ipv6_eight_extension_headers",
          eth(ip6(60, chain[:-8] + ext6(17) + udp(40014, 9999, b"deep")), V6), "ok",
          why="8 is the most xdptop follows")
    chain = b"".join(ext6(60) for _ in range(9)) + udp(40015, 9999)
    c.add("ipv6_nine_destination_options", eth(ip6(60, chain), V6), "ipv6_ext_too_many")
    chain = b""
    for i in range(12):
        chain += ext6(43 if i % 2 == 0 else 0)
    c.add("ipv6_hop_by_hop_routing_chain_of_12", eth(ip6(0, chain + udp(40016, 9999)), V6),
          "ipv6_ext_too_many", why="hop-by-hop and routing headers in a chain of 12")
    c.add("ipv6_extension_past_payload",
          eth(ip6(60, bytes([17, 200]) + bytes(6) + udp(40017, 9999)), V6),
          "ipv6_ext_truncated", why="a destination options header of 1608 bytes in 16")

    # Transport header lies.
    c.add("tcp_cut_to_10_bytes", eth(ip4(6, tcp(40018, 80)[:10]), V4), "truncated_tcp")
    c.add("tcp_data_offset_3", eth(ip4(6, tcp(40019, 80, doff=3, opts=b"")), V4),
          "bad_tcp_header")
    c.add("tcp_data_offset_past_segment", eth(ip4(6, tcp(40020, 80, doff=15, opts=b"")), V4),
          "bad_tcp_header", why="60-byte header in a 20-byte segment")
    c.add("ok_tcp_options", eth(ip4(6, tcp(40021, 80, flags=0x02, doff=8)), V4), "ok")
    c.add("udp_cut_to_4_bytes", eth(ip4(17, udp(40022, 9999)[:4]), V4), "truncated_udp")
    c.add("udp_length_4", eth(ip4(17, udp(40023, 9999, b"abc", ulen=4)), V4), "bad_udp_length")
    c.add("udp_length_past_datagram", eth(ip4(17, udp(40024, 9999, b"abc", ulen=300)), V4),
          "bad_udp_length")
    c.add("udp6_length_past_datagram", eth(ip6(17, udp(40025, 9999, b"abc", ulen=300)), V6),
          "bad_udp_length")
    c.add("icmp_cut_to_2_bytes", eth(ip4(1, b"\x08\x00"), V4), "truncated_icmp")
    c.add("icmp_echo_cut_to_6_bytes", eth(ip4(1, echo(8, 7)[:6]), V4), "truncated_icmp")

    # VLAN tags and ARP.
    c.add("ok_vlan_4_tags", eth(ip4(17, udp(40026, 9999, b"q")), V4,
                                vlans=((0x88A8, 10), (0x8100, 20), (0x8100, 30),
                                       (0x8100, 40))), "ok", why="4 is the most xdptop follows")
    c.add("vlan_5_tags", eth(ip4(17, udp(40027, 9999)), V4,
                             vlans=((0x88A8, 10),) + tuple((0x8100, 20 + i) for i in range(4))),
          "vlan_too_deep")
    c.add("vlan_tag_cut", DST_MAC + SRC_MAC + b"\x81\x00\x00\x46", "truncated_vlan",
          paths=("replay", "bpf", "xdp"),
          why="the receiving stack drops it while untagging, before any packet socket")
    c.add("arp_cut", eth(arp()[:20], 0x0806), "truncated_arp")
    c.add("arp_lengths_past_frame", eth(arp(ptype=0x86DD, hl=200, pl=200)[:40], 0x0806),
          "truncated_arp", why="hardware and protocol lengths of 200 in a 40-byte frame")

    # IP fragments the reassembly of any receiver must refuse, whatever else comes.
    c.add("ipv4_fragment_past_64k", eth(ip4(17, bytes(100), ident=0xB001, frag=8190), V4),
          "bad_fragment", why="offset 65520 + 100 bytes: a datagram over 65535")
    c.add("ipv4_fragment_empty_after_trim", eth(ip4(17, bytes(4), ident=0xB002, frag=0x2000 | 8),
                                                 V4), "bad_fragment",
          why="4 bytes, more to come: trimmed to whole 8-byte blocks, nothing is left")
    c.add("ipv6_fragment_not_multiple_of_8",
          eth(ip6(44, frag6(17, 0, True, 0xB003) + udp(40028, 9999, b"odd!")), V6),
          "bad_fragment", why="12 bytes with more to come (RFC 8200 4.5)")
    c.add("ipv6_fragment_past_64k", eth(ip6(44, frag6(17, 65528, False, 0xB004) + bytes(16)),
                                        V6), "bad_fragment")

    # Fragment sequences: what Linux's reassembly rejects is fragment_overlap.
    # A: a fragment straddling the end of the first.
    frag4(c, "frag4_a_first", 0xA001, 0, 24, True, "ok",
          first_l4=udp(40100, 9, bytes(16), ulen=48))
    frag4(c, "frag4_a_overlap", 0xA001, 16, 24, True, "fragment_overlap",
          why="bytes 16-39 over the first fragment's 0-23")
    c.add("ok_udp_between", eth(ip4(17, udp(40029, 9999, b"between")), V4), "ok")
    frag4(c, "frag4_a_last", 0xA001, 24, 24, False, "ok", why="completes bytes 0-47")
    # B: two last fragments that end apart.
    frag4(c, "frag4_b_first", 0xA002, 0, 16, True, "ok",
          first_l4=udp(40101, 9, bytes(8), ulen=48))
    frag4(c, "frag4_b_last", 0xA002, 32, 16, False, "ok")
    frag4(c, "frag4_b_second_last", 0xA002, 32, 24, False, "fragment_overlap",
          why="a second last fragment, ending at 56 instead of 48")
    frag4(c, "frag4_b_middle", 0xA002, 16, 16, True, "ok")
    # C: a last fragment ending inside bytes already seen.
    frag4(c, "frag4_c_first", 0xA003, 0, 40, True, "ok",
          first_l4=udp(40102, 9, bytes(32), ulen=48))
    frag4(c, "frag4_c_short_last", 0xA003, 16, 8, False, "fragment_overlap",
          why="ends at 24, but bytes up to 40 were sent")
    frag4(c, "frag4_c_last", 0xA003, 40, 8, False, "ok")
    # D: more data past the end a last fragment set (which came first: an orphan).
    frag4(c, "frag4_d_last_first", 0xA004, 16, 8, False, "orphan")
    frag4(c, "frag4_d_past_end", 0xA004, 24, 16, True, "fragment_overlap",
          why="bytes 24-39 of a datagram that ends at 24")
    frag4(c, "frag4_d_first", 0xA004, 0, 16, True, "ok",
          first_l4=udp(40103, 9, bytes(8), ulen=24))
    # E, F: duplicates are not attacks (networks duplicate packets; Linux drops the copy).
    frag4(c, "frag4_e_first", 0xA005, 0, 32, True, "ok",
          first_l4=udp(40104, 9, bytes(24), ulen=40))
    frag4(c, "frag4_e_inside_first", 0xA005, 8, 8, True, "ok",
          why="bytes 8-15, inside the first fragment: a duplicate")
    frag4(c, "frag4_e_last", 0xA005, 32, 8, False, "ok")
    frag4(c, "frag4_f_first", 0xA006, 0, 16, True, "ok",
          first_l4=udp(40105, 9, bytes(8), ulen=32))
    frag4(c, "frag4_f_first_again", 0xA006, 0, 16, True, "ok",
          first_l4=udp(40105, 9, bytes(8), ulen=32), why="an exact copy")
    frag4(c, "frag4_f_last", 0xA006, 16, 16, False, "ok")
    # G, H: IPv6.
    frag6f(c, "frag6_g_first", 0xA007, 0, 24, True, "ok",
           first_l4=udp(40106, 9, bytes(16), ulen=48))
    frag6f(c, "frag6_g_overlap", 0xA007, 16, 24, True, "fragment_overlap")
    c.add("ok_udp6_between", eth(ip6(17, udp(40030, 9999, b"between")), V6), "ok")
    frag6f(c, "frag6_g_last", 0xA007, 24, 24, False, "ok")
    frag6f(c, "frag6_h_first", 0xA008, 0, 16, True, "ok",
           first_l4=udp(40107, 9, bytes(8), ulen=48))
    frag6f(c, "frag6_h_last", 0xA008, 32, 16, False, "ok")
    frag6f(c, "frag6_h_second_last", 0xA008, 32, 24, False, "fragment_overlap")
    frag6f(c, "frag6_h_middle", 0xA008, 16, 16, True, "ok")

    # TLS ClientHellos whose lengths lie (TCP to 443, one flow each).
    hello = client_hello()
    c.add("ok_tls_client_hello", eth(ip4(6, tcp(41000, 443, payload=tls_record(hello))), V4),
          "ok")
    lies = [
        ("tls_record_length_0", tls_record(hello, rlen=0), "an empty handshake record"),
        ("tls_record_length_over_16k", tls_record(hello, rlen=0x4001),
         "16385 bytes, over the 2^14 a record may hold"),
        ("tls_handshake_length_10", tls_record(client_hello(body_len=10)[:4] + hello[4:]),
         "a ClientHello of 10 bytes: shorter than its fixed fields"),
        ("tls_handshake_ends_inside_fields", tls_record(client_hello(body_len=40)[:4] +
                                                        hello[4:]),
         "40 bytes: ends inside the compression methods"),
        ("tls_extensions_length_past_hello", tls_record(client_hello(ext_len=0xFFFF)),
         "extensions of 65535 bytes in a hello of 70"),
        ("tls_sni_length_past_extension", tls_record(client_hello(sni_len=200)),
         "a server name of 200 bytes in an extension of 20"),
        ("tls_record_shorter_than_hello_then_alert",
         tls_record(hello[:20]) + tls_record(b"\x02\x28", ctype=21),
         "the hello continues in an alert record"),
    ]
    for i, (name, payload, why) in enumerate(lies):
        c.add(name, eth(ip4(6, tcp(41001 + i, 443, payload=payload)), V4), "ok", dpi="tls",
              why=why, payload=payload)
    c.add("tls_record_longer_than_segment",
          eth(ip4(6, tcp(41100, 443, payload=tls_record(hello, rlen=len(hello) + 300)[:60])),
              V4), "ok",
          why="the rest may come in the next segment: a cut, not a lie, not counted")

    # DNS responses with compression pointer loops (UDP from 53, one flow each).
    q = qname(b"hostile.example") + b"\x00\x01\x00\x01"
    answer = b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + B4
    c.add("ok_dns_response",
          eth(ip4(17, udp(53, 42000, dns_header(0x1000, an=1) + q + answer)), V4), "ok")
    loops = [
        ("dns_pointer_to_itself", dns_header(0x1001) + b"\xc0\x0c\x00\x01\x00\x01",
         "the question name is a pointer to itself"),
        ("dns_pointer_loop_of_two",
         dns_header(0x1002, an=1) + q + b"\x03abc\xc0" + bytes([12 + len(q) + 20]) +
         b"\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + B4 + b"\x03def\xc0" +
         bytes([12 + len(q)]),
         "an answer name jumps forward to a label that jumps back to it"),
        ("dns_pointer_past_message", dns_header(0x1003) + b"\xff\xff\x00\x01\x00\x01",
         "a pointer to offset 16383 of a 18-byte message"),
        ("dns_label_past_message", dns_header(0x1004) + b"\x3fhostile",
         "a 63-byte label with 7 bytes left"),
    ]
    for i, (name, payload, why) in enumerate(loops):
        c.add(name, eth(ip4(17, udp(53, 42001 + i, payload)), V4), "ok", dpi="dns", why=why,
              payload=payload)

    # QUIC Initials with bogus varints (UDP to 443, one flow each).
    rest = bytes(40)
    bogus = [
        ("quic_length_past_datagram", quic_initial(b"\x00", b"\x44\xd0", rest),
         "Length 1232 with 40 bytes left"),
        ("quic_token_length_past_datagram",
         quic_initial(b"\xc0\x00\x00\x00\x00\x00\x10\x00", b"\x40\x20", rest),
         "an 8-byte token length of 4096 with 42 bytes left"),
        ("quic_length_too_short", quic_initial(b"\x00", b"\x03", rest),
         "Length 3: no room for a packet number and the header protection sample"),
    ]
    for i, (name, payload, why) in enumerate(bogus):
        c.add(name, eth(ip4(17, udp(43000 + i, 443, payload)), V4), "ok", dpi="quic", why=why,
              payload=payload)

    c.add("ok_tcp_last", eth(ip4(6, tcp(40031, 80, flags=0x04)), V4), "ok")
    return c.frames


# --- outputs ---------------------------------------------------------------------------

def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        t = 1700000000 * 1000000
        for fr in frames:
            if "replay" not in fr["paths"]:
                continue
            data = bytes.fromhex(fr["data"])
            t += 1000
            f.write(struct.pack("<IIII", t // 1000000, t % 1000000, len(data), fr["wire"]))
            f.write(data)


def c_header(path, frames):
    kinds = {"ok": "HOSTILE_OK", "orphan": "HOSTILE_ORPHAN", "unsupported": "HOSTILE_UNSUPPORTED"}
    out = ["/* Generated by tests/hostile/gen.py --c-header: do not edit. */",
           "#ifndef XDT_HOSTILE_CORPUS_H", "#define XDT_HOSTILE_CORPUS_H", "",
           "#include <stdint.h>", "", "#include <xdptop/malformed.h>", "",
           "enum hostile_kind {",
           "\tHOSTILE_OK,\t\t/* counted into a flow */",
           "\tHOSTILE_ORPHAN,\t\t/* a later fragment whose first was not seen */",
           "\tHOSTILE_UNSUPPORTED,",
           "\tHOSTILE_MALFORMED,\t/* for reason */",
           "};", "",
           "struct hostile_frame {",
           "\tconst char *name;",
           "\tconst uint8_t *data;",
           "\tuint16_t len;",
           "\tenum hostile_kind kind;",
           "\tenum xdt_malformed reason;",
           "\tint short_ip;\t/* a TC test run may refuse it (tests/bpf/cases.h) */",
           "};", ""]
    rows = []
    for i, fr in enumerate(f for f in frames if "bpf" in f["paths"]):
        data = bytes.fromhex(fr["data"])
        out.append("static const uint8_t hostile_%d[] = {" % i)
        for k in range(0, len(data), 12):
            out.append("\t" + " ".join("0x%02x," % b for b in data[k:k + 12]))
        out.append("};")
        v = fr["verdict"]
        kind = kinds.get(v, "HOSTILE_MALFORMED")
        reason = "XDT_MAL_NONE" if v in kinds else "XDT_MAL_" + v.upper()
        rows.append('\t{ "%s", hostile_%d, %d, %s, %s, %d },' %
                    (fr["name"], i, len(data), kind, reason, 1 if fr["short_ip"] else 0))
    out += ["", "static const struct hostile_frame hostile_frames[] = {"] + rows + ["};", "",
                                                                                   "#endif", ""]
    with open(path, "w") as f:
        f.write("\n".join(out))


def seeds(top, frames):
    """Each in the harness's input format (tests/fuzz/fuzz_*.c)."""
    for fr in frames:
        data = bytes.fromhex(fr["data"])
        out = []
        if fr["verdict"] not in ("ok", "orphan", "unsupported") and data:
            out.append(("pkt", b"\x00" + data))  # link type 0: Ethernet
        if fr["dpi"] == "tls":
            out.append(("tls", bytes.fromhex(fr["payload"])))
        elif fr["dpi"] == "dns":
            out.append(("dns", b"\x00" + bytes.fromhex(fr["payload"])))  # UDP framing
        elif fr["dpi"] == "quic":
            d = bytes.fromhex(fr["payload"])  # from the client, not truncated
            out.append(("quic", struct.pack("!BH", 1, len(d)) + d))
        for harness, blob in out:
            os.makedirs(os.path.join(top, harness), exist_ok=True)
            with open(os.path.join(top, harness, "hostile-" + fr["name"]), "wb") as f:
                f.write(blob)


def main():
    frames = build()
    if len(sys.argv) == 3 and sys.argv[1] == "--c-header":
        c_header(sys.argv[2], frames)
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        seeds(sys.argv[2], frames)
        return
    if len(sys.argv) != 2 or sys.argv[1].startswith("-"):
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    with open(os.path.join(sys.argv[1], "manifest.json"), "w") as f:
        json.dump({"frames": frames}, f, indent=1)
    write_pcap(os.path.join(sys.argv[1], "hostile.pcap"), frames)


if __name__ == "__main__":
    main()
