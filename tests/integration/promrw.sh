#!/usr/bin/env bash
# Integration: Prometheus remote write. tsload's promrw:// against Debian's
# prometheus 2.42 (scripts/prom-local.sh) and VictoriaMetrics (promrw://
# and vm://?protocol=rw), each started here on a free loopback port and
# stopped by PID: the server holds exactly the samples tsload says it
# wrote, read back through its HTTP API; the promql templates return rows;
# and, against tests/tools/rwfake.py, a refused connection, a 400, a 500
# and a 429 are counted as they should be.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1
start_local prom-local.sh "$T_TMP/prom" promrw -/ready
url=$SRV_URL http=$SRV_HTTP

# query PROMQL at the HTTP API URL $2: the value of its one sample
value() {
	curl -sS "$2/api/v1/query" --data-urlencode "query=$1" |
		sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p'
}
# samples of label db=$1 held by the server at $2 (default Prometheus):
# count_over_time per metric name (Prometheus 2.42 refuses one
# count_over_time over several names: equal label sets once the name
# is dropped), added up
held() {
	local base=${2:-$http} n t=0
	for n in $(curl -sS -G "$base/api/v1/label/__name__/values" \
		--data-urlencode "match[]={db=\"$1\"}" | grep -o '"[a-z_]*"' | tr -d '"' |
		grep -v '^data$\|^status$\|^success$'); do
		t=$((t + $(value "sum(count_over_time($n{db=\"$1\"}[1d]))" "$base")))
	done
	echo "$t"
}
# Prometheus' own count of the float samples it appended
appended() {
	curl -sS "$http/metrics" |
		sed -n 's/^prometheus_tsdb_head_samples_appended_total{type="float"} //p'
}

# 1. single-measure layout, 2 workers x 2 threads
a0=$(appended)
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 5 -d psingle \
	--target "$url" --results "$T_TMP/results" >single.out 2>single.err
check_eq "ingest (single): exit 0" 0 $?
w=$(points_written single.out)
check "ingest (single): wrote points" test "${w:-0}" -gt 0
check_eq "ingest (single): records = data points" "$w" "$(records_written single.out)"
check "no failed writes, nothing rejected" grep -q 'Failed writes: 0\. Rejected records: 0' single.out
check_eq "Prometheus appended the samples written (/metrics)" "$w" "$(($(appended) - a0))"
check_eq "Prometheus holds the samples written (count_over_time)" "$w" "$(held psingle)"
check "series are named kind_measure, with a db label" \
	bash -c "curl -sS '$http/api/v1/series' --data-urlencode 'match[]=metrics_cpu_user{db=\"psingle\"}' | grep -q '\"instance_name\"'"

# 2. multi-measure layout, batches cut into requests of 500 samples
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 5 --multi --batch-writes \
	--batch-size 2000 -d pmulti --target "$url/api/v1/write?max_samples=500&max_bytes=64k" \
	--results "$T_TMP/results" >multi.out 2>multi.err
check_eq "ingest (multi, max_samples=500): exit 0" 0 $?
w=$(points_written multi.out)
check "ingest (multi): fewer records than points" test "$(records_written multi.out)" -lt "$w"
check_eq "Prometheus holds the samples written (multi)" "$w" "$(held pmulti)"

# 3. every promql query against Prometheus; the end 400 s ahead so that
# do-q5's 5-minute subquery steps cover the few seconds of data
query_ini 20 1 2 3 4 5
end=$(($(date +%s) + 400))
check_queries "query (Prometheus)" prom --target "$url" -d psingle --query-end-time "$end"
check_eq "count query: the samples of the last 15 minutes" "$(held psingle)" "$(query_count prom)"
check_query_rows "query (multi)" promm --repetitions 5 --multi --target "$url" -d pmulti \
	--query-end-time "$end"

# 4. Prometheus' quirks: a sample more than 1 h older than the head's
# newest is refused (400 out of bounds), the whole request with it; the
# run counts it as rejected with the server's message, not as failed
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --autostop 1 --interval-millis 0 \
	--start-time now-3h -d pold --target "$url" --results "$T_TMP/results" >old.out 2>old.err
rc=$?
check "old samples: not a failed run ($rc)" test "$rc" -ne 1 -o "$(failed_writes old.out)" = 0
check_eq "old samples: nothing failed" 0 "$(failed_writes old.out)"
check_eq "old samples: every record rejected" 26000 "$(closing_number 'Rejected records' old.out)"
check "... with the server's reason" grep -q 'HTTP 400: out of bounds' old.err
check_eq "... and none held" 0 "$(held pold)"

