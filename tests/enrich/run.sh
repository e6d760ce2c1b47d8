#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Enrichment: GeoIP, reverse DNS and the configuration file, live.
#
#   host netns: xdt-en-PID 10.213.73.1/24 fd00:213::73:1/112
#          <-> xdt-e2e-en-PID: 10.213.73.2/24 fd00:213::73:2/112
#     dnsmasq in the namespace on 10.213.73.2:53 serves PTR records for both ends
#   xdptop runs in the host netns, in a private mount namespace whose
#   /etc/resolv.conf says "nameserver 10.213.73.2"; ping (v4, v6) gives it flows.
#
# Checks (SUITE enrich):
#   geoip/v4, geoip/v6      MaxMind-format databases written in the test by
#                           MaxMind::DB::Writer (tests/enrich/mkmmdb.pl): a City
#                           database and an ASN database for 10.213.73.0/24 and
#                           fd00:213::73:0/112; the flows carry the expected
#                           country, city, ASN and AS organisation
#   geoip/loaded-line       the start-up line names both files
#   geoip/none              no database anywhere: no *_geo field, one line says so
#   rdns/names              flows carry the PTR names dnsmasq serves (v4 and v6)
#   rdns/budget             10,000 new addresses (tcpreplay): at the resolver, no
#                           1-second window holds more PTR queries than
#                           --resolve-rate 20 allows, and some were asked
#   rdns/no-resolve         the same flood with --no-resolve: not one DNS packet
#                           from xdptop reaches the resolver (tcpdump there)
#   config/takes-effect     options from ~/.config/xdptop/config.yml (interface,
#                           json, interval, duration, no-dpi, geoip-dir,
#                           no-resolve, max-flows) all take effect
#   config/command-line-wins --interval on the command line beats the file
#   config/unknown-key      'config.yml:LINE: unknown key' and exit 2
#   config/bad-value        'config.yml:LINE: interval: ...' and exit 2
#
# Environment: XDPTOP (default <repo>/build/xdptop)
# Exit status: 0 all passed, 1 something failed, 77 skipped.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
PY=/usr/bin/python3
SUITE=enrich
# shellcheck source=../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"
# shellcheck source=../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
# shellcheck source=../lib/hostveth.sh
. "$ROOT/tests/lib/hostveth.sh"

if [[ $(id -u) != 0 ]]; then
	echo "SKIP: the enrichment tests need root (network namespaces, live capture)"
	exit 77
fi
for tool in ip unshare dnsmasq tcpdump tcpreplay ping perl "$PY"; do
	command -v "$tool" >/dev/null || { echo "SKIP: required tool '$tool' not found (sudo make deps)"; exit 77; }
done
if ! perl -MMaxMind::DB::Writer::Tree -e 1 2>/dev/null; then
	echo "SKIP: Perl MaxMind::DB::Writer is missing (sudo make deps: libmaxmind-db-writer-perl)"
	exit 77
fi
if [[ ! -x $XDPTOP ]]; then
	fail setup "$XDPTOP is not built (make)"
	summary
	exit 1
fi
XDPTOP=$(realpath "$XDPTOP")

NS=xdt-e2e-en-$$
HL=xdt-en-$$
HL=${HL:0:15}
PL=xdt-enp-$$
PL=${PL:0:15}
H4=10.213.73.1 N4=10.213.73.2 H6=fd00:213::73:1 N6=fd00:213::73:2

en_cleanup() {
	xdt_cleanup
	ip link del "$HL" 2>/dev/null
}
xdt_init || { echo "FAIL enrich/setup: no scratch directory"; exit 1; }
trap 'en_cleanup' EXIT
trap 'en_cleanup; trap - INT; kill -INT $$' INT
trap 'en_cleanup; trap - TERM; kill -TERM $$' TERM
T=$XDT_TMP

if ! hostveth_up "$NS" "$HL" "$PL" "$H4/24" "$N4/24" "$H6/112" "$N6/112"; then
	fail setup "cannot create the namespace and veth pair"
	summary
	exit 1
fi
echo "nameserver $N4" >"$T/resolv.conf"
xdt_bg "$NS" dnsmasq dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
	--listen-address="$N4" --port=53 --log-facility=- \
	--ptr-record=1.73.213.10.in-addr.arpa,host-a.xdt.test \
	--ptr-record=2.73.213.10.in-addr.arpa,host-b.xdt.test \
	--ptr-record="$("$PY" -c "import ipaddress;print(ipaddress.ip_address('$H6').reverse_pointer)"),host-a6.xdt.test" \
	--ptr-record="$("$PY" -c "import ipaddress;print(ipaddress.ip_address('$N6').reverse_pointer)"),host-b6.xdt.test"
if ! xdt_wait 10 xdt_listening "$NS" u 53; then
	fail setup "dnsmasq did not start" "$(cat "$T/dnsmasq.out")"
	summary
	exit 1
fi
xdt_bg "$NS" ping4 ping -n -i 0.2 "$H4"
xdt_bg "$NS" ping6 ping -6 -n -i 0.2 "$H6"

