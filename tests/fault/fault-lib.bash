# fault-lib.bash - helpers of the fault suites (sourced after lib.sh).
# Not a suite itself: run-all.sh runs tests/fault/*.sh only.

records_of() { sed -n 's/.*Records written: \([0-9]*\)$/\1/p' "$1" | tail -1; }
# rows DB: rows of host_metrics, 0 when the table is not there
rows() { sqlite3 "$1" 'select count(*) from host_metrics' 2>/dev/null || echo 0; }
json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
# run_json PID: run.json of coordinator PID under $T_TMP/results
run_json() { ls "$T_TMP"/results/*-"$1"/run.json 2>/dev/null | head -1; }
closing_lines() { grep -q '^Total time to ingest: .* seconds' "$1" && grep -q '^\[OVERALL\]' "$1"; }
# executions LOGDIR: query executions logged under LOGDIR (one
# "[p-t] N. ..." line each in the do-qN.log files)
executions() { cat "$1"/*-*-*/do-q*.log 2>/dev/null | grep -cE '^\[[0-9]+-[0-9]+\] [0-9]+\. '; }
# handlers_up PID: waits (at most 20 s) until PID catches SIGINT, i.e. the
# coordinator installed its handlers (before that the default disposition
# applies, which no program can avoid)
handlers_up() {
	local i cgt
	for i in $(seq 2000); do
		cgt=$(sed -n 's/^SigCgt:\t//p' "/proc/$1/status" 2>/dev/null)
		[ -n "$cgt" ] && [ $((0x$cgt & 2)) -ne 0 ] && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.01
	done
	return 1
}
# workers_of PID: pids of the workers of coordinator PID
workers_of() { pgrep -f "tsload worker --connect ipc://.*tsload-$1.ipc"; }
# gone_within SECS PID...: every PID ended within SECS seconds
gone_within() {
	local secs=$1 i p left
	shift
	for i in $(seq $((secs * 10))); do
		left=0
		for p in "$@"; do kill -0 "$p" 2>/dev/null && left=1; done
		[ $left -eq 0 ] && return 0
		sleep 0.1
	done
	return 1
}
no_leftovers() {
	! workers_of "$1" >/dev/null && ! ls "${TMPDIR:-/tmp}/tsload-$1.ipc" >/dev/null 2>&1
}
# rand_s MAX_MS: a random delay in seconds, 0..MAX_MS ms
rand_s() {
	local r=$((RANDOM % ($1 + 1)))
	printf '%d.%03d' $((r / 1000)) $((r % 1000))
}
# ingest_bg NAME ARGS...: starts a SQLite ingest into $T_TMP/NAME.db,
# output in NAME.out/NAME.err; sets PID
ingest_bg() {
	local name=$1
	shift
	rm -f "$T_TMP/$name.db"*
	"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --interval-millis 500 -q \
		--target "sqlite:$T_TMP/$name.db" --results "$T_TMP/results" "$@" \
		>"$T_TMP/$name.out" 2>"$T_TMP/$name.err" &
	PID=$!
}
# check_clean FILE LABEL RC PID: exit 0, closing lines, valid run.json,
# rows = Records written (FILE.out, FILE.db)
check_clean() {
	local f=$T_TMP/$1 name=$2 rc=$3 pid=$4 n
	check_eq "$name: exit 0" 0 "$rc"
	check "$name: closing lines" closing_lines "$f.out"
	check "$name: valid run.json" json_ok "$(run_json "$pid")"
	n=$(records_of "$f.out")
	check_eq "$name: rows = Records written" "${n:-none}" "$(rows "$f.db")"
	check "$name: no worker or IPC file left" no_leftovers "$pid"
}
