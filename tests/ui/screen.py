# SPDX-License-Identifier: GPL-2.0-only
"""Read xdptop's screen from tmux captures, for tests/ui (stdlib only).

usage: screen.py CHECK [ARGS...] FILE   exit 0 and a word if CHECK holds on FILE (a
                                        capture-pane -p [-e] text), else 1 and why
       screen.py wait SOCKET TARGET SECONDS OUT CHECK [ARGS...]
                                        poll the pane every 50 ms until CHECK holds
                                        (the last capture is left in OUT)
       screen.py latency SOCKET TARGET KEY CHECK [ARGS...]
                                        send KEY, poll every 10 ms until CHECK
                                        holds (it must not before); print the ms
       screen.py ages SOCKET TARGET SECONDS   the status line's snapshot age (ms),
                                        every 100 ms
       screen.py table FILE | plain FILE      the table as JSON / the plain text

SOCKET is a tmux -L name; the pane is read through a control-mode client.

Checks:
  tab NAME            the tab bar has all six labels, NAME's in reverse video,
                      and NAME's own body is shown
  row COL=RE...       some row of the connection table has every COL match RE
  only COL=RE...      there are rows, and every one matches
  live COL=RE...      a matching row has a Down or Up rate above zero
  rows N              at least N rows
  sorted KEY DIR      the header marks KEY's column(s) with DIR (asc / desc) and
                      every adjacent pair of rows is in that order (ui/sort.c)
  marks KEY DIR       the header marks only
  columns A,B,.. W    the table's columns are exactly these; no line wider than W
  columns fit W       some columns dropped, Remote, Down and Up kept; none wider
  selected COL=RE...  the row in reverse video matches; prints its proto, local,
                      remote and app (tab-separated)
  selected-not LOCAL  the selected row's Local is not LOCAL (the cursor moved)
  flows MIN           the status line counts at least MIN connections
  age                 the status line's snapshot age, in ms
  status RE           the last line (status or prompt) matches RE
  has TEXT... / lacks TEXT...
  details summary=TEXT app=TEXT   Details is the current tab and its summary
                      lines contain the TEXTs
  shell               xdptop has exited: no tab bar or table, and the wrapper's
                      lines before and after it are on the screen

The table's geometry is ui/table.c's: after two marker columns, Proto Local
Remote State Service App Process CC Down Up Total (the least important dropped
on narrow screens), Down, Up and Total right-aligned in 11, 11 and 9 columns,
the sorted column's title followed by U+25BC / U+25B2 (v / ^ without UTF-8).
"""
import ipaddress
import json
import os
import re
import select
import signal
import subprocess
import sys
import time

TITLES = ('Proto', 'Local', 'Remote', 'State', 'Service', 'App', 'Process', 'CC',
          'Down', 'Up', 'Total')
RIGHT = {'Down': 11, 'Up': 11, 'Total': 9}
DOWN_MARKS = ('\u25bc', 'v')
UP_MARKS = ('\u25b2', '^')
ENDED_MARKS = ('\u2715', 'x')
ELLIPSIS = ('\u2026', '~')
# The columns ui/table.c marks for each sort key of ui/sort.c.
KEY_COLS = {'rate': ('Down', 'Up'), 'down': ('Down',), 'up': ('Up',), 'total': ('Total',),
            'proto': ('Proto',), 'local': ('Local',), 'remote': ('Remote',),
            'state': ('State',), 'service': ('Service',), 'app': ('App',),
            'process': ('Process',), 'country': ('CC',)}
TABS = ('Overview', 'Details', 'Processes', 'Interfaces', 'Security', 'Help')
UNITS = {'B': 1, 'KB': 1e3, 'MB': 1e6, 'GB': 1e9, 'TB': 1e12, 'PB': 1e15}


class Fail(Exception):
    pass


class ControlFail(Fail):
    """The tmux control client, not the screen."""


SGR = re.compile(r'\x1b\[([0-9;:]*)m')
OTHER_ESC = re.compile(r'\x1b(?:\[[0-9;:?]*[A-Za-z]|\][^\x07\x1b]*(?:\x07|\x1b\\)|.)')


