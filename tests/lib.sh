# tests/lib.sh - helpers for the shell test suites (sourced).
# Each check prints "ok"/"FAIL"; `finish` prints "<suite>: N passed, N failed".
: "${TSLOAD:?TSLOAD must point at the tsload binary}"
T_PASS=0
T_FAIL=0
T_NAME=$(basename "$0" .sh)
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tsload-test.XXXXXX")
T_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# On exit: stop the server of start_server, if any, and remove T_TMP.
t_exit() {
	local m
	if [ -n "${T_SRV_DIR:-}" ]; then
		bash "$T_SRC/scripts/$T_SRV_SCRIPT" stop "$T_SRV_DIR" >/dev/null
	fi
	for m in "${T_MORE[@]}"; do
		bash "$T_SRC/scripts/${m%% *}" stop "${m#* }" >/dev/null 2>&1
	done
	rm -rf "$T_TMP"
}
T_MORE=()
trap t_exit EXIT

ok() { T_PASS=$((T_PASS + 1)); echo "ok   $*"; }
bad() { T_FAIL=$((T_FAIL + 1)); echo "FAIL $*"; }
# check NAME COND...: passes when the command succeeds
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
# check_eq NAME WANT GOT
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1 (want '$2', got '$3')"; fi
}
# not CMD...: succeeds when the command fails (for check)
not() { ! "$@"; }
finish() {
	echo "$T_NAME: $T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
# start_server SCRIPT DIR: the suite's database server (one), on loopback.
# Runs scripts/install-deps.sh (its exit status in SRV_DEPS, its output
# in $T_TMP/deps.out), then scripts/SCRIPT start DIR, which prints
# "URL [PID]" once the server answers; sets SRV_URL and SRV_PID (empty if
# the script prints no PID). The server is stopped when the suite exits
# (SCRIPT stop DIR, by the PID it saved). When it does not start, the
# suite ends here: one FAIL line with the script's reason, the summary,
# exit 1. Reports nothing when it works, so the suite keeps its checks.
start_server() {
	local script=$1 dir=$2 out why
	bash "$T_SRC/scripts/install-deps.sh" >"$T_TMP/deps.out" 2>&1
	SRV_DEPS=$?
	# A server running as another user (PostgreSQL as root) must be
	# able to reach DIR.
	chmod 711 "$T_TMP"
	T_SRV_SCRIPT=$script
	T_SRV_DIR=$dir
	if out=$(bash "$T_SRC/scripts/$script" start "$dir" 2>"$T_TMP/start.err") &&
		[ -n "$out" ]; then
		read -r SRV_URL SRV_PID <<<"$out"
		return 0
	fi
	why=$(tail -3 "$T_TMP/start.err" | tr '\n' ' ')
	[ "$SRV_DEPS" -eq 0 ] ||
		why="$why(install-deps.sh failed: $(tail -1 "$T_TMP/deps.out"))"
	bad "$script start: ${why:-no URL printed}"
	finish
	exit 1
}

# start_more SCRIPT DIR: one more server (after start_server), stopped at
# exit too; sets SRV_URL and SRV_PID; a server that does not start ends
# the suite with one FAIL line. VM_PORT=N start_more ... restarts a
# VictoriaMetrics on its old port.
start_more() {
	local out
	T_MORE+=("$1 $2")
	if out=$(bash "$T_SRC/scripts/$1" start "$2" 2>"$T_TMP/start.err") &&
		[ -n "$out" ]; then
		read -r SRV_URL SRV_PID <<<"$out"
		return 0
	fi
	bad "$1 start: $(tail -3 "$T_TMP/start.err" | tr '\n' ' ')"
	finish
	exit 1
}

# start_local SCRIPT DIR SCHEME PATH: start_server SCRIPT DIR for a
# server that SCRIPT puts on a free loopback port (written to DIR/port),
# then checks that SCRIPT printed SCHEME://127.0.0.1:PORT, that
# http://127.0.0.1:PORT/PATH answers and that the port is bound on
# loopback only. Sets SRV_PORT and SRV_HTTP (http://127.0.0.1:PORT).
start_local() {
	local script=$1 dir=$2 scheme=$3 path=$4
	start_server "$script" "$dir"
	SRV_PORT=$(cat "$dir/port")
	SRV_HTTP=http://127.0.0.1:$SRV_PORT
	check "$script prints $scheme://127.0.0.1:PORT PID" \
		test "$SRV_URL" = "$scheme://127.0.0.1:$SRV_PORT"
	check "the server answers /$path" curl -sf -o /dev/null "$SRV_HTTP/$path"
	check "it listens on loopback only" \
		not bash -c "ss -Htln | grep -v '127.0.0.1:' | grep -q ':$SRV_PORT '"
}

# free_port: a TCP port nothing listens on (scripts/server-lib.sh)
free_port() { bash -c ". '$T_SRC/scripts/server-lib.sh'; srv_free_port"; }
# check_refused LABEL TARGET REGEX: an ingest to TARGET, a port nothing
# listens on, exits 1 with one line on stderr that matches REGEX (grep)
check_refused() {
	local label=$1 target=$2 re=$3 rc
	"$TSLOAD" ingest --duration 2 --host-scale 1 --target "$target" \
		--results "$T_TMP/results" >refused.out 2>refused.err
	rc=$?
	check_eq "$label: exit 1" 1 "$rc"
	check_eq "$label: one line on stderr" 1 "$(wc -l <refused.err)"
	check "$label: it names the target and the reason" grep -q "$re" refused.err
}

# The query runs of the server suites: all.ini (query_ini) run with the
# templates of configs/queries, logs in $T_TMP/logs/PREFIX-*, results in
# $T_TMP/results, stdout and stderr in PREFIX.out and PREFIX.err.
# query_ini REPS Q...: writes all.ini: regular mode, REPS repetitions, 2
# retries, do-qQ for each Q, drawn alike
query_ini() {
	local reps=$1 q
	shift
	printf '[default]\nquery_mode = regular\nrepetitions = %s\nretries = 2\n\n[query_distribution]\n' "$reps" >all.ini
	for q in "$@"; do echo "do-q$q = $((100 / $#))" >>all.ini; done
}
# query_run PREFIX ARGS...: tsload query with all.ini and ARGS (the
# target, -p, -c, --repetitions, ...), no think time
query_run() {
	local prefix=$1
	shift
	"$TSLOAD" query --config all.ini --think-time-milliseconds 0 \
		--queries-dir "$T_SRC/configs/queries" -l "$T_TMP/logs" \
		--run-prefix "$prefix" --results "$T_TMP/results" "$@" \
		>"$prefix.out" 2>"$prefix.err"
}
# check_queries LABEL PREFIX ARGS...: query_run with -p 1 -c 2 and every
# query of all.ini, then checks: exit 0, nothing on stderr, each query ran
# and returned rows every time in both threads, every .err file empty
check_queries() {
	local label=$1 prefix=$2 rc q n qs
	shift 2
	query_run "$prefix" -p 1 -c 2 "$@"
	rc=$?
	check_eq "$label: exit 0" 0 "$rc"
	check "$label: nothing on stderr" test ! -s "$prefix.err"
	qs=$(sed -n 's/^do-q\([0-9]*\) = .*/\1/p' all.ini)
	for q in $qs; do
		n=$(cat "$T_TMP"/logs/"$prefix"-*-1-[12]/do-q"$q".log 2>/dev/null | wc -l)
		check "do-q$q ran" test "$n" -gt 0
		check "do-q$q returned rows every time" \
			no_line 2 'Rows: (0|None)$' "$T_TMP"/logs/"$prefix"-*-1-[12]/do-q"$q".log
	done
	# a .err per query and per count query (begin, end), per thread
	n=$((2 * ($(wc -w <<<"$qs") + 2)))
	check "all $n .err files are empty" empty_files "$n" "$T_TMP"/logs/"$prefix"-*-1-[12]/*.err
}
# check_query_rows LABEL PREFIX ARGS...: query_run with -p 1 -c 1 and
# ARGS; checks exit 0 and rows every time in each query's log
check_query_rows() {
	local label=$1 prefix=$2 rc
	shift 2
	query_run "$prefix" -p 1 -c 1 "$@"
	rc=$?
	check_eq "$label: exit 0" 0 "$rc"
	check "$label: rows every time" no_line "$(grep -c '^do-q' all.ini)" \
		'Rows: (0|None)$' "$T_TMP"/logs/"$prefix"-*-1-1/do-q*.log
}
# query_count PREFIX: what the count query (numDatapoints) of thread 1
# of check_queries' run PREFIX found at its start
query_count() {
	awk 'NR == 2 { print $2 }' "$(ls -d "$T_TMP"/logs/"$1"-*-1-1)/numDatapoints-begin-result.txt"
}

# Checks over the files a run wrote. A glob that matches nothing stays one
# literal name of a missing file, and grep on a missing file fails with 2:
# so each checks that its files are there before it looks inside, and
# takes "no match" only from grep's status 1. Reasons go to stderr.
# files_there N FILE...: exactly N files given, each a regular file
files_there() {
	local want=$1 f
	shift
	if [ $# -ne "$want" ]; then
		echo "  want $want files, got $#: $*" >&2
		return 1
	fi
	for f in "$@"; do
		[ -f "$f" ] || {
			echo "  no file $f" >&2
			return 1
		}
	done
}
# empty_files N FILE...: exactly N files, all there and empty
empty_files() {
	local f
	files_there "$@" || return 1
	shift
	for f in "$@"; do
		[ ! -s "$f" ] || {
			echo "  not empty: $f: $(head -1 "$f")" >&2
			return 1
		}
	done
}
# no_line N REGEX FILE...: exactly N files, all there, and no line of any
# matches REGEX (grep -E)
no_line() {
	local n=$1 re=$2
	shift 2
	[ "$n" -gt 0 ] && files_there "$n" "$@" || return 1
	grep -qE -- "$re" "$@"
	[ $? -eq 1 ] || {
		echo "  a line matches $re: $(grep -hE -- "$re" "$@" | head -1)" >&2
		return 1
	}
}
# every_line N REGEX FILE...: exactly N files, all there, some lines, and
# every line of every file matches REGEX (grep -E)
every_line() {
	local n=$1 re=$2
	shift 2
	[ "$n" -gt 0 ] && files_there "$n" "$@" || return 1
	[ "$(cat -- "$@" | wc -l)" -gt 0 ] || {
		echo "  no lines in $*" >&2
		return 1
	}
	grep -qvE -- "$re" "$@"
	[ $? -eq 1 ] || {
		echo "  a line does not match $re: $(grep -hvE -- "$re" "$@" | head -1)" >&2
		return 1
	}
}
# absent_from FIXED TEXT: TEXT (a server's answer) is not empty and does
# not hold FIXED: an empty answer proves nothing
absent_from() {
	[ -n "$2" ] || {
		echo "  empty text" >&2
		return 1
	}
	! grep -qF -- "$1" <<<"$2"
}
# json_has FILE KEY VALUE: some object in the JSON document FILE has KEY
# with exactly VALUE, written as JSON (1, "text", true): "records": 12
# is not "records": 120
json_has() {
	python3 - "$@" <<'PY'
import json, sys
path, key, want = sys.argv[1:4]
def walk(v):
    if isinstance(v, dict):
        return any((k == key and json.dumps(x) == want) or walk(x) for k, x in v.items())
    return isinstance(v, list) and any(walk(x) for x in v)
sys.exit(0 if walk(json.load(open(path, encoding="utf-8"))) else 1)
PY
}

# run_value RUNDIR KEY...: the value under KEY... (an index for a list) in
# RUNDIR/run.json, "none" for a missing or empty object
run_value() {
	python3 - "$@" <<'PY'
import json, sys
o = json.load(open(sys.argv[1] + "/run.json"))
for k in sys.argv[2:]:
    o = o[int(k)] if isinstance(o, list) else o.get(k, {})
print(o if not isinstance(o, dict) or o else "none")
PY
}
# last_run: the newest run folder under $T_TMP/results
last_run() { ls -td "$T_TMP"/results/*/ | head -1; }

# exit2_line NAME REGEX ARGS...: tsload ARGS exits 2 with exactly one
# line on stderr, which matches REGEX (grep -E); its output in out and err
exit2_line() {
	local name=$1 re=$2 rc
	shift 2
	"$TSLOAD" "$@" >out 2>err
	rc=$?
	check_eq "$name: exit 2" 2 "$rc"
	check_eq "$name: one line" 1 "$(grep -c . err)"
	check "$name: names it" grep -qE "$re" err
}

# Parsers of a run's closing lines (its stdout in FILE, the last run's
# lines when there are several); each prints the number, or nothing when
# the line is not there.
# closing_number LABEL FILE: N of "LABEL: N" ("Failed writes", ...)
closing_number() { sed -n "s/.*$1: \([0-9]*\).*/\1/p" "$2" | tail -1; }
# records_written FILE: N of "... Records written: N" (the [OVERALL] line)
records_written() { closing_number "Records written" "$1"; }
# points_written FILE: N of "Data points written: N (...)"
points_written() { closing_number "Data points written" "$1"; }
# failed_writes FILE: N of "Failed writes: N."
failed_writes() { closing_number "Failed writes" "$1"; }
# throttled_retries FILE: N of "Throttled retries: N."
throttled_retries() { closing_number "Throttled retries" "$1"; }
# target_number K LABEL FILE: N of "LABEL: N" in the closing line of
# target K of a fan-out ("Target K URL: Records written: N. ...")
target_number() { sed -n "s/^Target $1 .* $2: \([0-9]*\).*/\1/p" "$3" | tail -1; }
# spool_num FIELD FILE: N of "... N FIELD" in the "Spool: ..." line
# ("records kept", "left", "from an earlier run")
spool_num() { sed -n "/^Spool:/{s/^Spool:/ /;s/.*[ (]\([0-9]*\) $1.*/\1/p}" "$2" | tail -1; }
# merged_summary FILE: the path a query run's closing line names
merged_summary() { sed -n 's/.*merged summary: //p' "$1"; }
