# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Shared by tests/ui/run.sh and tests/ui/screens.sh: two namespaces joined by a
# veth pair, servers with real protocols on one side, clients on the other, and
# xdptop's screen in a tmux server of our own (private socket) watching the
# clients' end.
#
#   xdt-ui-c-PID  xdt-ui-c-PID  10.213.90.1/24 fd00:213::90:1/112  clients, xdptop
#   xdt-ui-s-PID  xdt-ui-s-PID  10.213.90.2/24 fd00:213::90:2/112  servers
#
# (Each link is named like its namespace, cut to 15 characters.) Servers on
# 10.213.90.2: openssl s_server -WWW :443 (a 4 MB file that curl fetches slowly,
# SNI web.xdt.test), two openssl s_server :4433 / :4434 that the long-lived
# s_clients (SNI live.xdt.test, bulk.xdt.test) exchange data with, dnsmasq :53
# (authoritative for xdt.test), sshd :2222 (key login for root, private /run).
#
# Everything goes through tests/e2e/lib.sh's registry (XDT_NETNS, XDT_PIDS,
# XDT_TMP); ui_cleanup also kills our tmux server first, so the screen's own
# processes die with their panes before the namespaces go.

UI_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UI_ROOT=$(cd "$UI_HERE/../.." && pwd)
PY=/usr/bin/python3
SCREEN_PY=$UI_HERE/screen.py
# shellcheck source=SCRIPTDIR/../e2e/lib.sh
. "$UI_ROOT/tests/e2e/lib.sh"

NC=xdt-ui-c-$$
NS=xdt-ui-s-$$
IC=${NC:0:15}
IS=${NS:0:15}
C4=10.213.90.1 S4=10.213.90.2 C6=fd00:213::90:1 S6=fd00:213::90:2
SOCK=xdt-ui-$$			# tmux -L: the socket is $TMUX_TMPDIR/tmux-UID/$SOCK
TMUX_CMD=(tmux -L "$SOCK")	# -f is added by ui_init
export LC_ALL=C.UTF-8
unset TMUX			# we may be run from inside someone's tmux

SSHD=$(command -v sshd || true)
[[ -z $SSHD && -x /usr/sbin/sshd ]] && SSHD=/usr/sbin/sshd

# --- set-up and cleanup -----------------------------------------------------

tmux_dir() { echo "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)"; }