class Screen:
    """A capture (tmux capture-pane -p, with or without -e): .text is the plain
    text, .attrs[n][x] the set of SGR attributes of each cell ('bold', 'dim',
    'reverse'); tmux carries attributes over from line to line."""

    def __init__(self, raw):
        if raw.endswith('\n'):
            raw = raw[:-1]
        self.raw = raw
        lines, attrs = [], []
        cur = set()
        for rline in raw.split('\n'):
            chars, at = [], []
            pos = 0
            for m in re.finditer(r'\x1b', rline):
                if m.start() < pos:
                    continue
                for ch in rline[pos:m.start()]:
                    chars.append(ch)
                    at.append(frozenset(cur))
                e = SGR.match(rline, m.start())
                if e:
                    sgr(cur, e.group(1))
                    pos = e.end()
                    continue
                e = OTHER_ESC.match(rline, m.start())
                pos = e.end() if e else m.start() + 1
            for ch in rline[pos:]:
                chars.append(ch)
                at.append(frozenset(cur))
            lines.append(''.join(chars))
            attrs.append(at)
        self.lines = lines
        self.attrs = attrs
        self.text = '\n'.join(lines)

    def reverse_at(self, n, x):
        return n < len(self.attrs) and x < len(self.attrs[n]) and 'reverse' in self.attrs[n][x]


def sgr(cur, params):
    ps = re.split('[;:]', params) if params else ['0']
    i = 0
    while i < len(ps):
        p = int(ps[i]) if ps[i].isdigit() else 0
        if p == 0:
            cur.clear()
        elif p == 1:
            cur.add('bold')
        elif p == 2:
            cur.add('dim')
        elif p == 7:
            cur.add('reverse')
        elif p == 22:
            cur.discard('bold')
            cur.discard('dim')
        elif p == 27:
            cur.discard('reverse')
        elif p in (38, 48, 58) and i + 1 < len(ps):
            i += 2 if ps[i + 1] == '5' else 4
        i += 1


# --- the connection table ---------------------------------------------------------------

def split_title(tok):
    """'Down\u25bc' -> ('Down', 'desc'); 'Proto' -> ('Proto', None); else None."""
    if tok in TITLES:
        return tok, None
    for marks, d in ((DOWN_MARKS, 'desc'), (UP_MARKS, 'asc')):
        for m in marks:
            if tok.endswith(m) and tok[:-len(m)] in TITLES:
                return tok[:-len(m)], d
    return None


def find_header(lines):
    """(line number, [(title, x, w, mark)]) of the table header, or None."""
    for n, line in enumerate(lines):
        toks = [(m.group(0), m.start()) for m in re.finditer(r'\S+', line)]
        if len(toks) < 4:
            continue
        parsed = [split_title(t) for t, _ in toks]
        if not all(parsed):
            continue
        titles = [p[0] for p in parsed]
        if 'Remote' not in titles or 'Down' not in titles:
            continue
        if [t for t in TITLES if t in titles] != titles:
            continue
        cols = []
        for (tok, x), (title, mark) in zip(toks, parsed):
            if title in RIGHT:
                end = x + len(tok)
                cols.append([title, end - RIGHT[title], RIGHT[title], mark])
            else:
                cols.append([title, x, None, mark])
        for i, c in enumerate(cols):
            if c[2] is None:
                nxt = cols[i + 1][1] if i + 1 < len(cols) else len(line)
                c[2] = nxt - c[1] - 1 if i + 1 < len(cols) else max(nxt - c[1], 1)
        return n, [tuple(c) for c in cols]
    return None


def table(scr):
    """{'marks': {title: dir}, 'cols': [...], 'rows': [{title: cell, '_ended',
    '_selected'}]} of the connection table on Screen @scr."""
    lines = scr.lines
    h = find_header(lines)
    if not h:
        raise Fail('no connection table header on the screen')
    n, cols = h
    rows = []
    for k, line in enumerate(lines[n + 1:], n + 1):
        if not line.strip() or is_status(line) or k == len(lines) - 1 or \
                line.startswith('/'):
            break
        r = {'_ended': line[:2].strip() in ENDED_MARKS,
             '_selected': scr.reverse_at(k, cols[0][1]), '_line': line}
        for title, x, w, _ in cols:
            r[title] = line[x:x + w].strip()
        rows.append(r)
    return {'header_line': n, 'cols': cols,
            'marks': {c[0]: c[3] for c in cols if c[3]}, 'rows': rows}


