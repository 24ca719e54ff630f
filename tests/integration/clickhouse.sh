#!/usr/bin/env bash
# The clickhouse:// target against a real ClickHouse server, started on a
# free loopback port by scripts/ch-local.sh (installed first if missing):
# rows in the table = records written in both layouts, the six queries
# in both layouts, a cluster URL with a dead host, user and password,
# cleanup, and the one-line reasons of the failures.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1
qdir=$src/configs/queries

chdir=$T_TMP/ch
start_server ch-local.sh "$chdir"
churl=$SRV_URL chpid=$SRV_PID
check "server started (${churl:-none}, pid ${chpid:-none})" test -n "$chpid"
[ -n "$chpid" ] || { finish; exit 1; }
port=${churl##*:}
ch() { curl -sS --noproxy '*' "http://127.0.0.1:$port/" --data-binary "$1"; }
# a port nobody listens on
dead=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# 1. ingest, single and multi-measure: every record is a row. Each INSERT
#    makes a MergeTree part (~0.1 s here), so batches are large enough
#    for the first 5 s cycle (26000 records) to land on a busy machine.
for layout in single multi; do
	flag=
	[ $layout = multi ] && flag=--multi
	"$TSLOAD" ingest -q -p 2 -c 2 --host-scale 1 --duration 5 --batch-writes \
		--batch-size 5000 $flag \
		--target "clickhouse://127.0.0.1:$port/?db=tsl_$layout" \
		--results "$T_TMP/results" >"in-$layout.out" 2>"in-$layout.err"
	check_eq "ingest $layout: exit 0" 0 $?
	check "ingest $layout: nothing on stderr" test ! -s "in-$layout.err"
	n=$(records_written "in-$layout.out")
	check "ingest $layout: records written (${n:-none})" test "${n:-0}" -gt 0
	check_eq "ingest $layout: rows in ClickHouse = Records written" "$n" \
		"$(ch "SELECT count() FROM tsl_$layout.host_metrics")"
done
grep -h 'Records/sec' in-single.out in-multi.out
check_eq "single layout: 24 measure names (memory_free is both kinds')" 24 \
	"$(ch "SELECT uniqExact(measure_name) FROM tsl_single.host_metrics")"
check_eq "multi layout: measure_name metrics and events" \
	"$(ch "SELECT arrayStringConcat(groupUniqArray(measure_name), ',') FROM (SELECT measure_name FROM tsl_multi.host_metrics ORDER BY measure_name)" | tr , '\n' | sort | tr '\n' ,)" \
	"events,metrics,"
check_eq "multi layout: events rows carry gc_pause and memory_free" 0 \
	"$(ch "SELECT count() FROM tsl_multi.host_metrics WHERE measure_name = 'events' AND (gc_pause IS NULL OR memory_free IS NULL OR cpu_user IS NOT NULL)")"

# 2. the six queries in both layouts; --seed fixes the picks so each
#    query runs at least once
cat >even.ini <<'EOF'
[default]
query_mode = regular
repetitions = 12
retries = 2

[query_distribution]
do-q1 = 16.5
do-q2 = 16.5
do-q3 = 16.5
do-q4 = 16.5
do-q5 = 17
do-q6 = 17
EOF
for layout in single multi; do
	flag=
	[ $layout = multi ] && flag=--multi
	"$TSLOAD" query --config even.ini -p 2 -c 2 --repetitions 12 --seed 3 $flag \
		--think-time-milliseconds 0 --queries-dir "$qdir" \
		--target "clickhouse://127.0.0.1:$port/?db=tsl_$layout" -l "$T_TMP/logs-$layout" \
		--run-prefix exp --results "$T_TMP/results" >"q-$layout.out" 2>"q-$layout.err"
	check_eq "query $layout: exit 0" 0 $?
	check "query $layout: nothing on stderr" test ! -s "q-$layout.err"
	logs=$T_TMP/logs-$layout
	check_eq "query $layout: 48 executions logged" 48 "$(cat "$logs"/exp-*-[12]-[12]/do-q*.log | grep -c '^\[')"
	check "query $layout: every execution returned rows" \
		no_line 24 'Rows: 0$' "$logs"/exp-*-[12]-[12]/do-q*.log
	check "query $layout: all 32 .err files are empty" empty_files 32 "$logs"/exp-*-[12]-[12]/*.err
	check "query $layout: ClickHouse query ids in the logs" \
		grep -q 'QueryId: tsload-[0-9a-f]*-1-1-[0-9]*\.' "$(ls "$logs"/exp-*-1-1/do-q*.log | head -1)"
	check "query $layout: begin count is a positive number" \
		grep -qE '^0 +[1-9][0-9]*$' <(tail -1 "$(ls -d "$logs"/exp-*-1-1)/numDatapoints-begin-result.txt")
	merged=$(sed -n 's/.*merged summary: //p' "q-$layout.out")
	for q in 1 2 3 4 5 6; do
		row=$(awk -F', ' -v q="do-q$q" '$1 == q { print $2 "/" $3 }' "$merged")
		check "query $layout: do-q$q all succeeded (${row:-none})" \
			test -n "$row" -a "${row%/*}" = "${row#*/}" -a "${row#*/}" != 0
	done
	check "query $layout: do-q1 text uses the table's host" \
		grep -q "microservice_name = '" "$(ls -d "$logs"/exp-*-1-1)/do-q1.sql"
done

# 3. a cluster URL with a dead first host: set-up, writes and queries move
#    on to the live one
"$TSLOAD" ingest -q -p 1 -c 2 --host-scale 1 --duration 3 --batch-writes \
	--target "clickhouse://127.0.0.1:$dead,127.0.0.1:$port/?db=tsl_cluster" \
	--results "$T_TMP/results" >cl.out 2>cl.err
check_eq "cluster with a dead host: exit 0" 0 $?
check_eq "cluster with a dead host: every record arrived" "$(records_written cl.out)" \
	"$(ch "SELECT count() FROM tsl_cluster.host_metrics")"

# 4. user and password from the URL; gzip bodies
"$TSLOAD" ingest -q -p 1 -c 1 --host-scale 1 --duration 2 --batch-writes \
	--target "clickhouse://127.0.0.1:$port/?db=tsl_user&user=tsload&password=tsload&gzip=1" \
	--results "$T_TMP/results" >user.out 2>&1
check_eq "user, password and gzip: exit 0" 0 $?
check_eq "user, password and gzip: rows = Records written" "$(records_written user.out)" \
	"$(ch "SELECT count() FROM tsl_user.host_metrics")"
err=$("$TSLOAD" ingest -q --host-scale 1 --duration 2 \
	--target "clickhouse://127.0.0.1:$port/?db=tsl_user&user=tsload&password=wrong" \
	--results "$T_TMP/results" 2>&1 >/dev/null)
check_eq "wrong password: exit 1" 1 $?
check_eq "wrong password: one line" 1 "$(printf '%s\n' "$err" | wc -l)"
check "wrong password: ClickHouse's reason" grep -qi "password" <<<"$err"

# 5. failures: refused connection, missing table, bad URLs
err=$("$TSLOAD" ingest -q --host-scale 1 --duration 2 \
	--target "clickhouse://127.0.0.1:$dead/?db=x" --results "$T_TMP/results" 2>&1 >/dev/null)
check_eq "refused connection: exit 1" 1 $?
check_eq "refused connection: one line" 1 "$(printf '%s\n' "$err" | wc -l)"
check "refused connection: says so" grep -q "127.0.0.1:$dead.*connect" <<<"$err"
err=$("$TSLOAD" query --config even.ini --think-time-milliseconds 0 --queries-dir "$qdir" \
	--target "clickhouse://127.0.0.1:$port/?db=tsl_single" -t nosuch \
	-l "$T_TMP/logs-x" --results "$T_TMP/results" 2>&1 >/dev/null)
check_eq "query on a missing table: exit 1" 1 $?
check "query on a missing table: ClickHouse's first line" \
	grep -qE "Code: 60.*nosuch" <<<"$err"
check "query on a missing table: no e.what() noise" not grep -q "e.what()" <<<"$err"
# an exception after the first rows (status 200, the message last): a
# failure with ClickHouse's line, not a success
mkdir -p late/clickhouse
cp "$qdir"/clickhouse/{count,params}.sql late/clickhouse/
printf '\nSELECT number, throwIf(number = 200000) AS x FROM system.numbers LIMIT 300000\n' \
	>late/clickhouse/do-q1.sql
printf '[default]\nrepetitions = 1\n[query_distribution]\ndo-q1 = 100\n' >one.ini
err=$("$TSLOAD" query --config one.ini --fixed-params --think-time-milliseconds 0 --queries-dir late \
	--target "clickhouse://127.0.0.1:$port/?db=tsl_single" -l "$T_TMP/logs-late" \
	--results "$T_TMP/results" 2>&1 >/dev/null)
check_eq "late exception: exit 1" 1 $?
check "late exception: counted as failed" grep -q 'Rows: None$' "$T_TMP"/logs-late/*-1-1/do-q1.log
check "late exception: ClickHouse's line in .err" \
	grep -q "Code: 395: .*throwIf" "$T_TMP"/logs-late/*-1-1/do-q1.err
for c in "clickhouse://127.0.0.1:99999/?db=x|port must be 1..65535" \
	"clickhouse://127.0.0.1/?db=x&bogus=1|unknown parameter \"bogus\"" \
	"clickhouse://127.0.0.1/?db=a\`b|invalid database name" \
	"clickhouse://127.0.0.1/?db=x&gzip=2|gzip: invalid value \"2\""; do
	IFS='|' read -r url pat <<<"$c"
	err=$("$TSLOAD" ingest --duration 1 --target "$url" 2>&1 >/dev/null)
	check_eq "bad URL $url: exit 2" 2 $?
	check "bad URL $url: names the problem" grep -q -- "$pat" <<<"$err"
done

# 6. cleanup drops the tables, and the databases left empty
for db in tsl_single tsl_multi tsl_cluster tsl_user; do
	"$TSLOAD" cleanup --target "clickhouse://127.0.0.1:$port/?db=$db" >cleanup.out 2>&1
	check_eq "cleanup $db: exit 0" 0 $?
done
check "cleanup: names the table and its rows before the drop" \
	grep -q "^dropping table tsl_user\.[a-z_]* ([0-9]* rows) of http://127\.0\.0\.1:$port \.\.\.$" cleanup.out
check_eq "cleanup: no tables left" 0 \
	"$(ch "SELECT count() FROM system.tables WHERE database LIKE 'tsl\\_%'")"
check_eq "cleanup: no databases left" 0 \
	"$(ch "SELECT count() FROM system.databases WHERE name LIKE 'tsl\\_%'")"
"$TSLOAD" cleanup --target "clickhouse://127.0.0.1:$port/?db=tsl_single" >cleanup.out 2>&1
check_eq "cleanup of what is gone: exit 0" 0 $?
check "cleanup of what is gone: says so" \
	grep -q '^nothing to drop: table tsl_single\.host_metrics does not exist on clickhouse://' cleanup.out
finish
