#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# DPI oracle test: xdptop's "app" object against tshark's dissectors.
#
# Real programs talk over a veth pair between two network namespaces
# (client C, server S; offloads off, so every captured frame is wire sized)
# while tcpdump captures on the server's end, one file per case:
#
#   tls       openssl s_server; openssl s_client -tls1_3 / -tls1_2 with SNI and
#             ALPN h2,http/1.1; curl over IPv4 and IPv6
#   bighello  a 2.5 KB TLS 1.3 ClientHello (bighello.py) whose SNI is in the
#             second TCP segment, to openssl s_server
#   http      python3 -m http.server and nginx (if installed), curl -H Host:
#   dns       dnsmasq (A, AAAA, CNAME chain, PTR v4/v6, NXDOMAIN, TCP, IPv6;
#             unicast queries to ports 5353 and 5355: mdns, llmnr), dig
#   ssh       sshd (if installed) and ssh, over IPv4 and IPv6
#   quic      ngtcp2's gtlsserver / gtlsclient (if installed): QUIC v1 and
#             the v2 draft version
#
# Then, for every capture, tshark says what each flow's "app" object must
# contain (oracle_dpi.py), and it is compared with
#   offline   xdptop -r CAPTURE --json
#   live      xdptop -i IF --backend xdp --json in a third namespace, while
#             the capture is replayed into the other end of a second veth pair
#             (tcpreplay, or pcapsend.py when tcpreplay is not installed), so
#             every frame of both directions arrives there as XDP ingress.
#             The XDP program must be gone from the link after SIGINT.
#   nodpi     --no-dpi, offline for every capture and live for tls: no app
#             object but port names, no payload looked at, no prefix out of
#             the kernel
#
# One "PASS name" / "FAIL name: expected X, got Y" / "SKIP name: why" line per
# check, then "dpi: N passed, M failed, K skipped".
#
# Environment: XDPTOP         binary to test (default: <repo>/build/xdptop)
#              DPI_KEEP_DIR   if set, captures, expectations and xdptop's
#                             output are copied there
#              DPI_LIVE_ARGS  extra xdptop options for the live runs
#              DPI_REPLAY     tcpreplay (default when installed) or python
# Optional programs (a case without its program is skipped, loudly):
#   nginx (Debian nginx), sshd (openssh-server), gtlsserver and gtlsclient
#   (ngtcp2-server, ngtcp2-client), tcpreplay (tcpreplay).
# Exit status: 0 nothing failed, 1 something failed, 77 skipped (not root,
# or a required tool is missing).

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
XDPTOP=${XDPTOP:-$ROOT/build/xdptop}
PY=/usr/bin/python3
ORACLE=$HERE/oracle_dpi.py
# shellcheck source=SCRIPTDIR/../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"

SUITE=dpi
# shellcheck source=SCRIPTDIR/../lib/suite.sh
. "$ROOT/tests/lib/suite.sh"
# shellcheck source=SCRIPTDIR/../lib/sshd.sh
. "$ROOT/tests/lib/sshd.sh"
START=$SECONDS
# Loud: also on stderr, so that it shows even when stdout is only counted.
skip_loud() {
	skip "$1"
	echo "*** SKIPPED dpi/$1" >&2
}
skip_all() {
	echo "SKIP dpi: $1"
	SKIPPED=$((SKIPPED + 1))
	summary
	exit 77
}
note() { echo "note: $*"; }

# --- preconditions --------------------------------------------------------

[[ $(id -u) == 0 ]] || skip_all "needs root"
for tool in ip ss ethtool tcpdump tshark openssl curl dig dnsmasq timeout "$PY"; do
	command -v "$tool" >/dev/null || skip_all "required tool '$tool' not found"
done

