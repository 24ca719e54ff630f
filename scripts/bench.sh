#!/usr/bin/env bash
# make bench: throughput of the harness itself (null:) and of the embedded
# default (sqlite:), unpaced, at -p 2 -c 2. Prints one line per case.
set -euo pipefail
: "${TSLOAD:=build/bin/tsload}"
secs=${BENCH_SECONDS:-10}
dir=$(mktemp -d "${TMPDIR:-/tmp}/tsload-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT

run() {
	local name=$1
	shift
	"$TSLOAD" ingest --quiet --interval-millis 0 --duration "$secs" \
		--results "$dir/results" "$@" >"$dir/out" 2>"$dir/err" || {
		cat "$dir/err"
		return 1
	}
	local rps pps
	rps=$(sed -n 's/.*Records\/sec: \(.*\)$/\1/p' "$dir/out")
	pps=$(sed -n 's/^Data points written: [0-9]* (\([0-9]*\)\/s).*/\1/p' "$dir/out")
	printf '%-44s %14s records/s %12s points/s\n' "$name" "$rps" "$pps"
}

echo "tsload bench: $(nproc) cores, ${secs} s per case, unpaced (--interval-millis 0)"
run "null:, -p 2 -c 2, single, batches of 100" -p 2 -c 2 --host-scale 10 --batch-writes --target null:
run "null:, -p 2 -c 2, multi, batches of 100" -p 2 -c 2 --host-scale 10 --batch-writes --multi --target null:
run "file lp, -p 2 -c 2, single, batches of 100" -p 2 -c 2 --host-scale 10 --batch-writes --target "file:$dir/out.lp"
run "sqlite:, -p 2 -c 2, single, batches of 100" -p 2 -c 2 --host-scale 1 --batch-writes --target "sqlite:$dir/b.db"
run "sqlite:, -p 2 -c 2, multi, batches of 100" -p 2 -c 2 --host-scale 1 --batch-writes --multi --target "sqlite:$dir/m.db"
run "sqlite:, -p 2 -c 2, single, seed default (one sample a write)" -p 2 -c 2 --host-scale 1 --target "sqlite:$dir/c.db"
