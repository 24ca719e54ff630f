#!/usr/bin/env bash
# tsload verify on SQLite (no server): a clean run verifies; rows deleted,
# duplicated and changed with sqlite3 are counted exactly; a series the
# run never wrote, a text value changed, the seed-exact continuous mode
# (counts only), the runs and targets verify refuses (exit 2), and the
# same for the multi-measure layout (--multi).
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/tests/verify-lib.sh"
cd "$T_TMP" || exit 1

V_DIALECT=sqlite
V_URL=sqlite:$T_TMP/v.db
q() { sqlite3 "$T_TMP/v.db" "$1"; }
v_suite

# A series the model does not have, and a text value changed.
q "INSERT INTO host_metrics (time, instance_name, measure_name, measure_value_double) VALUES (1767225600000, 'i-nosuch', 'cpu_user', 1)"
q "UPDATE host_metrics SET measure_value_varchar = 'NO_SUCH_STATE' WHERE rowid = (SELECT min(rowid) FROM host_metrics WHERE measure_value_varchar IS NOT NULL)"
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >more.out 2>&1
check_eq "extra series: exit 1" 1 $?
check_eq "extra series: 1 unexpected series" 1 "$(v_json "$V_DIR" unexpected_series)"
check_eq "extra series: its 1 point" 1 "$(v_json "$V_DIR" unexpected_series_points)"
check "extra series: named in the summary" grep -q "e.g. i-nosuch" more.out
check_eq "a changed text value: 4 changed now" 4 "$(v_json "$V_DIR" changed)"

# A cell whose aggregate and rows disagree: a copy of a row whose
# measure_name is a BLOB (SQLite's GROUP BY gives it a group of its own,
# which reads back as the same name; the rows' measure_name = '...' does
# not match a BLOB).
q "INSERT INTO host_metrics SELECT * FROM host_metrics WHERE rowid = (SELECT min(rowid) FROM host_metrics WHERE measure_name = 'cpu_system')"
q "UPDATE host_metrics SET measure_name = CAST(measure_name AS BLOB) WHERE rowid = (SELECT max(rowid) FROM host_metrics)"
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >incons.out 2>&1
check_eq "aggregates and rows disagree: exit 1" 1 $?
check_eq "aggregates and rows disagree: 1 cell counted" 1 \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verify"]["cells_inconsistent"])' "$V_DIR/run.json")"
check "aggregates and rows disagree: said" grep -q "1 cells whose aggregates differ while their rows hold what was written" incons.out
check_eq "aggregates and rows disagree: found counts the rows" 311998 "$(v_json "$V_DIR" found_points)"

# Seed-exact continuous mode: counts, times and series only.
rm -f v.db
v_run exact --model continuous -p 1 -c 1 --seed 5 --interval-millis 1000 --end-time 2026-01-01T00:00:05Z
check_eq "continuous seed-exact: ingest exits 0" 0 "$V_RC"
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >exact.out 2>&1
check_eq "continuous seed-exact: verify exits 0" 0 $?
check "continuous seed-exact: says values are not checked" grep -q "counts, times and series checked, values not" exact.out
check "continuous seed-exact: values_checked false" json_has "$V_DIR/run.json" values_checked false
q "UPDATE host_metrics SET measure_value_double = -1 WHERE rowid = 10"
q "DELETE FROM host_metrics WHERE rowid = 20"
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >exact2.out 2>&1
check_eq "continuous seed-exact: a deleted row: exit 1" 1 $?
check_eq "continuous seed-exact: 1 missing" 1 "$(v_json "$V_DIR" missing)"
check_eq "continuous seed-exact: a changed value is not seen" 0 "$(v_json "$V_DIR" changed)"

# The continuous model's fast path: values checked.
rm -f v.db
v_run cont --model continuous --interval-millis 1000 --end-time 2026-01-01T00:00:05Z --verify
check_eq "continuous -p 2 -c 2: ingest --verify exits 0" 0 "$V_RC"
check "continuous -p 2 -c 2: values_checked true" json_has "$V_DIR/run.json" values_checked true

# A value seed above INT64_MAX (a random one often is) reads back exactly.
rm -f v.db
v_run bigseed --seed 18000000000000000000 --end-time 2026-01-01T00:00:10Z --verify
check_eq "seed 18000000000000000000: ingest --verify exits 0" 0 "$V_RC"
check "seed 18000000000000000000: in run.json" json_has "$V_DIR/run.json" value_seed 18000000000000000000

# What verify refuses: one line, exit 2.
refuses() { # refuses NAME WANT-IN-MESSAGE ARGS...
	local name=$1 want=$2 out rc
	shift 2
	out=$("$TSLOAD" verify "$@" 2>&1)
	rc=$?
	check_eq "$name: exit 2" 2 "$rc"
	check_eq "$name: one line" 1 "$(printf '%s\n' "$out" | wc -l)"
	check "$name: says $want" grep -qF -- "$want" <<<"$out"
}
refuses "no --results" "verify needs --results RUNDIR" --target "$V_URL"
refuses "no run.json" "run.json" --target "$V_URL" --results "$T_TMP/nowhere"
refuses "a file: target" "verify reads back sqlite:, postgres://, clickhouse://, vm://, influx://, promrw:// and timestream://" --target "file:$T_TMP/x.lp" --results "$V_DIR"
rm -rf "$T_TMP/vres"
"$TSLOAD" ingest -q --host-scale 1 --target "$V_URL" --results "$T_TMP/vres" --interval-millis 0 --autostop 2 >/dev/null 2>&1
refuses "a run on the wall clock" "verify needs a run with --start-time" --target "$V_URL" --results "$(ls -d "$T_TMP"/vres/*/ | head -1)"
rm -rf "$T_TMP/vres"
"$TSLOAD" ingest -q --model-file "$T_SRC/configs/datagen/temperature.json" --target "sqlite:$T_TMP/dg.db" --results "$T_TMP/vres" --start-time 2024-01-01T00:00:00Z --autostop 5 >/dev/null 2>&1
refuses "the data generator's random walk" "verify recomputes perf-scale and continuous runs only" --target "sqlite:$T_TMP/dg.db" --results "$(ls -d "$T_TMP"/vres/*/ | head -1)"

# The multi-measure layout: a row per series and time, a column per measure.
rm -f v.db
v_suite_multi
# A text value changed in a multi row: one point changed more.
q "UPDATE host_metrics SET task_end_state = 'NO_SUCH_STATE' WHERE rowid = (SELECT min(rowid) FROM host_metrics WHERE task_end_state IS NOT NULL)"
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >mtext.out 2>&1
check_eq "--multi: a changed text value: 4 changed now" 4 "$(v_json "$V_DIR" changed)"
# The request id as a measure is the request_id column of a multi row.
rm -f v.db
v_run mreq --multi --add-req-id --verify
check_eq "--multi --add-req-id: ingest --verify exits 0" 0 "$V_RC"
check_eq "--multi --add-req-id: 338,400 points found (a request id per row)" 338400 "$(v_json "$V_DIR" found_points)"
q "UPDATE host_metrics SET request_id = NULL WHERE rowid = 5"
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >mreq.out 2>&1
check_eq "--multi --add-req-id: a request id set NULL: 1 missing" 1 "$(v_json "$V_DIR" missing)"
finish