# Like xdt_init, but our own names: scratch /tmp/xdt-dpi.*, namespaces
# xdt-dpi-*-PID (reaped here when their owner is gone).
dpi_init() {
	local ns pid
	trap 'xdt_cleanup' EXIT
	trap 'xdt_cleanup; trap - INT; kill -INT $$' INT
	trap 'xdt_cleanup; trap - TERM; kill -TERM $$' TERM
	XDT_TMP=$(mktemp -d /tmp/xdt-dpi.XXXXXX) || return 1
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^xdt-dpi-'); do
		pid=${ns##*-}
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -0 "$pid" 2>/dev/null && continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}
dpi_init || { echo "FAIL dpi/setup: cannot create scratch directory"; FAILED=1; summary; exit 1; }
T=$XDT_TMP

NC=xdt-dpi-c-$$		# clients
NS=xdt-dpi-s-$$		# servers; captures on its veth end
NR=xdt-dpi-r-$$		# replays captures...
NL=xdt-dpi-l-$$		# ...into xdptop here
IC=xdt-dc0 IS=xdt-ds0 IR=xdt-dr0 IL=xdt-dl0
C4=10.213.61.1 S4=10.213.61.2 C6=fd00:213::61:1 S6=fd00:213::61:2

# Optional programs: an absent one skips its case.
SSHD=$(command -v sshd || true)
[[ -z $SSHD && -x /usr/sbin/sshd ]] && SSHD=/usr/sbin/sshd
NGINX=$(command -v nginx || true)
[[ -z $NGINX && -x /usr/sbin/nginx ]] && NGINX=/usr/sbin/nginx
QSERVER=$(command -v gtlsserver || true)
QCLIENT=$(command -v gtlsclient || true)
REPLAY=${DPI_REPLAY:-}
if [[ -z $REPLAY ]]; then
	command -v tcpreplay >/dev/null && REPLAY=tcpreplay || REPLAY=python
fi

# --- topology -------------------------------------------------------------

offloads_off() {
	ip netns exec "$1" ethtool -K "$2" tso off gso off gro off tx off >/dev/null
}

setup_topology() {
	xdt_netns_add "$NC" && xdt_netns_add "$NS" &&
	xdt_netns_add "$NR" && xdt_netns_add "$NL" || return 1
	ip -n "$NC" link add $IC type veth peer name $IS netns "$NS" &&
	ip -n "$NR" link add $IR type veth peer name $IL netns "$NL" &&
	offloads_off "$NC" $IC && offloads_off "$NS" $IS &&
	offloads_off "$NR" $IR && offloads_off "$NL" $IL &&
	xdt_addr "$NC" $IC $C4/24 $C6/112 &&
	xdt_addr "$NS" $IS $S4/24 $S6/112 || return 1
	# The replay link has no addresses at all: nothing but the replayed
	# frames ever crosses it, and its receiving end answers none of them.
	local ns dev
	for ns in "$NR" "$NL"; do
		[[ $ns == "$NR" ]] && dev=$IR || dev=$IL
		ip -n "$ns" link set $dev addrgenmode none &&
		ip -n "$ns" link set $dev up || return 1
	done
	ip netns exec "$NL" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$IL/disable_ipv6" &&
	ip netns exec "$NR" sh -c "echo 1 >/proc/sys/net/ipv6/conf/$IR/disable_ipv6"
}

# --- servers --------------------------------------------------------------

make_files() {
	mkdir -p "$T/www" &&
	echo "hello from xdptop's dpi test" >"$T/www/hello.txt" &&
	echo "<html><body>xdt</body></html>" >"$T/www/index.html" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/key.pem" -out "$T/cert.pem" -days 2 -subj /CN=xdt.test \
		-addext "subjectAltName=DNS:xdt.test,DNS:*.xdt.test" 2>&1
}

start_tls_servers() {
	# s_server serves one connection at a time; -www answers curl's GET.
	xdt_bg "$NS" s_server4 openssl s_server -accept $S4:443 -cert "$T/cert.pem" \
		-key "$T/key.pem" -alpn http/1.1 -www
	xdt_bg "$NS" s_server6 openssl s_server -accept "[$S6]:443" -cert "$T/cert.pem" \
		-key "$T/key.pem" -alpn http/1.1 -www
	xdt_bg "$NS" s_server_big openssl s_server -accept $S4:4443 -cert "$T/cert.pem" \
		-key "$T/key.pem" -alpn http/1.1 -www
	xdt_wait 10 xdt_listening "$NS" t 443 && xdt_wait 10 xdt_listening "$NS" t 4443
}

start_http_servers() {
	xdt_bg "$NS" httpd "$PY" -m http.server --bind :: --directory "$T/www" 8080
	xdt_wait 10 xdt_listening "$NS" t 8080
}

start_nginx() {
	mkdir -p "$T/nginx" || return 1
	cat >"$T/nginx/nginx.conf" <<-EOF
		daemon off;
		master_process off;
		user root;
		pid $T/nginx/nginx.pid;
		error_log $T/nginx/error.log;
		events { worker_connections 64; }
		http {
		    access_log $T/nginx/access.log;
		    client_body_temp_path $T/nginx/body;
		    proxy_temp_path $T/nginx/proxy;
		    fastcgi_temp_path $T/nginx/fastcgi;
		    uwsgi_temp_path $T/nginx/uwsgi;
		    scgi_temp_path $T/nginx/scgi;
		    default_type text/plain;
		    server {
		        listen $S4:80;
		        listen [$S6]:80;
		        root $T/www;
		    }
		}
	EOF
	xdt_bg "$NS" nginx "$NGINX" -p "$T/nginx" -c "$T/nginx/nginx.conf" -e "$T/nginx/error.log"
	xdt_wait 10 xdt_listening "$NS" t 80
}

# dnsmasq, authoritative for xdt.test (--local: unknown names are NXDOMAIN),
# no upstream, no /etc/hosts; one instance per port.
start_dnsmasq() {
	local port=$1
	xdt_bg "$NS" "dnsmasq$port" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--no-resolv --no-hosts --bind-interfaces --port="$port" \
		--listen-address=$S4 --listen-address=$S6 \
		--local=/xdt.test/ --local-ttl=300 \
		--host-record=www.xdt.test,10.213.0.9,fd00:213::9:9 \
		--host-record=target.xdt.test,10.213.0.10 \
		--cname=alias.xdt.test,mid.xdt.test --cname=mid.xdt.test,target.xdt.test \
		--address=/addr.xdt.test/10.213.0.11 \
		--ptr-record=20.0.213.10.in-addr.arpa,svc.xdt.test \
		--pid-file="$T/dnsmasq$port.pid" --user=root --log-facility="$T/dnsmasq$port.log"
	xdt_wait 10 xdt_listening "$NS" u "$port"
}

# sshd (tests/lib/sshd.sh) on :2222 of the server's addresses.
start_sshd() {
	xdt_sshd_prepare "$T" 2222 "$S4" "$S6" || return 1
	xdt_bg "$NS" sshd "${XDT_SSHD_CMD[@]}"
	xdt_wait 10 xdt_listening "$NS" t 2222
}

start_quic_server() {
	xdt_bg "$NS" quicd "$QSERVER" --quiet -d "$T/www" $S4 443 "$T/key.pem" "$T/cert.pem"
	xdt_wait 10 xdt_listening "$NS" u 443
}

# --- traffic --------------------------------------------------------------

# run_client CASE WHAT CMD...: run CMD in the client namespace (20 s at
# most); a failure is a harness problem of CASE, reported as a FAIL.
run_client() {
	local case=$1 what=$2 out
	shift 2
	if ! out=$(ip netns exec "$NC" timeout 20 "$@" 2>&1 </dev/null); then
		fail "capture/$case: $what failed (harness problem)" "\$ $*" "$(tail -n 5 <<<"$out")"
		return 1
	fi
	printf '%s\n' "$out" >>"$T/clients.log"
	return 0
}

# dig_check CASE EXPECT DIG-ARGS...: dig +short must print EXPECT (one line).
dig_check() {
	local case=$1 want=$2 got
	shift 2
	got=$(ip netns exec "$NC" timeout 10 dig +time=3 +tries=1 +short "$@" 2>&1 | tr '\n' ' ')
	got=${got% }
	[[ $got == "$want" ]] ||
		fail "capture/$case: dig $* printed '$got', expected '$want' (harness problem)"
}

traffic_tls() {
	local a=(-connect "$S4:443" -alpn "h2,http/1.1")
	run_client tls "s_client -tls1_3" openssl s_client "${a[@]}" -servername tls13.xdt.test -tls1_3
	run_client tls "s_client -tls1_2" openssl s_client "${a[@]}" -servername tls12.xdt.test -tls1_2
	run_client tls "s_client -tls1_2 over IPv6" openssl s_client -connect "[$S6]:443" \
		-alpn h2,http/1.1 -servername tls12v6.xdt.test -tls1_2
	run_client tls "curl IPv4" curl -ksS -o /dev/null --resolve curl4.xdt.test:443:$S4 \
		https://curl4.xdt.test/
	run_client tls "curl IPv6" curl -ksS -o /dev/null --resolve "curl6.xdt.test:443:[$S6]" \
		https://curl6.xdt.test/
}

traffic_bighello() {
	run_client bighello bighello.py "$PY" "$HERE/bighello.py" $S4 4443 big.xdt.test h2,http/1.1
}

traffic_http() {
	run_client http "curl IPv4" curl -sS -o /dev/null -H 'Host: py4.xdt.test' \
		http://$S4:8080/hello.txt
	run_client http "curl IPv6, 404" curl -gsS -o /dev/null -A 'xdt-dpi-test/1.0' \
		-H 'Host: py6.xdt.test:8080' "http://[$S6]:8080/missing?x=1"
	[[ -n $NGINX ]] && run_client http "curl nginx" curl -sS -o /dev/null \
		-H 'Host: nginx.xdt.test' http://$S4/index.html
	[[ -n $NGINX ]] && run_client http "curl nginx IPv6" curl -gsS -o /dev/null -I \
		-H 'Host: nginx6.xdt.test' "http://[$S6]/"
}

traffic_dns() {
	dig_check dns 10.213.0.9 @$S4 www.xdt.test A
	dig_check dns fd00:213::9:9 @$S4 www.xdt.test AAAA
	dig_check dns "mid.xdt.test. target.xdt.test. 10.213.0.10" @$S4 alias.xdt.test A
	dig_check dns www.xdt.test. @$S4 -x 10.213.0.9
	dig_check dns www.xdt.test. @$S4 -x fd00:213::9:9
	dig_check dns svc.xdt.test. @$S4 -x 10.213.0.20
	dig_check dns "" @$S4 nx.xdt.test A
	dig_check dns 10.213.0.9 @$S4 +tcp www.xdt.test A
	dig_check dns 10.213.0.11 @$S6 addr.xdt.test A
	dig_check dns 10.213.0.9 @$S4 -p 5353 www.xdt.test A
	dig_check dns fd00:213::9:9 @$S4 -p 5355 www.xdt.test AAAA
}

traffic_ssh() {
	local a=(-F /dev/null -p 2222 -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null
		-o BatchMode=yes -o ConnectTimeout=5 -o PubkeyAuthentication=no
		-o GSSAPIAuthentication=no -o PasswordAuthentication=no)
	local h out
	for h in $S4 $S6; do
		# Authentication fails (no user has a key); the identification
		# lines are exchanged before that, and that is all we need.
		out=$(ip netns exec "$NC" timeout 10 ssh "${a[@]}" "xdt@$h" true 2>&1 </dev/null)
		grep -q 'Permission denied' <<<"$out" ||
			fail "capture/ssh: ssh to $h did not reach authentication (harness problem)" "$out"
	done
}

# gtlsclient (ngtcp2 0.12) ignores --sni and sends "localhost" when given an
# address, so it gets names, from an /etc/hosts of its own (bind mounted in a
# private mount namespace).
quic_client() {
	local what=$1 name=$2
	shift 2
	run_client quic "$what" unshare -m --propagation private sh -c \
		"mount --bind $T/hosts /etc/hosts && exec $QCLIENT --quiet --exit-on-all-streams-close \
		 $* --sni=$name $name 443 https://$name/index.html"
}

traffic_quic() {
	printf '127.0.0.1 localhost\n%s quic1.xdt.test quic2.xdt.test\n' $S4 >"$T/hosts"
	# v1, then the only v2 ngtcp2 0.12 knows: the draft version 0x709a50c4
	# (RFC 9369's 0x6b3343cf only gets a Version Negotiation back).
	quic_client "gtlsclient QUIC v1" quic1.xdt.test
	quic_client "gtlsclient QUIC v2 draft" quic2.xdt.test -v v2draft
}

# --- checks ---------------------------------------------------------------

# counted LOG: print LOG and add its PASS/FAIL/SKIP lines to the totals.
counted() {
	local p f s
	cat "$1"
	p=$(grep -c '^PASS ' "$1")
	f=$(grep -c '^FAIL ' "$1")
	s=$(grep -c '^SKIP ' "$1")
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
}

# expect CASE [--require PROTO:LABEL]...: tshark's expectations for CASE.
expect() {
	local case=$1
	shift
	timeout 60 "$PY" "$ORACLE" expect "$T/$case.pcap" "$T/$case.expect.json" "$@" \
		>"$T/$case.expect.log" 2>&1
	counted "$T/$case.expect.log"
	[[ -s $T/$case.expect.json ]]
}

check_offline() {
	local case=$1 rc
	local json=$T/$case.offline.jsonl err=$T/$case.offline.err
	timeout 60 "$XDPTOP" -r "$T/$case.pcap" --json >"$json" 2>"$err"
	rc=$?
	if ((rc != 0)); then
		fail "offline/$case: xdptop -r $case.pcap --json exited with status $rc" "$(head -n 20 "$err")"
		return
	fi
	"$PY" "$ORACLE" compare "dpi/offline/$case" "$T/$case.expect.json" "$json" \
		>"$T/$case.offline.log" 2>&1
	counted "$T/$case.offline.log"
}

xdp_attached() { ip -n "$NL" link show dev $IL | grep -qw 'xdp\(generic\|drv\|offload\)\?'; }
attached_or_gone() { xdp_attached || ! kill -0 "$1" 2>/dev/null; }

# forget PID: a reaped process must not be signalled by the cleanup (its
# PID may have been reused by then).
forget() {
	local p keep=()
	for p in "${XDT_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
	XDT_PIDS=("${keep[@]}")
}

replay() {
	if [[ $REPLAY == tcpreplay ]]; then
		ip netns exec "$NR" tcpreplay -q -i $IR --pps=2000 "$1"
	else
		ip netns exec "$NR" "$PY" "$HERE/pcapsend.py" $IR "$1" 2000
	fi
}

# check_live CASE [TAG OPTION...]: with a TAG, the run has those extra options,
# its output is CASE.TAG.jsonl and check_TAG judges it instead of the oracle.
check_live() {
	local case=$1 tag=${2:-live} pid rc i
	local json=$T/$case.$tag.jsonl err=$T/$case.$tag.err
	shift $(($# > 1 ? 2 : 1))
	# shellcheck disable=SC2086 # DPI_LIVE_ARGS is a list of options
	ip netns exec "$NL" "$XDPTOP" -i $IL --backend xdp --no-resolve --json --interval 3600 \
		${DPI_LIVE_ARGS:-} "$@" >"$json" 2>"$err" &
	pid=$!
	XDT_PIDS+=("$pid")
	# Attached means ready: the program is on the link before any frame.
	xdt_wait 15 attached_or_gone "$pid"
	if ! xdp_attached; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		rc=$?
		forget "$pid"
		fail "live/$case: xdptop --backend xdp did not attach an XDP program to $IL (exit status $rc)" \
			"$(head -n 20 "$err")"
		return
	fi
	sleep 0.3
	if ! replay "$T/$case.pcap" >"$T/$case.replay.log" 2>&1; then
		fail "live/$case: replay ($REPLAY) failed" "$(tail -n 5 "$T/$case.replay.log")"
	fi
	# Let the ring buffer drain, then stop; SIGINT prints the final table.
	sleep 1
	kill -INT "$pid" 2>/dev/null
	xdt_wait 10 xdt_none_alive "$pid" || kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rc=$?
	forget "$pid"
	if ((rc != 0)); then
		fail "live/$case: xdptop exited with status $rc after SIGINT" "$(head -n 20 "$err")"
	fi
	for ((i = 0; i < 20; i++)); do xdp_attached || break; sleep 0.1; done
	if xdp_attached; then
		fail "live/$case xdp-detached: an XDP program is still attached to $IL after xdptop exited" \
			"$(ip -n "$NL" link show dev $IL)"
		ip -n "$NL" link set dev $IL xdp off 2>/dev/null
	else
		pass "live/$case xdp-detached"
	fi
	grep -q '"type":"stats"' "$json" ||
		{ fail "live/$case: xdptop printed no stats record" "$(head -n 20 "$err")"; return; }
	if [[ $tag != live ]]; then
		"check_$tag" "$case" "$json"
		return
	fi
	"$PY" "$ORACLE" compare "dpi/live/$case" "$T/$case.expect.json" "$json" \
		>"$T/$case.live.log" 2>&1
	counted "$T/$case.live.log"
}

# --no-dpi: no app object but the port names ("by":"port"); no payload looked at; live, no payload
# prefix left the kernel (prefix_records 0) while every packet was still counted.
check_nodpi() {
	local case=$1 json=$2 stats
	stats=$(grep '"type":"stats"' "$json" | tail -n 1)
	if grep '"app":' "$json" | grep -qv '"by":"port"'; then
		fail "nodpi/$case: --no-dpi printed app objects found by payload" \
			"$(grep '"app":' "$json" | grep -v -m 3 '"by":"port"')"
	elif [[ $stats != *'"dpi":{"enabled":false,"payloads":0,'* ]]; then
		fail "nodpi/$case: --no-dpi still looked at payloads" "$stats"
	elif [[ $stats == *'"prefix_records":'* && $stats != *'"prefix_records":0,'* ]]; then
		fail "nodpi/$case: --no-dpi: payload prefixes left the kernel" "$stats"
	elif [[ $stats == *'"packets":0,'* ]]; then
		fail "nodpi/$case: --no-dpi counted no packet" "$stats"
	else
		pass "nodpi/$case $(basename "$json" .jsonl)"
	fi
}

check_offline_nodpi() {
	local case=$1 json=$T/$1.nodpi-offline.jsonl
	if ! "$XDPTOP" -r "$T/$case.pcap" --json --no-dpi >"$json" 2>"$T/$case.nodpi.err"; then
		fail "nodpi/$case: xdptop -r --no-dpi failed" "$(head -n 5 "$T/$case.nodpi.err")"
		return
	fi
	check_nodpi "$case" "$json"
}

keep() {
	[[ -n ${DPI_KEEP_DIR:-} ]] || return 0
	mkdir -p "$DPI_KEEP_DIR" && cp "$T"/*.pcap "$T"/*.json "$T"/*.jsonl "$T"/*.err \
		"$T"/*.log "$DPI_KEEP_DIR"/ 2>/dev/null
	return 0
}

# --- main -----------------------------------------------------------------

# Setup steps run in this shell, not in $(...): they register namespaces
# and PIDs for the cleanup trap, which a subshell would lose.
LOG=$T/setup.log
if ! setup_topology >"$LOG" 2>&1; then
	fail "setup: cannot build the test namespaces" "$(cat "$LOG")"
	summary
	exit 1
fi
if ! make_files >"$LOG" 2>&1; then
	fail "setup: cannot make the certificate and web root" "$(cat "$LOG")"
	summary
	exit 1
fi

CASES=()
setup_case() {	# setup_case CASE FUNCTION: start CASE's servers, register it
	if "$2" >"$LOG" 2>&1; then
		CASES+=("$1")
	else
		fail "setup/$1: servers did not start" "$(cat "$LOG")" \
			"$(tail -n 5 "$T"/*.out 2>/dev/null)"
	fi
}
setup_case tls start_tls_servers
[[ " ${CASES[*]} " == *" tls "* ]] && CASES+=(bighello)
setup_case http start_http_servers
if [[ -z $NGINX ]]; then
	skip_loud "http/nginx: nginx not installed (Debian package nginx); only python3 http.server is checked"
elif ! start_nginx >"$LOG" 2>&1; then
	fail "setup/nginx: nginx did not start" "$(cat "$LOG" "$T/nginx/error.log" 2>/dev/null)"
	NGINX=""
fi
start_all_dns() { start_dnsmasq 53 && start_dnsmasq 5353 && start_dnsmasq 5355; }
setup_case dns start_all_dns
if [[ -z $SSHD ]]; then
	skip_loud "ssh: sshd not installed (Debian package openssh-server)"
else
	setup_case ssh start_sshd
fi
if [[ -z $QSERVER || -z $QCLIENT ]]; then
	skip_loud "quic: gtlsserver/gtlsclient not installed (Debian packages ngtcp2-server, ngtcp2-client)"
else
	setup_case quic start_quic_server
fi

declare -A FILTER=([tls]='tcp port 443' [bighello]='tcp port 4443'
	[http]='tcp port 8080 or tcp port 80' [dns]='port 53 or port 5353 or port 5355'
	[ssh]='tcp port 2222' [quic]='udp port 443')
for c in "${CASES[@]}"; do
	if ! xdt_capture_start "$NS" "$c" $IS "${FILTER[$c]}"; then
		fail "setup/$c: tcpdump did not start" "$(cat "$T/tcpdump-$c.out")"
		summary
		exit 1
	fi
done

for c in "${CASES[@]}"; do "traffic_$c"; done
xdt_captures_stop "${CASES[@]}"
xdt_captures_report "${CASES[@]}"
note "captures made in $((SECONDS - START)) s"

# What each capture must contain, so that a harness problem cannot make the
# comparison vacuous.
declare -A REQUIRE=(
	[tls]="tls:tls13.xdt.test tls:tls12.xdt.test tls:tls12v6.xdt.test tls:curl4.xdt.test tls:curl6.xdt.test"
	[bighello]="tls:big.xdt.test"
	[http]="http:py4.xdt.test http:py6.xdt.test"
	[dns]="dns:www.xdt.test-A-udp4 dns:www.xdt.test-AAAA-udp4 dns:alias.xdt.test-A-udp4
	       dns:9.0.213.10.in-addr.arpa-PTR dns:ip6.arpa-PTR dns:20.0.213.10.in-addr.arpa-PTR
	       dns:nx.xdt.test dns:www.xdt.test-A-tcp4 dns:addr.xdt.test-A-udp6
	       mdns:www.xdt.test-A llmnr:www.xdt.test-AAAA"
	[ssh]="ssh:tcp4 ssh:tcp6"
	[quic]="quic:v1/quic1.xdt.test quic:0x709a50c4/"
)
[[ -n $NGINX ]] && REQUIRE[http]+=" http:nginx.xdt.test http:nginx6.xdt.test"

READY=()
for c in "${CASES[@]}"; do
	args=()
	for r in ${REQUIRE[$c]}; do args+=(--require "$r"); done
	expect "$c" "${args[@]}" && READY+=("$c")
done

if [[ ! -x $XDPTOP ]]; then
	fail "xdptop: binary not found at $XDPTOP (build it, or set XDPTOP)"
	keep
	summary
	exit 1
fi

for c in "${READY[@]}"; do check_offline "$c"; done

if [[ $REPLAY == python ]]; then
	note "tcpreplay not installed (Debian package tcpreplay): replaying with pcapsend.py" >&2
	note "tcpreplay not installed (Debian package tcpreplay): replaying with pcapsend.py"
fi
for c in "${READY[@]}"; do check_live "$c"; done
for c in "${READY[@]}"; do check_offline_nodpi "$c"; done
[[ " ${READY[*]} " == *" tls "* ]] && check_live tls nodpi --no-dpi

keep
note "dpi suite took $((SECONDS - START)) s"
summary
((FAILED == 0))
