#!/usr/bin/env bash
# prom-local.sh start|stop DIR - a Prometheus server (Debian package
# prometheus) for tests: config, data and log in DIR, HTTP on a free
# loopback port, scraping every second the targets of PROM_SCRAPE.
#
#   PROM_SCRAPE="HOST:PORT ..." start DIR
#              prints "http://127.0.0.1:PORT PID" once /-/ready answers;
#              DIR/port and DIR/prometheus.pid hold the same
#   stop DIR   stops that server by its PID
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/server-lib.sh"

usage() {
	echo "usage: PROM_SCRAPE='HOST:PORT ...' $0 start|stop DIR" >&2
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
	{
		printf 'global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n'
		printf 'scrape_configs:\n  - job_name: tsload\n    static_configs:\n      - targets: ['
		sep=
		for t in ${PROM_SCRAPE:-}; do
			printf "%s'%s'" "$sep" "$t"
			sep=', '
		done
		printf ']\n'
	} >"$dir/prometheus.yml"
	mkdir -p "$dir/data"
	for try in 1 2 3; do
		port=$(srv_free_port)
		prometheus --config.file="$dir/prometheus.yml" \
			--storage.tsdb.path="$dir/data" \
			--web.listen-address="127.0.0.1:$port" --log.level=warn \
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
		[ "$try" -eq 3 ] && exit 1
	done
	echo "http://127.0.0.1:$port $pid"
	;;
stop)
	srv_stop "$dir" prometheus
	;;
*)
	usage
	;;
esac
