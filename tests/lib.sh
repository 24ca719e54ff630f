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
	if [ -n "${T_SRV_DIR:-}" ]; then
		bash "$T_SRC/scripts/$T_SRV_SCRIPT" stop "$T_SRV_DIR" >/dev/null
	fi
	rm -rf "$T_TMP"
}
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

# Parsers of an ingest or query run's closing lines (its stdout in FILE);
# each prints the number, or nothing when the line is not there.
# records_written FILE: N of "... Records written: N" (the [OVERALL] line)
records_written() { sed -n 's/.*Records written: \([0-9]*\)$/\1/p' "$1" | tail -1; }