def is_status(line):
    """The status line at the bottom of the screen (ui/ui.c draw_status)."""
    return bool(STATUS_RE.search(line))


STATUS_RE = re.compile(r'\d+/\d+ connections .*sort: |waiting for the capture')


def rate(s):
    """'1.2 KB/s' -> (1200.0, 50.0): the value and how far rounding can be off."""
    m = re.fullmatch(r'([\d.]+) ([KMGTP]?B)(/s)?', s.strip())
    if not m:
        raise Fail('not a rate or a byte count: %r' % s)
    unit = UNITS[m.group(2)]
    v = float(m.group(1))
    err = 0.5 if m.group(2) == 'B' else 0.05
    return v * unit, err * unit


def duration(s):
    """ui/fmt.c xdt_fmt_duration: '0.4s', '12s', '3m05s', '2h10m' -> seconds."""
    m = re.fullmatch(r'(?:(\d+)h)?(?:(\d+)m)?(?:([\d.]+)s)?', s)
    if not m or not s:
        raise Fail('not a duration: %r' % s)
    h, mi, se = m.groups()
    return int(h or 0) * 3600 + int(mi or 0) * 60 + float(se or 0)


def clipped(s):
    return any(s.endswith(e) for e in ELLIPSIS)


def endpoint(s):
    """'10.0.0.1:443' / '[fd00::1]:53' / 'name:https' / 'fd00::1' ->
    (name or None, address key or None, port or None or text)."""
    host, port = s, None
    m = re.fullmatch(r'\[([^\]]+)\]:(\S+)', s)
    if m:
        host, port = m.group(1), m.group(2)
    else:
        try:
            ipaddress.ip_address(s)
        except ValueError:
            if ':' in s:
                host, port = s.rsplit(':', 1)
    try:
        a = ipaddress.ip_address(host)
        addr = (0 if a.version == 4 else 1, a.packed)
        name = None
    except ValueError:
        addr, name = None, host
    if port is not None and port.isdigit():
        port = int(port)
    return name, addr, port


def proc(s):
    """'123/curl' -> ('curl', 123); '123' -> ('', 123); 'curl' -> ('curl', 0)."""
    m = re.fullmatch(r'(\d+)/(.*)', s)
    if m:
        return m.group(2), int(m.group(1))
    if s.isdigit():
        return '', int(s)
    return s, 0


LAST = 2


def cmp(a, b):
    return (a > b) - (a < b)


def cmp_text(a, b):
    if not a or not b:
        return 0 if not a and not b else (LAST if not a else -LAST)
    if clipped(a) or clipped(b):
        n = min(len(a), len(b)) - 1
        a, b = a[:n], b[:n]
    return cmp(a.lower(), b.lower())


def cmp_end(a, b):
    na, aa, pa = endpoint(a)
    nb, ab, pb = endpoint(b)
    if na or nb:			# names shown: named first, then by name
        if not na or not nb:
            return -1 if na else 1
        c = cmp(na.lower(), nb.lower())
    else:
        c = cmp(aa, ab)
    if c:
        return c
    if isinstance(pa, int) and isinstance(pb, int):
        return cmp(pa, pb)
    return 0			# service names: the order of their numbers is unknown


def cmp_proc(a, b):
    (na, pa), (nb, pb) = proc(a), proc(b)
    if not na and not pa:
        return 0 if not nb and not pb else LAST
    if not nb and not pb:
        return -LAST
    c = cmp(na.lower(), nb.lower())
    return c if c else cmp(pa, pb)


def cmp_num(va, vb):
    """Displayed numbers: equal when their rounding intervals overlap."""
    (a, ea), (b, eb) = va, vb
    if a + ea < b - eb:
        return -1
    if a - ea > b + eb:
        return 1
    return 0


