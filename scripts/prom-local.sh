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
# PROM_PORT=N start DIR listens on port N (up to three tries, its other ports fresh each time). PROM_OOO=10m sets
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

srv_args "$@"

# Prometheus on 127.0.0.1:$1, in the background (srv_start's LAUNCH)
prom_launch() {
	prometheus --config.file="$dir/prometheus.yml" \
		--storage.tsdb.path="$dir/data" \
		--web.listen-address="127.0.0.1:$1" \
		--web.enable-remote-write-receiver --log.level=warn \
		${PROM_FLAGS:-} \
		</dev/null >"$dir/prometheus.log" 2>&1 &
}

case $cmd in
start)
	srv_need prom-local prometheus prometheus
	srv_not_running prom-local prometheus "$dir"
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
	srv_start prom-local prometheus "$dir" "${PROM_PORT:-}" /-/ready prom_launch
	echo "promrw://127.0.0.1:$SRV_PORT $SRV_PID"
	;;
stop)
	srv_stop "$dir" prometheus
	;;
*)
	srv_usage
	;;
esac