# Namespaces and tmux servers of earlier runs whose owner is gone (a SIGKILL
# skips the trap): the owner's pid ends each name.
ui_reap_stale() {
	local ns pid s
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^xdt-ui-'); do
		pid=${ns##*-}
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -0 "$pid" 2>/dev/null && continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	for s in "$(tmux_dir)"/xdt-ui-*; do
		[[ -S $s ]] || continue
		pid=${s##*-}
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -0 "$pid" 2>/dev/null && continue
		tmux -L "${s##*/}" kill-server 2>/dev/null
		rm -f "$s"
	done
}

ui_tmux_kill() {
	"${TMUX_CMD[@]}" kill-server 2>/dev/null
	rm -f "$(tmux_dir)/$SOCK"
}

ui_cleanup() {
	# First the screen (SIGHUP to the panes), then what lib.sh registered.
	ui_tmux_kill
	xdt_cleanup
}

# Like xdt_init, with our own scratch directory and names; $1 is the prefix of
# the scratch directory.
ui_init() {
	trap 'ui_cleanup' EXIT
	trap 'ui_cleanup; trap - INT; kill -INT $$' INT
	trap 'ui_cleanup; trap - TERM; kill -TERM $$' TERM
	XDT_TMP=$(mktemp -d "/tmp/${1:-xdt-ui}.XXXXXX") || return 1
	chmod 0755 "$XDT_TMP"
	T=$XDT_TMP
	TMUX_CMD=(tmux -L "$SOCK" -f "$T/tmux.conf")
	ui_reap_stale
}

# forget PID: a reaped process must not be signalled by the cleanup.
ui_forget() {
	local p keep=()
	for p in "${XDT_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
	XDT_PIDS=("${keep[@]}")
}

ui_topology() {
	xdt_netns_add "$NC" && xdt_netns_add "$NS" || return 1
	ip -n "$NC" link add "$IC" type veth peer name "$IS" netns "$NS" &&
	xdt_addr "$NC" "$IC" $C4/24 $C6/112 &&
	xdt_addr "$NS" "$IS" $S4/24 $S6/112 || return 1
	# Static neighbours: no ARP or neighbour discovery rows in the table.
	local mc ms
	mc=$(ip netns exec "$NC" cat "/sys/class/net/$IC/address") &&
	ms=$(ip netns exec "$NS" cat "/sys/class/net/$IS/address") || return 1
	ip -n "$NC" neigh replace $S4 lladdr "$ms" dev "$IC" nud permanent &&
	ip -n "$NC" neigh replace $S6 lladdr "$ms" dev "$IC" nud permanent &&
	ip -n "$NS" neigh replace $C4 lladdr "$mc" dev "$IS" nud permanent &&
	ip -n "$NS" neigh replace $C6 lladdr "$mc" dev "$IS" nud permanent
}

# ns_bg NS NAME CMD...: CMD in NS in the background, through nsenter (only the
# network namespace changes, so the cgroup v2 hierarchy stays visible and the
# hooks name the process); nsenter execs CMD, so $! is CMD's pid.
ns_bg() {
	local ns=$1 name=$2
	shift 2
	nsenter --net="/run/netns/$ns" "$@" >"$T/$name.out" 2>&1 </dev/null &
	XDT_PIDS+=("$!")
	eval "XDT_PID_${name//[^a-zA-Z0-9]/_}=$!"
}

ui_files() {
	mkdir -p "$T/www" && chmod 0755 "$T/www" &&
	head -c 4000000 /dev/zero | tr '\0' 'x' >"$T/www/big.txt" &&
	echo "xdptop ui test" >"$T/www/index.html" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/key.pem" -out "$T/cert.pem" -days 2 -subj /CN=xdt.test \
		-addext "subjectAltName=DNS:xdt.test,DNS:*.xdt.test" >"$T/openssl-req.out" 2>&1 &&
	ssh-keygen -q -t ed25519 -N '' -f "$T/ssh_host_key" </dev/null &&
	ssh-keygen -q -t ed25519 -N '' -f "$T/ssh_user_key" </dev/null &&
	cp "$T/ssh_user_key.pub" "$T/authorized_keys" &&
	# A data source for the long-lived TLS connections: N bytes every 100 ms.
	cat >"$T/drip.sh" <<-'EOF'
		#!/bin/sh
		line=$(head -c "$1" /dev/zero | tr '\0' 'x')
		while :; do echo "$line" || exit 0; sleep 0.1; done
	EOF
	chmod 0755 "$T/drip.sh"
}

ui_servers() {
	# -WWW serves files relative to its working directory.
	cd "$T/www" || return 1
	ns_bg "$NS" s_server_www openssl s_server -quiet -accept $S4:443 \
		-cert "$T/cert.pem" -key "$T/key.pem" -WWW
	cd - >/dev/null || return 1
	# The data servers: what they read on stdin goes to their client.
	ns_bg "$NS" s_server_live sh -c "$T/drip.sh 1000 | exec openssl s_server -quiet \
		-accept $S4:4433 -cert $T/cert.pem -key $T/key.pem >/dev/null"
	ns_bg "$NS" s_server_bulk sh -c "$T/drip.sh 6000 | exec openssl s_server -quiet \
		-accept $S4:4434 -cert $T/cert.pem -key $T/key.pem >/dev/null"
	ns_bg "$NS" dnsmasq dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--no-resolv --no-hosts --bind-interfaces --port=53 \
		--listen-address=$S4 --listen-address=$S6 \
		--local=/xdt.test/ --local-ttl=300 \
		--host-record=www.xdt.test,10.213.0.9,fd00:213::9:9 \
		--host-record=web.xdt.test,$S4,$S6 \
		--pid-file="$T/dnsmasq.pid" --user=root --log-facility="$T/dnsmasq.log"
	xdt_wait 10 xdt_listening "$NS" t 443 && xdt_wait 10 xdt_listening "$NS" t 4433 &&
	xdt_wait 10 xdt_listening "$NS" t 4434 && xdt_wait 10 xdt_listening "$NS" u 53 ||
		return 1
	[[ -n $SSHD ]] || return 0
	cat >"$T/sshd_config" <<-EOF
		Port 2222
		ListenAddress $S4
		ListenAddress $S6
		HostKey $T/ssh_host_key
		PidFile none
		UsePAM no
		StrictModes no
		PermitRootLogin prohibit-password
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		AuthorizedKeysFile $T/authorized_keys
		LogLevel ERROR
	EOF
	local fixpw=""
	if ! getent passwd sshd >/dev/null; then
		{ cat /etc/passwd; echo "sshd:x:65500:65534:xdt-ui privsep:/run/sshd:/usr/sbin/nologin"; } \
			>"$T/passwd" && fixpw="mount --bind $T/passwd /etc/passwd &&"
	fi
	ns_bg "$NS" sshd unshare -m --propagation private sh -c \
		"mount -t tmpfs -o mode=0755 xdt-ui /run && mkdir -m 0755 /run/sshd && $fixpw
		 exec $SSHD -D -e -f $T/sshd_config -h $T/ssh_host_key"
	xdt_wait 10 xdt_listening "$NS" t 2222
}

# The traffic, started once xdptop watches (it must see the handshakes):
# long-lived connections with data both ways, one slow download, DNS queries
# and an ssh session that stays open.
ui_traffic() {
	ns_bg "$NC" curl curl -ks --limit-rate 40k -o /dev/null \
		--resolve web.xdt.test:443:$S4 https://web.xdt.test/big.txt
	ns_bg "$NC" s_client_live sh -c "$T/drip.sh 3000 | exec openssl s_client -quiet \
		-connect $S4:4433 -servername live.xdt.test >/dev/null"
	ns_bg "$NC" s_client_bulk sh -c "$T/drip.sh 500 | exec openssl s_client -quiet \
		-connect $S4:4434 -servername bulk.xdt.test >/dev/null"
	ui_dig
	if [[ -n $SSHD ]]; then
		ns_bg "$NC" ssh ssh -F /dev/null -p 2222 -i "$T/ssh_user_key" \
			-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
			-o BatchMode=yes -o ConnectTimeout=5 -o LogLevel=ERROR root@$S4 \
			"while :; do echo xdt-ui-ssh; sleep 0.5; done"
	fi
}

# DNS queries: www.xdt.test A and web.xdt.test A over IPv4, web.xdt.test AAAA over
# IPv6 (the answers name the server's addresses: the d key shows web.xdt.test).
ui_dig() {
	local q
	for q in "@$S4 www.xdt.test A" "@$S6 web.xdt.test AAAA" "@$S4 web.xdt.test A"; do
		# shellcheck disable=SC2086 # $q is three words
		nsenter --net="/run/netns/$NC" dig +time=2 +tries=1 +short $q </dev/null
	done >>"$T/dig.out" 2>&1
}

# --- the screen ---------------------------------------------------------------

# ui_start TAG COLS ROWS [XDPTOP OPTION...]: a tmux session TAG of COLS x ROWS on
# our socket, running xdptop -i IC in the client namespace through a wrapper
# that prints a line before it, and its exit status after it (also written to
# $T/TAG.status), then sleeps: the pane stays as xdptop left it. (Not
# remain-on-exit alone: tmux writes its "Pane is dead" line at the bottom with a
# line feed, which scrolls the first line away.) XPID[TAG] is xdptop's pid.
declare -A XPID=()
UI_TMUX_PID=""
ui_start() {
	local tag=$1 cols=$2 rows=$3 pane pid i
	shift 3
	cat >"$T/$tag.sh" <<-EOF
		echo 'xdt-ui: shell before xdptop'
		nsenter --net=/run/netns/$NC $XDPTOP -i $IC --backend xdp --no-resolve $*
		rc=\$?
		echo \$rc >$T/$tag.status
		echo "xdt-ui: xdptop exited with status \$rc"
		exec sleep 600
	EOF
	# The server's options come from a configuration file of ours, so that
	# they are in force before the first pane starts.
	if [[ ! -e $T/tmux.conf ]]; then
		printf '%s\n' "set -g default-terminal $UI_TERM" 'set -g remain-on-exit on' \
			'set -g status off' 'set -g escape-time 0' 'set -g history-limit 100' \
			'set -g exit-empty on' 'set -g set-clipboard on' >"$T/tmux.conf"
	fi
	"${TMUX_CMD[@]}" new-session -d -s "$tag" -x "$cols" -y "$rows" \
		-e LC_ALL=C.UTF-8 -e TZ=UTC "exec sh $T/$tag.sh" || return 1
	pane=$("${TMUX_CMD[@]}" display -p -t "$tag" '#{pane_pid}')
	[[ -n $pane ]] && XDT_PIDS+=("$pane")	# the wrapper, sleeping at the end
	# The server too: one that a client does not let go of survives kill-server.
	[[ -z $UI_TMUX_PID ]] && UI_TMUX_PID=$("${TMUX_CMD[@]}" display -p '#{pid}') &&
		XDT_PIDS+=("$UI_TMUX_PID")
	# xdptop is a child of the wrapper (nsenter execs it).
	for ((i = 0; i < 100; i++)); do
		pid=$(pgrep -x -P "$pane" xdptop 2>/dev/null | head -n 1)
		[[ -n $pid ]] && break
		sleep 0.05
	done
	[[ -n $pid ]] || return 1
	XDT_PIDS+=("$pid")
	XPID[$tag]=$pid
	return 0
}

# The pane now, with its attributes (SGR sequences; screen.py reads both):
# ui_cap TAG [FILE]
ui_cap() {
	if [[ -n ${2:-} ]]; then
		"${TMUX_CMD[@]}" capture-pane -p -e -t "$1" >"$2"
	else
		"${TMUX_CMD[@]}" capture-pane -p -e -t "$1"
	fi
}

ui_keys() {
	local tag=$1
	shift
	"${TMUX_CMD[@]}" send-keys -t "$tag" "$@"
}

# ui_wait_screen TAG SECONDS CHECK ARGS...: poll TAG's pane every 50 ms (one
# screen.py process, through a tmux control client) until `screen.py CHECK
# ARGS...` holds on it, at most SECONDS; its last word is in $T/TAG.why and the
# last capture in $T/TAG.txt.
ui_wait_screen() {
	local tag=$1 secs=$2
	shift 2
	"$PY" "$SCREEN_PY" wait "$SOCK" "$tag" "$secs" "$T/$tag.txt" "$@" >"$T/$tag.why" 2>&1
}

# ui_stop TAG: q, then wait for the wrapper to record the exit status.
ui_stop() {
	local tag=$1 pid=${XPID[$1]:-}
	ui_keys "$tag" q
	xdt_wait 10 test -s "$T/$tag.status"
	if [[ -n $pid ]]; then
		xdt_wait 5 xdt_none_alive "$pid" || kill -KILL "$pid" 2>/dev/null
		ui_forget "$pid"
	fi
}

UI_TERM=tmux-256color
infocmp "$UI_TERM" >/dev/null 2>&1 || UI_TERM=screen-256color
infocmp "$UI_TERM" >/dev/null 2>&1 || UI_TERM=screen
