#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""tshark as the oracle for xdptop's application detection (the "app" object).

usage: oracle_dpi.py expect CAPTURE OUT.json [--require PROTO:LABEL ...]
           Dissect CAPTURE with tshark, write what every flow's "app" object
           must say to OUT.json, print the number of flows per protocol and a
           "FAIL capture/..." line for every --require that no flow meets
           (LABEL is a substring of a flow's label: the SNI, Host, qname...).
       oracle_dpi.py compare PREFIX EXPECT.json XDPTOP.jsonl
           Compare xdptop's flow records with EXPECT.json; one "PASS name" or
           "FAIL name: expected X, got Y" line per compared field, names
           "PREFIX/PROTO/LABEL field".
       oracle_dpi.py dump CAPTURE
           Print the expectations as JSON (debugging).

Flows are matched by their 5-tuple, in either direction (xdptop prints the
initiator as src/sport; the check does not depend on it). The expected
values follow the schema of xdptop's "app" object:

  tls   sni, alpn (the client's list, comma separated), alpn_selected (the
        ServerHello's; TLS <= 1.2 only), tls_version (ServerHello), tls_offered
        (the highest the ClientHello offers), cipher ("0x1301"), ja4
  http  method, host, path, status, user_agent (first request / response)
  dns   qname, qtype, rcode, answers (first query / response of the flow);
        proto "mdns" on port 5353, "llmnr" on 5355
  ssh   client, server (identification lines without CR LF)
  quic  version, dcid, scid (of the client's first Initial), sni, alpn, ja4

tshark 4.0 has no JA4 field: ja4 is computed here from the ClientHello's
fields tshark dissects (FoxIO JA4 specification), and is left out when the
hello carries signature_algorithms_cert (tshark's sig_hash_alg field would mix
both lists). Every field is also expected to have "by":"payload".

Exit status: expect/dump 0 (2 on a tshark error); compare 0 if nothing failed,
else 1.
"""
import collections
import hashlib
import ipaddress
import json
import subprocess
import sys

AGG = "\x1f"  # tshark's separator between occurrences of one field in a frame

FIELDS = [
    "frame.number",
    "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
    "udp.srcport", "udp.dstport",
    # TLS (also inside QUIC)
    "tls.handshake.type", "tls.handshake.version", "tls.handshake.ciphersuite",
    "tls.handshake.extension.type", "tls.handshake.extensions_server_name",
    "tls.handshake.extensions_alpn_str", "tls.handshake.extensions.supported_version",
    "tls.handshake.sig_hash_alg",
    # HTTP/1.x
    "http.request.method", "http.host", "http.request.uri", "http.user_agent",
    "http.response.code",
    # DNS, mDNS, LLMNR (all use the dns.* fields)
    "dns.flags.response", "dns.qry.name", "dns.qry.type", "dns.flags.rcode",
    "dns.count.answers", "dns.resp.name", "dns.resp.type", "dns.resp.ttl",
    "dns.a", "dns.aaaa", "dns.cname", "dns.ptr.domain_name",
    # SSH
    "ssh.protocol",
    # QUIC
    "quic.version", "quic.dcid", "quic.scid",
    # which dissectors ran
    "frame.protocols",
]

# Ports tshark should dissect as something it might not pick by itself.
DECODE_AS = ["tcp.port==2222,ssh", "tcp.port==4443,tls", "udp.port==443,quic"]

RRTYPES = {1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT",
           28: "AAAA", 33: "SRV", 41: "OPT", 64: "SVCB", 65: "HTTPS", 255: "ANY"}
RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP",
          5: "REFUSED", 6: "YXDOMAIN", 7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH",
          10: "NOTZONE"}
TLS_VERSIONS = {0x0300: "3.0", 0x0301: "1.0", 0x0302: "1.1", 0x0303: "1.2", 0x0304: "1.3"}
JA4_VERSIONS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3",
                0xfeff: "d1", 0xfefd: "d2", 0xfefc: "d3"}
QUIC_VERSIONS = {0x00000001: "v1", 0x6b3343cf: "v2"}
DNS_PORTS = {53: "dns", 5353: "mdns", 5355: "llmnr"}


class OracleError(Exception):
    pass


def num(s):
    """An integer as tshark prints it: "26", "0x1a" or "26 (0x1a)"."""
    return int(s.split()[0], 0)


def grease(v):
    return (v & 0x0f0f) == 0x0a0a and (v >> 8) == (v & 0xff)


def run_tshark(capture):
    cmd = ["tshark", "-n", "-r", capture, "-T", "fields",
           "-E", "occurrence=a", "-E", "aggregator=" + AGG, "-E", "separator=/t"]
    for d in DECODE_AS:
        cmd += ["-d", d]
    for f in FIELDS:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise OracleError("tshark failed (%d): %s" % (res.returncode, res.stderr.strip()))
    for line in res.stdout.splitlines():
        vals = line.split("\t")
        if len(vals) != len(FIELDS):
            raise OracleError("unexpected tshark line: %r" % line)
        yield {k: (v.split(AGG) if v else []) for k, v in zip(FIELDS, vals)}


def first(fr, name, default=None):
    v = fr.get(name) or []
    return v[0] if v else default


def norm_addr(a):
    return str(ipaddress.ip_address(a))


def flow_key(l4, a, ap, b, bp):
    """Direction-independent 5-tuple."""
    ea, eb = (norm_addr(a), int(ap)), (norm_addr(b), int(bp))
    return "%s %s" % (l4, " ".join("%s/%d" % e for e in sorted([ea, eb])))


def tls_version_name(v):
    return TLS_VERSIONS.get(v, "0x%04x" % v)


def alpn_chars(alpn):
    """JA4: first and last character of the first ALPN value, "00" if none."""
    if not alpn:
        return "00"
    b = alpn.encode("latin-1", "replace")

    def alnum(c):
        return 0x30 <= c <= 0x39 or 0x41 <= c <= 0x5a or 0x61 <= c <= 0x7a
    if alnum(b[0]) and alnum(b[-1]):
        return chr(b[0]) + chr(b[-1])
    h = b.hex()
    return h[0] + h[-1]


def sha12(s):
    return hashlib.sha256(s.encode()).hexdigest()[:12]


def ja4(transport, ch):
    """JA4 of a ClientHello given as the dict built in Flow.client_hello."""
    if ch["sigalgs_cert"]:
        return None
    vers = [v for v in ch["supported_versions"] if not grease(v)]
    ver = max(vers) if vers else ch["version"]
    ciphers = [c for c in ch["ciphers"] if not grease(c)]
    exts = [e for e in ch["extensions"] if not grease(e)]
    a = "%s%s%s%02d%02d%s" % (transport, JA4_VERSIONS.get(ver, "00"),
                              "d" if 0 in exts else "i", min(len(ciphers), 99),
                              min(len(exts), 99), alpn_chars(ch["alpn"][0] if ch["alpn"] else ""))
    b = sha12(",".join(sorted("%04x" % c for c in ciphers))) if ciphers else "0" * 12
    ext_part = ",".join(sorted("%04x" % e for e in exts if e not in (0x0000, 0x0010)))
    sig = ",".join("%04x" % s for s in ch["sigalgs"] if not grease(s))
    c = sha12(ext_part + ("_" + sig if sig else "")) if exts else "0" * 12
    return "%s_%s_%s" % (a, b, c)


class Flow:
    def __init__(self, key, l4, initiator, family):
        self.key = key
        self.l4 = l4
        self.initiator = initiator  # (addr, port)
        self.family = family
        self.client_hello = None
        self.server_hello = None
        self.http_req = None
        self.http_resp = None
        self.dns_query = None
        self.dns_resp = None
        self.dns_proto = None
        self.ssh = {}
        self.quic = None

    # --- what tshark saw, frame by frame -----------------------------------

    def add(self, fr, from_init, port_lo):
        hs_types = [num(t) for t in fr["tls.handshake.type"]]
        if 1 in hs_types and self.client_hello is None and from_init:
            ext_types = [num(t) for t in fr["tls.handshake.extension.type"]]
            self.client_hello = {
                "sni": first(fr, "tls.handshake.extensions_server_name"),
                "alpn": fr["tls.handshake.extensions_alpn_str"],
                "has_alpn_ext": 16 in ext_types,
                "version": num(first(fr, "tls.handshake.version", "0")),
                "supported_versions": [num(v) for v in fr["tls.handshake.extensions.supported_version"]],
                "ciphers": [num(c) for c in fr["tls.handshake.ciphersuite"]],
                "extensions": ext_types,
                "sigalgs": [num(s) for s in fr["tls.handshake.sig_hash_alg"]],
                "sigalgs_cert": 50 in ext_types,
                "frame": num(fr["frame.number"][0]),
            }
        if 2 in hs_types and self.server_hello is None and not from_init:
            # In this frame only the ServerHello carries a version, a cipher
            # suite, supported_versions and ALPN (Certificate & co. do not).
            sv = fr["tls.handshake.extensions.supported_version"]
            self.server_hello = {
                "version": num(sv[0]) if sv else num(first(fr, "tls.handshake.version", "0")),
                "cipher": num(first(fr, "tls.handshake.ciphersuite", "0")),
                "alpn": first(fr, "tls.handshake.extensions_alpn_str"),
            }
        if fr["http.request.method"] and self.http_req is None and from_init:
            self.http_req = {
                "method": first(fr, "http.request.method"),
                "host": first(fr, "http.host"),
                "path": first(fr, "http.request.uri"),
                "user_agent": first(fr, "http.user_agent"),
            }
        if fr["http.response.code"] and self.http_resp is None and not from_init:
            self.http_resp = {"status": num(first(fr, "http.response.code"))}
        if fr["dns.flags.response"] and port_lo in DNS_PORTS:
            self.dns_proto = DNS_PORTS[port_lo]
            is_resp = fr["dns.flags.response"][0] in ("1", "True")
            if not is_resp and self.dns_query is None:
                self.dns_query = {"qname": first(fr, "dns.qry.name"),
                                  "qtype": num(first(fr, "dns.qry.type", "0"))}
            elif is_resp and self.dns_resp is None:
                self.dns_resp = self.dns_response(fr)
        for ident in fr["ssh.protocol"]:
            side = "client" if from_init else "server"
            self.ssh.setdefault(side, ident)
        if fr["quic.version"] and self.quic is None and from_init:
            self.quic = {"version": num(fr["quic.version"][0]),
                         "dcid": first(fr, "quic.dcid", ""),
                         "scid": first(fr, "quic.scid", "")}

    @staticmethod
    def dns_response(fr):
        n = num(first(fr, "dns.count.answers", "0"))
        names, types, ttls = fr["dns.resp.name"], fr["dns.resp.type"], fr["dns.resp.ttl"]
        data = {1: list(fr["dns.a"]), 28: list(fr["dns.aaaa"]), 5: list(fr["dns.cname"]),
                12: list(fr["dns.ptr.domain_name"])}
        answers = []
        # Answers come first in the message, so the first n names/types/TTLs
        # and the first values of each data field belong to them.
        for i in range(min(n, len(names), len(types), len(ttls))):
            t = num(types[i])
            ans = {"name": names[i], "type": RRTYPES.get(t, str(t)), "ttl": num(ttls[i])}
            if t in data and data[t]:
                d = data[t].pop(0)
                ans["data"] = norm_addr(d) if t in (1, 28) else d.rstrip(".")
            answers.append(ans)
        return {"rcode": num(first(fr, "dns.flags.rcode", "0")), "answers": answers}

    # --- what xdptop must say ------------------------------------------------

    def expectation(self):
        """(proto, label, {field: expected value or None for "absent"})."""
        if self.quic is not None and self.l4 == "udp":
            ch = self.client_hello or {}
            fields = {"version": QUIC_VERSIONS.get(self.quic["version"], "0x%08x" % self.quic["version"]),
                      "dcid": self.quic["dcid"].replace(":", ""),
                      "scid": self.quic["scid"].replace(":", "")}
            if ch:
                fields["sni"] = ch["sni"]
                fields["alpn"] = ",".join(ch["alpn"]) if ch["has_alpn_ext"] else None
                j = ja4("q", ch)
                if j:
                    fields["ja4"] = j
            return "quic", "%s/%s" % (fields["version"], ch.get("sni") or "nosni"), fields
        if self.client_hello is not None:
            ch = self.client_hello
            vers = [v for v in ch["supported_versions"] if not grease(v)]
            fields = {"sni": ch["sni"],
                      "alpn": ",".join(ch["alpn"]) if ch["has_alpn_ext"] else None,
                      "tls_offered": tls_version_name(max(vers) if vers else ch["version"])}
            sh = self.server_hello
            if sh is not None:
                fields["tls_version"] = tls_version_name(sh["version"])
                fields["cipher"] = "0x%04x" % sh["cipher"]
                fields["alpn_selected"] = sh["alpn"] if sh["version"] <= 0x0303 else None
            j = ja4("t", ch)
            if j:
                fields["ja4"] = j
            return "tls", ch["sni"] or "nosni", fields
        if self.http_req is not None:
            fields = dict(self.http_req)
            if self.http_resp is not None:
                fields["status"] = self.http_resp["status"]
            return "http", self.http_req["host"] or "nohost", fields
        if self.dns_query is not None or self.dns_resp is not None:
            q = self.dns_query or {}
            fields = {}
            if q:
                fields["qname"] = q["qname"]
                fields["qtype"] = RRTYPES.get(q["qtype"], str(q["qtype"]))
            if self.dns_resp is not None:
                fields["rcode"] = RCODES.get(self.dns_resp["rcode"], str(self.dns_resp["rcode"]))
                fields["answers"] = self.dns_resp["answers"]
            label = "%s-%s-%s%d" % (q.get("qname", "noquery"), fields.get("qtype", ""),
                                    self.l4, self.family)
            return self.dns_proto, label, fields
        if self.ssh:
            return "ssh", "%s%d" % (self.l4, self.family), \
                {"client": self.ssh.get("client"), "server": self.ssh.get("server")}
        return None


def expectations(capture):
    flows = collections.OrderedDict()
    for fr in run_tshark(capture):
        if fr["ip.src"]:
            src, dst, family = fr["ip.src"][0], fr["ip.dst"][0], 4
        elif fr["ipv6.src"]:
            src, dst, family = fr["ipv6.src"][0], fr["ipv6.dst"][0], 6
        else:
            continue
        if fr["tcp.srcport"]:
            l4, sp, dp = "tcp", int(fr["tcp.srcport"][0]), int(fr["tcp.dstport"][0])
        elif fr["udp.srcport"]:
            l4, sp, dp = "udp", int(fr["udp.srcport"][0]), int(fr["udp.dstport"][0])
        else:
            continue
        key = flow_key(l4, src, sp, dst, dp)
        fl = flows.get(key)
        if fl is None:
            init = (norm_addr(src), sp)
            # A flow whose first packet is a SYN+ACK was started by its receiver.
            if l4 == "tcp" and first(fr, "tcp.flags.syn") in ("1", "True") \
                    and first(fr, "tcp.flags.ack") in ("1", "True"):
                init = (norm_addr(dst), dp)
            fl = flows[key] = Flow(key, l4, init, family)
        from_init = (norm_addr(src), sp) == fl.initiator
        fl.add(fr, from_init, min(sp, dp))
    out = []
    labels = collections.Counter()
    for fl in flows.values():
        e = fl.expectation()
        if e is None:
            continue
        proto, label, fields = e
        labels[(proto, label)] += 1
        if labels[(proto, label)] > 1:
            label += "#%d" % labels[(proto, label)]
        out.append({"key": fl.key, "l4": fl.l4, "family": fl.family,
                    "initiator": list(fl.initiator), "proto": proto, "label": label,
                    "fields": fields})
    return out


# --- xdptop's side -----------------------------------------------------------

def load_xdptop(path):
    """Flow records by key. A key printed more than once (live tables, ended
    flows) keeps its last record that has an "app", else its last record."""
    recs = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                r = json.loads(line)
            except ValueError:
                continue
            if r.get("type") != "flow" or r.get("proto") not in ("tcp", "udp"):
                continue
            try:
                key = flow_key(r["proto"], r["src"], r["sport"], r["dst"], r["dport"])
            except (KeyError, ValueError):
                continue
            old = recs.get(key)
            if old is None or "app" in r or "app" not in old:
                recs[key] = r
    return recs


def show(v):
    if v is None:
        return "<absent>"
    return json.dumps(v, sort_keys=True)


def norm_answers(v):
    """Answers in a comparable form: addresses canonical, names without a dot."""
    if not isinstance(v, list):
        return v
    out = []
    for a in v:
        if not isinstance(a, dict):
            return v
        a = dict(a)
        if isinstance(a.get("name"), str):
            a["name"] = a["name"].rstrip(".")
        d = a.get("data")
        if isinstance(d, str):
            if a.get("type") in ("A", "AAAA"):
                try:
                    a["data"] = norm_addr(d)
                except ValueError:
                    pass
            else:
                a["data"] = d.rstrip(".")
        out.append(a)
    return out


def same(field, exp, got):
    if exp is None:
        return got in (None, "")
    if field == "answers":
        ng = norm_answers(got)
        if not isinstance(ng, list) or len(ng) != len(exp):
            return False
        for e, g in zip(exp, ng):
            # For record types without a defined "data" only name/type/ttl count.
            if any(g.get(k) != e[k] for k in e):
                return False
        return True
    if field in ("dcid", "scid", "cipher") and isinstance(got, str):
        return got.lower().replace(":", "") == exp.lower()
    return got == exp


def compare(prefix, expect, recs, out=sys.stdout):
    npass = nfail = 0

    def report(ok, name, exp, got, note=""):
        nonlocal npass, nfail
        if ok:
            npass += 1
            print("PASS %s" % name, file=out)
        else:
            nfail += 1
            print("FAIL %s: expected %s, got %s%s" % (name, show(exp), got, note), file=out)

    for e in sorted(expect, key=lambda e: (e["proto"], e["label"])):
        base = "%s/%s/%s" % (prefix, e["proto"], e["label"])
        where = "[%s, initiator %s/%s]" % (e["key"], e["initiator"][0], e["initiator"][1])
        r = recs.get(e["key"])
        if r is None:
            report(False, base + " flow", "a %s flow %s" % (e["l4"], where), "none",
                   " (xdptop printed no record for this 5-tuple)")
            continue
        app = r.get("app")
        if not isinstance(app, dict):
            # Still one line per field, so that each says what was expected.
            app, missing = {}, "<absent: the flow record has no \"app\" object>"
        else:
            missing = None

        def got_str(v):
            return missing if missing and v is None else show(v)
        report(app.get("proto") == e["proto"], base + " proto", e["proto"],
               got_str(app.get("proto")), " " + where if missing else "")
        report(app.get("by") == "payload", base + " by", "payload", got_str(app.get("by")))
        for field in sorted(e["fields"]):
            exp = e["fields"][field]
            if missing and exp is None:
                continue  # "must be absent" says nothing when there is no app
            got = app.get(field)
            report(same(field, exp, got), "%s %s" % (base, field), exp, got_str(got))
    return npass, nfail


def summary(expect):
    c = collections.Counter(e["proto"] for e in expect)
    return " ".join("%s=%d" % (p, c[p]) for p in sorted(c)) or "none"


def main(argv):
    if len(argv) >= 3 and argv[1] == "expect":
        cap, outp = argv[2], argv[3]
        name = cap.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        try:
            exp = expectations(cap)
        except OracleError as err:
            print("FAIL dpi/capture/%s: %s" % (name, err))
            return 2
        with open(outp, "w", encoding="utf-8") as fh:
            json.dump(exp, fh, indent=1)
        print("note: %s: tshark expects flows: %s" % (name, summary(exp)))
        for e in exp:
            if e["proto"] == "quic" and "sni" not in e["fields"]:
                print("note: %s: %s: tshark could not decrypt the client's Initial (version %s), "
                      "so only version, dcid and scid are checked"
                      % (name, e["label"], e["fields"]["version"]))
        rc = 0
        reqs = argv[4:]
        for i, r in enumerate(reqs):
            if r == "--require" and i + 1 < len(reqs):
                proto, _, label = reqs[i + 1].partition(":")
                if not any(e["proto"] == proto and label in e["label"] for e in exp):
                    print("FAIL dpi/capture/%s: tshark finds no %s flow labelled '%s' in the "
                          "capture (harness problem)" % (name, proto, label))
                    rc = 1
        return rc
    if len(argv) == 5 and argv[1] == "compare":
        prefix, expf, jsonl = argv[2:5]
        with open(expf, encoding="utf-8") as fh:
            exp = json.load(fh)
        _, nfail = compare(prefix, exp, load_xdptop(jsonl))
        return 1 if nfail else 0
    if len(argv) == 3 and argv[1] == "dump":
        json.dump(expectations(argv[2]), sys.stdout, indent=1)
        print()
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