def key_cmp(key, ra, rb):
    """<0, 0, >0 in ascending order, +-LAST for 'blank, keep last'; like ui/sort.c."""
    if key == 'rate':
        da, ua = rate(ra['Down']), rate(ra['Up'])
        db, ub = rate(rb['Down']), rate(rb['Up'])
        return cmp_num((da[0] + ua[0], da[1] + ua[1]), (db[0] + ub[0], db[1] + ub[1]))
    if key in ('down', 'up', 'total'):
        col = KEY_COLS[key][0]
        return cmp_num(rate(ra[col]), rate(rb[col]))
    if key in ('local', 'remote'):
        col = KEY_COLS[key][0]
        return cmp_end(ra[col], rb[col])
    if key == 'process':
        return cmp_proc(ra['Process'], rb['Process'])
    col = KEY_COLS[key][0]
    return cmp_text(ra[col], rb[col])


def check_sorted(t, key, direction):
    want = {c: direction for c in KEY_COLS[key]}
    if t['marks'] != want:
        raise Fail('header marks %s, expected %s (sort key %s)' % (t['marks'], want, key))
    rows = t['rows']
    for col in KEY_COLS[key]:
        if col not in [c[0] for c in t['cols']]:
            raise Fail('column %s is not shown' % col)
    if len(rows) < 2:
        raise Fail('fewer than 2 rows to compare')
    for i in range(len(rows) - 1):
        a, b = rows[i], rows[i + 1]
        c = key_cmp(key, a, b)
        if c in (LAST, -LAST):
            c = c // LAST
        elif direction == 'desc':
            c = -c
        if c > 0:
            cols = KEY_COLS[key]
            raise Fail('rows %d and %d are out of %s order for %s: %s before %s' % (
                i + 1, i + 2, direction, key, [a[x] for x in cols], [b[x] for x in cols]))
    return 'order of %d rows checked' % len(rows)


def matcher(specs):
    out = []
    for s in specs:
        col, _, rx = s.partition('=')
        if col not in TITLES:
            raise Fail('unknown column %s' % col)
        out.append((col, re.compile(rx)))
    return out


def row_matches(r, m):
    return all(col in r and rx.search(r[col]) for col, rx in m)


def show_rows(t, cols=('Proto', 'Local', 'Remote', 'App', 'Process', 'Down', 'Up')):
    return '; '.join('|'.join(r.get(c, '') for c in cols) for r in t['rows'][:12])


# --- tabs and the rest of the screen -------------------------------------------------------

def tab_bar(scr):
    """(labels found, current tab or None) from the first line: ' 1 Overview  2 Details
    ...', the current tab's label in reverse video (ui/ui.c draw_tabs)."""
    line = scr.lines[0] if scr.lines else ''
    found, cur = [], None
    for i, t in enumerate(TABS):
        m = re.search(r'\b%d %s\b' % (i + 1, t), line)
        if not m:
            continue
        found.append(t)
        if all(scr.reverse_at(0, x) for x in range(m.start(), m.end())):
            cur = t if cur is None else 'more than one'
    return found, cur


# What each tab's body shows (ui/overview.c, details.c, processes.c, interfaces.c,
# help.c), besides its marked label.
TAB_BODY = {
    'Overview': lambda scr: find_header(scr.lines) is not None and
    re.search(r'\d+ of \d+ connections', scr.text) is not None,
    'Details': lambda scr: any(l.startswith(' App: ') for l in scr.lines) and
    'record (' in scr.text,
    'Processes': lambda scr: re.search(r'\d+ process(es)?, \d+ connections?', scr.text) and
    re.search(r'PID +Process +.*Conns', scr.text) is not None,
    'Interfaces': lambda scr: 'Backend: ' in scr.text and 'Capture counters' in scr.text,
    'Security': lambda scr: 'Confinement of xdptop itself' in scr.text,
    'Help': lambda scr: ' Keys' in scr.text and 'sort by the next column' in scr.text,
}


