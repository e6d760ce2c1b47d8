# SPDX-License-Identifier: GPL-2.0-only
"""Send a few non-IP Ethernet frames, which xdptop must count as unsupported.

usage: ethframe.py DEV DST_MAC COUNT      (run inside DEV's netns)

The frames use the IEEE 802 "local experimental" EtherType 0x88b5 and go
to DST_MAC, the test peer's own address, so they stay on the test link.
"""
import socket
import sys

ETH_P_EXPERIMENTAL = 0x88B5


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    dev, dst, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    src = s.getsockname()[4]
    hdr = bytes.fromhex(dst.replace(":", "")) + src + ETH_P_EXPERIMENTAL.to_bytes(2, "big")
    for i in range(count):
        s.send(hdr + b"xdptop e2e %d" % i + bytes(40))


if __name__ == "__main__":
    main()
