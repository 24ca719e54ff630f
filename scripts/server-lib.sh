# scripts/server-lib.sh - helpers for the scripts that start a database
# server on loopback for tests and benchmarks (sourced).
#
#   srv_args "$@"             reads "start|stop DIR": sets cmd and dir
#   srv_usage                 the usage line, exit 2
#   srv_need WHO PROGRAM PACKAGE  exits 1 if PROGRAM is not installed
#   srv_not_running WHO NAME DIR  exits 1 if DIR/NAME.pid's process runs
#   srv_free_port             a TCP port nothing listens on (from ss)
#   srv_wait_http URL SECS PID  polls URL until it answers 2xx
#   srv_wait_tcp PORT SECS PID  polls 127.0.0.1:PORT until it accepts
#   srv_start WHO NAME DIR PORT READY LAUNCH  starts a server, three tries
#   srv_stop DIR NAME         stops the server whose PID is in DIR/NAME.pid
#   srv_ticks PID             CPU clock ticks the server PID has used
#   srv_quiet PID             waits until the server PID is nearly idle

srv_usage() {
	echo "usage: $0 start|stop DIR" >&2
	exit 2
}

# Reads the script's arguments "start|stop DIR" (else srv_usage); makes
# DIR; sets cmd and dir (DIR, absolute).
srv_args() {
	[ $# -eq 2 ] || srv_usage
	cmd=$1
	mkdir -p "$2"
	dir=$(cd "$2" && pwd)
}

# A free port below the ephemeral range (or above it), used by no socket.
srv_free_port() {
	local p i lo hi base span
	# outside the kernel's ephemeral range (ip_local_port_range): a port
	# there may be the local end of any client's connection by the time
	# the server binds it ("address already in use", seen in CI)
	read -r lo hi </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || { lo=32768 hi=60999; }
	if [ "$lo" -gt 21000 ]; then
		base=20000 span=$((lo - 20000))
	else
		base=$((hi + 1)) span=$((65535 - hi))
	fi
	for i in $(seq 1 200); do
		p=$((base + (RANDOM * 32768 + RANDOM) % span))
		if [ -z "$(ss -Htan "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

# srv_poll SECS PID CMD...: runs CMD every 50 ms until it succeeds, for
# up to SECS seconds; fails early if PID dies.
srv_poll() {
	local secs=$1 pid=$2 i
	shift 2
	for i in $(seq 1 $((secs * 20))); do
		"$@" && return 0
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# Polls URL until it answers 2xx (srv_poll).
srv_wait_http() {
	srv_poll "$2" "$3" curl -sf -o /dev/null --max-time 1 --noproxy '*' "$1"
}

# srv_need WHO PROGRAM PACKAGE: exits 1, saying so as WHO, when PROGRAM
# is not on the PATH.
srv_need() {
	command -v "$2" >/dev/null || {
		echo "$1: $2 not found (apt-get install $3)" >&2
		exit 1
	}
}

# srv_not_running WHO NAME DIR: exits 1, saying so as WHO, when the
# server of DIR/NAME.pid still runs.
srv_not_running() {
	if [ -f "$3/$2.pid" ] && kill -0 "$(cat "$3/$2.pid")" 2>/dev/null; then
		echo "$1: already running in $3 (PID $(cat "$3/$2.pid"))" >&2
		exit 1
	fi
}

# Polls 127.0.0.1:PORT until a TCP connect succeeds (srv_poll).
srv_wait_tcp() { srv_poll "$2" "$3" srv_tcp_open "$1"; }
srv_tcp_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# srv_start WHO NAME DIR PORT READY LAUNCH: starts server NAME of DIR (its
# PID in DIR/NAME.pid, its port in DIR/port, its output in DIR/NAME.log),
# up to three tries, each on a fresh port: another process may take the
# port between the check and the bind. PORT: always that port, the other
# ports a LAUNCH picks fresh each try (a test
# restarts a killed server where its clients still look for it). LAUNCH P,
# a function of the caller, starts the server in the background on
# 127.0.0.1:P; it is up once READY, an HTTP path ("/health"), answers
# 2xx, or, for READY "tcp", once the port accepts connections. Sets
# SRV_PORT and SRV_PID; says why as WHO, with the log's last lines, and
# exits 1 when no try works.
srv_start() {
	local who=$1 name=$2 dir=$3 fixed=$4 ready=$5 launch=$6 try port pid up state
	for try in 1 2 3; do
		port=${fixed:-$(srv_free_port)}
		"$launch" "$port"
		pid=$!
		echo "$pid" >"$dir/$name.pid"
		echo "$port" >"$dir/port"
		up=0
		if [ "$ready" = tcp ]; then
			srv_wait_tcp "$port" 60 "$pid" && up=1
		else
			srv_wait_http "http://127.0.0.1:$port$ready" 60 "$pid" && up=1
		fi
		if [ "$up" = 1 ]; then
			SRV_PORT=$port
			SRV_PID=$pid
			return 0
		fi
		state="exited"
		kill -0 "$pid" 2>/dev/null && state="still running"
		echo "$who: $name (PID $pid, $state) did not answer on 127.0.0.1:$port (try $try); last log lines:" >&2
		tail -5 "$dir/$name.log" $(ls "$dir"/log/*.log 2>/dev/null) >&2 || true
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		[ "$try" -eq 3 ] && exit 1
	done
}

# Stops the server of DIR/NAME.pid by its PID (TERM, then KILL after
# 20 s), only if that process still runs from DIR.
srv_stop() {
	local dir=$1 name=$2 pid i
	[ -f "$dir/$name.pid" ] || { echo "$name: no $dir/$name.pid" >&2; return 1; }
	pid=$(cat "$dir/$name.pid")
	if ! kill -0 "$pid" 2>/dev/null; then
		rm -f "$dir/$name.pid"
		return 0
	fi
	if ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$dir"; then
		echo "$name: PID $pid is not the server of $dir; not stopping it" >&2
		return 1
	fi
	kill -TERM "$pid"
	for i in $(seq 1 400); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "$name: PID $pid still running after 20 s, killing it" >&2
		kill -KILL "$pid"
	fi
	rm -f "$dir/$name.pid"
	echo "$name stopped (PID $pid)"
}

# srv_ticks PID: CPU clock ticks server PID has used: its own, its
# children's that ended, and those of its children still running.
srv_ticks() {
	local p
	{
		awk '{ print $14 + $15 + $16 + $17 }' "/proc/$1/stat"
		for p in $(pgrep -P "$1"); do
			awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || true
		done
	} | awk '{ t += $1 } END { print t }'
}

# srv_quiet PID: waits (up to 15 s) until server PID has used less than
# a tenth of a core for half a second: what one benchmark phase left it
# to do (flushes, merges) is not done during the next.
srv_quiet() {
	local a b i hz
	hz=$(getconf CLK_TCK)
	for i in $(seq 30); do
		a=$(srv_ticks "$1")
		sleep 0.5
		b=$(srv_ticks "$1")
		[ $((b - a)) -gt $((hz / 20)) ] || return 0
	done
}
