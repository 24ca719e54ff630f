#!/usr/bin/env bash
# bench-rate.sh - open-loop cases of `make bench` (called by bench.sh):
# how closely tsload holds a rate and how late its sends are.
#
#   * --rate 1000000 data points/s into null:?format=lp (goal: achieved
#     within 0.5 % of the target, schedule lag p99 <= 2 ms);
#   * --rate 100000 into sqlite: (goal: within 1 %);
#   * a schedule of 3 steps into null:?format=lp, each step followed
#     within 1 %.
#
# The achieved rate is taken from timeseries.csv over the steady part of
# each run or step (its first 2 s and last 1 s left out: start-up, the
# stop, and the workers' reports, which reach the coordinator up to 1 s
# late), so that it measures the pacing, not the start of processes; the
# lag p99 is the whole run's, from the closing lines.
#
#   scripts/bench-rate.sh [CSV]   also appends its table to CSV
#
# Environment: TSLOAD, BENCH_RATE_SECONDS (each case, default 60; the
# steps take a third each), BENCH_ONLY (part of a case name).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
: "${TSLOAD:=$src/build/bin/tsload}"
secs=${BENCH_RATE_SECONDS:-60}
only=${BENCH_ONLY:-}
csv=${1:-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/tsload-benchr.XXXXXX")
trap 'rm -rf "$dir"' EXIT
[[ $secs =~ ^[1-9][0-9]*$ ]] && [ "$secs" -ge 9 ] || {
	echo "bench-rate: BENCH_RATE_SECONDS must be whole seconds, at least 9" >&2
	exit 1
}

wanted() {
	local alt
	[ -n "$only" ] || return 0
	IFS='|' read -ra alt <<<"$only"
	for a in "${alt[@]}"; do [[ $1 == *"$a"* ]] && return 0; done
	return 1
}

# steady CSV FROM TO: points/s between the rows at FROM+2 s and TO-1 s
steady() {
	awk -F, -v a="$(($2 + 2))" -v b="$(($3 - 1))" '
		NR > 1 && $1 >= a && $1 <= b { if (!n++) { t0 = $1; p0 = $4 } t1 = $1; p1 = $4 }
		END { if (n < 2 || t1 <= t0) print 0; else printf "%.1f", (p1 - p0) / (t1 - t0) }' "$1"
}
lag_p99() { sed -n 's/^Schedule lag ms: .* p99 \([0-9.]*\),.*/\1/p' "$1" | tail -1; }
pct() { awk -v a="$1" -v t="$2" 'BEGIN { printf "%.2f", t ? 100 * a / t : 0 }'; }
# verdict PCT TOL [LAG MAXLAG]: "met" or "missed"
verdict() {
	awk -v p="$1" -v tol="$2" -v l="${3:-0}" -v ml="${4:-0}" 'BEGIN {
		ok = (p >= 100 - tol && p <= 100 + tol) && (ml == 0 || l <= ml)
		print ok ? "met" : "missed" }'
}

[ -z "$csv" ] || printf '\n%s\n' "rate_case,target_per_s,achieved_per_s,achieved_pct,lag_p99_ms,goal,verdict" >>"$csv"
printf '\n%-52s %12s %12s %9s %10s  %s\n' "open loop (${secs} s a case)" "target/s" "achieved/s" "achieved" "lag p99 ms" "goal"

# row NAME TARGET ACHIEVED LAG GOAL VERDICT
row() {
	printf '%-52s %12.0f %12.0f %8s%% %10s  %s: %s\n' "$1" "$2" "$3" "$(pct "$3" "$2")" "$4" "$5" "$6"
	[ -z "$csv" ] || echo "$1,$2,$3,$(pct "$3" "$2"),$4,$5,$6" >>"$csv"
}

# run NAME ARGS...: one run into $dir/NAME; its closing lines in out
run() {
	local name=$1
	shift
	rm -rf "$dir/res" "$dir"/*.db*
	"$TSLOAD" ingest --quiet --results "$dir/res" --host-scale 1 "$@" >"$dir/out" 2>"$dir/err" || {
		echo "bench-rate: tsload ingest $* failed:" >&2
		cat "$dir/err" >&2
		return 1
	}
	ts=$(ls "$dir"/res/*/timeseries.csv)
}

name="rate 1000000 points/s, null:?format=lp, -p 2 -c 2"
if wanted "$name"; then
	run "$name" -p 2 -c 2 --batch-writes --batch-size 1000 --rate 1000000 \
		--duration "$secs" --target 'null:?format=lp'
	a=$(steady "$ts" 0 "$secs")
	l=$(lag_p99 "$dir/out")
	row "$name" 1000000 "$a" "$l" "within 0.5 %, lag p99 <= 2 ms" "$(verdict "$(pct "$a" 1000000)" 0.5 "$l" 2)"
fi

name="rate 100000 points/s, sqlite:, -p 1 -c 1"
if wanted "$name"; then
	run "$name" -p 1 -c 1 --batch-writes --batch-size 1000 --rate 100000 \
		--duration "$secs" --target "sqlite:$dir/r.db"
	a=$(steady "$ts" 0 "$secs")
	l=$(lag_p99 "$dir/out")
	row "$name" 100000 "$a" "$l" "within 1 %" "$(verdict "$(pct "$a" 100000)" 1)"
fi

name="schedule of 3 steps, null:?format=lp, -p 2 -c 2"
if wanted "$name"; then
	third=$((secs / 3))
	rates=(200000 1000000 500000)
	cat >"$dir/steps.json" <<J
{"steps": [{"rate": ${rates[0]}, "for": $third}, {"rate": ${rates[1]}, "for": $third}, {"rate": ${rates[2]}, "for": $third}]}
J
	run "$name" -p 2 -c 2 --batch-writes --batch-size 1000 --schedule "$dir/steps.json" \
		--target 'null:?format=lp'
	l=$(lag_p99 "$dir/out")
	for k in 0 1 2; do
		a=$(steady "$ts" $((k * third)) $(((k + 1) * third)))
		row "  step $((k + 1)): ${rates[k]} points/s for $third s" "${rates[k]}" "$a" "$l" "within 1 %" \
			"$(verdict "$(pct "$a" "${rates[k]}")" 1)"
	done
fi
