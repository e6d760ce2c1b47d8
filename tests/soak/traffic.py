# SPDX-License-Identifier: GPL-2.0-only
"""Mixed traffic with connection churn for the soak (tests/soak/run.sh).

  traffic.py server PORT_HTTP PORT_ECHO
      dual-stack (:: with IPV6_V6ONLY off): HTTP on PORT_HTTP (GET /N answers N
      bytes, HTTP/1.1, keep-alive unless the client says close), a TCP line echo on
      PORT_ECHO ("bye" makes the server close first), a UDP echo on PORT_ECHO.
      Prints "ready".
  traffic.py client ADDR4 ADDR6 PORT_HTTP PORT_ECHO SECONDS STATS.json
      for SECONDS, from threads:
        http-short   16/s new connections, one GET each with Connection: close
        http-keep    4 keep-alive connections, a GET every 0.5-3 s, each lives
                     20-120 s (the client closes: TIME_WAIT)
        curl         a curl every 2 s (the client closes first)
        dns          10/s queries from a new socket each, to dnsmasq on port 53
                     (A, AAAA and NXDOMAIN names)
        udp-short    5/s echo exchanges from a new socket each
        udp-long     3 sockets sending every second, each replaced after 90-150 s
                     (the old flow goes idle)
        tcp-long     12 echo connections, a line every 1-5 s, each living 30-240 s
                     and ending by a client close, a server close ("bye") or a
                     reset (SO_LINGER 0), in turn
        tcp-idle     2 connections that exchange one line, then stay open silent
        refused      1/s connect to a port nobody listens on (RST)
        ping         ping -i 0.5 (v4), ping -6 -i 1
      IPv4 and IPv6 alternate. Writes how many of each succeeded and failed to
      STATS.json, and prints it.
"""
import http.client
import http.server
import json
import os
import random
import socket
import socketserver
import struct
import subprocess
import sys
import threading
import time

STOP = threading.Event()
LOCK = threading.Lock()
COUNTS = {}


def count(kind, ok):
    with LOCK:
        c = COUNTS.setdefault(kind, {"ok": 0, "failed": 0})
        c["ok" if ok else "failed"] += 1


# --- server -------------------------------------------------------------------------

