#!/usr/bin/env bash
# influx-local.sh start|stop DIR - an InfluxDB 1.x server (Debian package
# influxdb) for tests and benchmarks: data, config and log in DIR, HTTP on
# a free loopback port, nothing else listening beyond loopback.
#
#   start DIR  prints "influx://127.0.0.1:PORT PID" once /ping answers;
#              DIR/port and DIR/influxd.pid hold the same
#   stop DIR   stops that server by its PID
#
# INFLUX_PORT=N start DIR listens on port N (up to three tries, its other ports fresh each time), on the data DIR
# already holds: a test restarts a killed server where its clients still
# look for it.
#
# Settings for benchmarking: no body size limit beyond the default 25 MB
# (tsload splits bigger batches), no series or tag-value limits (large
# --host-scale), no _internal monitoring, no query log, tsi1 index.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server-lib.sh"

srv_args "$@"

# InfluxDB on 127.0.0.1:$1 (its RPC on a free port), in the background
# (srv_start's LAUNCH)
influx_launch() {
	local port=$1 rpc
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
}

case $cmd in
start)
	srv_need influx-local influxd influxdb
	srv_not_running influx-local influxd "$dir"
	srv_start influx-local influxd "$dir" "${INFLUX_PORT:-}" /ping influx_launch
	echo "influx://127.0.0.1:$SRV_PORT $SRV_PID"
	;;
stop)
	srv_stop "$dir" influxd
	;;
*)
	srv_usage
	;;
esac
