#!/usr/bin/env bash
# prom-local.sh start|stop DIR - a Prometheus server (Debian package
# prometheus, 2.42) receiving remote write, for tests and benchmarks: a
# config without scrape jobs (only what is written is stored), data and
# log in DIR, HTTP on a free loopback port.
#
#   start DIR  prints "promrw://127.0.0.1:PORT PID" once /-/ready answers;
#              DIR/port and DIR/prometheus.pid hold the same
#   stop DIR   stops that server by its PID
#
# PROM_PORT=N start DIR listens on port N (one try). PROM_OOO=10m sets
# the out-of-order window (storage.tsdb.out_of_order_time_window; default
# none: an older sample of a series is refused, 400 out of order sample).
# PROM_SCRAPE="HOST:PORT ..." adds a scrape job "tsload" of those targets'
# /metrics, scraped every second (tests/integration/metrics.sh: tsload's
# --metrics-port). PROM_FLAGS="--web.enable-admin-api ..." adds flags
# to the server's command line (tests/integration/verify-prom.sh: the
# admin API's delete_series, a lower --query.max-samples).
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
	command -v prometheus >/dev/null || {
		echo "prom-local: prometheus not found (apt-get install prometheus)" >&2
		exit 1
	}
	if [ -f "$dir/prometheus.pid" ] &&
		kill -0 "$(cat "$dir/prometheus.pid")" 2>/dev/null; then
		echo "prom-local: already running in $dir" >&2
		exit 1
	fi
	mkdir -p "$dir/data"
	{
		printf 'global:\n  scrape_interval: 15s\n'
		if [ -n "${PROM_OOO:-}" ]; then
			printf 'storage:\n  tsdb:\n    out_of_order_time_window: %s\n' "$PROM_OOO"
		fi
		if [ -n "${PROM_SCRAPE:-}" ]; then
			printf 'scrape_configs:\n  - job_name: tsload\n'
			printf '    scrape_interval: 1s\n    scrape_timeout: 1s\n'
			printf '    static_configs:\n      - targets:\n'
			for t in $PROM_SCRAPE; do
				printf "          - '%s'\n" "$t"
			done
		fi
	} >"$dir/prometheus.yml"
	# Up to three tries, each on a fresh port: another process may take
	# the port between the check and the bind.
	for try in 1 2 3; do
		port=${PROM_PORT:-$(srv_free_port)}
		prometheus --config.file="$dir/prometheus.yml" \
			--storage.tsdb.path="$dir/data" \
			--web.listen-address="127.0.0.1:$port" \
			--web.enable-remote-write-receiver --log.level=warn \
			${PROM_FLAGS:-} \
			</dev/null >"$dir/prometheus.log" 2>&1 &
		pid=$!
		echo "$pid" >"$dir/prometheus.pid"
		echo "$port" >"$dir/port"
		if srv_wait_http "http://127.0.0.1:$port/-/ready" 60 "$pid"; then
			break
		fi
		echo "prom-local: prometheus did not answer on 127.0.0.1:$port (try $try); last log lines:" >&2
		tail -5 "$dir/prometheus.log" >&2
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		[ "$try" -eq 3 ] || [ -n "${PROM_PORT:-}" ] && exit 1
	done
	echo "promrw://127.0.0.1:$port $pid"
	;;
stop)
	srv_stop "$dir" prometheus
	;;
*)
	usage
	;;
esac