class Http(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    BODY = os.urandom(200000)

    def do_GET(self):
        try:
            n = min(int(self.path.strip("/")), len(self.BODY))
        except ValueError:
            n = 0
        self.send_response(200)
        self.send_header("Content-Length", str(n))
        self.send_header("Content-Type", "application/octet-stream")
        self.end_headers()
        self.wfile.write(self.BODY[:n])

    def log_message(self, *args):
        pass


class Dual(socketserver.ThreadingMixIn, http.server.HTTPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


class Echo(socketserver.StreamRequestHandler):
    def handle(self):
        for line in self.rfile:
            if line.strip() == b"bye":
                return	# the server closes first
            self.wfile.write(line)


class EchoServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    address_family = socket.AF_INET6
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def udp_echo(port):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    while True:
        data, peer = s.recvfrom(65535)
        s.sendto(data, peer)


def server(http_port, echo_port):
    for target in (Dual(("::", http_port), Http).serve_forever,
                   EchoServer(("::", echo_port), Echo).serve_forever,
                   lambda: udp_echo(echo_port)):
        threading.Thread(target=target, daemon=True).start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


# --- client -------------------------------------------------------------------------

class Cfg:
    a4 = a6 = ""
    http = echo = 0


def addr(i):
    return Cfg.a4 if i % 2 == 0 else Cfg.a6


def fam(a):
    return socket.AF_INET6 if ":" in a else socket.AF_INET


def paced(rate, fn):
    """Call fn(i) about @rate times a second until STOP."""
    i = 0
    t = time.monotonic()
    while not STOP.is_set():
        fn(i)
        i += 1
        t += 1.0 / rate
        d = t - time.monotonic()
        if d > 0:
            STOP.wait(d)
        elif d < -1:
            t = time.monotonic()


def http_short(i):
    try:
        c = http.client.HTTPConnection(addr(i), Cfg.http, timeout=5)
        c.request("GET", "/%d" % random.choice((500, 5000, 50000)),
                  headers={"Connection": "close"})
        ok = c.getresponse().read() is not None
        c.close()
        count("http-short", ok)
    except OSError:
        count("http-short", False)


def http_keep(i):
    while not STOP.is_set():
        end = time.monotonic() + random.uniform(20, 120)
        try:
            c = http.client.HTTPConnection(addr(i), Cfg.http, timeout=5)
            while not STOP.is_set() and time.monotonic() < end:
                c.request("GET", "/%d" % random.choice((200, 2000, 20000)))
                c.getresponse().read()
                count("http-keep", True)
                STOP.wait(random.uniform(0.5, 3))
            c.close()
        except OSError:
            count("http-keep", False)
            STOP.wait(1)
        i += 1


def curl(i):
    a = addr(i)
    url = "http://%s:%d/3000" % ("[%s]" % a if ":" in a else a, Cfg.http)
    r = subprocess.run(["curl", "-gsS", "--max-time", "5", "-o", "/dev/null", url],
                       capture_output=True)
    count("curl", r.returncode == 0)


def dns_query(name, qtype, qid):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for part in name.split("."):
        q += bytes([len(part)]) + part.encode()
    return q + b"\0" + struct.pack(">HH", qtype, 1)


def dns(i):
    name, qtype = random.choice((("www.soak.test", 1), ("www.soak.test", 28),
                                 ("nx%d.soak.test" % random.randrange(10**6), 1)))
    a = addr(i)
    qid = random.randrange(65536)
    try:
        with socket.socket(fam(a), socket.SOCK_DGRAM) as s:
            s.settimeout(2)
            s.sendto(dns_query(name, qtype, qid), (a, 53))
            data, _ = s.recvfrom(4096)
            count("dns", len(data) >= 12 and struct.unpack(">H", data[:2])[0] == qid)
    except OSError:
        count("dns", False)


def udp_short(i):
    a = addr(i)
    try:
        with socket.socket(fam(a), socket.SOCK_DGRAM) as s:
            s.settimeout(2)
            msg = bytes(random.randrange(100, 1000))
            s.sendto(msg, (a, Cfg.echo))
            count("udp-short", s.recvfrom(4096)[0] == msg)
    except OSError:
        count("udp-short", False)


def udp_long(i):
    while not STOP.is_set():
        a = addr(i)
        end = time.monotonic() + random.uniform(90, 150)
        with socket.socket(fam(a), socket.SOCK_DGRAM) as s:
            s.settimeout(2)
            while not STOP.is_set() and time.monotonic() < end:
                try:
                    s.sendto(b"tick", (a, Cfg.echo))
                    count("udp-long", s.recvfrom(64)[0] == b"tick")
                except OSError:
                    count("udp-long", False)
                STOP.wait(1)
        i += 1


def tcp_long(i):
    while not STOP.is_set():
        a = addr(i)
        end = time.monotonic() + random.uniform(30, 240)
        try:
            s = socket.create_connection((a, Cfg.echo), timeout=5)
            f = s.makefile("rb")
            while not STOP.is_set() and time.monotonic() < end:
                s.sendall(b"line %d\n" % i)
                count("tcp-long", f.readline() == b"line %d\n" % i)
                STOP.wait(random.uniform(1, 5))
            how = i % 3
            if how == 1:
                s.sendall(b"bye\n")	# the server closes first
                f.read()
            elif how == 2:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            f.close()
            s.close()	# how 0: the client closes first; 2: a reset
        except OSError:
            count("tcp-long", False)
            STOP.wait(1)
        i += 1


def tcp_idle(i):
    try:
        s = socket.create_connection((addr(i), Cfg.echo), timeout=5)
        s.sendall(b"hello\n")
        count("tcp-idle", s.recv(64) == b"hello\n")
    except OSError:
        count("tcp-idle", False)
        return
    STOP.wait()
    s.close()


def refused(i):
    a = addr(i)
    try:
        socket.create_connection((a, 9), timeout=2).close()
        count("refused", False)	# something listens on the discard port?
    except ConnectionRefusedError:
        count("refused", True)
    except OSError:
        count("refused", False)


def client(a4, a6, http_port, echo_port, seconds, stats):
    Cfg.a4, Cfg.a6, Cfg.http, Cfg.echo = a4, a6, http_port, echo_port
    end = time.monotonic() + seconds
    pings = [subprocess.Popen(["ping", "-q", "-i", "0.5", a4], stdout=subprocess.DEVNULL),
             subprocess.Popen(["ping", "-6", "-q", "-i", "1", a6], stdout=subprocess.DEVNULL)]
    jobs = [lambda: paced(8, http_short), lambda: paced(8, lambda i: http_short(i + 1)),
            lambda: paced(0.5, curl), lambda: paced(10, dns), lambda: paced(5, udp_short),
            lambda: paced(1, refused)]
    jobs += [lambda i=i: http_keep(i) for i in range(4)]
    jobs += [lambda i=i: udp_long(i) for i in range(3)]
    jobs += [lambda i=i: tcp_long(i) for i in range(12)]
    jobs += [lambda i=i: tcp_idle(i) for i in range(2)]
    threads = [threading.Thread(target=j, daemon=True) for j in jobs]
    for t in threads:
        t.start()
    while time.monotonic() < end:
        time.sleep(min(1, max(0, end - time.monotonic())))
    STOP.set()
    for t in threads:
        t.join(10)
    for p in pings:
        p.terminate()
        p.wait()
    with LOCK:
        out = dict(COUNTS)
    with open(stats, "w") as f:
        json.dump(out, f)
    print(json.dumps(out))


def main(argv):
    if len(argv) == 4 and argv[1] == "server":
        server(int(argv[2]), int(argv[3]))
    elif len(argv) == 8 and argv[1] == "client":
        client(argv[2], argv[3], int(argv[4]), int(argv[5]), float(argv[6]), argv[7])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
