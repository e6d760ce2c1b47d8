# SPDX-License-Identifier: GPL-2.0-only
"""Judge one run of xdptop against the manifest written by mkcaps.py.

usage: check.py prep MANIFEST DIR                   list case names; write DIR/<i>.args
                                                    (argv, NUL-separated), DIR/<i>.stdin
       check.py check MANIFEST CASE LABEL STDOUT STDERR RC
                                                    print 'PASS replay/LABEL' or
                                                    'FAIL replay/LABEL: why'; exit 0/1
"""
import datetime
import glob
import ipaddress
import json
import os
import re
import subprocess
import sys

REASONS = ('zero_length caplen_exceeds_len truncated_l2 truncated_vlan vlan_too_deep '
           'truncated_arp bad_ip_version truncated_ipv4 bad_ipv4_header bad_ipv4_length '
           'truncated_ipv6 bad_ipv6_length ipv6_ext_truncated ipv6_ext_too_many truncated_tcp '
           'bad_tcp_header truncated_udp bad_udp_length truncated_icmp').split()
PROTOS = {'tcp', 'udp', 'icmp', 'icmpv6', 'arp', 'other'}
TCP_STATES = {'SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'TIME_WAIT',
              'CLOSED', 'RESET'}
FLOW_KEYS = ('proto family src sport dst dport state first_seen last_seen pkts_out bytes_out '
             'pkts_in bytes_in bps_out bps_in').split()
STATS_KEYS = ('packets parsed unsupported malformed malformed_by_reason fragments_unattributed '
              'flows flows_total flows_expired flows_evicted').split()
TS_RE = re.compile(r'^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?Z$')
SANITIZER_RE = re.compile(r'(AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|'
                          r'MemorySanitizer|ThreadSanitizer|runtime error:|==\d+==ERROR)')


def ts_ns(s):
    m = TS_RE.match(s) if isinstance(s, str) else None
    if not m:
        return None
    y, mo, d, h, mi, se, frac = m.groups()
    dt = datetime.datetime(int(y), int(mo), int(d), int(h), int(mi), int(se),
                           tzinfo=datetime.timezone.utc)
    frac = (frac or '').ljust(9, '0')
    return int(dt.timestamp()) * 10 ** 9 + int(frac or 0)


def fmt_ns(ns):
    sec, frac = divmod(ns, 10 ** 9)
    dt = datetime.datetime.fromtimestamp(sec, datetime.timezone.utc)
    return dt.strftime('%Y-%m-%dT%H:%M:%S') + '.%09dZ' % frac


def norm_addr(a):
    try:
        return ipaddress.ip_address(a).compressed
    except (ValueError, TypeError):
        return repr(a)


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def flow_key(f):
    return (f.get('proto'), f.get('family'), norm_addr(f.get('src')), f.get('sport'),
            norm_addr(f.get('dst')), f.get('dport'), f.get('vlan'))


def key_str(k):
    proto, fam, src, sport, dst, dport, vlan = k
    s = '%s %s:%s>%s:%s' % (proto, src, sport, dst, dport)
    return s + (' vlan %s' % vlan if vlan is not None else '')


def schema_flow(f):
    """Problems with one flow record, whatever the case."""
    p = []
    missing = [k for k in FLOW_KEYS if k not in f]
    if missing:
        p.append('flow record lacks %s' % ','.join(missing))
    if f.get('proto') not in PROTOS:
        p.append('bad proto %r' % f.get('proto'))
    if f.get('family') not in (4, 6):
        p.append('bad family %r' % f.get('family'))
    for k in ('sport', 'dport', 'pkts_out', 'bytes_out', 'pkts_in', 'bytes_in'):
        if k in f and not (is_int(f[k]) and f[k] >= 0):
            p.append('%s is %r' % (k, f[k]))
    for k in ('bps_out', 'bps_in'):
        if k in f and not (isinstance(f[k], (int, float)) and not isinstance(f[k], bool)):
            p.append('%s is %r' % (k, f[k]))
    for k in ('first_seen', 'last_seen'):
        if k in f and ts_ns(f[k]) is None:
            p.append('%s %r is not an RFC 3339 UTC time' % (k, f[k]))
    st = f.get('state')
    if f.get('proto') == 'tcp' and st not in TCP_STATES:
        p.append('bad tcp state %r' % st)
    if f.get('proto') not in ('tcp', None) and st != 'ACTIVE':
        p.append('state %r for %s (want ACTIVE)' % (st, f.get('proto')))
    if 'vlan' in f and not (is_int(f['vlan']) and 0 <= f['vlan'] < 4096):
        p.append('bad vlan %r' % f['vlan'])
    if ('ipproto' in f) != (f.get('proto') == 'other'):
        p.append('ipproto present iff proto is other, got %r' % f.get('ipproto'))
    if 'end' in f and f['end'] not in ('idle', 'evicted', 'reused'):
        p.append('bad end %r' % f['end'])
    for a in ('src', 'dst'):
        try:
            ip = ipaddress.ip_address(f.get(a))
            if f.get('family') in (4, 6) and ip.version != f['family']:
                p.append('%s %s is not family %s' % (a, f[a], f['family']))
        except (ValueError, TypeError):
            p.append('%s %r is not an IP address' % (a, f.get(a)))
    return ['%s: %s' % (key_str(flow_key(f)), x) for x in p]


