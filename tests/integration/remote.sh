#!/usr/bin/env bash
# Workers on other hosts, each host a network namespace with its own
# address (scripts/netns-lib.sh: the coordinator 10.77.0.1, workers
# 10.77.0.11 and .12, veth pairs on a bridge): totals, the token, a worker
# whose link goes down mid-run (ip link set e0 down in its namespace: TCP
# is not closed, silence tells) and --on-worker-loss continue
# (tests/remote-suite.sh). Needs root (ip netns); the namespaces are
# deleted on exit.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1
# shellcheck source-path=SCRIPTDIR source=../../scripts/netns-lib.sh
. "$T_SRC/scripts/netns-lib.sh"
NSP=tslr$$
trap 'nsh_down "$NSP"; t_exit' EXIT
if ! nsh_up "$NSP" 2 2>"$T_TMP/netns.err"; then
	bad "network namespaces: $(tail -1 "$T_TMP/netns.err") (root and iproute2 needed)"
	finish
	exit 1
fi
on() {
	local h=$1
	shift
	exec ip netns exec "$NSP-$h" "$@"
}
addr() { nsh_addr "$1"; }
cut() { nsh "$1" ip link set e0 down; }
uncut() { nsh "$1" ip link set e0 up; }
HOW="its link down"
PORT=7400
# shellcheck source-path=SCRIPTDIR source=../remote-suite.sh
. "$T_SRC/tests/remote-suite.sh"
nsh_down "$NSP"
check "the namespaces are gone" not bash -c "ip netns list | grep -q '^$NSP-'"
finish
