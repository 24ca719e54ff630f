#!/usr/bin/env bash
# Integration: tsload against VictoriaMetrics (Debian victoria-metrics),
# started here on a free loopback port by scripts/vm-local.sh and stopped
# by PID. Ingest in both layouts: the server holds exactly the data points
# tsload says it wrote; every PromQL query runs and returns rows; cleanup
# deletes the run's series; failures exit 1 with one line.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1
srv=$T_TMP/vm
start_local vm-local.sh "$srv" vm health
url=$SRV_URL port=$SRV_PORT http=$SRV_HTTP

# samples the server holds with label db=$1
held() {
	curl -sS -XPOST "$http/internal/force_flush" >/dev/null
	curl -sS "$http/api/v1/query" --data-urlencode "query=sum(count_over_time({db=\"$1\"}[1h]))" |
		sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p'
}
# the same once it reaches $2, or after 30 s: VM buffers incoming rows
# for about a second before they can be searched (longer on a loaded
# machine, and just after a restart)
held_when() {
	local i n
	for i in $(seq 1 150); do
		n=$(held "$1")
		[ "$n" = "$2" ] && break
		sleep 0.2
	done
	echo "$n"
}

# 1. single-measure layout, 2 workers x 2 threads
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 5 \
	--target "$url/?db=vtest" --results "$T_TMP/results" >single.out 2>single.err
check_eq "ingest (single): exit 0" 0 $?
w=$(points_written single.out)
check "ingest (single): wrote points" test "${w:-0}" -gt 0
check_eq "ingest (single): records = data points" "$w" "$(records_written single.out)"
check_eq "server holds the data points written (single)" "$w" "$(held_when vtest "$w")"
check "no failed writes" grep -q 'Failed writes: 0\. Rejected records: 0' single.out
check "series are named measurement_field" \
	bash -c "curl -sS '$http/api/v1/label/__name__/values' | grep -q metrics_cpu_user"

# 2. multi-measure layout, batches, gzip: -d names the db label
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 5 --multi --batch-writes \
	-d vmulti --target "$url/?gzip=1" --results "$T_TMP/results" >multi.out 2>multi.err
check_eq "ingest (multi, gzip): exit 0" 0 $?
w=$(points_written multi.out)
check "ingest (multi): fewer records than points" test "$(records_written multi.out)" -lt "$w"
check_eq "server holds the data points written (multi)" "$w" "$(held_when vmulti "$w")"

# 3. every PromQL query. The end is 400 s ahead so that do-q5's
# 5-minute subquery steps cover the few seconds of data.
query_ini 60 1 2 3 4 5
end=$(($(date +%s) + 400))
check_queries query vm --target "$url/?db=vtest" --query-end-time "$end"
check_eq "count query: the points of the last 15 minutes" "$(held vtest)" "$(query_count vm)"
check_query_rows "query (multi)" vmm --repetitions 10 --multi --target "$url" -d vmulti \
	--query-end-time "$end"
printf '[default]\nrepetitions = 1\n[query_distribution]\ndo-q6 = 100\n' >q6.ini
"$TSLOAD" query --config q6.ini --target "$url/?db=vtest" \
	--queries-dir "$src/configs/queries" -l "$T_TMP/logs" >q6.out 2>q6.err
check_eq "a query PromQL cannot express: exit 2" 2 $?
check "... saying so in one line" test "$(grep -c 'do-q6 has no metricsql version' q6.err)" = 1

# 4. cleanup deletes the series of one db label only
"$TSLOAD" cleanup --target "$url/?db=vtest" >clean.out 2>&1
check_eq "cleanup: exit 0" 0 $?
check_eq "its series are gone" "" "$(held vtest)"
check "the other db's are still there" test "$(held vmulti)" -gt 0

# 5. failures: one line, exit 1, no crash
dead=$(free_port)
check_refused "connection refused" "vm://127.0.0.1:$dead" \
	"vm http://127.0.0.1:$dead/health: .*onnect"
"$TSLOAD" query --config all.ini --target "vm://127.0.0.1:$dead" \
	--queries-dir "$src/configs/queries" -l "$T_TMP/logs" \
	--results "$T_TMP/results" >qrefused.out 2>qrefused.err
