#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Send one hand-built TLS 1.3 ClientHello of about 2.5 KB and read the reply.

usage: bighello.py HOST PORT SNI [ALPN,...]

The hello offers an X25519MLKEM768-sized key share (group 0x11ec, 1216 random
bytes) next to an x25519 one, then a 256-byte GREASE extension, and only then
server_name and ALPN, so that at MTU 1500 the SNI travels in the second TCP
segment: a parser that reads only the first segment cannot find it. A padding
extension brings the record to 2560 bytes. A GREASE cipher suite and GREASE
group are included too (JA4 must skip them).

Reads what the server answers (ServerHello, HelloRetryRequest or an alert),
prints the first record's content type and handshake type, and closes.
Exit status 0 if the server answered with a TLS record, 1 otherwise.
"""
import os
import socket
import struct
import sys

RECORD_SIZE = 2560


def u8(v):
    return struct.pack("!B", v)


def u16(v):
    return struct.pack("!H", v)


def vec8(b):
    return u8(len(b)) + b


def vec16(b):
    return u16(len(b)) + b


def ext(etype, body):
    return u16(etype) + vec16(body)


def client_hello(sni, alpns):
    ciphers = [0x1a1a, 0x1301, 0x1302, 0x1303]
    exts = [
        ext(0x002b, vec8(u16(0x0304))),                                  # supported_versions
        ext(0x000a, vec16(b"".join(u16(g) for g in (0x2a2a, 0x11ec, 0x001d, 0x0017)))),
        ext(0x000d, vec16(b"".join(u16(s) for s in (0x0403, 0x0804, 0x0401, 0x0503,
                                                   0x0805, 0x0501, 0x0806, 0x0601)))),
        ext(0x0033, vec16(u16(0x11ec) + vec16(os.urandom(1216)) +       # key_share
                          u16(0x001d) + vec16(os.urandom(32)))),
        ext(0x002d, vec8(u8(1))),                                        # psk_key_exchange_modes
        ext(0x3a3a, bytes(256)),                                         # GREASE, ignored
        ext(0x0000, vec16(u8(0) + vec16(sni.encode()))),                 # server_name
    ]
    if alpns:
        exts.append(ext(0x0010, vec16(b"".join(vec8(a.encode()) for a in alpns))))

    def build(exts):
        body = (u16(0x0303) + os.urandom(32) + vec8(os.urandom(32)) +
                vec16(b"".join(u16(c) for c in ciphers)) + vec8(b"\x00") +
                vec16(b"".join(exts)))
        hs = u8(1) + struct.pack("!I", len(body))[1:] + body
        return b"\x16\x03\x01" + vec16(hs)

    short = len(build(exts + [ext(0x0015, b"")]))
    exts.append(ext(0x0015, bytes(max(0, RECORD_SIZE - short))))        # padding
    rec = build(exts)
    return rec, rec.index(sni.encode())


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__, file=sys.stderr)
        return 2
    host, port, sni = argv[1], int(argv[2]), argv[3]
    alpns = argv[4].split(",") if len(argv) == 5 and argv[4] else []
    hello, sni_at = client_hello(sni, alpns)
    with socket.create_connection((host, port), timeout=5) as s:
        mss = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG)
        print("hello %d bytes, SNI at offset %d, MSS %d" % (len(hello), sni_at, mss))
        if sni_at < mss:
            print("warning: the SNI fits in the first segment", file=sys.stderr)
        s.sendall(hello)
        reply = b""
        try:
            while len(reply) < 6:
                b = s.recv(4096)
                if not b:
                    break
                reply += b
        except socket.timeout:
            pass
    if len(reply) >= 6 and reply[0] in (0x15, 0x16):
        print("reply: record type %d, first byte of body %d" % (reply[0], reply[5]))
        return 0
    print("no TLS reply (%d bytes)" % len(reply), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
