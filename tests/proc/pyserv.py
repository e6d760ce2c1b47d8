# SPDX-License-Identifier: GPL-2.0-only
"""Servers of the process attribution test (tests/proc/run.sh).

run.sh starts this file through symlinks to the Python interpreter with names of
their own (xdt-py-tcp-server, xdt-py-udp-server, xdt-prestarted-server), so each
server is a process whose name the test knows; its pid is the shell's $!.

    pyserv.py tcp ADDR... PORT   threads in one process: read a request (up to a
                                 blank line for HTTP, else one line), answer
                                 (an HTTP 200, or the line echoed), close
    pyserv.py udp ADDR... PORT   echo every datagram back to its sender

Every ADDR gets a socket of its own (IPv6 ones with IPV6_V6ONLY). Runs until killed.
"""

import select
import socket
import sys
import threading


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def bound(kind, addr, port):
    s = socket.socket(family(addr), kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if ":" in addr:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    return s


def serve_conn(c):
    try:
        c.settimeout(5)
        data = b""
        while b"\n" not in data:
            more = c.recv(4096)
            if not more:
                break
            data += more
        if data.startswith(b"GET "):
            while b"\r\n\r\n" not in data:
                more = c.recv(4096)
                if not more:
                    break
                data += more
            body = b"hello from xdptop's process attribution test\n"
            c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
                      + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
        elif data:
            c.sendall(data.split(b"\n", 1)[0] + b"\n")
    except OSError:
        pass
    finally:
        c.close()


def tcp(addrs, port):
    socks = [bound(socket.SOCK_STREAM, a, port) for a in addrs]
    for s in socks:
        s.listen(128)
    while True:
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            try:
                c, _ = s.accept()
            except OSError:
                continue
            threading.Thread(target=serve_conn, args=(c,), daemon=True).start()


def udp(addrs, port):
    socks = [bound(socket.SOCK_DGRAM, a, port) for a in addrs]
    while True:
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            try:
                data, peer = s.recvfrom(2048)
                s.sendto(data, peer)
            except OSError:
                pass


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("tcp", "udp"):
        sys.exit("usage: pyserv.py tcp|udp ADDR... PORT")
    addrs, port = sys.argv[2:-1], int(sys.argv[-1])
    (tcp if sys.argv[1] == "tcp" else udp)(addrs, port)


if __name__ == "__main__":
    main()
