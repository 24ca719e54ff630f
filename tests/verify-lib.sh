# tests/verify-lib.sh - the SQL targets' tsload verify checks (sourced
# after lib.sh by tests/e2e/verify.sh and tests/integration/verify.sh).
# The caller defines q SQL (runs one statement with the server's own
# client, prints rows as "a|b|...") and sets V_DIALECT (sqlite, postgres,
# clickhouse) and V_URL (the target).

# v_json DIR KEY: totals KEY of the run's "verify" object
v_json() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1] + "/run.json"))["verify"]["totals"][sys.argv[2]])' "$1" "$2"
}
# v_run NAME EXTRA...: a backfill of one minute, 12 cycles x 26,000
# series, -p 2 -c 2; the run directory in $V_DIR
v_run() {
	local name=$1
	shift
	rm -rf "$T_TMP/vres"
	"$TSLOAD" ingest -q -p 2 -c 2 --host-scale 1 --seed 7 --batch-writes --target "$V_URL" \
		--results "$T_TMP/vres" --start-time 2026-01-01T00:00:00Z \
		--end-time 2026-01-01T00:01:00Z "$@" >"$T_TMP/$name.out" 2>&1
	V_RC=$?
	V_DIR=$(ls -d "$T_TMP"/vres/*/ | head -1)
	V_DIR=${V_DIR%/}
}
# v_keys MEASURE N: the first N instances of MEASURE's rows at 00:00:10
v_keys() {
	q "SELECT instance_name FROM \"host_metrics\" WHERE measure_name = '$1' AND time = 1767225610000 ORDER BY instance_name LIMIT $2" |
		sed "s/.*/'&'/" | paste -sd, -
}
# v_where MEASURE N: the rows v_keys names
v_where() { echo "measure_name = '$1' AND time = 1767225610000 AND instance_name IN ($(v_keys "$1" "$2"))"; }
# v_ch_mutations: waits for ClickHouse's mutations (they run in the
# background: no mutations_sync in 18.16)
v_ch_mutations() {
	for _ in $(seq 300); do
		[ "$(q "SELECT count() FROM system.mutations WHERE is_done = 0")" = 0 ] && return
		sleep 0.1
	done
}
# v_tamper N M K: deletes N rows, duplicates M, changes K, behind tsload's
# back, each in a point of its own (cpu_user, memory_used, disk_io_reads)
v_tamper() {
	local del dup chg cols
	del=$(v_where cpu_user "$1")
	dup=$(v_where memory_used "$2")
	chg=$(v_where disk_io_reads "$3")
	case $V_DIALECT in
	clickhouse)
		q "ALTER TABLE \"host_metrics\" DELETE WHERE $del"
		q "INSERT INTO \"host_metrics\" SELECT * FROM \"host_metrics\" WHERE $dup"
		q "ALTER TABLE \"host_metrics\" UPDATE measure_value_double = measure_value_double + 0.5 WHERE $chg"
		v_ch_mutations
		;;
	*)
		q "DELETE FROM \"host_metrics\" WHERE $del"
		q "INSERT INTO \"host_metrics\" SELECT * FROM \"host_metrics\" WHERE $dup"
		q "UPDATE \"host_metrics\" SET measure_value_double = measure_value_double + 0.5 WHERE $chg"
		;;
	esac
}
# v_suite: a clean run verifies, then N, M, K differences are named
v_suite() {
	local out
	v_run clean --verify
	check_eq "$V_DIALECT: ingest --verify of a clean run exits 0" 0 "$V_RC"
	check "$V_DIALECT: says the target holds what was written" \
		grep -q "verify: the target holds exactly what was written" "$T_TMP/clean.out"
	check_eq "$V_DIALECT: run.json verify: 312,000 points expected" 312000 "$(v_json "$V_DIR" expected_points)"
	check_eq "$V_DIALECT: run.json verify: all found" 312000 "$(v_json "$V_DIR" found_points)"
	check "$V_DIALECT: run.json verify: differs false" json_has "$V_DIR/run.json" differs false
	v_tamper 7 5 3
	"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >"$T_TMP/bad.out" 2>&1
	check_eq "$V_DIALECT: verify after the changes exits 1" 1 $?
	check_eq "$V_DIALECT: 7 missing" 7 "$(v_json "$V_DIR" missing)"
	check_eq "$V_DIALECT: 5 duplicated" 5 "$(v_json "$V_DIR" duplicated)"
	check_eq "$V_DIALECT: 3 changed" 3 "$(v_json "$V_DIR" changed)"
	check_eq "$V_DIALECT: no point at an unexpected time" 0 "$(v_json "$V_DIR" unexpected_times)"
	check_eq "$V_DIALECT: no unexpected series" 0 "$(v_json "$V_DIR" unexpected_series)"
	check "$V_DIALECT: the summary line says missing 7, duplicated 5, changed 3" \
		grep -q "missing 7, duplicated 5, changed 3," "$T_TMP/bad.out"
	check "$V_DIALECT: run.json names a differing series and measure" \
		json_has "$V_DIR/run.json" measure '"disk_io_reads"'
	check_eq "$V_DIALECT: one verify object in run.json after two verifies" 1 \
		"$(grep -c '"verify": {' "$V_DIR/run.json")"
}

