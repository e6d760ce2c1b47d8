# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Helpers for the xdptop end-to-end test: network namespaces, background
# processes, packet captures, and a cleanup that always runs.
#
# Everything this file creates is registered in XDT_NETNS / XDT_PIDS /
# XDT_TMP so that xdt_cleanup (installed as an EXIT/INT/TERM trap by
# xdt_init) can undo it, whether the test passes, fails or is interrupted.
# Namespaces and links are all named xdt-*; addresses come only from
# 10.213.0.0/16 and fd00:213::/64.

XDT_NETNS=()		# namespaces we created
XDT_PIDS=()		# background processes we started
XDT_TMP=""		# scratch directory
XDT_CLEANED=0

# Install the cleanup trap and create the scratch directory.
xdt_init() {
	trap 'xdt_cleanup' EXIT
	trap 'xdt_cleanup; trap - INT; kill -INT $$' INT
	trap 'xdt_cleanup; trap - TERM; kill -TERM $$' TERM
	XDT_TMP=$(mktemp -d /tmp/xdt-e2e.XXXXXX) || return 1
	xdt_reap_stale
}

# Remove namespaces left behind by an earlier run that was SIGKILLed
# (the only way to skip our trap). The owner's PID is part of the name,
# so only namespaces whose owner is gone are touched.
xdt_reap_stale() {
	local ns pid
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^xdt-e2e-'); do
		pid=${ns##*-}
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -0 "$pid" 2>/dev/null && continue
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
}

xdt_cleanup() {
	local pid ns
	[[ $XDT_CLEANED == 1 ]] && return
	XDT_CLEANED=1
	for pid in "${XDT_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	# Give them a moment to exit, then make sure.
	xdt_wait 1 xdt_none_alive "${XDT_PIDS[@]}"
	for pid in "${XDT_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in "${XDT_NETNS[@]}"; do
		# Anything still running inside (e.g. a forked child) would keep
		# the namespace alive after its name is gone.
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	[[ -n ${XDT_DEBUG:-} ]] && cat "$XDT_TMP"/tcpdump-*.out >&2
	[[ -n $XDT_TMP && -d $XDT_TMP ]] && rm -rf "$XDT_TMP"
	return 0
}

xdt_none_alive() {
	local pid
	for pid; do
		kill -0 "$pid" 2>/dev/null && return 1
	done
	return 0
}

# Poll CMD... every 50 ms until it succeeds or TIMEOUT seconds pass.
xdt_wait() {
	local timeout=$1 i
	shift
	for ((i = 0; i < timeout * 20; i++)); do
		"$@" && return 0
		sleep 0.05
	done
	return 1
}

xdt_netns_add() {
	ip netns add "$1" || return 1
	XDT_NETNS+=("$1")
	ip -n "$1" link set lo up
}

# Bring up DEV in NS with an IPv4 and an IPv6 address. No link-local
# address is generated (addrgenmode none), so every packet we cause uses
# our own ranges, and nodad makes the IPv6 address usable immediately.
xdt_addr() {
	local ns=$1 dev=$2 a4=$3 a6=$4
	ip -n "$ns" link set "$dev" addrgenmode none &&
	ip -n "$ns" addr add "$a4" dev "$dev" &&
	ip -n "$ns" addr add "$a6" dev "$dev" nodad &&
	ip -n "$ns" link set "$dev" up
}

# Run CMD... in NS in the background; stdout/stderr go to $XDT_TMP/NAME.out.
# `ip netns exec` execs the command, so $! is the command's own PID.
xdt_bg() {
	local ns=$1 name=$2
	shift 2
	ip netns exec "$ns" "$@" >"$XDT_TMP/$name.out" 2>&1 &
	XDT_PIDS+=("$!")
	eval "XDT_PID_${name//[^a-zA-Z0-9]/_}=$!"
}

xdt_pid() {
	local v="XDT_PID_${1//[^a-zA-Z0-9]/_}"
	echo "${!v}"
}

# True if something in NS listens on PROTO (t|u) port PORT.
xdt_listening() {
	[[ -n $(ip netns exec "$1" ss -Hln"$2" "sport = :$3" 2>/dev/null) ]]
}

# Start a capture: xdt_capture_start NS NAME IFACE [tcpdump args...]
# writes $XDT_TMP/NAME.pcap. -Z root keeps tcpdump from dropping to a user
# that cannot write our scratch directory. We deliberately avoid
# --immediate-mode: it makes libpcap use a TPACKET_V2 ring with one
# snaplen-sized (256 KiB) slot per packet, which overflows during a bulk
# download; the default TPACKET_V3 ring packs packets densely but hands
# them over in blocks, see xdt_captures_stop.
xdt_capture_start() {
	local ns=$1 name=$2 iface=$3
	shift 3
	xdt_bg "$ns" "tcpdump-$name" tcpdump -Z root -n -U -B 32768 \
		-i "$iface" "$@" -w "$XDT_TMP/$name.pcap"
	xdt_wait 5 grep -qs 'listening on' "$XDT_TMP/tcpdump-$name.out"
}

# Stop captures NAME... with SIGINT (so tcpdump flushes and closes the
# file). A TPACKET_V3 block that is not full is handed to tcpdump only
# after its 1 s timeout; interrupting earlier would lose those packets.
xdt_captures_stop() {
	local name pid
	sleep 1.2
	for name; do
		pid=$(xdt_pid "tcpdump-$name")
		kill -INT "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
}

# Print a note for each capture in NAME... that is incomplete. Not an
# error, the oracle compares xdptop with the same file anyway, but it
# means the kernel dropped packets or the capture was stopped too early.
xdt_captures_report() {
	local name out rcv cap drop
	for name; do
		out=$XDT_TMP/tcpdump-$name.out
		cap=$(sed -n 's/^\([0-9]*\) packets\? captured$/\1/p' "$out")
		rcv=$(sed -n 's/^\([0-9]*\) packets\? received by filter$/\1/p' "$out")
		drop=$(sed -n 's/^\([0-9]*\) packets\? dropped by kernel$/\1/p' "$out")
		if [[ -z $cap || -z $rcv || -z $drop ]]; then
			echo "note: capture $name: no tcpdump statistics"
		elif ((drop || cap + drop < rcv)); then
			echo "note: capture $name is incomplete: $cap captured, $rcv received, $drop dropped"
		fi
	done
}
