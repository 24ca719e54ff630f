#!/usr/bin/env bash
# ch-local.sh - a throw-away ClickHouse server on loopback for the tests.
#
#   ch-local.sh start DIR   writes DIR/config.xml and DIR/users.xml, starts
#                           clickhouse-server on free ports of 127.0.0.1 and
#                           prints "URL PID" (e.g. "http://127.0.0.1:41234
#                           5678") once GET /ping answers "Ok."
#   ch-local.sh stop DIR    stops that server by its PID and removes DIR
#
# CH_RESTART=1 ch-local.sh start DIR starts the server of DIR again (after
# it was killed) on the same ports, with its data: a restart, not a new
# server.
#
# Users: "default" without a password and "tsload" with password "tsload",
# both from loopback only. Nothing outside DIR is touched.
set -euo pipefail

usage() {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

# Three ports nobody listens on: bound to port 0 by the kernel, then
# released. Another program may take one before the server does; start
# retries with new ports when the server does not come up.
free_ports() {
	python3 - <<'EOF'
import socket
socks = []
for _ in range(3):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

write_config() {
	local d=$1 http=$2 tcp=$3 inter=$4
	cat >"$d/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$d/log/clickhouse-server.log</log>
        <errorlog>$d/log/clickhouse-server.err.log</errorlog>
        <size>100M</size>
        <count>2</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$http</http_port>
    <tcp_port>$tcp</tcp_port>
    <interserver_http_host>127.0.0.1</interserver_http_host>
    <interserver_http_port>$inter</interserver_http_port>
    <max_connections>256</max_connections>
    <keep_alive_timeout>10</keep_alive_timeout>
    <max_concurrent_queries>64</max_concurrent_queries>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <mark_cache_size>268435456</mark_cache_size>
    <path>$d/data/</path>
    <tmp_path>$d/tmp/</tmp_path>
    <user_files_path>$d/user_files/</user_files_path>
    <format_schema_path>$d/format_schemas/</format_schema_path>
    <users_config>$d/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mlock_executable>false</mlock_executable>
</yandex>
EOF
	cat >"$d/users.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <max_memory_usage>4000000000</max_memory_usage>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
        <tsload>
            <password>tsload</password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </tsload>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
EOF
}

# Waits up to 60 s for /ping; fails early when the server exits.
wait_ready() {
	local port=$1 pid=$2 i
	for i in $(seq 1 1200); do
		if [ "$(curl -s --max-time 1 --noproxy '*' \
			"http://127.0.0.1:$port/ping" 2>/dev/null)" = "Ok." ]; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

stop_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for i in $(seq 1 200); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
}

start() {
	local try ports http tcp inter pid
	command -v clickhouse-server >/dev/null || {
		echo "ch-local: clickhouse-server not installed" \
			"(scripts/install-deps.sh installs it)" >&2
		exit 1
	}
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if [ -e "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
		echo "ch-local: a server already runs from $dir" >&2
		exit 1
	fi
	if [ -n "${CH_RESTART:-}" ] && [ -f "$dir/config.xml" ]; then
		http=$(cat "$dir/port")
		(cd "$dir" && exec clickhouse-server \
			--config-file="$dir/config.xml" \
			>>"$dir/log/stdout.log" 2>&1 </dev/null) &
		pid=$!
		echo "$pid" >"$dir/pid"
		if wait_ready "$http" "$pid"; then
			echo "http://127.0.0.1:$http $pid"
			return 0
		fi
		echo "ch-local: clickhouse-server did not come back on port $http" >&2
		exit 1
	fi
	for try in 1 2 3; do
		rm -rf "$dir/data" "$dir/tmp" "$dir/log"
		mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" \
			"$dir/format_schemas" "$dir/log"
		ports=$(free_ports)
		read -r http tcp inter <<<"$ports"
		write_config "$dir" "$http" "$tcp" "$inter"
		# Started from inside DIR: the server writes status files into
		# its working directory.
		(cd "$dir" && exec clickhouse-server \
			--config-file="$dir/config.xml" \
			>"$dir/log/stdout.log" 2>&1 </dev/null) &
		pid=$!
		echo "$pid" >"$dir/pid"
		echo "$http" >"$dir/port"
		if wait_ready "$http" "$pid"; then
			echo "http://127.0.0.1:$http $pid"
			return 0
		fi
		stop_pid "$pid"
		rm -f "$dir/pid"
	done
	echo "ch-local: clickhouse-server did not answer /ping; last log:" >&2
	tail -5 "$dir/log/clickhouse-server.err.log" "$dir/log/stdout.log" \
		>&2 2>/dev/null || true
	exit 1
}

stop() {
	if [ -f "$dir/pid" ]; then
		stop_pid "$(cat "$dir/pid")"
	fi
	rm -rf "$dir"
}

case $cmd in
start) start ;;
stop) stop ;;
*) usage ;;
esac