# GeoIP databases (MaxMind format, written by MaxMind::DB::Writer).
mkdir -p "$T/geo" "$T/empty"
perl "$HERE/mkmmdb.pl" city "$T/geo/GeoLite2-City.mmdb" \
	"10.213.73.0/24=DE:Berlin" "fd00:213::73:0/112=FR:Paris" >"$T/mkmmdb.out" 2>&1 &&
perl "$HERE/mkmmdb.pl" asn "$T/geo/GeoLite2-ASN.mmdb" \
	"10.213.73.0/24=64500:XDT Test v4" "fd00:213::73:0/112=64501:XDT Test v6" >>"$T/mkmmdb.out" 2>&1 ||
	fail setup "mkmmdb.pl failed" "$(cat "$T/mkmmdb.out")"

# xdptop in a private mount namespace with our resolv.conf; env and args follow.
# run_xd NAME SECONDS ARGS...: waits for it to end (it must have --duration).
run_xd() {
	local name=$1 secs=$2
	shift 2
	(with_resolv "$T/resolv.conf" timeout "$secs" "$@") >"$T/$name.jsonl" 2>"$T/$name.err"
}

# --- GeoIP and PTR names ---------------------------------------------------------
run_xd names 20 "$XDPTOP" -i "$HL" --json --interval 1 --duration 4 --geoip-dir "$T/geo"
"$PY" - "$T/names.jsonl" >"$T/names.txt" <<'PY'
import json, sys
seen = {}
for line in open(sys.argv[1]):
    o = json.loads(line)
    if o.get("type") != "flow" or o.get("proto") == "arp":
        continue
    for side in ("src", "dst"):
        a = o[side]
        g = o.get(side + "_geo", {})
        v = (g.get("country", ""), g.get("city", ""), g.get("asn", 0),
             g.get("as_org", ""), o.get(side + "_ptr", ""))
        # The latest table knows most (a PTR answer comes after the first table).
        if a not in seen or v[4] or not seen[a][4]:
            seen[a] = v
for a, v in sorted(seen.items()):
    print(a, "|".join(str(x) for x in v))
PY
want_geo() {
	local addr=$1 want=$2 name=$3
	local got
	got=$(awk -v a="$addr" '$1 == a { $1 = ""; print substr($0, 2) }' "$T/names.txt" | cut -d'|' -f1-4)
	if [[ $got == "$want" ]]; then
		pass "$name"
	else
		fail "$name" "$addr: got '$got', want '$want'" "$(cat "$T/names.txt")" "$(cat "$T/names.err")"
	fi
}
want_geo "$H4" "DE|Berlin|64500|XDT Test v4" geoip/v4
want_geo "$N6" "FR|Paris|64501|XDT Test v6" geoip/v6
if grep -q "GeoLite2-City.mmdb" "$T/names.err" && grep -q "GeoLite2-ASN.mmdb" "$T/names.err"; then
	pass geoip/loaded-line
else
	fail geoip/loaded-line "the start-up line does not name both files" "$(cat "$T/names.err")"
fi
ptrs=$(awk '{ n = split($0, f, "|"); print $1, f[n] }' "$T/names.txt" | sort | tr '\n' ' ')
want_ptrs="$H4 host-a.xdt.test $N4 host-b.xdt.test $H6 host-a6.xdt.test $N6 host-b6.xdt.test"
ok=1
for pair in "$H4 host-a.xdt.test" "$N4 host-b.xdt.test" "$H6 host-a6.xdt.test" "$N6 host-b6.xdt.test"; do
	grep -qF "$pair" <<<"$(awk '{ n = split($0, f, "|"); print $1, f[n] }' "$T/names.txt")" || ok=0
done
((ok)) && pass rdns/names || fail rdns/names "want $want_ptrs" "got: $ptrs" "$(tail -n 3 "$T/names.err")"

# No database anywhere: no geo, one line.
(cd "$T/empty" && HOME=$T/empty run_xd nogeo 20 env -u XDG_DATA_HOME "$XDPTOP" -i "$HL" \
	--json --interval 1 --duration 2 --no-resolve)
n=$(grep -c "no database found" "$T/nogeo.err")
if [[ -n $(ls /usr/share/GeoIP /usr/local/share/GeoIP /var/lib/GeoIP 2>/dev/null | grep mmdb) ]]; then
	skip geoip/none
	echo "    this machine has GeoIP databases installed: 'no database anywhere' cannot be made"
elif [[ $n == 1 ]] && ! grep -q '_geo"' "$T/nogeo.jsonl" && grep -q '"type":"flow"' "$T/nogeo.jsonl"; then
	pass geoip/none
else
	fail geoip/none "lines saying so: $n; geo fields: $(grep -c '_geo"' "$T/nogeo.jsonl")" \
		"$(cat "$T/nogeo.err")"
fi

