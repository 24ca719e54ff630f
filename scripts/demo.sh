#!/usr/bin/env bash
# make demo: a short ingest on the embedded SQLite default, then where the
# results are. Runs from the repository root.
set -euo pipefail
: "${TSLOAD:=build/bin/tsload}"
secs=${DEMO_SECONDS:-10}

echo "== tsload demo: ${secs} s of perf-scale ingest (host-scale 1, 2 workers x 2 threads) into sqlite:results/tsload.db"
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --interval-millis 1000 \
	--duration "$secs" --batch-writes --batch-size 100
run=$(ls -td results/*-ingest-* | head -1)
echo
echo "== results"
echo "  database:     results/tsload.db (table host_metrics; try: sqlite3 results/tsload.db 'select measure_name, count(*) from host_metrics group by 1')"
echo "  run summary:  $run/run.json"
echo "  per second:   $run/timeseries.csv"
