#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Listeners for tests/sandbox: what reached them is the oracle of the escape
attempts. Usage: listen.py LOG ADDR tcp:PORT udp:PORT ...
Every accepted TCP connection and received UDP datagram is logged as one line
"tcp PORT PEER" or "udp PORT PEER PAYLOAD", flushed at once."""
import selectors
import socket
import sys

log = open(sys.argv[1], "a", buffering=1)
addr = sys.argv[2]
sel = selectors.DefaultSelector()
for spec in sys.argv[3:]:
    proto, port = spec.split(":")
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    if proto == "tcp":
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, int(port)))
        s.listen(16)
    else:
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((addr, int(port)))
    sel.register(s, selectors.EVENT_READ, (proto, port))
print("ready", file=log)
while True:
    for key, _ in sel.select():
        proto, port = key.data
        if proto == "tcp":
            c, peer = key.fileobj.accept()
            print(f"tcp {port} {peer[0]}", file=log)
            c.close()
        else:
            data, peer = key.fileobj.recvfrom(2048)
            print(f"udp {port} {peer[0]} {data.decode('latin-1')}", file=log)
