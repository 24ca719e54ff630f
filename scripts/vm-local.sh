#!/usr/bin/env bash
# vm-local.sh start|stop DIR - a VictoriaMetrics single-node server (Debian
# package victoria-metrics) for tests and benchmarks: data and log in DIR,
# HTTP on a free loopback port.
#
#   start DIR  prints "vm://127.0.0.1:PORT PID" once /health answers;
#              DIR/port and DIR/victoria-metrics.pid hold the same
#   stop DIR   stops that server by its PID
#
# VM_PORT=N start DIR listens on port N (one try): a test restarts a
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

usage() {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
mkdir -p "$2"
dir=$(cd "$2" && pwd)

case $cmd in
start)
	command -v victoria-metrics >/dev/null || {
		echo "vm-local: victoria-metrics not found (apt-get install victoria-metrics)" >&2
		exit 1
	}
	if [ -f "$dir/victoria-metrics.pid" ] &&
		kill -0 "$(cat "$dir/victoria-metrics.pid")" 2>/dev/null; then
		echo "vm-local: already running in $dir" >&2
		exit 1
	fi
	mkdir -p "$dir/data"
	# Up to three tries, each on a fresh port: another process may take
	# the port between the check and the bind.
	for try in 1 2 3; do
		port=${VM_PORT:-$(srv_free_port)}
		victoria-metrics -storageDataPath="$dir/data" \
			-httpListenAddr="127.0.0.1:$port" -retentionPeriod=100y \
			-search.latencyOffset=0s -dedup.minScrapeInterval=1ms \
			-search.disableCache -loggerLevel=WARN ${VM_ARGS:-} \
			</dev/null >"$dir/victoria-metrics.log" 2>&1 &
		pid=$!
		echo "$pid" >"$dir/victoria-metrics.pid"
		echo "$port" >"$dir/port"
		if srv_wait_http "http://127.0.0.1:$port/health" 60 "$pid"; then
			break
		fi
		echo "vm-local: victoria-metrics did not answer on 127.0.0.1:$port (try $try); last log lines:" >&2
		tail -5 "$dir/victoria-metrics.log" >&2
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		[ "$try" -eq 3 ] || [ -n "${VM_PORT:-}" ] && exit 1
	done
	echo "vm://127.0.0.1:$port $pid"
	;;
stop)
	srv_stop "$dir" victoria-metrics
	;;
*)
	usage
	;;
esac
