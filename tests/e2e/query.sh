#!/usr/bin/env bash
# End-to-end query runs on the embedded SQLite: the seed's files and
# directory names, merged summaries, think time, parameter sources, bad
# configurations, and a mixed `tsload run`.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1
cfg=$src/configs/config.ini
# The seed's lines (query_execution_utils.py, timestreamquery.py):
# a success adds READ, TIMING and RESULT to do-qN.log, a failure TIMING
# and RESULT with "Rows: None".
d2='[0-9][0-9]'
export utc="$d2$d2-$d2-$d2 $d2:$d2:$d2"
export num='[0-9]+(\.[0-9]+)?'
export re_read="^Read 1 pages of result\. Empty pages: 0\. Bytes metered \(MB\): 0\.0$"
export re_timing="^$utc\. QueryId: None Time: $num\. First result: $num\. Time to read results: $num\.$"
# seed_log FILE PREFIX: every line of a do-qN.log of successes, in order
seed_log() {
	P=$2 awk '
		BEGIN { p = ENVIRON["P"]
			rres = "^[0-9]+[.] " ENVIRON["utc"] "[.] QueryId: None[.] Time: " ENVIRON["num"] "[.] Rows: [0-9]+$" }
		NR % 3 == 1 && $0 !~ ENVIRON["re_read"] { bad++ }
		NR % 3 == 2 && $0 !~ ENVIRON["re_timing"] { bad++ }
		NR % 3 == 0 && (index($0, p " ") != 1 || substr($0, length(p) + 2) !~ rres) { bad++ }
		END { exit (bad || NR % 3) ? 1 : 0 }' "$1"
}
# pandas_count FILE: str() of a one-column, one-row DataFrame, as the
# seed writes numDatapoints-*-result.txt (no newline at the end)
pandas_count() {
	[ "$(wc -l <"$1")" -eq 1 ] &&
		awk 'NR == 1 && $0 != "   num_data_points" { exit 1 }
			NR == 2 && ($0 !~ /^0  +[0-9]+$/ || length($0) != 18) { exit 1 }' "$1"
}
qdir=$src/configs/queries
db=$T_TMP/q.db

# data for the queries: 8 s at host-scale 1, one-second cycles
"$TSLOAD" ingest -q -p 2 -c 1 --host-scale 1 --interval-millis 1000 --duration 8 \
	--batch-writes --target "sqlite:$db" --results "$T_TMP/results" >ingest.out 2>&1
check_eq "ingest for the queries: exit 0" 0 $?

# every query once, from a config that gives each the same weight
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

# 1. -p 2 -c 2, 12 repetitions each: 48 executions, every file in place
"$TSLOAD" query --config even.ini -p 2 -c 2 --think-time-milliseconds 0 \
	--queries-dir "$qdir" --target "sqlite:$db" -l "$T_TMP/logs" --run-prefix exp \
	--results "$T_TMP/results" >q1.out 2>q1.err
check_eq "query run: exit 0" 0 $?
check "no errors on stderr" test ! -s q1.err
dirs=$(ls -d "$T_TMP"/logs/exp-*-[12]-[12] 2>/dev/null | wc -l)
check_eq "4 per-thread directories <prefix>-<UTC>-<p>-<t>" 4 "$dirs"
check "directory names carry the UTC start time" \
	bash -c "ls '$T_TMP/logs' | grep -qE '^exp-[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-[0-9]{2}-1-1$'"
one=$(ls -d "$T_TMP"/logs/exp-*-1-1)
for f in do-q1.sql do-q1.log do-q1.err numDatapoints-begin.log numDatapoints-end.log \
	numDatapoints-begin.err numDatapoints-end.err \
	numDatapoints-begin-result.txt numDatapoints-end-result.txt "$(basename "$one")-summary.csv"; do
	check "thread file $f" test -e "$one/$f"
