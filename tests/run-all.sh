#!/usr/bin/env bash
# make test and make check: run-all.sh [--tiers=LIST] UNIT_TEST...
# Runs the tiers of LIST in this order (default: all of them):
#   unit         the cmocka binaries given as arguments (run-unit.sh)
#   cli          tests/cli/*.sh: command lines, make install, the fake
#                Timestream endpoint
#   e2e          tests/e2e/*.sh: whole runs on the embedded targets
#   integration  tests/integration/*.sh: real servers on loopback, started
#                by the suites
#   fault        tests/fault/*.sh: dead servers, full disks, closed pipes
# make check is unit,cli,e2e (no packages, no servers). A tier whose folder
# does not exist is skipped. Ends with one summary line "N passed, N failed"
# over every tier run, and exits 1 if anything failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
case ${1:-} in
-h | --help)
	sed -n '2,/^set -u/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
	echo "One suite alone: TSLOAD=build/bin/tsload bash tests/TIER/NAME.sh"
	exit 0
	;;
esac
: "${TSLOAD:?TSLOAD must point at the tsload binary}"
export TSLOAD

all_tiers="unit cli e2e integration fault"
tiers=$all_tiers
case ${1:-} in
--tiers=*)
	tiers=$(tr , ' ' <<<"${1#--tiers=}")
	shift
	;;
esac
[ -n "$tiers" ] || { echo "run-all.sh: --tiers needs a list" >&2; exit 2; }
for t in $tiers; do
	case " $all_tiers " in
	*" $t "*) ;;
	*)
		echo "run-all.sh: unknown tier \"$t\" (expected ${all_tiers// /, })" >&2
		exit 2
		;;
	esac
done
# wanted TIER: is TIER in the list asked for?
wanted() { case " $tiers " in *" $1 "*) return 0 ;; esac; return 1; }

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
for tier in $all_tiers; do
	wanted "$tier" || continue
	if [ "$tier" = unit ]; then
		start=$SECONDS
		bash "$here/run-unit.sh" "$@" | tee "$log"
		summary "$log"
		echo "   ($((SECONDS - start)) s)"
		continue
	fi
	for suite in "$here/$tier"/*.sh; do
		[ -f "$suite" ] || continue
		echo "== $tier/$(basename "$suite")"
		start=$SECONDS
		bash "$suite" 2>&1 | tee "$log"
		summary "$log"
		echo "   ($((SECONDS - start)) s)"
	done
done
echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
