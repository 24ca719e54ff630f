#!/usr/bin/env bash
# make demo: a short ingest on the embedded SQLite default, then the query
# workload of configs/config.ini on the data it wrote, then where the
# results are. Runs from the repository root.
set -euo pipefail
: "${TSLOAD:=build/bin/tsload}"
secs=${DEMO_SECONDS:-10}
reps=${DEMO_REPETITIONS:-25}
db=results/tsload.db

echo "== 1/2 ingest: ${secs} s of perf-scale data (host-scale 1, 2 workers x 2 threads, one-second cycles) into sqlite:$db"
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --interval-millis 1000 \
	--duration "$secs" --batch-writes --batch-size 100 --target "sqlite:$db"
ingest=$(ls -td results/*-ingest-* | head -1)

echo
echo "== 2/2 query: configs/config.ini, 2 workers x 2 threads, ${reps} queries each, no think time"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$TSLOAD" query --config configs/config.ini -p 2 -c 2 --repetitions "$reps" \
	--think-time-milliseconds 0 --target "sqlite:$db" --log-dir results/query-logs \
	--run-prefix demo | tee "$out"
query=$(ls -td results/*-query-* | head -1)
qlogs=$(sed -n 's|.*query logs: \(.*\)-\*/, merged summary: .*|\1|p' "$out")
qsum=$(sed -n 's|.*merged summary: ||p' "$out")

echo
echo "== results"
echo "  database:        $db (table host_metrics)"
echo "  ingest summary:  $ingest/run.json, per second: $ingest/timeseries.csv"
echo "  query summary:   $qsum (merged from every thread), $query/run.json"
echo "  per-thread logs: $qlogs-<process>-<thread>/ (do-qN.sql/.log/.err, summary CSV)"

echo
echo "== report: both runs merged into one page (plots by gnuplot)"
"$TSLOAD" report "$ingest" "$query"
echo "  open it:         $ingest/report/index.html"