# --- the budget, and --no-resolve, under a flood of new addresses ------------------
hmac=$(cat "/sys/class/net/$HL/address")
pmac=$(ip netns exec "$NS" cat "/sys/class/net/$PL/address")
"$PY" "$HERE/flood.py" "$T/flood.pcap" 10000 "$N4" "$pmac" "$hmac"
flood_run() {	# NAME XDPTOP-ARGS...: xdptop during the flood, tcpdump at the resolver
	local name=$1
	shift
	xdt_capture_start "$NS" "dns-$name" "$PL" "udp port 53 and src host $H4"
	(with_resolv "$T/resolv.conf" "$XDPTOP" -i "$HL" --json --interval 1 --duration 9 \
		--no-geoip "$@") >"$T/$name.jsonl" 2>"$T/$name.err" &
	local xd=$!
	XDT_PIDS+=("$xd")
	sleep 1
	ip netns exec "$NS" tcpreplay -q -i "$PL" --pps 2500 "$T/flood.pcap" >"$T/tcpreplay-$name.out" 2>&1
	wait "$xd"
	xdt_captures_stop "dns-$name"
}
flood_run budget --resolve-rate 20
read -r max total < <(tshark -r "$T/dns-budget.pcap" -Y 'dns.flags.response == 0' \
	-T fields -e frame.time_epoch 2>/dev/null | "$PY" "$HERE/window.py")
flows=$(grep -c '"type":"flow"' "$T/budget.jsonl")
if ((total > 0 && max <= 20)); then
	pass rdns/budget
	echo "note: rdns budget: at most $max PTR queries in any 1 s window (budget 20), $total in all"
else
	fail rdns/budget "most PTR queries in any second: $max (budget 20), in all: $total;" \
		"flow lines: $flows" "$(tail -n 3 "$T/budget.err")"
fi
flood_run noresolve --no-resolve
n=$(tshark -r "$T/dns-noresolve.pcap" 2>/dev/null | wc -l)
if ((n == 0)) && grep -q '"type":"flow"' "$T/noresolve.jsonl"; then
	pass rdns/no-resolve
else
	fail rdns/no-resolve "$n DNS packets from xdptop at the resolver" "$(tail -n 3 "$T/noresolve.err")"
fi

# --- the configuration file ------------------------------------------------------
mkdir -p "$T/home/.config/xdptop"
cat >"$T/home/.config/xdptop/config.yml" <<YML
# xdptop test configuration
interface: [$HL]
json: true
interval: 0.5
duration: 2
no-dpi: true
max-flows: 5000
geoip-dir: $T/geo
no-resolve: yes
YML
(cd "$T/empty" && HOME=$T/home run_xd cfg 20 env -u XDG_CONFIG_HOME "$XDPTOP")
rc=$?
stats=$(grep -c '"type":"stats"' "$T/cfg.jsonl")
if ((rc == 0)) && ((stats >= 3 && stats <= 6)) && grep -q '"dpi":{"enabled":false' "$T/cfg.jsonl" &&
	grep -q '"dst_geo":{"country"' "$T/cfg.jsonl" && ! grep -q '"rdns":' "$T/cfg.jsonl" &&
	grep -q "capturing on $HL" "$T/cfg.err"; then
	pass config/takes-effect
else
	fail config/takes-effect "exit $rc, $stats stats lines (want 4 in 2 s at 0.5 s)" \
		"$(head -c 600 "$T/cfg.jsonl")" "$(cat "$T/cfg.err")"
fi
(cd "$T/empty" && HOME=$T/home run_xd cfg2 20 env -u XDG_CONFIG_HOME "$XDPTOP" --interval 0.25)
stats2=$(grep -c '"type":"stats"' "$T/cfg2.jsonl")
if ((stats2 >= 2 * stats - 1)); then
	pass config/command-line-wins
	echo "note: config: $stats2 tables with --interval 0.25, $stats with the file's 0.5"
else
	fail config/command-line-wins "$stats2 tables with --interval 0.25, $stats with the file's 0.5"
fi
printf 'json: true\n# a comment\nintervall: 5\n' >"$T/home/.config/xdptop/config.yml"
(cd "$T/empty" && HOME=$T/home run_xd bad1 20 env -u XDG_CONFIG_HOME "$XDPTOP")
rc=$?
if ((rc == 2)) && grep -q "config.yml:3: unknown key 'intervall'" "$T/bad1.err"; then
	pass config/unknown-key
else
	fail config/unknown-key "exit $rc" "$(cat "$T/bad1.err")"
fi
printf 'json: true\ninterval: soon\n' >"$T/home/.config/xdptop/config.yml"
(cd "$T/empty" && HOME=$T/home run_xd bad2 20 env -u XDG_CONFIG_HOME "$XDPTOP")
rc=$?
if ((rc == 2)) && grep -q "config.yml:2: .*interval.*soon" "$T/bad2.err"; then
	pass config/bad-value
else
	fail config/bad-value "exit $rc" "$(cat "$T/bad2.err")"
fi

summary
((FAILED == 0))
