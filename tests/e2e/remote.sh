#!/usr/bin/env bash
# Workers on "other hosts" that are all 127.0.0.1: a coordinator with
# --listen, workers with tsload worker --connect tcp://; totals, the
# token, a lost worker (SIGSTOP: silent, its connection open) and
# --on-worker-loss continue (tests/remote-suite.sh). The same with hosts
# in network namespaces and a link cut: tests/integration/remote.sh.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1
on() {
	shift
	exec "$@"
}
addr() { echo 127.0.0.1; }
cut() { kill -STOP "$2"; }
uncut() { kill -CONT "$2"; }
HOW="SIGSTOP"
# a free port: the kernel's pick for a socket that is then closed
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# shellcheck source-path=SCRIPTDIR source=../remote-suite.sh
. "$T_SRC/tests/remote-suite.sh"
finish