# 5. VictoriaMetrics, through promrw:// and vm://?protocol=rw
start_more vm-local.sh "$T_TMP/vm"
vport=$(cat "$T_TMP/vm/port")
vhttp=http://127.0.0.1:$vport
# VM's count, once it reaches $2 (VM makes rows searchable about a
# second after it takes them)
vheld_when() {
	local i n
	for i in $(seq 1 150); do
		curl -sS -XPOST "$vhttp/internal/force_flush" >/dev/null
		n=$(value "sum(count_over_time({db=\"$1\"}[1d]))" "$vhttp")
		[ "$n" = "$2" ] && break
		sleep 0.2
	done
	echo "$n"
}
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 4 -d vprw \
	--target "promrw://127.0.0.1:$vport/api/v1/write" --results "$T_TMP/results" >vp.out 2>vp.err
check_eq "promrw:// to VictoriaMetrics: exit 0" 0 $?
w=$(points_written vp.out)
check_eq "VictoriaMetrics holds the samples written (promrw://)" "$w" "$(vheld_when vprw "$w")"
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 4 --multi --batch-writes \
	--target "vm://127.0.0.1:$vport/?protocol=rw&db=vrw" --results "$T_TMP/results" >vr.out 2>vr.err
check_eq "vm://?protocol=rw: exit 0" 0 $?
w=$(points_written vr.out)
check_eq "VictoriaMetrics holds the samples written (vm://?protocol=rw)" "$w" "$(vheld_when vrw "$w")"
check_query_rows "promql queries against VictoriaMetrics" vmp --repetitions 5 \
	--target "promrw://127.0.0.1:$vport" -d vprw --query-end-time "$end"
check_query_rows "metricsql queries on what vm://?protocol=rw wrote" vmr --repetitions 5 \
	--target "vm://127.0.0.1:$vport/?protocol=rw&db=vrw" --multi --query-end-time "$end"

# 6. a refused connection: one line naming the URL, exit 1
dead=$(free_port)
check_refused "connection refused" "promrw://127.0.0.1:$dead" \
	"promrw http://127.0.0.1:$dead/api/v1/write: .*onnect"

# 7. the fake receiver: 400, 500, 429, and the required headers
fake() {
	mkdir -p "$T_TMP/fake-$1"
	python3 "$src/tests/tools/rwfake.py" "$T_TMP/fake-$1" "$1" &
	fpid=$!
	for _ in $(seq 1 100); do [ -s "$T_TMP/fake-$1/port" ] && break; sleep 0.05; done
	fport=$(cat "$T_TMP/fake-$1/port")
}
fake_stop() { kill "$fpid"; wait "$fpid" 2>/dev/null; }
# one cycle of one thread in 4 batches of 6500 records: 26000
one=(-p 1 -c 1 --host-scale 1 --autostop 1 --interval-millis 0 --batch-writes --batch-size 6500)

fake 400
"$TSLOAD" ingest "${one[@]}" --target "promrw://127.0.0.1:$fport" --results "$T_TMP/results" >f400.out 2>f400.err
rc=$?
fake_stop
check_eq "400: nothing written" 0 "$(records_written f400.out)"
check_eq "400: every record rejected" 26000 "$(closing_number 'Rejected records' f400.out)"
check_eq "400: no failed writes, no retries" "0 0" "$(failed_writes f400.out) $(throttled_retries f400.out)"
check "400: the server's message kept" grep -q 'HTTP 400: out of order sample' f400.err
check_eq "400: each body sent once (4, and the setup's empty one)" "4" "$(grep -c 400 "$T_TMP/fake-400/count")"
check "400: exit 0 or 1, not a crash ($rc)" test "$rc" -le 1

fake 500
"$TSLOAD" ingest "${one[@]}" --max-retries 2 --target "promrw://127.0.0.1:$fport" --results "$T_TMP/results" >f500.out 2>f500.err
check_eq "500: exit 1" 1 $?
fake_stop
check_eq "500: every batch failed after its retries" "0 4" "$(records_written f500.out) $(failed_writes f500.out)"
check_eq "500: each batch sent 3 times" 12 "$(grep -c 500 "$T_TMP/fake-500/count")"
check "500: the server's message kept" grep -q 'gave up after 2 retries of a busy or throttled target: promrw http://127.0.0.1:[0-9]*/api/v1/write: HTTP 500: internal error' f500.err

fake 429:3
"$TSLOAD" ingest "${one[@]}" --target "promrw://127.0.0.1:$fport" --results "$T_TMP/results" >f429.out 2>f429.err
check_eq "429 three times: exit 0" 0 $?
fake_stop
check_eq "429: every record written" 26000 "$(records_written f429.out)"
check_eq "429: retried 3 times, nothing failed or rejected" "3 0 0" \
	"$(throttled_retries f429.out) $(failed_writes f429.out) $(closing_number 'Rejected records' f429.out)"
check_eq "429: the headers were there (no 415)" 0 "$(grep -c 415 "$T_TMP/fake-429:3/count")"
check_eq "429: 3 refused, then the 4 bodies and the setup's" "3 5" \
	"$(grep -c 429 "$T_TMP/fake-429:3/count") $(grep -c 204 "$T_TMP/fake-429:3/count")"
finish
