# scripts/server-lib.sh - helpers for the scripts that start a database
# server on loopback for tests and benchmarks (sourced).
#
#   srv_free_port             a TCP port nothing listens on (from ss)
#   srv_wait_http URL SECS PID  polls URL until it answers 2xx
#   srv_stop DIR NAME         stops the server whose PID is in DIR/NAME.pid

# A free port in 20000..59999, checked against the listening sockets.
srv_free_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if [ -z "$(ss -Htln "sport = :$p" 2>/dev/null)" ]; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

# Polls URL every 50 ms for up to SECS seconds; fails early if PID dies.
srv_wait_http() {
	local url=$1 secs=$2 pid=$3 i
	for i in $(seq 1 $((secs * 20))); do
		if curl -sf -o /dev/null --max-time 1 --noproxy '*' "$url"; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
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