done
check "do-q1.sql holds the rendered SQLite query" grep -q "memory_used" "$one/do-q1.sql"
check "no placeholder left in the 6 .sql files" no_line 6 '\{[a-z_]*\}' "$one"/do-q*.sql
for s in begin end; do
	check "numDatapoints-$s-result.txt is the seed's DataFrame" pandas_count "$one/numDatapoints-$s-result.txt"
	check "numDatapoints-$s.log: the seed's three lines, execution 1" seed_log "$one/numDatapoints-$s.log" '[1-1]'
	check "numDatapoints-$s.log: execution 1, one row" grep -qE '^\[1-1\] 1\. .*Rows: 1$' "$one/numDatapoints-$s.log"
	check "numDatapoints-$s.err is empty" empty_files 1 "$one/numDatapoints-$s.err"
done
check "all 6 do-qN.err are empty" empty_files 6 "$one"/do-q*.err
execs=$(cat "$T_TMP"/logs/exp-*-[12]-[12]/do-q*.log | grep -c '^\[')
check_eq "one result line per execution" 48 "$execs"
check_eq "three .log lines per execution" 144 "$(cat "$T_TMP"/logs/exp-*-[12]-[12]/do-q*.log | wc -l)"
for d in "$T_TMP"/logs/exp-*-[12]-[12]; do
	pt="[$(basename "$d" | sed 's/^.*-\([0-9]*\)-\([0-9]*\)$/\1-\2/')]"
	for f in "$d"/do-q*.log; do
		check "$(basename "$d")/$(basename "$f"): the seed's lines with the $pt prefix" seed_log "$f" "$pt"
	done
done
check "the execution numbers of a thread run 1..12" \
	test "$(cat "$one"/do-q*.log | sed -n 's/^\[1-1\] \([0-9]*\)\. .*/\1/p' | sort -n | tr '\n' ' ')" = "$(seq -s ' ' 12) "
