#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# End-to-end oracle test for `xdptop -r FILE --json`.
#
# Builds two network namespaces joined by three links, generates real
# traffic (HTTP, DNS, UDP with IP fragments, ping, ICMP errors, TCP resets)
# over IPv4 and IPv6, captures it with tcpdump in several link-layer
# formats, runs xdptop on each capture and lets oracle.py compare the
# result with what tshark dissects from the very same file. No expected
# numbers are written down anywhere: the capture is the specification.
#
#   link 0  xdt-va0 <-> xdt-vb0   plain veth           10.213.0.0/24  fd00:213::1:0/112
#   link 1  xdt-va1 <-> xdt-vb1   veth, 802.1Q vid 7   10.213.7.0/24  fd00:213::7:0/112
#   link 2  xdt-tun0 <-> xdt-tun1 tun pair (raw IP)    10.213.5.0/24  fd00:213::5:0/112
#   link 3  xdt-va3 <-> xdt-vb3   veth, QinQ: 802.1ad  10.213.3.0/24  fd00:213::3:0/112
#                                 vid 100 outside 802.1Q vid 7
#
# Links 0-2 join namespaces A (clients) and B (servers). Link 3 starts in
# a third namespace C, so that its frames stay out of the `-i any` captures
# in A: libpcap's cooked header cannot describe a frame whose outer tag is
# offloaded and whose inner one is not (it garbles them).
#
# Captures: link 0 (Ethernet, pcap; also converted to pcapng and to
# nanosecond pcap, and cut in two halves 700 s apart, so that every flow of
# the first half idles out), link 1 (Ethernet with 802.1Q tags), link 2 (LINKTYPE_RAW),
# link 3 (Ethernet, double tagged), and `-i any` in namespace A as Linux
# cooked v1 and v2.
#
# Environment: XDPTOP  binary to test (default: <repo>/build/xdptop)
#              E2E_KEEP_DIR  if set, every capture is copied there, with
#                            xdptop's output and errors next to it
# Exit status: 0 all passed, 1 something failed, 77 skipped.

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
PY=/usr/bin/python3
. "$HERE/lib.sh"

PASSED=0
FAILED=0
SKIPPED=0

summary() {
	local s="e2e: $PASSED passed, $FAILED failed"
	((SKIPPED)) && s+=", $SKIPPED skipped"
	echo "$s"
}

