#!/usr/bin/env bash
# vm-local.sh start|stop DIR - a VictoriaMetrics single-node server (Debian
# package victoria-metrics) for tests and benchmarks: data and log in DIR,
# HTTP on a free loopback port.
#
#   start DIR  prints "vm://127.0.0.1:PORT PID" once /health answers;
#              DIR/port and DIR/victoria-metrics.pid hold the same
#   stop DIR   stops that server by its PID
#
# VM_PORT=N start DIR listens on port N (up to three tries, its other ports fresh each time): a test restarts a
# killed server where its clients still look for it. VM_ARGS="-flag=v ..."
# adds flags (the Graphite and OpenTSDB listeners of tests/integration/
# graphite.sh, on ports of their own).
#
# Flags for benchmarking (see README): -retentionPeriod=100y (the default
# month silently drops older timestamps), -search.latencyOffset=0s (the
# default 30 s hides just-written points from queries),
# -dedup.minScrapeInterval=1ms (a batch retried after a timeout is not
# counted twice), -search.disableCache (answers are computed from the data
# just written, not a cached earlier result).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server-lib.sh"

srv_args "$@"

# VictoriaMetrics on 127.0.0.1:$1, in the background (srv_start's LAUNCH)
vm_launch() {
	victoria-metrics -storageDataPath="$dir/data" \
		-httpListenAddr="127.0.0.1:$1" -retentionPeriod=100y \
		-search.latencyOffset=0s -dedup.minScrapeInterval=1ms \
		-search.disableCache -loggerLevel=WARN ${VM_ARGS:-} \
		</dev/null >"$dir/victoria-metrics.log" 2>&1 &
}

case $cmd in
start)
	srv_need vm-local victoria-metrics victoria-metrics
	srv_not_running vm-local victoria-metrics "$dir"
	mkdir -p "$dir/data"
	srv_start vm-local victoria-metrics "$dir" "${VM_PORT:-}" /health vm_launch
	echo "vm://127.0.0.1:$SRV_PORT $SRV_PID"
	;;
stop)
	srv_stop "$dir" victoria-metrics
	;;
*)
	srv_usage
	;;
esac
