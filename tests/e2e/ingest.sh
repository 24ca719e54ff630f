#!/usr/bin/env bash
# End-to-end ingest runs: coordinator + workers over nng into the embedded
# SQLite, null and file targets; stop by --duration, by SIGINT, and a
# worker killed with SIGKILL.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

metrics="'cpu_user','cpu_system','cpu_steal','cpu_iowait','cpu_nice','cpu_hi','cpu_si','cpu_idle','memory_free','memory_used','memory_cached','disk_io_reads','disk_io_writes','latency_per_read','latency_per_write','network_bytes_in','network_bytes_out','disk_used','disk_free','file_descriptors_in_use'"

q() { sqlite3 "$1" "$2"; }
no_leftovers() {
	# no worker of this coordinator and no IPC file may survive the run
	! pgrep -f "tsload worker --connect ipc://.*tsload-$1.ipc" >/dev/null &&
		! ls "${TMPDIR:-/tmp}/tsload-$1.ipc" >/dev/null 2>&1
}

# 1. -p 2 -c 2, host-scale 1, 5 s, SQLite: every record is a row
db=$T_TMP/a.db
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 5 \
	--target "sqlite:$db" --results "$T_TMP/results" >out1 2>err1 &
pid=$!
wait $pid
rc=$?
check_eq "sqlite run exits 0" 0 "$rc"
n=$(records_written out1)
check "closing lines printed" grep -q '^Total time to ingest: .* seconds. TPS: .*, Records/sec: ' out1
check "some records written" test "${n:-0}" -gt 0
check_eq "rows in the database = Records written" "$n" "$(q "$db" 'select count(*) from host_metrics')"
check_eq "1000 distinct instance names" 1000 "$(q "$db" 'select count(distinct instance_name) from host_metrics')"
check_eq "every host has its 20 metrics in every written cycle" 0 \
	"$(q "$db" "select count(*) from (select instance_name, time, count(*) c from host_metrics where measure_name in ($metrics) and process_name is null group by 1, 2 having c != 20)")"
check_eq "every event set has its 5 events in every written cycle" 0 \
	"$(q "$db" "select count(*) from (select instance_name, process_name, time, count(*) c from host_metrics where process_name is not null group by 1, 2, 3 having c != 5)")"
check_eq "instance names carry the default prefix" 0 \
	"$(q "$db" "select count(*) from host_metrics where instance_name not like 'i-zaZswmJk-%'")"