def details(scr):
    """The Details tab's summary: (line 'proto  A -> B  STATE', line 'App: ...')."""
    summ = [l for l in scr.lines[1:4] if re.match(r' \S+  \S+ (\u2192|>) \S+', l)]
    app = [l for l in scr.lines[1:5] if l.startswith(' App: ')]
    if not summ or not app:
        raise Fail('no connection summary in Details')
    return summ[0].strip(), app[0].strip()


def check(name, args, scr):
    text = scr.text
    if name == 'tab':
        want = args[0]
        found, cur = tab_bar(scr)
        if len(found) != len(TABS):
            raise Fail('tab bar incomplete: %s' % found)
        if cur != want:
            raise Fail('current tab is %s, expected %s' % (cur, want))
        if not TAB_BODY[want](scr):
            raise Fail('tab %s is marked but its body is not shown' % want)
        return 'tab %s' % want
    if name in ('row', 'only', 'live', 'selected'):
        t = table(scr)
        m = matcher(args)
        hits = [r for r in t['rows'] if row_matches(r, m)]
        if name == 'row':
            if not hits:
                raise Fail('no row with %s; rows: %s' % (' '.join(args), show_rows(t)))
            return 'row: %s' % show_rows({'rows': hits[:1]})
        if name == 'selected':
            sel = [r for r in t['rows'] if r['_selected']]
            if len(sel) != 1:
                raise Fail('%d rows selected' % len(sel))
            if not row_matches(sel[0], m):
                raise Fail('selected row %s does not match %s' % (show_rows({'rows': sel}),
                                                                    ' '.join(args)))
            return '\t'.join(sel[0].get(c, '') for c in ('Proto', 'Local', 'Remote', 'App'))
        if name == 'only':
            if not t['rows']:
                raise Fail('no rows shown')
            if len(hits) != len(t['rows']):
                raise Fail('rows other than %s shown: %s' % (' '.join(args), show_rows(t)))
            return '%d rows, all with %s' % (len(hits), ' '.join(args))
        for r in hits:
            if rate(r['Down'])[0] > 0 or rate(r['Up'])[0] > 0:
                return 'live row: %s' % show_rows({'rows': [r]})
        raise Fail('no row with %s and a rate above zero; rows: %s' % (' '.join(args),
                                                                       show_rows(t)))
    if name == 'selected-not':	# the selected row's Local is not ARG (it moved)
        t = table(scr)
        sel = [r for r in t['rows'] if r['_selected']]
        if len(sel) != 1:
            raise Fail('%d rows selected' % len(sel))
        if sel[0]['Local'] == args[0]:
            raise Fail('the selected row is still %s' % args[0])
        return 'selected: %s' % sel[0]['Local']
    if name == 'selected-at':	# the cursor is on the Nth row shown
        t = table(scr)
        at = [i + 1 for i, r in enumerate(t['rows']) if r['_selected']]
        if at != [int(args[0])]:
            raise Fail('the selected row is %s, expected row %s' % (at, args[0]))
        return 'row %s selected' % args[0]
    if name == 'columns':	# the table's columns are exactly ARG (comma-separated), or
        t = table(scr)		# with ARG "fit", at least Remote, Down and Up
        got = [c[0] for c in t['cols']]
        if args[0] == 'fit':
            if not {'Remote', 'Down', 'Up'} <= set(got) or len(got) == len(TITLES):
                raise Fail('columns %s at %s columns' % (','.join(got), args[1]))
        elif got != args[0].split(','):
            raise Fail('columns %s, expected %s' % (','.join(got), args[0]))
        wide = [i + 1 for i, l in enumerate(scr.lines) if len(l.rstrip()) > int(args[1])]
        if wide:
            raise Fail('lines wider than %s columns: %s' % (args[1], wide))
        return 'columns %s' % args[0]
    if name == 'rows':
        t = table(scr)
        if len(t['rows']) < int(args[0]):
            raise Fail('%d rows, expected at least %s' % (len(t['rows']), args[0]))
        return '%d rows' % len(t['rows'])
    if name == 'sorted':
        return check_sorted(table(scr), args[0], args[1])
    if name == 'marks':
        t = table(scr)
        want = {c: args[1] for c in KEY_COLS[args[0]]}
        if t['marks'] != want:
            raise Fail('header marks %s, expected %s' % (t['marks'], want))
        return 'header marks %s' % want
    if name == 'flows':		# the status line's "SHOWN/ALL connections"
        last = [l for l in scr.lines if is_status(l)]
        m = re.search(r'(\d+)/(\d+) connections', last[-1]) if last else None
        if not m:
            raise Fail('no "N/M connections" on the status line')
        if int(m.group(2)) < int(args[0]):
            raise Fail('the status line counts %s connections, expected at least %s' %
                       (m.group(2), args[0]))
        return m.group(2)
    if name == 'age':		# the status line's "snapshot AGE old", in ms
        last = [l for l in scr.lines if is_status(l)]
        m = re.search(r'snapshot (\S+) old', last[-1]) if last else None
        if not m:
            raise Fail('no snapshot age on the status line')
        return '%.0f' % (duration(m.group(1)) * 1000)
    if name == 'has':
        missing = [a for a in args if a not in text]
        if missing:
            raise Fail('not on the screen: %s' % ', '.join(missing))
        return 'all there'
    if name == 'lacks':
        there = [a for a in args if a in text]
        if there:
            raise Fail('still on the screen: %s' % ', '.join(there))
        return 'none there'
    if name == 'status':		# the status line matches RE
        last = [l for l in scr.lines if l.strip()]
        if not last or not re.search(args[0], last[-1]):
            raise Fail('status line %r does not match %s' % (last[-1] if last else '',
                                                             args[0]))
        return last[-1].strip()
    if name == 'details':
        found, cur = tab_bar(scr)
        if cur != 'Details':
            raise Fail('Details is not the current tab (%s)' % cur)
        summ, app = details(scr)
        for a in args:
            what, _, want = a.partition('=')
            hay = summ if what == 'summary' else app
            if want not in hay:
                raise Fail('Details %s line %r does not contain %r' % (what, hay, want))
        return 'details: %s | %s' % (summ, app)
    if name == 'shell':
        found, cur = tab_bar(scr)
        if found or find_header(scr.lines):
            raise Fail('the UI is still on the screen')
        need = ['xdt-ui: shell before xdptop', 'xdt-ui: xdptop exited with status']
        missing = [n for n in need if n not in text]
        if missing:
            raise Fail('the shell output is not shown: %s' % ', '.join(missing))
        return 'shell output shown, UI gone'
    raise Fail('unknown check %s' % name)


