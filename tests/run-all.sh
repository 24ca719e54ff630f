#!/usr/bin/env bash
# make test: unit tests (cmocka binaries given as arguments), then the
# shell suites under tests/cli, tests/e2e, tests/integration (real
# servers on loopback, started by the suites) and tests/fault. Ends with
# one summary line.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${TSLOAD:?TSLOAD must point at the tsload binary}"
export TSLOAD

pass=0 fail=0
summary() {
	local p f
	p=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\1/p' "$1" | tail -1)
	f=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed.*/\2/p' "$1" | tail -1)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-1}))
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
bash "$here/run-unit.sh" "$@" | tee "$log"
summary "$log"
for suite in "$here"/cli/*.sh "$here"/e2e/*.sh "$here"/integration/*.sh "$here"/fault/*.sh; do
	[ -f "$suite" ] || continue
	echo "== $(basename "$(dirname "$suite")")/$(basename "$suite")"
	bash "$suite" 2>&1 | tee "$log"
	summary "$log"
done
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
