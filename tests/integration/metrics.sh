#!/usr/bin/env bash
# Integration: --metrics-port scraped by a real Prometheus (Debian
# prometheus, started here on a free loopback port by
# scripts/prom-local.sh, scraping every second, stopped by PID) during a
# paced `tsload run` (ingest and query workers, sqlite): Prometheus holds
# several scrapes taken while the run was going, and the last scraped
# totals equal run.json's, per role, per worker and summed.
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/scripts/server-lib.sh"
cd "$T_TMP" || exit 1
mport=$(srv_free_port)
PROM_SCRAPE="127.0.0.1:$mport" start_server prom-local.sh "$T_TMP/prom"
api=http://127.0.0.1:$(cat "$T_TMP/prom/port")/api/v1

# query EXPR: the value of an instant PromQL query with one result
query() {
	curl -sS --noproxy '*' "$api/query" --data-urlencode "query=$1" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if len(r)==1 else "%d results" % len(r))'
}
# jget FILE KEY...: a value of run.json
jget() {
	python3 - "$@" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)
PY
}
# the last scraped value of a selector, summed over its series (stale
# markers after the run are not samples: last_over_time skips them)
last() { query "sum(last_over_time($1[10m]))"; }

# Prometheus starts scraping a target a few seconds after it starts
# (its discovery sends targets at most every 5 s): wait for its first
# (failed) scrape of the port, so that the run is watched from its start.
for i in $(seq 1 150); do
	[ "$(query 'count(count_over_time(up{job="tsload"}[1m]))')" = 1 ] && break
	sleep 0.2
done

# 1. a paced run: 2 ingest workers (one host each, a cycle every 500 ms)
#    and one query worker, for 6 s, then 3 s of its final figures
"$TSLOAD" run -p 2 -c 1 --host-scale 2 --interval-millis 500 --duration 6 \
	--query-processes 1 --query-concurrency 1 --params random \
	--think-time-milliseconds 100 --target "sqlite:$T_TMP/m.db" \
	--metrics-port "$mport" --metrics-linger 3 --results res >run.out 2>run.err
check_eq "paced run with --metrics-port: exit 0" 0 $?
check "it said where the metrics are" grep -q "^metrics: http://127.0.0.1:$mport/metrics$" run.out
j=$(ls res/*/run.json 2>/dev/null | head -1)
check "run.json written" test -f "$j"
check_eq "Prometheus scraped tsload: target up at some point" 1 \
	"$(query "max(max_over_time(up{job=\"tsload\"}[10m]))")"

# 2. scrapes during the run: several with tsload_finished 0 and records
#    between 0 and the final count, then the final figures
samples() {
	curl -sS --noproxy '*' "$api/query" --data-urlencode "query=$1[10m]" |
		python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(" ".join(v for _, v in r[0]["values"]) if r else "")'
}
fin=$(samples tsload_finished)
echo "tsload_finished as scraped: $fin"

during=$(tr ' ' '\n' <<<"$fin" | grep -c '^0$')
after=$(tr ' ' '\n' <<<"$fin" | grep -c '^1$')
check "2+ scrapes while the run was going ($during)" test "$during" -ge 2
check "1+ scrape of the final figures ($after)" test "$after" -ge 1
total=$(jget "$j" totals records)
w1=$(jget "$j" workers 0 records)
mid=$(samples 'tsload_records_written_total{worker="1"}' | tr ' ' '\n' |
	awk -v t="$w1" '$1 > 0 && $1 < t' | wc -l)
check "scrapes saw worker 1's records growing ($mid between 0 and the end)" test "$mid" -ge 1

# 3. the last scraped totals are run.json's
check "records written = run.json totals.records ($total)" \
	test "$(last tsload_records_written_total)" = "$total"
check_eq "points written = run.json totals.points" "$(jget "$j" totals points)" \
	"$(last tsload_points_written_total)"
check_eq "ingest requests = run.json totals.attempts" "$(jget "$j" totals attempts)" \
	"$(last 'tsload_requests_total{role="ingest"}')"
check_eq "ingest errors = run.json totals.failed" "$(jget "$j" totals failed)" \
	"$(last 'tsload_request_errors_total{role="ingest"}')"
check_eq "write latency histogram count = run.json latency_hist.count" \
	"$(jget "$j" totals latency_hist count)" \
	"$(last 'tsload_request_duration_seconds_count{role="ingest"}')"
check_eq "write latency +Inf bucket = the count" \
	"$(jget "$j" totals latency_hist count)" \
	"$(last 'tsload_request_duration_seconds_bucket{role="ingest",le="+Inf"}')"
check_eq "queries = run.json queries.totals.attempts" \
	"$(jget "$j" queries totals attempts)" "$(last 'tsload_requests_total{role="query"}')"
check_eq "query rows = run.json queries.totals.records" \
	"$(jget "$j" queries totals records)" "$(last 'tsload_rows_read_total{role="query"}')"
check_eq "query latency histogram count = run.json" \
	"$(jget "$j" queries totals latency_hist count)" \
	"$(last 'tsload_request_duration_seconds_count{role="query"}')"
for w in 1 2; do
	check_eq "ingest worker $w: records = run.json workers[$((w - 1))]" \
		"$(jget "$j" workers $((w - 1)) records)" \
		"$(last "tsload_records_written_total{worker=\"$w\",role=\"ingest\"}")"
done
check_eq "two ingest series, one query series of requests" 3 \
	"$(query 'count(last_over_time(tsload_requests_total[10m]))')"
check_eq "the target label is the URL" 3 \
	"$(query "count(last_over_time(tsload_requests_total{target=\"sqlite:$T_TMP/m.db\"}[10m]))")"
check "the run's figures were not 0" test "$total" -gt 0
finish
