#!/usr/bin/env bash
# pg-local.sh - a throw-away PostgreSQL 15 server on 127.0.0.1 for tests and
# for trying the postgres: target by hand.
#
#   scripts/pg-local.sh start DIR   prints the URL, e.g.
#                                   postgres://postgres@127.0.0.1:41234/tsload
#   scripts/pg-local.sh stop DIR    stops it by PID and removes DIR/pglocal
#   scripts/pg-local.sh crash DIR   stops it at once, as a crash would
#                                   (pg_ctl stop -m immediate), data kept
#   scripts/pg-local.sh restart DIR starts it again on its data and port
#
# Everything lives in DIR/pglocal (data directory, log, unix socket). The
# server listens on 127.0.0.1 only, on a free port picked here, with trust
# authentication and fsync off (a benchmark scratch server, not a store).
# PG_ARGS="-c name=value ..." adds server settings (kept for restart):
# tests/integration/verify-loss.sh makes a crash lose commits with them.
# PostgreSQL refuses to run as root: as root the server runs as the
# `postgres` user (or a system user `tsload`, created when neither exists),
# so DIR must be reachable by that user (DIR itself is made a+x here).
set -euo pipefail
. "$(cd "$(dirname "$0")" && pwd)/server-lib.sh"

PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
READY_S=60

die() {
	echo "pg-local: $*" >&2
	exit 1
}

[ $# -eq 2 ] || die "usage: $0 start|stop|crash|restart DIR"
cmd=$1
dir=$2
top=$dir/pglocal

# as_user CMD...: runs CMD as the server's user.
as_user() {
	if [ -n "$user" ]; then
		runuser -u "$user" -- "$@"
	else
		"$@"
	fi
}

pick_user() {
	user=
	[ "$(id -u)" -eq 0 ] || return 0
	if id -u postgres >/dev/null 2>&1; then
		user=postgres
	else
		id -u tsload >/dev/null 2>&1 ||
			useradd --system --no-create-home --shell /usr/sbin/nologin tsload ||
			die "cannot create the system user tsload"
		user=tsload
	fi
}

# A TCP port no socket uses, outside the ephemeral range (server-lib.sh).
free_port() { srv_free_port || die "no free port found"; }

start() {
	[ -x "$PGBIN/initdb" ] || die "PostgreSQL server binaries not found (install postgresql-15: scripts/install-deps.sh)"
	[ ! -e "$top" ] || die "$top exists: stop the server first (pg-local.sh stop $dir)"
	pick_user
	mkdir -p "$dir"
	if [ -n "$user" ]; then
		chmod a+x "$dir"
		runuser -u "$user" -- test -x "$dir" ||
			die "user $user cannot reach $dir (make its parents traversable, or use a directory under /tmp)"
	fi
	mkdir -m 755 "$top"
	mkdir -m 700 "$top/data"
	mkdir -m 755 "$top/run"
	[ -z "$user" ] || chown "$user:" "$top/data" "$top/run"

	as_user "$PGBIN/initdb" -D "$top/data" -U postgres -A trust -E UTF8 \
		--locale=C.UTF-8 --no-sync >"$top/run/initdb.log" 2>&1 ||
		die "initdb failed, see $top/run/initdb.log"

	local port tries ok=
	echo "-c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_ARGS:-}" >"$top/opts"
	for tries in 1 2 3; do
		port=$(free_port)
		if pg_start "$port"; then
			ok=1
			break
		fi
		# lost a race for the port: try another one
		grep -q "could not bind" "$top/run/pg.log" 2>/dev/null || break
	done
	[ -n "$ok" ] || die "server did not start, see $top/run/pg.log"
	echo "$port" >"$top/port"
	wait_ready "$port"
	psql -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
		-v ON_ERROR_STOP=1 -c 'CREATE DATABASE tsload' >/dev/null ||
		die "cannot create database tsload"
	echo "postgres://postgres@127.0.0.1:$port/tsload"
}

# pg_start PORT: the server of $top on PORT, with the settings of $top/opts
pg_start() {
	as_user "$PGBIN/pg_ctl" -D "$top/data" -l "$top/run/pg.log" -w -t "$READY_S" \
		-o "-c listen_addresses=127.0.0.1 -p $1 -k $top/run $(cat "$top/opts")" \
		start >/dev/null 2>&1
}

wait_ready() {
	local i
	for i in $(seq 1 $((READY_S * 10))); do
		pg_isready -q -h 127.0.0.1 -p "$1" -t 1 && return 0
		[ "$i" -lt $((READY_S * 10)) ] || die "not ready after ${READY_S} s, see $top/run/pg.log"
		sleep 0.1
	done
}

crash() {
	[ -d "$top" ] || die "no server in $dir"
	pick_user
	as_user "$PGBIN/pg_ctl" -D "$top/data" -m immediate -w -t 20 stop >/dev/null 2>&1 ||
		die "pg_ctl stop -m immediate failed, see $top/run/pg.log"
}

restart() {
	local port
	[ -f "$top/port" ] || die "no server in $dir"
	pick_user
	port=$(cat "$top/port")
	pg_start "$port" || die "server did not start again on port $port, see $top/run/pg.log"
	wait_ready "$port"
	echo "postgres://postgres@127.0.0.1:$port/tsload"
}

stop() {
	local pid i
	[ -d "$top" ] || return 0
	pick_user
	pid=$(head -1 "$top/data/postmaster.pid" 2>/dev/null || true)
	if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
		as_user "$PGBIN/pg_ctl" -D "$top/data" -m fast -w -t 20 stop >/dev/null 2>&1 ||
			kill -TERM "$pid" 2>/dev/null || true
		for i in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -rf "$top"
	rmdir "$dir" 2>/dev/null || true
}

case $cmd in
start) start ;;
stop) stop ;;
crash) crash ;;
restart) restart ;;
*) die "usage: $0 start|stop|crash|restart DIR" ;;
esac