def schema_stats(s):
    p = []
    missing = [k for k in STATS_KEYS if k not in s]
    if missing:
        p.append('stats lacks %s' % ','.join(missing))
    for k in STATS_KEYS:
        if k in s and k != 'malformed_by_reason' and not (is_int(s[k]) and s[k] >= 0):
            p.append('stats %s is %r' % (k, s[k]))
    if all(is_int(s.get(k)) for k in ('packets', 'parsed', 'unsupported', 'malformed')):
        if s['packets'] != s['parsed'] + s['unsupported'] + s['malformed']:
            p.append('packets %d != parsed %d + unsupported %d + malformed %d' % (
                s['packets'], s['parsed'], s['unsupported'], s['malformed']))
    mbr = s.get('malformed_by_reason')
    if not isinstance(mbr, dict):
        p.append('malformed_by_reason is %r' % (mbr,))
    else:
        unknown = sorted(set(mbr) - set(REASONS))
        if unknown:
            p.append('reasons not in the schema: %s' % ','.join(unknown))
        if not all(is_int(v) for v in mbr.values()):
            p.append('non-integer reason count')
        elif is_int(s.get('malformed')) and sum(mbr.values()) != s['malformed']:
            p.append('malformed %d != sum of malformed_by_reason %d' % (
                s['malformed'], sum(mbr.values())))
    return p


def reject_constant(name):
    raise ValueError('%s is not JSON' % name)


def judge(alt, rc, out, err):
    """Problems of this run against one expectation (empty: it matches)."""
    p = []
    if rc not in alt['rc']:
        p.append('exit %d, want %s' % (rc, '/'.join(map(str, alt['rc']))))
    for s in alt.get('stderr_has', []):
        if s not in err:
            p.append('stderr does not name %s' % s)
    if 'stderr_re' in alt and not re.search(alt['stderr_re'], err):
        p.append('stderr does not match /%s/' % alt['stderr_re'])
    if alt['rc'] != [0] and not err.strip():
        p.append('no message on stderr')
    if len(err.splitlines()) > 8 and alt['rc'] != [0]:
        p.append('%d lines on stderr: not a clear message' % len(err.splitlines()))

    recs, flows, stats = [], [], None
    for i, line in enumerate(out.splitlines()):
        if not line.strip():
            p.append('stdout line %d is empty' % (i + 1))
            continue
        try:
            r = json.loads(line, parse_constant=reject_constant)
        except ValueError as e:
            p.append('stdout line %d is not JSON (%s): %.80s' % (i + 1, e, line))
            continue
        if not isinstance(r, dict) or r.get('type') not in ('flow', 'stats'):
            p.append('stdout line %d has no type flow/stats: %.80s' % (i + 1, line))
            continue
        recs.append(r)
    for i, r in enumerate(recs):
        if r['type'] == 'flow':
            if stats is not None:
                p.append('flow record after the stats line')
            flows.append(r)
            p.extend(schema_flow(r))
        else:
            if stats is not None:
                p.append('more than one stats line')
            stats = r
            p.extend(schema_stats(r))
    if recs and stats is not None and recs[-1] is not stats:
        p.append('stats is not the last line')

    want = alt.get('stats', 'optional')
    if want == 'required' and stats is None:
        p.append('no stats line')
    if want == 'forbidden' and stats is not None:
        p.append('unexpected stats line')
    if alt.get('no_flows') and flows:
        p.append('%d unexpected flow records' % len(flows))

    if stats is not None:
        for k, v in list(alt.get('counts', {}).items()) + \
                list(alt.get('counts_if_stats', {}).items()):
            if stats.get(k) != v:
                p.append('stats %s=%r, want %r' % (k, stats.get(k), v))
        if 'reasons' in alt and isinstance(stats.get('malformed_by_reason'), dict):
            got = {k: v for k, v in stats['malformed_by_reason'].items() if v}
            if got != alt['reasons']:
                p.append('malformed_by_reason %s, want %s' % (
                    json.dumps(got, sort_keys=True), json.dumps(alt['reasons'], sort_keys=True)))

    if 'flows' in alt:
        p.extend(compare_flows(alt['flows'], flows))
    if 'exports' in alt:
        p.extend(check_exports(alt['exports'], flows, stats))
    return p


