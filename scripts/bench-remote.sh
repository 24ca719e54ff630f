#!/usr/bin/env bash
# bench-remote.sh - the remote-workers case of `make bench` (called by
# bench.sh): 3 hosts x -p 1 -c 2 against -p 3 -c 2 on one host, into
# null: unpaced. The hosts are network namespaces (scripts/netns-lib.sh):
# the coordinator in one (-p 0 --remote-workers 3 --listen), a worker in
# each of three others; the statistics cross veth pairs and a bridge,
# the data goes nowhere, so this measures what remote workers cost the
# harness itself. Goal: the 3 hosts reach >= 90 % of one host's data
# points/s (medians of BENCH_RUNS runs, alternated). Needs root; says so
# and skips otherwise.
#
#   scripts/bench-remote.sh [CSV]   also appends its table to CSV
#
# Environment: TSLOAD, BENCH_SECONDS (each run, default 8), BENCH_RUNS
# (default 3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
: "${TSLOAD:=$src/build/bin/tsload}"
secs=${BENCH_SECONDS:-8}
runs=${BENCH_RUNS:-3}
csv=${1:-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/tsload-benchx.XXXXXX")
# shellcheck source-path=SCRIPTDIR source=netns-lib.sh
. "$here/netns-lib.sh"
nsp=tslb$$
trap 'nsh_down "$nsp"; rm -rf "$dir"' EXIT
printf '\n%-46s %21s %21s\n' "remote workers (${secs} s x ${runs} runs)" "points/s (spread)" "points/CPU-s"
if ! nsh_up "$nsp" 3 2>"$dir/err"; then
	echo "remote workers: skipped, no network namespaces ($(tail -1 "$dir/err"); root and iproute2 needed)"
	exit 0
fi
u=(--host-scale 10 -c 2 --interval-millis 0 --duration "$secs" --batch-writes
	--batch-size 100 --target null: --quiet --results "$dir/results")
export TSLOAD_TOKEN=bench-$RANDOM$RANDOM
# "points/s points/CPU-s" of the closing lines "Data points written: N
# (R/s)" and "tsload CPU: ..., P data points per CPU-second" (the remote
# workers report their own CPU time)
pps() {
	echo "$(sed -n 's/^Data points written: [0-9]* (\([0-9]*\)\/s).*/\1/p' "$1")" \
		"$(sed -n 's/^tsload CPU: .* \([0-9]*\) data points per CPU-second.*/\1/p' "$1")"
}
one_host() {
	"$TSLOAD" ingest -p 3 "${u[@]}" >"$dir/out" 2>"$dir/err" || {
		echo "bench-remote: tsload ingest -p 3 failed:" >&2
		cat "$dir/err" >&2
		return 1
	}
	pps "$dir/out"
}
three_hosts() {
	local i pids=()
	nsh c "$TSLOAD" ingest -p 0 --remote-workers 3 --listen "tcp://$(nsh_addr c):7400" \
		"${u[@]}" >"$dir/out" 2>"$dir/err" &
	pids+=($!)
	for i in 1 2 3; do
		nsh "w$i" "$TSLOAD" worker --connect "tcp://$(nsh_addr c):7400" 2>>"$dir/werr" &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i" || {
			echo "bench-remote: the 3-host run failed:" >&2
			cat "$dir/err" "$dir/werr" >&2
			return 1
		}
	done
	pps "$dir/out"
}
: >"$dir/one"
: >"$dir/three"
for _ in $(seq "$runs"); do
	one_host >>"$dir/one"
	three_hosts >>"$dir/three"
done
# median min max of column $2 of file $1
mmm() { sort -g -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)], v[1], v[NR] }'; }
read -r om ol oh <<<"$(mmm "$dir/one" 1)"
read -r tm tl th <<<"$(mmm "$dir/three" 1)"
read -r oc _ _ <<<"$(mmm "$dir/one" 2)"
read -r tc _ _ <<<"$(mmm "$dir/three" 2)"
spread() { awk -v l="$1" -v h="$2" -v m="$3" 'BEGIN { print m ? 100 * (h - l) / m : 0 }'; }
ratio=$(awk -v a="$tm" -v b="$om" 'BEGIN { printf "%.3f", b ? a / b : 0 }')
verdict=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.9 ? "met" : "NOT MET") }')
printf '%-46s %12.0f (%5.1f%%) %12.0f\n' "null: -p 3 -c 2, one host" "$om" "$(spread "$ol" "$oh" "$om")" "$oc"
printf '%-46s %12.0f (%5.1f%%) %12.0f  %.1f%% of one host, goal >= 90%%: %s\n' \
	"null: 3 hosts (netns) x -p 1 -c 2" "$tm" "$(spread "$tl" "$th" "$tm")" "$tc" \
	"$(awk -v r="$ratio" 'BEGIN { print 100 * r }')" "$verdict"
if [ -n "$csv" ]; then
	echo "remote: null: -p 3 -c 2 one host,$runs,$om,$ol,$oh,$oc,,,,,,,,,," >>"$csv"
	echo "remote: null: 3 netns hosts x -p 1 -c 2,$runs,$tm,$tl,$th,$tc,,,,,,,,$ratio,," >>"$csv"
fi
