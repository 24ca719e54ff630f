# shellcheck shell=bash
# netns-lib.sh - hosts made of network namespaces, for the remote-worker
# test (tests/integration/remote.sh) and bench case (bench-remote.sh).
# Sourced. Needs root and iproute2.
#
#   nsh_up P N     namespaces P-c (the coordinator, 10.77.0.1) and P-w1 ..
#                  P-wN (10.77.0.11 ..), each with its link e0 (a veth
#                  pair) on a bridge in namespace P-sw; loopback up in all
#   nsh_addr NAME  the address of host NAME (c, w1, w2, ...)
#   nsh NAME CMD   runs CMD on host NAME
#   nsh_down P     deletes them (every process still in one is killed)
#
# The namespaces share the file system and the clock, so totals can be
# checked in files and timestamps agree; only the network is apart.

nsh_addr() {
	case $1 in
	c) echo 10.77.0.1 ;;
	w*) echo "10.77.0.$((10 + ${1#w}))" ;;
	esac
}

nsh() {
	local name=$1
	shift
	ip netns exec "$NSH_P-$name" "$@"
}

nsh_down() {
	local p=$1 ns pid
	for ns in $(ip netns list 2>/dev/null | awk '{ print $1 }'); do
		case $ns in "$p"-*) ;; *) continue ;; esac
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -9 "$pid" 2>/dev/null
		done
		ip netns delete "$ns" 2>/dev/null
	done
	return 0
}

nsh_up() {
	local p=$1 n=$2 name up
	NSH_P=$p
	ip netns add "$p-sw" || return 1
	ip -n "$p-sw" link add br0 type bridge || return 1
	ip -n "$p-sw" link set br0 up
	for name in c $(seq -f 'w%g' 1 "$n"); do
		ip netns add "$p-$name" || return 1
		ip -n "$p-$name" link set lo up
		ip link add "${p}${name}a" type veth peer name "${p}${name}b" || return 1
		ip link set "${p}${name}a" netns "$p-$name" || return 1
		ip link set "${p}${name}b" netns "$p-sw" || return 1
		ip -n "$p-$name" link set "${p}${name}a" name e0
		ip -n "$p-$name" addr add "$(nsh_addr "$name")/24" dev e0
		ip -n "$p-$name" link set e0 up
		ip -n "$p-sw" link set "${p}${name}b" master br0
		ip -n "$p-sw" link set "${p}${name}b" up
	done
	# each link up (veth carrier) before anyone connects
	for _ in $(seq 50); do
		up=1
		for name in c $(seq -f 'w%g' 1 "$n"); do
			ip -n "$p-$name" link show e0 | grep -q 'state UP' || up=0
		done
		[ "$up" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}
