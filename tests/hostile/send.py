#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Send the hostile corpus out of a veth, in manifest order (run in its netns).

usage: send.py IFACE MANIFEST PATH              the frames of PATH (xdp, pcap)
       send.py IFACE MANIFEST --oracle DST_MAC  the oracle fragment sequences,
                                                addressed to DST_MAC

A raw AF_PACKET socket sends each frame as it is, lies included. Frames go in
small bursts with a pause between, so the receiving veth's ring never fills
(the interface counters check that every frame arrived). Prints the number
of frames sent.
"""
import json
import socket
import sys
import time


def main():
    if len(sys.argv) == 4:
        dev, manifest, path = sys.argv[1:]
        dst = None
    elif len(sys.argv) == 5 and sys.argv[3] == "--oracle":
        dev, manifest, _, mac = sys.argv[1:]
        dst, path = bytes.fromhex(mac.replace(":", "")), None
    else:
        sys.exit(__doc__)
    with open(manifest) as f:
        frames = json.load(f)["frames"]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((dev, 0))
    n = 0
    for fr in frames:
        if (dst is None and path not in fr["paths"]) or (dst is not None and not fr["oracle"]):
            continue
        data = bytes.fromhex(fr["data"])
        if dst is not None:
            data = dst + data[6:]
        if s.send(data) != len(data):
            sys.exit(f"send.py: {fr['name']}: short send")
        n += 1
        if n % 16 == 0:
            time.sleep(0.005)
    print(n)


if __name__ == "__main__":
    main()
