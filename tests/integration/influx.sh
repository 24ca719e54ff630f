#!/usr/bin/env bash
# Integration: tsload against InfluxDB 1.x (Debian influxdb), started here
# on a free loopback port by scripts/influx-local.sh and stopped by PID.
# Ingest in both layouts (and gzip, and a cluster URL with a dead host):
# the server holds exactly the data points tsload says it wrote; every
# InfluxQL query runs and returns rows; cleanup drops the database;
# failures exit 1 with one line.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1
srv=$T_TMP/influx
start_local influx-local.sh "$srv" influx ping
url=$SRV_URL port=$SRV_PORT http=$SRV_HTTP

# points the server holds in db $1: the sum of count(*) over every field
held() {
	curl -sS -G "$http/query" --data-urlencode "db=$1" --data-urlencode epoch=ms \
		--data-urlencode 'q=SELECT count(*) FROM metrics, events' |
		grep -o '"values":\[\[[^]]*' | sed 's/.*\[\[//' |
		awk -F, '{ for (i = 2; i <= NF; i++) if ($i != "null") s += $i } END { print s + 0 }'
}
# the same once it reaches $2, or after 30 s: a restarted server may
# still be loading its WAL when the run ends
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
	--target "$url/?db=itest" --results "$T_TMP/results" >single.out 2>single.err
check_eq "ingest (single): exit 0" 0 $?
w=$(points_written single.out)
check "ingest (single): wrote points" test "${w:-0}" -gt 0
check_eq "ingest (single): records = data points" "$w" "$(records_written single.out)"
check_eq "server holds the data points written (single)" "$w" "$(held itest)"
check "no failed writes" grep -q 'Failed writes: 0\. Rejected records: 0' single.out

# 2. multi-measure layout, batches, gzip bodies: same points per sample
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 5 --multi --batch-writes \
	--target "$url/?db=imulti&gzip=1" --results "$T_TMP/results" >multi.out 2>multi.err
check_eq "ingest (multi, gzip): exit 0" 0 $?
w=$(points_written multi.out)
check "ingest (multi): fewer records than points" test "$(records_written multi.out)" -lt "$w"
check_eq "server holds the data points written (multi)" "$w" "$(held imulti)"

# 3. a cluster URL with a host that is down: the rest carry on. Bodies
# of at most 4 KiB: each batch of 1000 records goes out in many parts.
dead=$(free_port)
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 3 --batch-writes \
	--batch-size 1000 \
	--target "influx://127.0.0.1:$dead,127.0.0.1:$port/?db=icluster&max_body=4096" \
	--results "$T_TMP/results" >cluster.out 2>cluster.err
check_eq "ingest with a dead host in the cluster: exit 0" 0 $?
check_eq "every point reached the live host" "$(points_written cluster.out)" "$(held icluster)"

# 4. every InfluxQL query, both layouts, parameters from the data
query_ini 60 1 2 4 6
check_queries query ix --target "$url/?db=itest"
check_eq "count query: the points of the last 15 minutes" "$(held itest)" "$(query_count ix)"
check_query_rows "query (multi)" ixm --repetitions 8 --multi --target "$url/?db=imulti"
printf '[default]\nrepetitions = 1\n[query_distribution]\ndo-q3 = 100\n' >q3.ini
"$TSLOAD" query --config q3.ini --target "$url/?db=itest" \
	--queries-dir "$src/configs/queries" -l "$T_TMP/logs" >q3.out 2>q3.err
check_eq "a query InfluxQL cannot express: exit 2" 2 $?
check "... saying so in one line" \
	test "$(grep -c 'do-q3 has no influxql version' q3.err)" = 1

# 5. cleanup drops the database
"$TSLOAD" cleanup --target "$url/?db=itest" >clean.out 2>&1
check_eq "cleanup: exit 0" 0 $?
dbs=$(curl -sS -G "$http/query" --data-urlencode 'q=SHOW DATABASES')
check "the database is gone" absent_from '"itest"' "$dbs"
check "the others are still there" grep -q '"imulti"' <<<"$dbs"
check "cleanup: names the database before dropping it" \
	grep -q "^dropping database itest of http://127.0.0.1:$port \.\.\.$" clean.out
