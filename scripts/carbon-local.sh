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

srv_args "$@"

# carbon-cache's plaintext receiver on 127.0.0.1:$1 (its pickle and
# query ports free ones), in the background (srv_start's LAUNCH)
carbon_launch() {
	local port=$1 pickle query
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
}

case $cmd in
start)
	srv_need carbon-local carbon-cache graphite-carbon
	srv_not_running carbon-local carbon-cache "$dir"
	mkdir -p "$dir/storage/whisper" "$dir/log" "$dir/lists"
	cat >"$dir/storage-schemas.conf" <<EOF
[everything]
pattern = .*
retentions = ${CARBON_RETENTIONS:-1s:2h}
EOF
	srv_start carbon-local carbon-cache "$dir" "" tcp carbon_launch
	echo "graphite://127.0.0.1:$SRV_PORT $SRV_PID"
	;;
stop)
	srv_stop "$dir" carbon-cache
	;;
*)
	srv_usage
	;;
esac