# ---- the multi-measure layout (--multi) ----
# A row is one series at one time with a column per measure, measure_name
# the kind ('metrics': 20 measure columns, 'events': 5).

# v_kjson DIR KIND KEY: measurements.KIND.KEY of the run's "verify" object
v_kjson() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1] + "/run.json"))["verify"]["measurements"][sys.argv[2]][sys.argv[3]])' "$1" "$2" "$3"
}
# v_mwhere T N: the first N metrics rows (by instance) at 00:00:T
v_mwhere() {
	local t=$((1767225600000 + $1 * 1000)) keys
	keys=$(q "SELECT instance_name FROM \"host_metrics\" WHERE measure_name = 'metrics' AND time = $t ORDER BY instance_name LIMIT $2" |
		sed "s/.*/'&'/" | paste -sd, -)
	echo "measure_name = 'metrics' AND time = $t AND instance_name IN ($keys)"
}
# v_mtamper N M K: deletes N metrics rows (at 00:00:10), duplicates M (at
# 00:00:20), changes K cpu_user values (at 00:00:30) and sets one events
# row's task_end_state (a text column) NULL (at 00:00:40)
v_mtamper() {
	local del dup chg one
	del=$(v_mwhere 10 "$1")
	dup=$(v_mwhere 20 "$2")
	chg=$(v_mwhere 30 "$3")
	one=$(q "SELECT instance_name, process_name FROM \"host_metrics\" WHERE measure_name = 'events' AND time = 1767225640000 ORDER BY instance_name, process_name LIMIT 1" |
		sed "s/^\(.*\)|\(.*\)$/instance_name = '\1' AND process_name = '\2'/;s/^\(.*\)\t\(.*\)$/instance_name = '\1' AND process_name = '\2'/")
	one="measure_name = 'events' AND time = 1767225640000 AND $one"
	case $V_DIALECT in
	clickhouse)
		q "ALTER TABLE \"host_metrics\" DELETE WHERE $del"
		q "INSERT INTO \"host_metrics\" SELECT * FROM \"host_metrics\" WHERE $dup"
		q "ALTER TABLE \"host_metrics\" UPDATE cpu_user = cpu_user + 0.5 WHERE $chg"
		q "ALTER TABLE \"host_metrics\" UPDATE task_end_state = NULL WHERE $one"
		v_ch_mutations
		;;
	*)
		q "DELETE FROM \"host_metrics\" WHERE $del"
		q "INSERT INTO \"host_metrics\" SELECT * FROM \"host_metrics\" WHERE $dup"
		q "UPDATE \"host_metrics\" SET cpu_user = cpu_user + 0.5 WHERE $chg"
		q "UPDATE \"host_metrics\" SET task_end_state = NULL WHERE $one"
		;;
	esac
}
# v_suite_multi: a clean --multi run verifies; then a deleted row is all
# its 20 points missing, a duplicated row 20 points duplicated, a changed
# cell one point changed, a NULL cell one point missing
v_suite_multi() {
	local d="$V_DIALECT --multi"
	v_run mclean --multi --verify
	check_eq "$d: ingest --verify of a clean run exits 0" 0 "$V_RC"
	check "$d: says the target holds what was written" \
		grep -q "verify: the target holds exactly what was written" "$T_TMP/mclean.out"
	check_eq "$d: the table holds 26,400 rows (one per sample)" 26400 \
		"$(q "SELECT count(*) FROM \"host_metrics\" WHERE time >= 1767225600000")"
	check_eq "$d: run.json verify: 312,000 points expected" 312000 "$(v_json "$V_DIR" expected_points)"
	check_eq "$d: run.json verify: all found" 312000 "$(v_json "$V_DIR" found_points)"
	check "$d: run.json verify: differs false" json_has "$V_DIR/run.json" differs false
	v_mtamper 7 5 3
	"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >"$T_TMP/mbad.out" 2>&1
	check_eq "$d: verify after the changes exits 1" 1 $?
	check_eq "$d: 7 rows deleted + 1 NULL cell: 7 x 20 + 1 = 141 missing" 141 "$(v_json "$V_DIR" missing)"
	check_eq "$d: metrics: 140 missing" 140 "$(v_kjson "$V_DIR" metrics missing)"
	check_eq "$d: events: 1 missing (the NULL task_end_state)" 1 "$(v_kjson "$V_DIR" events missing)"
	check_eq "$d: 5 rows duplicated: 5 x 20 = 100 duplicated" 100 "$(v_json "$V_DIR" duplicated)"
	check_eq "$d: 3 cpu_user cells changed: 3 changed" 3 "$(v_json "$V_DIR" changed)"
	check_eq "$d: no point at an unexpected time" 0 "$(v_json "$V_DIR" unexpected_times)"
	check_eq "$d: no unexpected series" 0 "$(v_json "$V_DIR" unexpected_series)"
	check_eq "$d: found = 312,000 - 141 + 100" 311959 "$(v_json "$V_DIR" found_points)"
	check "$d: the summary line says missing 140, duplicated 100, changed 3" \
		grep -q "verify metrics: .*missing 140, duplicated 100, changed 3," "$T_TMP/mbad.out"
	check "$d: run.json names the changed measure" json_has "$V_DIR/run.json" measure '"cpu_user"'
}
