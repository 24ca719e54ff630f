#!/usr/bin/env bash
# Integration: the postgres: target against a real PostgreSQL 15 that
# scripts/pg-local.sh starts on 127.0.0.1 (installed by install-deps.sh when
# missing; never skipped). Ingest in both layouts and with batches, every
# query of the postgres dialect, cleanup, lost connections, and the errors:
# refused connection, bad URL, missing table, no password in any output.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1
qdir=$src/configs/queries


# The server runs as the postgres user when the suite runs as root.
pgdir=$T_TMP/pg
start_server pg-local.sh "$pgdir"
check_eq "install-deps: exit 0" 0 "$SRV_DEPS"
url=$SRV_URL
check "server started on 127.0.0.1 ($url)" \
	grep -qE '^postgres://postgres@127\.0\.0\.1:[0-9]+/tsload$' <<<"$url"
port=${url##*:}
port=${port%%/*}
check "listening on 127.0.0.1 only" \
	bash -c "ss -Hltn 'sport = :$port' | awk '{print \$4}' | grep -qx '127.0.0.1:$port'"
q() { psql "$url" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
# A password in the URL: trust authentication never asks for it, so the
# runs work, and it must not show anywhere.
secret=Zq7secretPw
purl="postgres://postgres:$secret@127.0.0.1:$port/tsload"

# 1. single-measure layout, paced: every record is a row
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 5 -t single \
	--target "$purl" --results "$T_TMP/results" >out1 2>err1
check_eq "single: exit 0" 0 $?
n=$(records_written out1)
check "single: records written (${n:-0})" test "${n:-0}" -gt 0
check_eq "single: rows = Records written" "$n" "$(q 'select count(*) from single')"
check_eq "single: data points = records" "$n" "$(points_written out1)"
check_eq "single: 1000 distinct instance names" 1000 \
	"$(q 'select count(distinct instance_name) from single')"
check_eq "single: every host has its 20 metrics per cycle" 0 \
	"$(q "select count(*) from (select instance_name, time from single where process_name is null group by 1, 2 having count(*) != 20) x")"
check_eq "single: every value in its typed column" 0 \
	"$(q "select count(*) from single where (measure_name = 'task_completed') != (measure_value_bigint is not null) or (measure_name = 'task_end_state') != (measure_value_varchar is not null)")"
check "single: stderr is empty" test ! -s err1
check "single: no password on the terminal" not grep -q "$secret" out1 err1
run=$(ls -d "$T_TMP"/results/*-ingest-* | head -1)
check "single: no password in run.json" no_line 1 "$secret" "$run/run.json"
check "single: run.json names the target" grep -q "postgres://postgres:\*\*\*@127.0.0.1:$port/tsload" "$run/run.json"

# 2. multi-measure layout: one row per sample
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 5 --multi -t multi \
	--target "$url" --results "$T_TMP/results" >out2 2>err2
check_eq "multi: exit 0" 0 $?
n=$(records_written out2)
check_eq "multi: rows = Records written" "$n" "$(q 'select count(*) from multi')"
m=$(q "select count(*) from multi where measure_name = 'metrics'")
e=$(q "select count(*) from multi where measure_name = 'events'")
check_eq "multi: points = 20 x metrics rows + 5 x events rows" "$((20 * m + 5 * e))" "$(points_written out2)"
check_eq "multi: every metrics row is full" 0 \
	"$(q "select count(*) from multi where measure_name = 'metrics' and (cpu_user is null or file_descriptors_in_use is null)")"

# 3. batches, unpaced: the throughput figure, still nothing lost
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 5 --interval-millis 0 \
	--batch-writes -t batch --target "$url" --results "$T_TMP/results" >out3 2>err3
check_eq "batch: exit 0" 0 $?
n=$(records_written out3)
check_eq "batch: rows = Records written" "$n" "$(q 'select count(*) from batch')"
echo "     $(grep -o 'Records/sec: .*' out3) (postgres, -p 2 -c 2, --batch-writes)"
"$TSLOAD" cleanup -t batch --target "$url" >/dev/null 2>&1

# 4. lost connections: the server ends every tsload session twice during
#    a run; the batches are written again, none lost
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 6 --interval-millis 0 \
	--batch-writes -t lost --target "$url" --results "$T_TMP/results" >out4 2>err4 &
pid=$!
for t in 2 2; do
	sleep $t
	q "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'tsload' and pid <> pg_backend_pid()" >/dev/null
done
wait $pid
check_eq "lost connections: exit 0" 0 $?
n=$(records_written out4)
check_eq "lost connections: rows = Records written" "$n" "$(q 'select count(*) from lost')"
check "lost connections: counted as retries ($(throttled_retries out4))" test "$(throttled_retries out4)" -gt 0
check "lost connections: no failed write" grep -q 'Failed writes: 0\.' out4
"$TSLOAD" cleanup -t lost --target "$url" >/dev/null 2>&1

# 5. every query of the dialect, both layouts, on 8 one-second cycles
cat >all.ini <<'EOF'
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
	tbl=q$layout
	# One thread and a fixed seed: the same rows in the same order every
	# time, so params picks the same host (us-east-1, athena) and do-q3
	# (hosts 20 % over their cell's average) has rows every time; with
	# two writers the first row may be a us-west-1 host without any.
	"$TSLOAD" ingest -q -p 1 -c 1 --host-scale 1 --interval-millis 1000 --duration 8 \
		--seed 11 --batch-writes $flag -t $tbl --target "$url" --results "$T_TMP/results" >qi.out 2>&1
	check_eq "$layout: ingest for the queries: exit 0" 0 $?
	"$TSLOAD" query --config all.ini -p 1 -c 2 --repetitions 48 --seed 7 $flag -t $tbl \
		--think-time-milliseconds 0 --queries-dir "$qdir" --target "$purl" \
		-l "$T_TMP/logs-$layout" --run-prefix pg --results "$T_TMP/results" >q.out 2>q.err
	check_eq "$layout: query run: exit 0" 0 $?
	check "$layout: query: stderr is empty" test ! -s q.err
	check "$layout: query: no password on the terminal" not grep -q "$secret" q.out q.err
	one=$(ls -d "$T_TMP/logs-$layout"/pg-*-1-1)
	check "$layout: do-q1.sql is PostgreSQL" grep -q 'percentile_cont(0.99)' "$one/do-q1.sql"
	check "$layout: all 12 do-qN.err are empty" empty_files 12 "$T_TMP/logs-$layout"/pg-*-1-[12]/do-q*.err
	check "$layout: every execution returned rows" \
		no_line 12 'Rows: (0|None)$' "$T_TMP/logs-$layout"/pg-*/do-q*.log
	check "$layout: count query gave a number" \
		grep -qE '^0 +[1-9][0-9]*$' <(tail -1 "$one/numDatapoints-begin-result.txt")
	merged=$(merged_summary q.out)
	check_eq "$layout: merged total = all executions" 96 \
		"$(awk -F', ' 'NR > 1 { s += $2 } END { print s }' "$merged")"
	for i in 1 2 3 4 5 6; do
		ok=$(awk -F', ' -v q="do-q$i" '$1 == q && $2 == $3 { print $3 }' "$merged")
		check "$layout: do-q$i succeeded every time (${ok:-0})" test "${ok:-0}" -gt 0
	done
done

# the same for queries: a lost session is retried, not an error
"$TSLOAD" query --config all.ini -p 1 -c 2 --duration 4 --params fixed -t qsingle \
	--think-time-milliseconds 0 --queries-dir "$qdir" --target "$url" \
	-l "$T_TMP/logs-lost" --run-prefix pg --results "$T_TMP/results" >ql.out 2>ql.err &
pid=$!
sleep 2
q "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'tsload' and pid <> pg_backend_pid()" >/dev/null
wait $pid
check_eq "query, lost connections: exit 0" 0 $?
check "query, lost connections: all 12 do-qN.err are empty" \
	empty_files 12 "$T_TMP"/logs-lost/pg-*-1-[12]/do-q*.err

# 5b. the continuous model (--model continuous): --autostop 5 at
# host-scale 1 over 2 workers x 2 threads is the seed runbook's (20,200 +
# 6,060) x 5 = 131,300 rows, exactly 5 values per series, whole seconds
"$TSLOAD" ingest --model continuous -p 2 -c 2 --autostop 5 -t cont -q \
	--target "$url" --results "$T_TMP/results" >cont.out 2>cont.err
check_eq "continuous: exit 0" 0 $?
check_eq "continuous: 131,300 rows" 131300 "$(q 'select count(*) from cont')"
check_eq "continuous: Records written 131300" 131300 "$(records_written cont.out)"
cs="region, cell, silo, availability_zone, microservice_name, instance_name, instance_type, os_version, process_name, jdk_version, measure_name"
check_eq "continuous: 26,260 series" 26260 \
	"$(q "select count(*) from (select distinct $cs from cont) x")"
check_eq "continuous: every series has 5 values at 5 distinct times" 0 \
	"$(q "select count(*) from (select $cs from cont group by $cs having count(*) != 5 or count(distinct time) != 5) x")"
check_eq "continuous: whole seconds" 0 \
	"$(q "select count(*) from cont where time % 1000 != 0")"
check "continuous: stderr is empty" test ! -s cont.err

# 6. cleanup drops the table
"$TSLOAD" cleanup -t single --target "$purl" >cl.out 2>&1
check_eq "cleanup: exit 0" 0 $?
check_eq "cleanup: table gone" "" "$(q "select to_regclass('single')")"
check "cleanup: no password in its message" not grep -q "$secret" cl.out
check "cleanup: says what it drops before the drop" \
	grep -q '^dropping table single .*of database tsload \.\.\.$' cl.out
check "cleanup: then how long it took" \
	grep -qE '^cleanup of postgres://postgres:\*\*\*@.* done in [0-9.]+ s$' cl.out
"$TSLOAD" cleanup -t single --target "$url" >cl2.out 2>&1
check_eq "cleanup of a missing table: exit 0" 0 $?
check_eq "cleanup of a missing table: says so" \
	"nothing to drop: table single does not exist in database tsload" "$(cat cl2.out)"

# 7. errors: exit 1 (or 2 for usage) with one line naming the target
free=$(free_port)
"$TSLOAD" ingest -q --duration 2 --host-scale 1 \
	--target "postgres://postgres:$secret@127.0.0.1:$free/tsload" \
	--results "$T_TMP/results" >r.out 2>r.err
rc=$?
check_eq "refused connection: exit 1" 1 $rc
check_eq "refused connection: one line on stderr" 1 "$(wc -l <r.err)"
check "refused connection: names the target and the reason" \
	grep -qE '^tsload: error: .*postgres: .*127\.0\.0\.1.*'"$free"'.*Connection refused' r.err
check "refused connection: no password" not grep -q "$secret" r.out r.err
"$TSLOAD" query --config all.ini --queries-dir "$qdir" --think-time-milliseconds 0 \
	--target "postgres://127.0.0.1:$free/tsload" -l "$T_TMP/logs-r" \
	--results "$T_TMP/results" >r2.out 2>r2.err
check_eq "query on a refused connection: exit 1" 1 $?
check "query on a refused connection: says so" grep -q 'Connection refused' r2.err
"$TSLOAD" cleanup --target "postgres://127.0.0.1:$free/tsload" >r3.out 2>r3.err
check_eq "cleanup on a refused connection: exit 1" 1 $?
"$TSLOAD" ingest -q --duration 1 --target "postgres://127.0.0.1:$port/tsload?nosuch=1" >b.out 2>b.err
check_eq "unknown URL parameter: exit 2" 2 $?
check "unknown URL parameter: named" grep -q 'postgres: invalid URL: .*"nosuch"' b.err
"$TSLOAD" ingest -q --duration 1 --target "postgres:tsload" >b.out 2>b.err
check_eq "URL without //: exit 2" 2 $?
"$TSLOAD" ingest -q --duration 1 --target "postgres://postgres@127.0.0.1:$port/nosuchdb" \
	--results "$T_TMP/results" >b.out 2>b.err
check_eq "missing database: exit 1" 1 $?
check "missing database: named" grep -q 'database "nosuchdb" does not exist' b.err
"$TSLOAD" query --config all.ini --repetitions 1 --params fixed --queries-dir "$qdir" \
	--think-time-milliseconds 0 -t nosuchtable --target "$url" -l "$T_TMP/logs-m" \
	--results "$T_TMP/results" >m.out 2>m.err
check_eq "query on a missing table: exit 1" 1 $?
check "query on a missing table: the server's message" \
	grep -q 'relation "nosuchtable" does not exist' m.err
# queries go with the simple protocol, as pgbench's do: a text of two
# statements is refused, not half counted
mkdir -p two/postgres
cp "$qdir"/postgres/params.sql "$qdir"/postgres/count.sql two/postgres/
printf 'SELECT 1;\nSELECT 2\n' >two/postgres/do-q1.sql
printf '[default]\nrepetitions = 1\nretries = 0\n\n[query_distribution]\ndo-q1 = 100\n' >two.ini
"$TSLOAD" query --config two.ini --params fixed --queries-dir two -t qsingle \
	--think-time-milliseconds 0 --target "$url" -l "$T_TMP/logs-two" \
	--results "$T_TMP/results" >two.out 2>two.err
check_eq "two statements in one query text: exit 1" 1 $?
check "two statements in one query text: says so" \
	grep -q 'postgres: the query text holds more than one statement' two.err
# the environment alone: postgres: with PG* variables
PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=tsload \
	"$TSLOAD" ingest -q -p 1 -c 1 --host-scale 1 --duration 2 -t envt --target postgres: \
	--results "$T_TMP/results" >env.out 2>&1
check_eq "postgres: from PG* variables: exit 0" 0 $?
check_eq "postgres: from PG* variables: rows = Records written" \
	"$(records_written env.out)" "$(q 'select count(*) from envt')"

# 8. backfill: exactly series x cycles rows, every time in [start, end);
# and two host ranges that together are the whole model
S=1767225600000 # 2026-01-01T00:00:00Z
"$TSLOAD" ingest -q -p 2 -c 2 --host-scale 1 --batch-writes --batch-size 500 -t bfill \
	--interval-millis 15000 --start-time 2026-01-01T00:00:00Z --end-time 2026-01-01T00:01:00Z \
	--target "$url" --results "$T_TMP/results" >bf.out 2>bf.err
check_eq "backfill: exit 0" 0 $?
check_eq "backfill: 26000 series x 4 cycles, from start to the last cycle" "104000|$S|$((S + 45000))|4" \
	"$(q 'select count(*), min(time), max(time), count(distinct time) from bfill' | tr -d ' ')"
check_eq "backfill: Records written = rows" 104000 "$(records_written bf.out)"
"$TSLOAD" ingest -q -c 2 --host-scale 1 --id-end 300 -t bfill2 --interval-millis 15000 \
	--start-time -1m --end-time now --target "$url" --results "$T_TMP/results" >r1.out 2>&1
check_eq "range [0, 300): exit 0" 0 $?
"$TSLOAD" ingest -q -p 2 --host-scale 1 --id-start 300 -t bfill2 --interval-millis 15000 \
	--start-time -1m --end-time now --target "$url" --results "$T_TMP/results" >r2.out 2>&1
check_eq "range [300, 1000): exit 0" 0 $?
check_eq "ranges: 1000 hosts, none twice, all series x 4 cycles" "1000|104000" \
	"$(q 'select count(distinct instance_name), count(*) from bfill2' | tr -d ' ')"
check_eq "ranges: the same series as one full run" 0 \
	"$(q "select count(*) from (select instance_name, process_name, measure_name from bfill2 except select instance_name, process_name, measure_name from bfill) x")"

# "INJECTED REJECTED" of the closing line of --bad-data
bad_counts() { sed -n 's/^Bad records injected (--bad-data): \([0-9]*\); rejected by the target: \([0-9]*\)$/\1 \2/p' "$1"; }

# --bad-data: each injected row breaks COPY (one column 22P04, a time
# beyond bigint 22003, a time that is no number 22P02, invalid UTF-8
# 22021); COPY refuses its whole batch, so injected rows go in batches of
# their own and the target counts them as rejected. Both layouts.
for lay in single multi; do
	flag=
	[ $lay = multi ] && flag=--multi
	"$TSLOAD" ingest -c 2 --host-scale 1 $flag --bad-data 5 --interval-millis 1000 \
		--start-time 2021-05-06T11:00:00Z --end-time 2021-05-06T11:00:03Z -t bad_$lay \
		--target "$url" --results "$T_TMP/results" >bad.out 2>bad.err
	check_eq "--bad-data ($lay): exit 0" 0 $?
	read -r inj rej <<<"$(bad_counts bad.out)"
	check "--bad-data ($lay): ${inj:-0} injected, within 330 +- 89" test "${inj:-0}" -ge 241 -a "${inj:-0}" -le 419
	check_eq "--bad-data ($lay): rejected = injected" "$inj" "$rej"
	check_eq "--bad-data ($lay): rows = records written" "$(records_written bad.out)" "$(q "select count(*) from bad_$lay")"
done
# each kind alone is refused for its data (class 22), as stdout:
# writes them
"$TSLOAD" ingest --host-scale 1 --bad-data 50 --interval-millis 1000 \
	--start-time 2021-05-06T11:00:00Z --end-time 2021-05-06T11:00:01Z \
	--target 'stdout:?format=pgcopy' -q --results "$T_TMP/results" >bad.pg 2>/dev/null
for kind in '^bad-data$' '^99999999999999999999	' '^not-a-number	' $'^[0-9]*\t\xff'; do
	LC_ALL=C grep -a -m1 -E "$kind" bad.pg >one.pg
	check "pgcopy bad row /$kind/ exists" test -s one.pg
	check "pgcopy bad row /$kind/: COPY refuses it (SQLSTATE 22)" \
		bash -c "psql '$url' -Xq -v VERBOSITY=verbose -c '\\copy bad_single from one.pg' 2>&1 | grep -q 'ERROR:  22'"
done

bash "$src/scripts/pg-local.sh" stop "$pgdir"
check_eq "server stopped: exit 0" 0 $?
check "server stopped: directory removed" test ! -e "$pgdir"
check "server stopped: port closed" not bash -c "ss -Hltn 'sport = :$port' | grep -q ."

finish