def tcpdump_text(paths):
    """Every packet's time and bytes as tcpdump prints them, over @paths in order."""
    text = []
    for path in paths:
        r = subprocess.run(['tcpdump', '-r', path, '-tt', '-n', '-xx'], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, errors='replace')
        if r.returncode:
            return None, '%s: tcpdump says %s' % (path, r.stderr.strip()[:200])
        text.append(r.stdout)
    return ''.join(text), None


def rotated(base):
    """FILE, FILE.1, FILE.2, ... as the pcapng writer names them, in order."""
    seqs = []
    for path in glob.glob(glob.escape(base) + '.*'):
        ext = path[len(base) + 1:]
        if ext.isdigit():
            seqs.append(int(ext))
    return [base] + ['%s.%d' % (base, n) for n in sorted(seqs)] if os.path.exists(base) else []


def check_exports(x, flows, stats):
    """The offline exports of a replay against the input and the JSON output."""
    p = []
    if 'pcapng' in x:
        src, base = x['pcapng']
        files = rotated(base)
        if len(files) < x.get('pcapng_files', 1):
            p.append('--pcap-export wrote %d file(s), want at least %d' % (
                len(files), x.get('pcapng_files', 1)))
        # tcpdump is the oracle: the same times and bytes, packet by packet.
        want, e1 = tcpdump_text([src])
        got, e2 = tcpdump_text(files)
        if e1 or e2:
            p.append(e1 or e2)
        elif files and want != got:
            nw, ng = want.count('\t0x0000:'), got.count('\t0x0000:')
            p.append('--pcap-export: tcpdump reads %d packets from the export, %d from the '
                     'input%s' % (ng, nw, '' if ng != nw else ', and they differ'))
    if 'jsonlog' in x:
        p.extend(check_jsonlog(x['jsonlog'], flows, stats))
    if 'prom' in x:
        p.extend(check_prom(x['prom'], stats))
    if 'logdir' in x:
        logs = glob.glob(os.path.join(glob.escape(x['logdir']), 'xdptop_*.log'))
        if len(logs) != 1:
            p.append('--log-dir holds %d log files, want 1' % len(logs))
        else:
            with open(logs[0], errors='replace') as f:
                lines = f.read().splitlines()
            bad = [ln for ln in lines if not LOG_RE.match(ln)]
            if bad:
                p.append('log file line not "<time> <level> <message>": %.80s' % bad[0])
            if not any(" DEBUG " in ln for ln in lines):
                p.append('--log-level debug: no debug line in the log file')
    return p


LOG_RE = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (ERROR|WARN |INFO |DEBUG) ')


def check_jsonlog(path, flows, stats):
    """Every line an event; each flow of the output opened; the last stats the same."""
    p = []
    try:
        with open(path, errors='replace') as f:
            lines = f.read().split('\n')
    except OSError as e:
        return ['--json-log: %s' % e]
    if lines.pop() != '':
        p.append('--json-log: the last line is not complete')
    opened, last_stats = set(), None
    for n, line in enumerate(lines, 1):
        try:
            ev = json.loads(line, parse_constant=reject_constant)
        except ValueError:
            p.append('--json-log line %d is not JSON: %.80s' % (n, line))
            continue
        if not isinstance(ev, dict) or ev.get('type') != 'event' or ts_ns(ev.get('time')) is None:
            p.append('--json-log line %d is not an event with a time: %.80s' % (n, line))
        elif ev.get('event') == 'connection_opened' and isinstance(ev.get('flow'), dict):
            opened.add(flow_key(ev['flow']))
        elif ev.get('event') == 'stats':
            last_stats = ev.get('stats')
    missing = [key_str(flow_key(f)) for f in flows if flow_key(f) not in opened]
    if missing:
        p.append('--json-log: no connection_opened for %s' % ', '.join(missing[:3]))
    if stats is not None:
        if not isinstance(last_stats, dict):
            p.append('--json-log: no stats event')
        elif last_stats.get('packets') != stats.get('packets'):
            p.append('--json-log: last stats event has %r packets, --json %r' % (
                last_stats.get('packets'), stats.get('packets')))
    return p


