#!/usr/bin/env bash
# carbon-local.sh start|stop DIR - Graphite's carbon-cache (Debian package
# graphite-carbon) for tests and benchmarks: its configuration, whisper
# files and log in DIR, the plaintext receiver on a free loopback port.
#
#   start DIR  prints "graphite://127.0.0.1:PORT PID" once the port
#              accepts connections; DIR/port and DIR/carbon-cache.pid hold
#              the same; whisper files land under DIR/storage/whisper
#   stop DIR   stops that server by its PID
#
# CARBON_RETENTIONS (default 1s:2h) is the one storage schema: whisper
# keeps a point only when it is younger than the retention (a file takes
# 12 bytes a slot: 86 KB a series at 1s:2h). Creates and updates are not
# rate-limited (MAX_CREATES_PER_MINUTE and MAX_UPDATES_PER_SECOND inf), so
# every series written gets its file at once.
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

# Polls host:port until a TCP connect succeeds, for up to SECS seconds;
# fails early if PID dies.
wait_tcp() {
	local port=$1 secs=$2 pid=$3
	for _ in $(seq 1 $((secs * 20))); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

case $cmd in
start)
	command -v carbon-cache >/dev/null || {
		echo "carbon-local: carbon-cache not found (apt-get install graphite-carbon)" >&2
		exit 1
	}
	if [ -f "$dir/carbon-cache.pid" ] &&
		kill -0 "$(cat "$dir/carbon-cache.pid")" 2>/dev/null; then
		echo "carbon-local: already running in $dir" >&2
		exit 1
	fi
	mkdir -p "$dir/storage/whisper" "$dir/log" "$dir/lists"
	cat >"$dir/storage-schemas.conf" <<EOF
[everything]
pattern = .*
retentions = ${CARBON_RETENTIONS:-1s:2h}
EOF
	# three tries, each on fresh ports (another process may take one)
	for try in 1 2 3; do
		port=$(srv_free_port)
		pickle=$(srv_free_port)
		query=$(srv_free_port)
		cat >"$dir/carbon.conf" <<EOF
[cache]
STORAGE_DIR = $dir/storage
LOCAL_DATA_DIR = $dir/storage/whisper
WHITELISTS_DIR = $dir/lists
CONF_DIR = $dir
LOG_DIR = $dir/log
PID_DIR = $dir
ENABLE_LOGROTATION = False
USER =
MAX_CACHE_SIZE = inf
MAX_UPDATES_PER_SECOND = inf
MAX_CREATES_PER_MINUTE = inf
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = $port
ENABLE_UDP_LISTENER = False
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = $pickle
CACHE_QUERY_INTERFACE = 127.0.0.1
CACHE_QUERY_PORT = $query
LOG_LISTENER_CONN_SUCCESS = False
LOG_UPDATES = False
LOG_CREATES = False
WHISPER_AUTOFLUSH = False
WHISPER_FALLOCATE_CREATE = False
CACHE_WRITE_STRATEGY = sorted
EOF
		carbon-cache --config="$dir/carbon.conf" --nodaemon \
			--pidfile="$dir/carbon.twistd.pid" --logdir="$dir/log" start \
			</dev/null >"$dir/carbon-cache.log" 2>&1 &
		pid=$!
		echo "$pid" >"$dir/carbon-cache.pid"
		echo "$port" >"$dir/port"
		if wait_tcp "$port" 60 "$pid"; then
			break
		fi
		echo "carbon-local: carbon-cache did not listen on 127.0.0.1:$port (try $try); last log lines:" >&2
		tail -5 "$dir/carbon-cache.log" "$dir"/log/*.log 2>/dev/null >&2 || true
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		[ "$try" -eq 3 ] && exit 1
	done
	echo "graphite://127.0.0.1:$port $pid"
	;;
stop)
	srv_stop "$dir" carbon-cache
	;;
*)
	usage
	;;
esac