check_eq "data points = records (single-measure)" "$n" "$(points_written out1)"
check "no worker or IPC file left behind" no_leftovers $pid
run=$(ls -d "$T_TMP"/results/*-ingest-$pid)
check "run.json written" test -s "$run/run.json"
check "run.json has the records" json_has "$run/run.json" records "$n"
check "run.json has the effective options" json_has "$run/run.json" host-scale 1
check "timeseries.csv has rows" test "$(wc -l <"$run/timeseries.csv")" -ge 4
check "live line printed" grep -q 'records/s .* write p50 .* ms  p99 .* ms' out1
check "stderr is empty" test ! -s err1

# 2. multi-measure into the same kind of table: one row per sample
db=$T_TMP/m.db
"$TSLOAD" ingest -p 2 -c 1 --host-scale 1 --duration 3 --multi --batch-writes \
	--target "sqlite:$db" --results "$T_TMP/results" >out2 2>err2
check_eq "multi run exits 0" 0 $?
n=$(records_written out2)
check_eq "multi: rows = Records written" "$n" "$(q "$db" 'select count(*) from host_metrics')"
check_eq "multi: rows are metrics or events" 0 \
	"$(q "$db" "select count(*) from host_metrics where measure_name not in ('metrics','events')")"
check_eq "multi: every metrics row is full" 0 \
	"$(q "$db" "select count(*) from host_metrics where measure_name='metrics' and (cpu_user is null or file_descriptors_in_use is null)")"
pts=$(points_written out2)
m=$(q "$db" "select count(*) from host_metrics where measure_name='metrics'")
e=$(q "$db" "select count(*) from host_metrics where measure_name='events'")
check_eq "multi: points = 20 x metrics rows + 5 x events rows" "$((20 * m + 5 * e))" "$pts"

# 3. SIGINT in the middle of an unpaced run
db=$T_TMP/i.db
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --interval-millis 0 \
	--target "sqlite:$db" --results "$T_TMP/results" >out3 2>err3 &
pid=$!
sleep 3
kill -INT $pid
start=$(date +%s)
wait $pid
rc=$?
check_eq "SIGINT: exit 0" 0 "$rc"
check "SIGINT: stopped within 15 s" test $(($(date +%s) - start)) -le 15
n=$(records_written out3)
check "SIGINT: records written" test "${n:-0}" -gt 0
check_eq "SIGINT: rows = Records written (nothing lost)" "$n" "$(q "$db" 'select count(*) from host_metrics')"
check "SIGINT: no worker or IPC file left behind" no_leftovers $pid

# 4. a worker killed with SIGKILL: reported, exit 1, no hang
"$TSLOAD" ingest -p 2 -c 1 --host-scale 1 --duration 120 --target null: \
	--results "$T_TMP/results" >out4 2>err4 &
pid=$!
for _ in $(seq 50); do
	victim=$(pgrep -P $pid | head -1)
	[ -n "$victim" ] && grep -q 'records/s' out4 && break
	sleep 0.2
done
kill -9 "$victim"
start=$(date +%s)
wait $pid
rc=$?
check_eq "killed worker: exit 1" 1 "$rc"
check "killed worker: finished within 30 s" test $(($(date +%s) - start)) -le 30
check "killed worker: reported" grep -q "worker [12] (pid $victim) was killed by signal 9" err4
check "killed worker: closing lines still printed" grep -q '^\[OVERALL\]' out4
check "killed worker: no process left" no_leftovers $pid

# 5. file target: one line per record in every format and layout
for fmt in lp json csv; do
	for multi in "" --multi; do
		f=$T_TMP/out-$fmt$multi.txt
		"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 2 $multi \
			--target "file:$f?format=$fmt" --results "$T_TMP/results" >out5 2>&1
		rc=$?
		n=$(records_written out5)
		lines=$(wc -l <"$f")
		[ "$fmt" = csv ] && lines=$((lines - 1))
		check_eq "file $fmt$multi: exit 0" 0 "$rc"
		check_eq "file $fmt$multi: lines = Records written" "$n" "$lines"
	done
done
check "lp lines look like line protocol" grep -qE '^metrics,region=[^ ]+ cpu_user=[0-9.e+-]+ [0-9]{19}$' "$T_TMP/out-lp.txt"
check "json lines are WriteRecords records" grep -q '"MeasureValueType":"MULTI"' "$T_TMP/out-json--multi.txt"

# 6. null target, odd batches and request ids: one paced cycle is exact
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --interval-millis 60000 --duration 2 \
	--batch-writes --batch-size 7 --add-req-id --target null: \
	--results "$T_TMP/results" >out6 2>&1
check_eq "null target, batches of 7, req ids: exit 0" 0 $?
check_eq "req id as a measure: 1000 x 21 + 1200 x 6 records a cycle" 28200 "$(records_written out6)"
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --interval-millis 60000 --duration 2 \
	--multi --add-req-id --req-id-dim --target null: \
	--results "$T_TMP/results" >out6 2>&1
check_eq "multi, req id as a dimension: 2200 records a cycle" 2200 "$(records_written out6)"
check_eq "multi: 1000 x 20 + 1200 x 5 points a cycle" 26000 "$(points_written out6)"
# null: with a format builds the text in memory and drops it
for fmt in lp json csv; do
	"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --interval-millis 60000 --duration 2 \
		--batch-writes --batch-size 100 --target "null:?format=$fmt" \
		--results "$T_TMP/results" >out6 2>&1
	check_eq "null:?format=$fmt: exit 0" 0 $?
	check_eq "null:?format=$fmt: one cycle, 26000 records" 26000 "$(records_written out6)"
done

# 7. --seed gives the same values (a value is a function of seed, series,
#    time and measure: the same --start-time, the same rows); another seed,
#    other values
for s in 42 42 43; do
	"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --interval-millis 60000 --duration 2 \
		--seed $s --start-time 2026-01-01T00:00:00Z --target "file:$T_TMP/seed-$s.csv?format=csv" \
		--results "$T_TMP/results" >/dev/null 2>&1
	tail -n +2 "$T_TMP/seed-$s.csv" | sort >"$T_TMP/values-$s-$RANDOM"
done
set -- "$T_TMP"/values-42-* 
check "same --seed, same data" cmp -s "$1" "$2"
check "other --seed, other data" \
	bash -c 'test -s "$2" && test "$(wc -l <"$2")" = "$(wc -l <"$1")" && ! cmp -s "$1" "$2"' - "$1" "$T_TMP"/values-43-*
check_eq "one paced cycle of host-scale 1 is 26,000 records" 26000 "$(wc -l <"$1")"

# 8. instance-name seed and sub-second intervals
db=$T_TMP/s.db
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --interval-millis 500 --duration 2 \
	--instance-name-seed 56789 --target "sqlite:$db" --results "$T_TMP/results" >out8 2>&1
check_eq "500 ms interval: exit 0" 0 $?
check_eq "instance-name seed 56789 gives prefix sS6Eq1tZ" 0 \
	"$(q "$db" "select count(*) from host_metrics where instance_name not like 'i-sS6Eq1tZ-%'")"
check "several cycles at 500 ms" test "$(q "$db" 'select count(distinct time) from host_metrics')" -ge 3

# 9. cleanup drops the table
"$TSLOAD" cleanup --target "sqlite:$db" >/dev/null
check_eq "cleanup: exit 0" 0 $?
check_eq "cleanup: table gone" "" "$(q "$db" "select name from sqlite_master where name='host_metrics'")"
finish