pass() { echo "PASS e2e/$1: $2"; PASSED=$((PASSED + 1)); }
skip() { echo "SKIP e2e/$1: $2"; SKIPPED=$((SKIPPED + 1)); }
fail() {
	local name=$1 msg=$2
	shift 2
	echo "FAIL e2e/$name: $msg"
	# Remaining arguments: detail text, shown indented.
	(($#)) && printf '%s\n' "$@" | sed 's/^/    /'
	FAILED=$((FAILED + 1))
}

skip_all() {
	echo "SKIP: $1"
	SKIPPED=1
	summary
	exit 77
}

# --- preconditions --------------------------------------------------------

[[ $(id -u) == 0 ]] || skip_all "must run as root (network namespaces, tcpdump)"
for tool in ip ss tcpdump tshark editcap mergecap capinfos dnsmasq dig curl ping timeout "$PY"; do
	command -v "$tool" >/dev/null || skip_all "required tool '$tool' not found"
done

xdt_init || { echo "FAIL e2e/setup: cannot create scratch directory"; FAILED=1; summary; exit 1; }
T=$XDT_TMP
NA=xdt-e2e-a-$$
NB=xdt-e2e-b-$$
NC=xdt-e2e-c-$$

# --- topology -------------------------------------------------------------

A0=10.213.0.1 B0=10.213.0.2 A0_6=fd00:213::1:1 B0_6=fd00:213::1:2
A1=10.213.7.1 B1=10.213.7.2 A1_6=fd00:213::7:1 B1_6=fd00:213::7:2
A2=10.213.5.1 B2=10.213.5.2 A2_6=fd00:213::5:1 B2_6=fd00:213::5:2
A3=10.213.3.1 B3=10.213.3.2 A3_6=fd00:213::3:1 B3_6=fd00:213::3:2
VID=7 OUTER_VID=100
HTTP_PORT=8000 UDP_PORT=9000	# PORT+1 of each must stay closed
REUSE_PORT=40999		# fixed client port, to make xdptop see port reuse
GAP=700				# seconds; longer than any xdptop idle timeout

setup_topology() {
	xdt_netns_add "$NA" && xdt_netns_add "$NB" && xdt_netns_add "$NC" || return 1
	ip -n "$NA" link add xdt-va0 type veth peer name xdt-vb0 netns "$NB" &&
	ip -n "$NA" link add xdt-va1 type veth peer name xdt-vb1 netns "$NB" &&
	ip -n "$NC" link add xdt-va3 type veth peer name xdt-vb3 netns "$NB" &&
	xdt_addr "$NA" xdt-va0 $A0/24 $A0_6/112 &&
	xdt_addr "$NB" xdt-vb0 $B0/24 $B0_6/112 &&
	xdt_addr "$NA" xdt-va1 $A1/24 $A1_6/112 &&
	xdt_addr "$NB" xdt-vb1 $B1/24 $B1_6/112 &&
	xdt_addr "$NC" xdt-va3 $A3/24 $A3_6/112 &&
	xdt_addr "$NB" xdt-vb3 $B3/24 $B3_6/112
}

# The kernel may lack 8021q (the CI VM's does); tag with tc BPF instead.
setup_vlan() {
	ip netns exec "$NA" "$PY" "$HERE/vlantag.py" xdt-va1 $VID &&
	ip netns exec "$NB" "$PY" "$HERE/vlantag.py" xdt-vb1 $VID &&
	ip netns exec "$NC" "$PY" "$HERE/vlantag.py" xdt-va3 $VID $OUTER_VID &&
	ip netns exec "$NB" "$PY" "$HERE/vlantag.py" xdt-vb3 $VID $OUTER_VID
}

# The kernel may lack ipip; a tun pair relayed in user space also gives
# a raw-IP link (LINKTYPE_RAW captures).
setup_tun() {
	xdt_bg "$NA" tunrelay "$PY" "$HERE/tunrelay.py" xdt-tun0 "$NB" xdt-tun1 &&
	xdt_wait 5 grep -qs ready "$T/tunrelay.out" &&
	xdt_addr "$NA" xdt-tun0 $A2/24 $A2_6/112 &&
	xdt_addr "$NB" xdt-tun1 $B2/24 $B2_6/112
}

# --- servers in namespace B -----------------------------------------------

start_servers() {
	mkdir -p "$T/www" &&
	: >"$T/www/f0" &&
	head -c 10000 /dev/urandom >"$T/www/f10k" &&
	head -c 1000000 /dev/urandom >"$T/www/f1m" || return 1

	# One dual-stack socket on :: serves every address in B.
	xdt_bg "$NB" httpd "$PY" -m http.server --bind :: --directory "$T/www" $HTTP_PORT
	xdt_bg "$NB" udpd "$PY" "$HERE/udptool.py" server $UDP_PORT \
		$B0 $B0_6 $B1 $B1_6 $B2 $B2_6 $B3 $B3_6
	local la=() a
	for a in $B0 $B0_6 $B1 $B1_6 $B2 $B2_6 $B3 $B3_6; do la+=("--listen-address=$a"); done
	xdt_bg "$NB" dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--no-resolv --no-hosts --bind-interfaces --port=53 "${la[@]}" \
		--address=/xdt.test/10.213.9.9 --address=/xdt.test/fd00:213::9:9 \
		--pid-file="$T/dnsmasq.pid" --user=root --log-facility="$T/dnsmasq.log"

	xdt_wait 10 xdt_listening "$NB" t $HTTP_PORT || { echo "http.server did not start"; return 1; }
	xdt_wait 10 grep -qs ready "$T/udpd.out" || { echo "udp server did not start"; return 1; }
	xdt_wait 10 xdt_listening "$NB" u 53 || { echo "dnsmasq did not start"; return 1; }
}

# --- traffic --------------------------------------------------------------

# Traffic that fails is a harness problem: it would silently shrink what
# xdptop is checked against. Errors go to a file, not a variable, because
# in_client often runs inside $(...).
traffic_error() { echo "$*" >>"$T/traffic-errors"; }

# Run CMD... in the client namespace of the current traffic() call, print
# its output, note a failure.
in_client() {
	local out
	if ! out=$(ip netns exec "$client" "$@" 2>&1); then
		traffic_error "'$*' failed: ${out//$'\n'/ | }"
		return 1
	fi
	printf '%s' "$out"
}

url() { [[ $1 == *:* ]] && echo "http://[$1]:$2/$3" || echo "http://$1:$2/$3"; }

# One download from REUSE_PORT. The previous connection from that port may
# still be finishing its close for a moment, so retry a bind failure.
reuse_port() {
	local i
	for i in $(seq 20); do
		ip netns exec "$client" curl -gs -o /dev/null --max-time 5 --local-port $REUSE_PORT \
			"$(url "$1" $HTTP_PORT f10k)" && return 0
		sleep 0.05
	done
	traffic_error "curl from port $REUSE_PORT to $1 failed"
	return 1
}

# Everything that runs over one link: traffic CLIENT_NS B4 B6 [A_DEV B_DEV]
traffic() {
	local client=$1 b4=$2 b6=$3 adev=${4:-} bdev=${5:-} b f size got
	# A few non-IP frames (Ethernet links only) for the unsupported counter.
	if [[ -n $adev ]]; then
		in_client "$PY" "$HERE/ethframe.py" "$adev" \
			"$(ip -n "$NB" -br link show dev "$bdev" | awk '{print $3}')" 3
	fi
	for b in $b4 $b6; do
		for f in f0 f10k f1m; do
			size=$(stat -c %s "$T/www/$f")
			got=$(in_client curl -gsS -o /dev/null -w '%{size_download}' --max-time 10 \
				"$(url "$b" $HTTP_PORT "$f")")
			[[ $got == "$size" ]] || traffic_error "curl $b/$f: got '$got' bytes, want $size"
		done
		# On link 0, the same client port twice: the second SYN finds
		# the first connection CLOSED, i.e. port reuse.
		[[ $b4 == "$B0" ]] && reuse_port "$b" && reuse_port "$b"
		# Closed port: SYN answered by RST.
		ip netns exec "$client" curl -gs -o /dev/null --max-time 5 \
			"$(url "$b" $((HTTP_PORT + 1)) x)" &&
			traffic_error "curl to closed port $b:$((HTTP_PORT + 1)) succeeded"
		in_client "$PY" "$HERE/udptool.py" client "$b" $UDP_PORT
		in_client ping -q -c 3 -i 0.05 -W 2 "$b" >/dev/null
		# 3000-byte echo: fragmented ICMP both ways.
		in_client ping -q -c 2 -i 0.05 -W 2 -s 3000 "$b" >/dev/null
	done
	# DNS over UDP (v4 and v6 server address) and over TCP.
	got=$(in_client dig +short +time=2 +tries=2 @"$b4" a.xdt.test A)
	[[ $got == 10.213.9.9 ]] || traffic_error "dig A @$b4: '$got'"
	got=$(in_client dig +short +time=2 +tries=2 @"$b6" b.xdt.test AAAA)
	[[ $got == fd00:213::9:9 ]] || traffic_error "dig AAAA @$b6: '$got'"
	got=$(in_client dig +short +tcp +time=2 +tries=2 @"$b4" c.xdt.test A)
	[[ $got == 10.213.9.9 ]] || traffic_error "dig +tcp A @$b4: '$got'"
}

# --- checks ---------------------------------------------------------------

# check NAME CAPTURE [FEATURES]: xdptop vs tshark on one capture file.
check() {
	local name=$1 cap=$2 expect=${3:-} rc res
	local json=$T/$name.jsonl err=$T/$name.err
	keep "$name" "$cap"
	if [[ ! -s $cap ]]; then
		fail "$name" "capture file $cap missing or empty (harness problem)"
		return
	fi
	if [[ ! -x $XDPTOP ]]; then
		fail "$name" "xdptop binary not found at $XDPTOP (build it, or set XDPTOP)"
		return
	fi
	timeout 60 "$XDPTOP" -r "$cap" --json >"$json" 2>"$err"
	rc=$?
	if ((rc == 124)); then
		fail "$name" "xdptop -r $cap --json did not finish within 60 s"
		return
	elif ((rc != 0)); then
		fail "$name" "xdptop -r $cap --json exited with status $rc" "$(head -20 "$err")"
		return
	fi
	res=$("$PY" "$HERE/oracle.py" ${expect:+--expect "$expect"} "$cap" "$json")
	rc=$?
	if ((rc == 0)); then
		pass "$name" "$res"
	else
		# First line is the summary; cap the detail so one broken parser
		# does not bury the other results.
		fail "$name" "$(head -1 <<<"$res")" "$(sed -n '2,41p' <<<"$res")"
		(($(wc -l <<<"$res") > 41)) && echo "    ... $(($(wc -l <<<"$res") - 41)) more"
	fi
}

# With E2E_KEEP_DIR set, copy the capture now; xdptop's output and errors
# are written there directly by check().
keep() {
	[[ -n ${E2E_KEEP_DIR:-} ]] || return 0
	mkdir -p "$E2E_KEEP_DIR" && cp "$2" "$E2E_KEEP_DIR/$1.${2##*.}" &&
		json=$E2E_KEEP_DIR/$1.jsonl err=$E2E_KEEP_DIR/$1.err
}

# --- main -----------------------------------------------------------------

# Setup steps run in this shell, not in $(...): they register namespaces
# and PIDs for the cleanup trap, which a subshell would lose.
LOG=$T/setup.log
if ! setup_topology >"$LOG" 2>&1; then
	fail setup "cannot build the test namespaces" "$(cat "$LOG")"
	summary
	exit 1
fi
have_vlan=1 have_tun=1
if ! setup_vlan >"$LOG" 2>&1; then
	have_vlan=0
	skip vlan-8021q "cannot tag frames: $(cat "$LOG")"
	skip qinq-8021ad "cannot tag frames"
fi
setup_tun >"$LOG" 2>&1 || { have_tun=0; skip raw-ip-tun "cannot create tun link: $(cat "$LOG")"; }
if ! start_servers >"$LOG" 2>&1; then
	fail setup "servers did not start" "$(cat "$LOG")" \
		"$(tail -n3 "$T"/{httpd,udpd,dnsmasq}.out 2>/dev/null)"
	summary
	exit 1
fi

captures_ok=1
xdt_capture_start "$NA" veth xdt-va0 &&
xdt_capture_start "$NA" sll1 any -y LINUX_SLL &&
xdt_capture_start "$NA" sll2 any -y LINUX_SLL2 || captures_ok=0
((have_vlan)) && { xdt_capture_start "$NA" vlan xdt-va1 &&
	xdt_capture_start "$NC" qinq xdt-va3 || captures_ok=0; }
((have_tun)) && { xdt_capture_start "$NB" tun xdt-tun1 || captures_ok=0; }
if ((!captures_ok)); then
	fail setup "tcpdump did not start" "$(cat "$T"/tcpdump-*.out)"
	summary
	exit 1
fi

traffic "$NA" $B0 $B0_6 xdt-va0 xdt-vb0
((have_vlan)) && traffic "$NA" $B1 $B1_6 xdt-va1 xdt-vb1
((have_vlan)) && traffic "$NC" $B3 $B3_6 xdt-va3 xdt-vb3
((have_tun)) && traffic "$NA" $B2 $B2_6
CAPTURES=(veth sll1 sll2)
((have_vlan)) && CAPTURES+=(vlan qinq)
((have_tun)) && CAPTURES+=(tun)
xdt_captures_stop "${CAPTURES[@]}"
xdt_captures_report "${CAPTURES[@]}"

if [[ -s $T/traffic-errors ]]; then
	fail traffic "traffic generation had errors (harness problem)" "$(cat "$T/traffic-errors")"
fi

# Derived captures. The time gap one is the veth capture cut in half by
# frame count, the second half moved GAP seconds later: flows of the first
# half must idle out, and packets after the gap open new flows (possibly
# mid-connection, possibly as later fragments of a datagram cut in two).
n=$(capinfos -M -c -T -r "$T/veth.pcap" | cut -f2)
{ editcap -F pcapng "$T/veth.pcap" "$T/veth.pcapng" &&
	editcap -F nsecpcap "$T/veth.pcap" "$T/veth-nsec.pcap" &&
	editcap -r "$T/veth.pcap" "$T/gap1.pcap" 1-$((n / 2)) &&
	editcap -r -t $GAP "$T/veth.pcap" "$T/gap2.pcap" "$((n / 2 + 1))-$n" &&
	mergecap -a -w "$T/veth-gap.pcap" "$T/gap1.pcap" "$T/gap2.pcap"; } >"$LOG" 2>&1 ||
	fail editcap "cannot derive captures from the veth capture" "$(cat "$LOG")"

IP=tcp,udp,icmp,icmpv6,v4,v6,frag4,frag6,icmp-error
ALL=$IP,arp,unsupported
check ipv4-ipv6-veth "$T/veth.pcap" $ALL,reuse
check ipv4-ipv6-veth-pcapng "$T/veth.pcapng" $ALL,reuse
check ipv4-ipv6-veth-nsec-pcap "$T/veth-nsec.pcap" $ALL,reuse
check ipv4-ipv6-veth-time-gap "$T/veth-gap.pcap" idle
check cooked-v1-any "$T/sll1.pcap" $ALL,reuse
check cooked-v2-any "$T/sll2.pcap" $ALL,reuse
((have_vlan)) && check vlan-8021q "$T/vlan.pcap" $ALL,vlan
((have_vlan)) && check qinq-8021ad "$T/qinq.pcap" $ALL,vlan
((have_tun)) && check raw-ip-tun "$T/tun.pcap" $IP

summary
((FAILED == 0))