check "every execution returned rows (24 logs)" no_line 24 'Rows: 0$' "$T_TMP"/logs/exp-*/do-q*.log
hdr='Query type, Total Count, Successful Count, Avg. latency (in secs), Std dev latency (in secs), Median, 90th perc (in secs), 99th Perc (in secs), Geo Mean (in secs)'
check_eq "thread summary header is the seed's" "$hdr" "$(head -1 "$one/$(basename "$one")-summary.csv")"
merged=$(merged_summary q1.out)
run=$(ls -d "$T_TMP"/results/*-query-*)
check_eq "the merged summary is in the run's results directory" "$run/query-summary.csv" "$merged"
check "merged summary written" test -s "$merged"
check "nothing but the thread directories in the log directory" \
	test "$(ls "$T_TMP/logs" | grep -cvE '^exp-.*-[12]-[12]$')" -eq 0
# summarize_results.py's selection: every *.csv below -d, recursively
# (glob '<abs dir>/**/*.csv', recursive=True): one summary per thread
if command -v python3 >/dev/null; then
	csvs=$(python3 -c 'import glob, os, sys
for f in glob.iglob(os.path.join(os.path.abspath(sys.argv[1]), "") + os.path.join("**", "*.csv"), recursive=True): print(f)' "$T_TMP/logs")
else
	csvs=$(shopt -s globstar nullglob; printf '%s\n' "$T_TMP"/logs/**/*.csv)
fi
check_eq "summarize_results.py's glob finds the 4 thread summaries" 4 "$(grep -c . <<<"$csvs")"
check "summarize_results.py's glob: each <thread dir>/<thread dir>-summary.csv" \
	test "$(grep -cE '/(exp-[0-9-]*-[12]-[12])/\1-summary\.csv$' <<<"$csvs")" -eq 4
total=$(awk -F', ' 'NR > 1 { s += $2 } END { print s }' "$merged")
check_eq "merged total = all executions" 48 "$total"
check "every merged row has 9 fields" awk -F', ' 'NF != 9 { exit 1 }' "$merged"
# the merged counts are the sum of the thread summaries, query by query
for q in 1 2 3 4 5 6; do
	want=$(cat "$T_TMP"/logs/exp-*-[12]-[12]/*-summary.csv | awk -F', ' -v q="do-q$q" '$1 == q { s += $3 } END { print s + 0 }')
	got=$(awk -F', ' -v q="do-q$q" '$1 == q { print $3 }' "$merged")
	check_eq "merged successes of do-q$q" "$want" "$got"
done
check "closing TPS line" grep -qE '^TPS: [0-9.]+$' q1.out
check "terminal table" grep -qE '^do-q1 +[0-9]+ +[0-9]+ +[0-9.]+' q1.out
check "run.json has the query totals" grep -q '"per_query"' "$run/run.json"
check "run.json names the merged summary" grep -q "\"summary_csv\": \"$merged\"" "$run/run.json"
check "query-timeseries.csv written" test -s "$run/query-timeseries.csv"

# 1b. row_count mode: each query wrapped in SELECT COUNT(*), one row each
"$TSLOAD" query --config "$src/configs/config_row_count.ini" --repetitions 6 --think-time-milliseconds 0 \
	--queries-dir "$qdir" --target "sqlite:$db" -l "$T_TMP/logs-rc" --results "$T_TMP/results" >rc.out 2>&1
check_eq "row_count mode: exit 0" 0 $?
rcdir=$(ls -d "$T_TMP"/logs-rc/*-1-1)
check "row_count mode: the .sql is wrapped" grep -q '^SELECT COUNT(\*)$' "$rcdir/do-q1.sql"
check "row_count mode: one row per execution (6 logs)" no_line 6 '^\[1-1\] .*Rows: [^1]' "$rcdir"/do-q*.log
for f in "$rcdir"/do-q*.log "$rcdir"/numDatapoints-begin.log "$rcdir"/numDatapoints-end.log; do
	check "row_count mode: $(basename "$f"): the seed's lines" seed_log "$f" '[1-1]'
done
check "row_count mode: numDatapoints result is the seed's DataFrame" pandas_count "$rcdir/numDatapoints-end-result.txt"

# 1c. failures and empty results: a query the database refuses, one
# that finds no row (templates of a copied queries directory); 40 picks
# at 50:50, so that both run (6 missed one in 32 runs)
cp -r "$qdir" "$T_TMP/qbad"
printf 'SELECT no_such_column FROM "{table}"\n' >"$T_TMP/qbad/sqlite/do-q1.sql"
printf 'SELECT 1 FROM "{table}" WHERE 0\n' >"$T_TMP/qbad/sqlite/do-q2.sql"
# 24 picks of two queries at 50%: both run (all one kind: 2 in 2^24)
printf '[default]\nrepetitions = 24\n[query_distribution]\ndo-q1 = 50\ndo-q2 = 50\n' >bad.ini
"$TSLOAD" query --config bad.ini --think-time-milliseconds 0 --queries-dir "$T_TMP/qbad" \
	--target "sqlite:$db" -l "$T_TMP/logs-bad" --results "$T_TMP/results" >bad.out 2>&1
bdir=$(ls -d "$T_TMP"/logs-bad/*-1-1)
nfail=$(grep -c '^\[1-1\] ' "$bdir/do-q1.log")
check "failing query: executions ran ($nfail)" test "$nfail" -gt 0
check_eq "failing query: two .log lines per failure" $((2 * nfail)) "$(wc -l <"$bdir/do-q1.log")"
check "failing query: the timing line, no row" \
	every_line 1 "^($utc\. QueryId: None Time: $num\. First result: $num\. Time to read results: 0\.|\[1-1\] [0-9]+\. $utc\. QueryId: None\. Time: $num\. Rows: None)$" "$bdir/do-q1.log"
check_eq "failing query: three .err lines per failure" $((3 * nfail)) "$(wc -l <"$bdir/do-q1.err")"
check "failing query: .err is message, ids, blank line" awk '
	NR % 3 == 1 && !/no such column: no_such_column/ { exit 1 }
	NR % 3 == 2 && $0 !~ ("^" ENVIRON["utc"] " QueryId: None RequestId: None$") { exit 1 }
	NR % 3 == 0 && $0 != "" { exit 1 }' "$bdir/do-q1.err"
check "empty result: Read 1 pages, 1 empty, then no time to read rows" awk '
	NR % 3 == 1 && $0 != "Read 1 pages of result. Empty pages: 1. Bytes metered (MB): 0.0" { exit 1 }
	NR % 3 == 2 && $0 !~ ("^" ENVIRON["utc"] "[.] QueryId: None Time: " ENVIRON["num"] "[.] First result: " ENVIRON["num"] "[.] Time to read results: 0[.]$") { exit 1 }
	NR % 3 == 0 && $0 !~ / Rows: 0$/ { exit 1 }
	END { exit NR && NR % 3 == 0 ? 0 : 1 }' "$bdir/do-q2.log"
check "empty result: no .err" empty_files 1 "$bdir/do-q2.err"

# 2. a query that never succeeds still gives a 9-field row
cat >only6.ini <<'EOF'
[default]
repetitions = 3
[query_distribution]
do-q1 = 100
do-q6 = 0
EOF
"$TSLOAD" query --config only6.ini -p 1 -c 1 --think-time-milliseconds 0 --queries-dir "$qdir" \
	--target "sqlite:$db" -l "$T_TMP/logs2" --results "$T_TMP/results" >q2.out 2>&1
check_eq "zero-weight query: exit 0" 0 $?
check "do-q6 row with 9 fields and no statistics" grep -qx 'do-q6, 0, 0, , , , , , ' "$(merged_summary q2.out)"

# 3. think time: 4 queries with 400 ms after each success take at least
#    1.6 s; randomized think time under 5 s works (the seed crashes)
start=$(date +%s%N)
"$TSLOAD" query --config only6.ini --repetitions 4 --think-time-milliseconds 400 --queries-dir "$qdir" \
	--target "sqlite:$db" -l "$T_TMP/logs3" --results "$T_TMP/results" >q3.out 2>&1
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
check_eq "think time: exit 0" 0 $rc
check "think time: 4 x 400 ms took at least 1600 ms ($ms ms)" test "$ms" -ge 1600
"$TSLOAD" query --config only6.ini --repetitions 3 --think-time-milliseconds 300 --randomized-think-time \
	--queries-dir "$qdir" --target "sqlite:$db" -l "$T_TMP/logs4" --results "$T_TMP/results" >q4.out 2>&1
check_eq "randomized think time under 5 s: exit 0" 0 $?
check "randomized think time: all 3 counted" grep -q '^do-q1, 3, 3, ' q4.out
# staggered start: thread 2 starts TT after thread 1
"$TSLOAD" query --config only6.ini --repetitions 1 -c 2 --think-time-milliseconds 1500 \
	--queries-dir "$qdir" --target "sqlite:$db" -l "$T_TMP/logs5" --results "$T_TMP/results" >q5.out 2>&1
t1=$(date -d "$(awk '/^\[/ {print $3, $4}' "$T_TMP"/logs5/*-1-1/do-q1.log | tr -d .)" +%s)
t2=$(date -d "$(awk '/^\[/ {print $3, $4}' "$T_TMP"/logs5/*-1-2/do-q1.log | tr -d .)" +%s)
check "staggered start: thread 2 ran at least 1 s after thread 1" test $((t2 - t1)) -ge 1

# 4. parameter sources: fixed and random also run; random gives several
for p in fixed random; do
	"$TSLOAD" query --config even.ini --repetitions 12 --params $p --think-time-milliseconds 0 \
		--queries-dir "$qdir" --target "sqlite:$db" -l "$T_TMP/logs-$p" --results "$T_TMP/results" >p.out 2>&1
	check_eq "--params $p: exit 0" 0 $?
done
"$TSLOAD" query --config even.ini --repetitions 12 --fixed-params --think-time-milliseconds 0 \
	--queries-dir "$qdir" --target "sqlite:$db" -l "$T_TMP/logs-fp" --results "$T_TMP/results" >p.out 2>&1
check_eq "--fixed-params: exit 0" 0 $?
check "--fixed-params uses the seed's region" grep -q "eu-west-1-cell-8" "$(ls -d "$T_TMP"/logs-fp/*-1-1)/do-q2.sql"

# 5. --duration instead of repetitions
start=$(date +%s)
"$TSLOAD" query --config even.ini --duration 3 --think-time-milliseconds 0 --queries-dir "$qdir" \
	--target "sqlite:$db" -l "$T_TMP/logs6" --results "$T_TMP/results" >q6.out 2>&1
check_eq "--duration: exit 0" 0 $?
check "--duration 3 stops within 20 s" test $(($(date +%s) - start)) -le 20
n=$(awk -F', ' 'NR > 1 { s += $2 } END { print s }' "$(merged_summary q6.out)")
check "--duration: queries ran ($n)" test "${n:-0}" -gt 0

# 6. bad configurations and targets: exit 2, one line, nothing run
printf '[default]\nrepetitions = 5\n[query_distribution]\ndo-q1 = 60\ndo-q2 = 39.5\n' >sum.ini
printf '[default]\n[query_distribution]\ndo-q9 = 100\n' >name.ini
printf '[default]\nrepetitions = ten\n[query_distribution]\ndo-q1 = 100\n' >num.ini
for c in "sum.ini|add up to 99.5" "name.ini|unknown query \"do-q9\"" "num.ini|repetitions" \
	"missing.ini|missing.ini"; do
	IFS='|' read -r f pat <<<"$c"
	err=$("$TSLOAD" query --config "$f" --queries-dir "$qdir" --target "sqlite:$db" 2>&1 >/dev/null)
	rc=$?
	check_eq "bad config $f: exit 2" 2 $rc
	check "bad config $f: names the problem" grep -q -- "$pat" <<<"$err"
done
err=$("$TSLOAD" query --config "$cfg" --target null: 2>&1 >/dev/null)
check_eq "query on null: exit 2" 2 $?
check "query on null: says so" grep -q "cannot run queries" <<<"$err"
err=$("$TSLOAD" query --config "$cfg" --params sometimes --target "sqlite:$db" 2>&1 >/dev/null)
check "bad --params named" grep -q -- '--params: invalid value "sometimes"' <<<"$err"
err=$("$TSLOAD" query --config even.ini --queries-dir "$qdir" --think-time-milliseconds 0 \
	--target "sqlite:$T_TMP/nofile.db" -l "$T_TMP/logs7" --results "$T_TMP/results" 2>&1 >/dev/null)
check_eq "query on a missing database: exit 1" 1 $?
check "query on a missing database: says so" grep -q "nofile.db: no such database file" <<<"$err"
sqlite3 "$T_TMP/other.db" 'create table other(a)'
err=$("$TSLOAD" query --config even.ini --queries-dir "$qdir" --think-time-milliseconds 0 \
	--target "sqlite:$T_TMP/other.db" -l "$T_TMP/logs7" --results "$T_TMP/results" 2>&1 >/dev/null)
check_eq "query on a missing table: exit 1" 1 $?
check "query on a missing table: says which" grep -q "no such table: host_metrics" <<<"$err"

# 7. tsload run: ingest and query at once, both in run.json
db2=$T_TMP/run.db
"$TSLOAD" run -p 1 -c 2 --host-scale 1 --interval-millis 1000 --duration 6 \
	--query-processes 1 --query-concurrency 2 --config even.ini --think-time-milliseconds 200 \
	--queries-dir "$qdir" --target "sqlite:$db2" -l "$T_TMP/logs8" --results "$T_TMP/results" >run.out 2>run.err
check_eq "mixed run: exit 0" 0 $?
n=$(records_written run.out)
check "mixed run: records written ($n)" test "${n:-0}" -gt 0
check_eq "mixed run: rows = Records written" "$n" "$(sqlite3 "$db2" 'select count(*) from host_metrics')"
q=$(awk -F', ' 'NR > 1 { s += $3 } END { print s }' "$(merged_summary run.out)")
check "mixed run: queries succeeded while ingesting ($q)" test "${q:-0}" -gt 0
run=$(ls -d "$T_TMP"/results/*-run-*)
check "mixed run: run.json has both sides" \
	bash -c "grep -q '\"per_query\"' '$run/run.json' && grep -q '\"records_per_s\"' '$run/run.json'"
check "mixed run: both time series" test -s "$run/timeseries.csv" -a -s "$run/query-timeseries.csv"
finish
