#!/usr/bin/env bash
# bench-verify.sh - the verify case of `make bench` (called by bench.sh;
# issue 20 item 6): a 10.4-million-point run (perf-scale, host-scale 10,
# 40 cycles, -p 2 -c 2, unpaced backfill) written to PostgreSQL and to
# VictoriaMetrics (scripts/pg-local.sh, vm-local.sh on loopback), then
# `tsload verify` of it. Goal: verifying takes less time than writing.
# Prints write seconds, verify seconds and their ratio per server.
#
#   scripts/bench-verify.sh [CSV]   also appends its rows to CSV
#
# Environment: TSLOAD, BENCH_VERIFY_SCALE (host-scale, default 10),
# BENCH_VERIFY_SKIP_PG=1 (VictoriaMetrics only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
: "${TSLOAD:=$src/build/bin/tsload}"
scale=${BENCH_VERIFY_SCALE:-10}
csv=${1:-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/tsload-benchv.XXXXXX")
chmod 755 "$dir" # pg-local.sh runs the server as user postgres
stops=()
cleanup() {
	for s in "${stops[@]}"; do bash "$here/$s" stop "$dir/${s%%-*}" >/dev/null 2>&1 || true; done
	rm -rf "$dir"
}
trap cleanup EXIT

# seconds since the epoch, with nanoseconds
now() { date +%s.%N; }

# one NAME URL [WAIT]: writes the run, runs WAIT (until the server shows
# it), verifies; prints the figures
one() {
	local name=$1 url=$2 wait=${3:-} t0 t1 t2 rc run w v
	t0=$(now)
	"$TSLOAD" ingest -q -p 2 -c 2 --host-scale "$scale" --seed 7 --batch-writes \
		--target "$url" --results "$dir/res-$name" --start-time 2026-01-01T00:00:00Z \
		--end-time 2026-01-01T00:03:20Z >"$dir/$name-ingest.out" 2>&1 || {
		echo "bench-verify: $name: the ingest failed: $(tail -1 "$dir/$name-ingest.out")" >&2
		return 1
	}
	t1=$(now)
	[ -z "$wait" ] || $wait
	run=$(ls -d "$dir/res-$name"/*/ | head -1)
	t2=$(now)
	rc=0
	"$TSLOAD" verify --target "$url" --results "$run" >"$dir/$name-verify.out" 2>&1 || rc=$?
	v=$(awk -v a="$t2" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
	w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	printf '%-16s %10s %12s %11s %8s  %s\n' "$name" "$(points "$dir/$name-ingest.out")" "$w" "$v" \
		"$(awk -v w="$w" -v v="$v" 'BEGIN { printf "%.2f", v / w }')" \
		"$([ "$rc" = 0 ] && echo "no difference" || echo "exit $rc: $(tail -1 "$dir/$name-verify.out")")"
	[ -z "$csv" ] || echo "verify $name,$w,$v" >>"$csv"
}
points() { sed -n 's/.*Data points written: \([0-9]*\).*/\1/p' "$1" | tail -1; }

echo
echo "verify (issue 20): a run of host-scale $scale x 40 cycles written, then verified; goal: verify < write"
printf '%-16s %10s %12s %11s %8s  %s\n' server points "write s" "verify s" ratio result

if [ -z "${BENCH_VERIFY_SKIP_PG:-}" ]; then
	out=$(bash "$here/pg-local.sh" start "$dir/pg")
	stops+=(pg-local.sh)
	pg=${out%% *}
	psql "$pg" -XAtq -c 'DROP TABLE IF EXISTS "host_metrics"' >/dev/null 2>&1
	one postgres "$pg"
fi

out=$(bash "$here/vm-local.sh" start "$dir/vm")
stops+=(vm-local.sh)
vm=${out%% *}
vmport=${vm##*:}
# VictoriaMetrics makes points searchable about a second after it took
# them: waited for (not counted in either figure)
vm_wait() {
	local n want
	want=$(points "$dir/vm-ingest.out")
	for _ in $(seq 300); do
		curl -sS -XPOST "http://127.0.0.1:$vmport/internal/force_flush" >/dev/null
		n=$(curl -sS "http://127.0.0.1:$vmport/api/v1/query" \
			--data-urlencode 'query=sum(count_over_time({db="devops"}[1h]))' \
			--data-urlencode time=1767228599.999 | sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p')
		[ "$n" = "$want" ] && return 0
		sleep 0.2
	done
}
one vm "$vm" vm_wait
