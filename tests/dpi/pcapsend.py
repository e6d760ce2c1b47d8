#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Send every frame of an Ethernet pcap file out of IFACE, in order.

usage: pcapsend.py IFACE CAPTURE [PPS]

The stand-in for `tcpreplay -i IFACE --pps PPS CAPTURE` when tcpreplay is not
installed: an AF_PACKET socket writes each frame as it is in the file (classic
pcap, microsecond or nanosecond, either byte order; link type Ethernet only),
PPS frames per second (default 2000). Prints the number of frames sent.
"""
import socket
import struct
import sys
import time

MAGICS = {0xa1b2c3d4: "<", 0xd4c3b2a1: ">", 0xa1b23c4d: "<", 0x4d3cb2a1: ">"}


def frames(path):
    with open(path, "rb") as fh:
        hdr = fh.read(24)
        if len(hdr) < 24:
            raise ValueError("%s: not a pcap file" % path)
        magic = struct.unpack("<I", hdr[:4])[0]
        if magic not in MAGICS:
            raise ValueError("%s: not a classic pcap file (pcapng is not supported)" % path)
        bo = MAGICS[magic]
        linktype = struct.unpack(bo + "I", hdr[20:24])[0] & 0x0fffffff
        if linktype != 1:
            raise ValueError("%s: link type %d, only Ethernet (1) is supported" % (path, linktype))
        while True:
            rh = fh.read(16)
            if len(rh) < 16:
                return
            _, _, caplen, _ = struct.unpack(bo + "IIII", rh)
            data = fh.read(caplen)
            if len(data) < caplen:
                return
            yield data


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    iface, path = argv[1], argv[2]
    pps = float(argv[3]) if len(argv) == 4 else 2000.0
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    n = 0
    t0 = time.monotonic()
    for data in frames(path):
        # Pace to PPS so the receiver's ring buffers never overflow.
        delay = t0 + n / pps - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        s.send(data)
        n += 1
    s.close()
    print("sent %d frames" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
