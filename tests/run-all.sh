#!/usr/bin/env bash
# make test and make check: run-all.sh [--tiers=LIST] UNIT_TEST...
# Runs the tiers of LIST in this order (default: all of them):
#   unit         the cmocka binaries given as arguments (run-unit.sh)
#   cli          tests/cli/*.sh: command lines, make install, the fake
#                Timestream endpoint
#   e2e          tests/e2e/*.sh: whole runs on the embedded targets
#   integration  tests/integration/*.sh: real servers on loopback, started
#                by the suites; TSLOAD_TEST_JOBS of them at once (default 2)
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
plogs=$(mktemp -d)
trap 'rm -rf "$log" "$plogs"' EXIT

# Integration suites start their own servers on free loopback ports and
# share nothing, so they run TSLOAD_TEST_JOBS at a time (default 2). Each
# suite's output is held until it ends and then printed whole, so the log
# reads as if they had run one after the other.
jobs=${TSLOAD_TEST_JOBS:-2}
case $jobs in '' | *[!0-9]* | 0) echo "run-all.sh: TSLOAD_TEST_JOBS must be a positive number, not \"$jobs\"" >&2; exit 2 ;; esac

# finish_one PID: wait for a suite started by run_parallel, print its log.
finish_one() {
	local pid=$1 f=$plogs/$1
	wait "$pid"
	echo "== $(cat "$f.name")"
	cat "$f.log"
	summary "$f.log"
	echo "   ($(($(cat "$f.end") - $(cat "$f.start"))) s)"
}

# run_parallel TIER: every suite of TIER, $jobs at a time.
run_parallel() {
	local suite pid running=() next
	for suite in "$here/$1"/*.sh; do
		[ -f "$suite" ] || continue
		while [ ${#running[@]} -ge "$jobs" ]; do
			wait -n 2>/dev/null || true
			next=()
			for pid in "${running[@]}"; do
				if [ -f "$plogs/$pid.end" ]; then finish_one "$pid"; else next+=("$pid"); fi
			done
			running=("${next[@]}")
		done
		(
			f=$plogs/$BASHPID
			echo "$SECONDS" >"$f.start"
			echo "$1/$(basename "$suite")" >"$f.name"
			bash "$suite" >"$f.log" 2>&1
			echo "$SECONDS" >"$f.end"
		) &
		running+=("$!")
	done
	for pid in "${running[@]}"; do finish_one "$pid"; done
}
for tier in $all_tiers; do
	wanted "$tier" || continue
	if [ "$tier" = unit ]; then
		start=$SECONDS
		bash "$here/run-unit.sh" "$@" | tee "$log"
		summary "$log"
		echo "   ($((SECONDS - start)) s)"
		continue
	fi
	if [ "$tier" = integration ] && [ "$jobs" -gt 1 ]; then
		run_parallel "$tier"
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
