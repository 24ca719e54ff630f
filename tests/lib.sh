# tests/lib.sh - helpers for the shell test suites (sourced).
# Each check prints "ok"/"FAIL"; `finish` prints "<suite>: N passed, N failed".
: "${TSLOAD:?TSLOAD must point at the tsload binary}"
T_PASS=0
T_FAIL=0
T_NAME=$(basename "$0" .sh)
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tsload-test.XXXXXX")
trap 'rm -rf "$T_TMP"' EXIT

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