check_eq "query, connection refused: exit 1" 1 $?
"$TSLOAD" cleanup --target "vm://127.0.0.1:$dead" >crefused.out 2>&1
check_eq "cleanup, connection refused: exit 1" 1 $?
"$TSLOAD" query --config all.ini --repetitions 2 --target "$url/?db=vtest" \
	--queries-dir "$src/configs/queries" --query-end-time yesterday \
	-l "$T_TMP/logs" --results "$T_TMP/results" >qend.out 2>qend.err
rc=$?
check "a bad query end: the run fails (exit 1)" test "$rc" = 1
check "... naming the accepted values" grep -q 'expected now or epoch seconds' qend.err
check "the server is still up" curl -sf -o /dev/null "$http/health"
# "INJECTED REJECTED" of the closing line of --bad-data
bad_counts() { sed -n 's/^Bad records injected (--bad-data): \([0-9]*\); rejected by the target: \([0-9]*\)$/\1 \2/p' "$1"; }

# --bad-data: VictoriaMetrics answers 204 and skips the injected lines (no
# measurement, or a timestamp beyond int64), counting them in
# vm_rows_invalid_total; tsload reads that counter around each injected
# batch. Recent times: VM drops samples beyond its retention.
"$TSLOAD" ingest -c 2 --host-scale 1 --multi --bad-data 5 --interval-millis 20000 \
	--start-time now-1m --end-time now \
	--target "$url/?db=vbad" --results "$T_TMP/results" >bad.out 2>bad.err
check_eq "--bad-data 5: exit 0" 0 $?
read -r inj rej <<<"$(bad_counts bad.out)"
check "--bad-data 5: ${inj:-0} injected of 6600, within 330 +- 89" test "${inj:-0}" -ge 241 -a "${inj:-0}" -le 419
check_eq "--bad-data: rejected = injected" "$inj" "$rej"
check_eq "--bad-data: written + rejected = every record" 6600 "$(($(records_written bad.out) + ${rej:-0}))"
w=$(points_written bad.out)
check_eq "--bad-data: the server holds every point written" "$w" "$(held_when vbad "$w")"

# --spool-dir: the server killed by its PID mid-run and started again on
# its port 5 s later (SIGTERM: VictoriaMetrics keeps what it
# acknowledged). The batches of the gap go to the spool and are sent once
# it answers again: it ends holding exactly the points tsload says it
# wrote, and nothing generated is missing (run.json: generated = records
# written, none lost). The count is polled: VM makes rows searchable
# about a second after it takes them.
(
	sleep 3
	pid=$(cat "$srv/victoria-metrics.pid")
	kill "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
	sleep 5
	VM_PORT=$port bash "$src/scripts/vm-local.sh" start "$srv" >/dev/null
) &
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 14 --interval-millis 1000 \
	--batch-writes --target "$url/?db=vspool" --spool-dir "$T_TMP/spool" \
	--spool-max 64M --results "$T_TMP/rspool" >spool.out 2>spool.err
rc=$?
wait
check_eq "spool, server restarted: exit 0" 0 "$rc"
kept=$(sed -n 's/^Spool: \([0-9]*\) records kept, \([0-9]*\) sent from it, \([0-9]*\) left.*/\1 \2 \3/p' spool.out)
read -r k s l <<<"${kept:-0 0 x}"
check "spool, server restarted: batches were spooled ($k records)" test "$k" -gt 0
check_eq "spool, server restarted: all of them sent, none left" "$k 0" "$s $l"
check_eq "spool, server restarted: no failed writes" 0 "$(failed_writes spool.out)"
check "spool, server restarted: generated = records written, none lost (run.json)" \
	python3 -c 'import json, sys; t = json.load(open(sys.argv[1]))["totals"]; sys.exit(not (t["generated"] == t["records"] > 0 and t["lost"] == 0))' "$(ls "$T_TMP"/rspool/*/run.json | head -1)"
w=$(points_written spool.out)
check_eq "spool, server restarted: the server holds the points written" "$w" "$(held_when vspool "$w")"
check "the restarted server is up" curl -sf -o /dev/null "$http/health"
finish