"$TSLOAD" cleanup --target "$url/?db=itest" >clean2.out 2>&1
check_eq "cleanup of a missing database: exit 0" 0 $?
check_eq "cleanup of a missing database: says so" \
	"nothing to drop: database itest does not exist on http://127.0.0.1:$port" "$(cat clean2.out)"

# 6. failures: one line, exit 1, no crash
check_refused "connection refused" "influx://127.0.0.1:$dead/?db=x" \
	"influx http://127.0.0.1:$dead/query: .*onnect"
"$TSLOAD" query --config all.ini --target "influx://127.0.0.1:$dead/?db=x" \
	--queries-dir "$src/configs/queries" -l "$T_TMP/logs" \
	--results "$T_TMP/results" >qrefused.out 2>qrefused.err
check_eq "query, connection refused: exit 1" 1 $?
"$TSLOAD" cleanup --target "influx://127.0.0.1:$dead" >crefused.out 2>&1
check_eq "cleanup, connection refused: exit 1" 1 $?
"$TSLOAD" ingest --duration 1 --target "influx://127.0.0.1:$port/?db=bad%20name" \
	>badurl.out 2>&1
check_eq "a bad database name: exit 2" 2 $?
"$TSLOAD" ingest --duration 1 --target "influx://127.0.0.1:$port/?gzip=2" >badgz.out 2>&1
check_eq "gzip=2: exit 2" 2 $?
check "the server is still up" curl -sf -o /dev/null "$http/ping"
# "INJECTED REJECTED" of the closing line of --bad-data
bad_counts() { sed -n 's/^Bad records injected (--bad-data): \([0-9]*\); rejected by the target: \([0-9]*\)$/\1 \2/p' "$1"; }

# --bad-data: InfluxDB refuses each injected line (no measurement, or a
# timestamp beyond int64: "unable to parse"); tsload counts exactly those
# as rejected, and the server holds every other point. 2200 records a
# cycle x 3 cycles, 5 %: 330 +- 89 (5 sd) injected.
"$TSLOAD" ingest -c 2 --host-scale 1 --multi --bad-data 5 --interval-millis 1000 \
	--start-time 2021-05-06T11:00:00Z --end-time 2021-05-06T11:00:03Z \
	--target "$url/?db=ibad" --results "$T_TMP/results" >bad.out 2>bad.err
check_eq "--bad-data 5: exit 0" 0 $?
read -r inj rej <<<"$(bad_counts bad.out)"
check "--bad-data 5: ${inj:-0} injected of 6600, within 330 +- 89" test "${inj:-0}" -ge 241 -a "${inj:-0}" -le 419
check_eq "--bad-data: rejected = injected" "$inj" "$rej"
check_eq "--bad-data: the closing line's Rejected records" "$inj" "$(closing_number 'Rejected records' bad.out)"
check_eq "--bad-data: written + rejected = every record" 6600 "$(($(records_written bad.out) + ${rej:-0}))"
check_eq "--bad-data: the server holds every point written" "$(points_written bad.out)" "$(held ibad)"
check "--bad-data: run.json says injected" grep -q "\"injected\": *$inj" "$(ls -t "$T_TMP"/results/*/run.json | head -1)"

# --spool-dir: the server killed by its PID mid-run (SIGKILL, a crash:
# InfluxDB syncs its WAL before it answers a write, so what it
# acknowledged survives) and started again on its port and data 5 s
# later. The batches of the gap go to the spool and are sent once it
# answers again: it ends holding exactly the points tsload says it wrote,
# and nothing generated is missing (run.json: generated = records
# written, none lost).
(
	sleep 3
	pid=$(cat "$srv/influxd.pid")
	kill -9 "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
	sleep 5
	INFLUX_PORT=$port bash "$src/scripts/influx-local.sh" start "$srv" >/dev/null
) &
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 14 --interval-millis 1000 \
	--batch-writes --target "$url/?db=ispool" --spool-dir "$T_TMP/spool" \
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
check_eq "spool, server restarted: the server holds the points written" "$w" "$(held_when ispool "$w")"
check "the restarted server is up" curl -sf -o /dev/null "$http/ping"
finish
