#!/usr/bin/env bash
# influx-local.sh start|stop DIR - an InfluxDB 1.x server (Debian package
# influxdb) for tests and benchmarks: data, config and log in DIR, HTTP on
# a free loopback port, nothing else listening beyond loopback.
#
#   start DIR  prints "influx://127.0.0.1:PORT PID" once /ping answers;
#              DIR/port and DIR/influxd.pid hold the same
#   stop DIR   stops that server by its PID
#
# INFLUX_PORT=N start DIR listens on port N (one try), on the data DIR
# already holds: a test restarts a killed server where its clients still
# look for it.
#
# Settings for benchmarking: no body size limit beyond the default 25 MB
# (tsload splits bigger batches), no series or tag-value limits (large
# --host-scale), no _internal monitoring, no query log, tsi1 index.
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
	command -v influxd >/dev/null || {
		echo "influx-local: influxd not found (apt-get install influxdb)" >&2
		exit 1
	}
	if [ -f "$dir/influxd.pid" ] && kill -0 "$(cat "$dir/influxd.pid")" 2>/dev/null; then
		echo "influx-local: already running in $dir (PID $(cat "$dir/influxd.pid"))" >&2
		exit 1
	fi
	# Three tries, each on fresh ports: on a loaded machine a port taken
	# between the check and the bind, or a slow first start, is retried.
	for try in 1 2 3; do
		port=${INFLUX_PORT:-$(srv_free_port)}
		rpc=$(srv_free_port)
		mkdir -p "$dir/data/meta" "$dir/data/data" "$dir/data/wal"
		cat >"$dir/influxdb.conf" <<CONF
reporting-enabled = false
bind-address = "127.0.0.1:$rpc"
[meta]
  dir = "$dir/data/meta"
[data]
  dir = "$dir/data/data"
  wal-dir = "$dir/data/wal"
  query-log-enabled = false
  index-version = "tsi1"
  max-series-per-database = 0
  max-values-per-tag = 0
[http]
  bind-address = "127.0.0.1:$port"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[subscriber]
  enabled = false
CONF
		influxd -config "$dir/influxdb.conf" </dev/null >"$dir/influxd.log" 2>&1 &
		pid=$!
		echo "$pid" >"$dir/influxd.pid"
		echo "$port" >"$dir/port"
		if srv_wait_http "http://127.0.0.1:$port/ping" 60 "$pid"; then
			break
		fi
		state="exited"
		kill -0 "$pid" 2>/dev/null && state="still running"
		echo "influx-local: influxd (PID $pid, $state) did not answer on 127.0.0.1:$port (try $try); last log lines:" >&2
		tail -5 "$dir/influxd.log" >&2
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		[ "$try" -eq 3 ] || [ -n "${INFLUX_PORT:-}" ] && exit 1
	done
	echo "influx://127.0.0.1:$port $pid"
	;;
stop)
	srv_stop "$dir" influxd
	;;
*)
	usage
	;;
esac
