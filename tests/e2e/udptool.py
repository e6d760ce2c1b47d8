# SPDX-License-Identifier: GPL-2.0-only
"""Tiny UDP request/reply pair for the xdptop end-to-end test.

  udptool.py server PORT ADDR...   answer on each ADDR (prints "ready")
  udptool.py client ADDR PORT      run the fixed exchange against ADDR

Each request starts with the size of the wanted reply as 7 ASCII digits.
The exchange includes datagrams larger than a 1500-byte MTU in both
directions, so the kernel sends IP fragments (IPv4 and IPv6), and one
datagram to PORT+1, where nothing listens, to provoke an ICMP/ICMPv6 port
unreachable error that embeds the offending IP+UDP header.
"""
import select
import socket
import sys

# (request size, reply size). 1472 fills a 1500 MTU exactly for IPv4
# (20 + 8 + 1472) but needs fragmenting for IPv6 (40 + 8 + 1472).
EXCHANGE = [(64, 64), (3000, 100), (100, 3000), (1472, 1472), (8, 0)]
TIMEOUT = 3.0


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def server(port, addrs):
    socks = []
    for addr in addrs:
        s = socket.socket(family(addr), socket.SOCK_DGRAM)
        s.bind((addr, port))
        socks.append(s)
    print("ready", flush=True)
    while True:
        for s in select.select(socks, [], [])[0]:
            data, peer = s.recvfrom(65536)
            want = int(data[:7] or b"0")
            if want:
                s.sendto(b"r" * want, peer)


def client(addr, port):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.settimeout(TIMEOUT)
    s.connect((addr, port))
    for size, reply in EXCHANGE:
        s.send((b"%07d" % reply + b"q" * size)[:size])
        if reply:
            got = s.recv(65536)
            if len(got) != reply:
                sys.exit("udptool: got %d bytes, wanted %d" % (len(got), reply))
    # A connected UDP socket reports the ICMP port unreachable as
    # ECONNREFUSED, so we know the error has arrived before we exit.
    closed = socket.socket(family(addr), socket.SOCK_DGRAM)
    closed.settimeout(TIMEOUT)
    closed.connect((addr, port + 1))
    closed.send(b"anyone there?")
    try:
        closed.recv(100)
        sys.exit("udptool: unexpected answer from closed port")
    except ConnectionRefusedError:
        pass
    except socket.timeout:
        sys.exit("udptool: no ICMP port unreachable from %s" % addr)


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "server":
        server(int(sys.argv[2]), sys.argv[3:])
    elif len(sys.argv) == 4 and sys.argv[1] == "client":
        client(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