def check_prom(path, stats):
    """The metrics file in the text format, its totals those of the JSON stats."""
    m = {}
    try:
        with open(path, errors='replace') as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith('#'):
                    continue
                name, _, value = line.rpartition(' ')
                m[name] = float(value)
    except (OSError, ValueError) as e:
        return ['--prom-textfile: %s' % e]
    p = []
    if stats is not None:
        for metric, k in (('xdptop_packets_total', 'packets'),
                          ('xdptop_packets_unsupported_total', 'unsupported'),
                          ('xdptop_flows_created_total', 'flows_total')):
            if m.get(metric) != stats.get(k):
                p.append('--prom-textfile: %s is %r, the JSON stats say %s %r' % (
                    metric, m.get(metric), k, stats.get(k)))
    return p


def compare_flows(expected, flows):
    p = []
    got = {}
    for f in flows:
        k = flow_key(f)
        if k in got:
            p.append('flow %s reported twice' % key_str(k))
        got[k] = f
    exp = {}
    for e in expected:
        k = (e['proto'], e['family'], norm_addr(e['src']), e['sport'], norm_addr(e['dst']),
             e['dport'], e.get('vlan'))
        exp[k] = e
    for k, e in exp.items():
        f = got.get(k)
        if f is None:
            proto, fam, src, sport, dst, dport, vlan = k
            rev = (proto, fam, dst, dport, src, sport, vlan)
            if rev in got and rev not in exp:
                p.append('flow %s reported reversed (initiator wrong)' % key_str(k))
            else:
                p.append('flow %s missing' % key_str(k))
            continue
        diffs = []
        for fld in ('pkts_out', 'bytes_out', 'pkts_in', 'bytes_in', 'state', 'ipproto'):
            if fld in e and f.get(fld) != e[fld]:
                diffs.append('%s=%r want %r' % (fld, f.get(fld), e[fld]))
        for fld in ('first_seen', 'last_seen'):
            if fld + '_ns' in e and ts_ns(f.get(fld)) != e[fld + '_ns']:
                diffs.append('%s=%s want %s' % (fld, f.get(fld), fmt_ns(e[fld + '_ns'])))
        if 'end' in f:
            diffs.append('end=%r, want none' % f['end'])
        if diffs:
            p.append('flow %s: %s' % (key_str(k), ', '.join(diffs)))
    for k in got:
        if k not in exp:
            proto, fam, src, sport, dst, dport, vlan = k
            if (proto, fam, dst, dport, src, sport, vlan) in exp:
                continue  # already reported as reversed
            p.append('unexpected flow %s' % key_str(k))
    return p


def main(argv):
    cmd, manifest = argv[1], argv[2]
    with open(manifest) as f:
        cases = {c['name']: c for c in json.load(f)['cases']}
    if cmd == 'prep':
        # for case number i (from 1): DIR/i.args (argv, NUL-separated), DIR/i.stdin
        for i, c in enumerate(cases.values(), 1):
            with open('%s/%d.args' % (argv[3], i), 'w') as f:
                f.write(''.join(a + '\0' for a in c['args']))
            with open('%s/%d.stdin' % (argv[3], i), 'w') as f:
                f.write(c.get('stdin', '/dev/null'))
            print(c['name'])
        return 0
    c = cases[argv[3]]
    label, outp, errp, rc = argv[4], argv[5], argv[6], int(argv[7])
    with open(outp, errors='replace') as f:
        out = f.read()
    with open(errp, errors='replace') as f:
        err = f.read()
    fatal = []
    if rc == 124 or rc == 137:
        fatal.append('timed out')
    elif rc >= 128:
        fatal.append('killed by signal %d' % (rc - 128))
    m = SANITIZER_RE.search(err)
    if m:
        line = next((ln for ln in err.splitlines() if m.group(0) in ln), m.group(0))
        fatal.append('sanitizer: %s' % line.strip()[:200])
    if fatal:
        print('FAIL replay/%s: %s' % (label, '; '.join(fatal)))
        return 1
    results = [judge(a, rc, out, err) for a in c['alternatives']]
    if any(not r for r in results):
        print('PASS replay/%s' % label)
        return 0
    why = '; '.join(results[0])
    if len(results) > 1:
        why += ' | or: ' + ' | or: '.join('; '.join(r) for r in results[1:])
    if len(why) > 900:
        why = why[:900] + '...'
    print('FAIL replay/%s: %s' % (label, why))
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