class Tmux:
    """A control-mode client (tmux -C) of our server: commands without a tmux
    process per command, so polling costs about 2 ms rather than 10 or more. It
    has no size of its own and leaves the window's alone. Every reply is waited
    for at most @timeout seconds."""

    def __init__(self, sock, target, timeout=5.0):
        # Rarely (about one attach in a few hundred here, tmux 3.3a), a new
        # control client gets no reply at all to its first command: try again.
        for attempt in range(3):
            self.timeout = timeout if attempt == 2 else 2.0
            self.buf = b''
            self.p = subprocess.Popen(['tmux', '-L', sock, '-C', 'attach', '-t', target],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            try:
                self.block('attach-session')	# its own reply
                self.cmd('refresh-client -f no-output')
                self.timeout = timeout
                return
            except Fail:
                self.close()
                if attempt == 2:
                    raise

    def line(self, what, deadline):
        while b'\n' not in self.buf:
            left = deadline - time.monotonic()
            r = select.select([self.p.stdout], [], [], max(left, 0))[0] if left > 0 else []
            if not r:
                raise ControlFail('tmux control client: no reply to %s in %.0f s (last: %r)' % (
                    what, self.timeout, self.buf[-200:]))
            d = os.read(self.p.stdout.fileno(), 65536)
            if not d:
                raise ControlFail('tmux control client: the server went away (%s)' % what)
            self.buf += d
        line, self.buf = self.buf.split(b'\n', 1)
        return line.decode('utf-8', 'replace')

    def block(self, what):
        deadline = time.monotonic() + self.timeout
        out = []
        while not self.line(what, deadline).startswith('%begin'):
            pass
        while True:
            line = self.line(what, deadline)
            if line.startswith('%end'):
                return out
            if line.startswith('%error'):
                raise Fail('tmux %s: %s' % (what, ' '.join(out)))
            out.append(line)

    def cmd(self, c):
        self.p.stdin.write(c.encode() + b'\n')
        self.p.stdin.flush()
        return self.block(c)

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            self.p.kill()
            self.p.wait()


class Pane:
    """One pane, through a control client that is replaced once if it stops
    answering."""

    def __init__(self, sock, target):
        self.sock, self.target = sock, target
        self.tm = Tmux(sock, target)

    def cmd(self, c):
        try:
            return self.tm.cmd(c)
        except ControlFail:
            self.tm.close()
            self.tm = Tmux(self.sock, self.target)
            return self.tm.cmd(c)

    def raw(self):
        return '\n'.join(self.cmd('capture-pane -p -e -t %s' % self.target))

    def screen(self):
        return Screen(self.raw())

    def close(self):
        self.tm.close()


def holds(name, args, scr):
    """(True, word) or (False, why) for check @name on @scr."""
    try:
        return True, check(name, args, scr)
    except Fail as e:
        return False, str(e)


def latency(sock, target, key, name, args, timeout=5.0):
    """Send @key, poll the pane every 10 ms until check @name holds: ms from the
    send to the first capture that shows it."""
    pane = Pane(sock, target)
    try:
        if holds(name, args, pane.screen())[0]:
            raise Fail('the screen shows that already, before the key')
        t0 = time.monotonic()
        pane.cmd('send-keys -t %s %s' % (target, key))
        while True:
            ok, why = holds(name, args, pane.screen())
            if ok:
                return (time.monotonic() - t0) * 1000.0
            if time.monotonic() - t0 >= timeout:
                raise Fail('no change %.0f s after the key: %s' % (timeout, why))
            time.sleep(0.01)
    finally:
        pane.close()


def wait(sock, target, seconds, out, name, args):
    """Poll the pane every 50 ms until check @name holds or @seconds pass; the last
    capture is left in the file @out. The check's last word."""
    raw = ''
    pane = None
    try:
        pane = Pane(sock, target)
        t0 = time.monotonic()
        while True:
            raw = pane.raw()
            ok, why = holds(name, args, Screen(raw))
            if ok or time.monotonic() - t0 >= seconds:
                return ok, why
            time.sleep(0.05)
    except Fail as e:
        return False, str(e)
    finally:
        if pane:
            pane.close()
        with open(out, 'w', encoding='utf-8') as f:
            f.write(raw + '\n')


def ages(sock, target, seconds):
    """The status line's snapshot age every 100 ms for @seconds, in ms."""
    pane = Pane(sock, target)
    out = []
    try:
        t0 = time.monotonic()
        while time.monotonic() - t0 < seconds:
            ok, why = holds('age', [], pane.screen())
            out.append(why if ok else '?')
            time.sleep(0.1)
    finally:
        pane.close()
    return out


def main(argv):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if len(argv) < 2:
        print(__doc__)
        return 2
    try:
        if argv[1] == 'wait':
            ok, why = wait(argv[2], argv[3], float(argv[4]), argv[5], argv[6], argv[7:])
            print(why)
            return 0 if ok else 1
        if argv[1] == 'ages':
            print(' '.join(ages(argv[2], argv[3], float(argv[4]))))
            return 0
        if argv[1] == 'latency':
            sock, target, key, name = argv[2:6]
            print('%.0f' % latency(sock, target, key, name, argv[6:]))
            return 0
        with open(argv[-1], encoding='utf-8', errors='replace') as f:
            scr = Screen(f.read())
        if argv[1] == 'table':
            print(json.dumps(table(scr), indent=1, ensure_ascii=False))
            return 0
        if argv[1] == 'plain':
            print(scr.text)
            return 0
        print(check(argv[1], argv[2:-1], scr))
        return 0
    except Fail as e:
        print(e)
        return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
