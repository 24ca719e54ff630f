#!/usr/bin/env bash
# tsload verify and --freshness on timestream+http:// against
# tests/tools/motots.py: moto's Timestream store with a small SQL evaluator
# behind Query (moto's own Query answers canned results only). Not
# Timestream: what this shows is that tsload's Timestream SQL reads back
# what it wrote, through the target's paged Query path. A clean
# perf-scale run verifies with no difference; records deleted, duplicated
# and changed behind tsload's back (the harness's control endpoint: the
# Timestream API cannot delete) are reported exactly. Timestream itself
# cannot hold a duplicate (a record written again at the same dimensions,
# measure and time is the same record); moto's store can, so the
# duplicate path is tested here. The continuous model (whole seconds,
# CommonAttributes) verifies clean. --freshness probes with a Query for
# the acknowledged point; the harness is told to hide records younger
# than 2 s, and the probe must measure at least that (a lower bound
# only: a busy machine makes it longer, never shorter). A --multi run
# (multi-measure records, a column per measure) verifies clean, and
# records deleted and values changed in it are reported exactly.
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/tests/verify-lib.sh"
cd "$T_TMP" || exit 1
. "$T_SRC/tests/moto.sh"
motots_start --page-rows 1000 || { finish; exit; }
V_URL=timestream+http://127.0.0.1:$port
V_DIALECT=timestream
mts() { "$py" "$T_SRC/tests/tools/motots.py" "$1" --port "$port" "${@:2}"; }
mstat() { mts stats | python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# q_raw JSON: one Query to the harness as tsload's would reach it (moto
# routes by the credential scope and checks no signature); prints the
# HTTP status, then the body
q_raw() {
	curl -s "http://127.0.0.1:$port/" -H 'Content-Type: application/x-amz-json-1.0' \
		-H 'X-Amz-Target: Timestream_20181101.Query' -H 'X-Amz-Date: 20240101T000000Z' \
		-H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDMOTOTEST/20240101/us-east-1/timestream/aws4_request, SignedHeaders=host, Signature=0' \
		-w '\n%{http_code}\n' --data-binary "$1"
}

# 1. a clean run verifies
v_run clean -d vts --verify
check_eq "clean: ingest --verify exits 0" 0 "$V_RC"
check "clean: says the target holds what was written" \
	grep -q "verify: the target holds exactly what was written" clean.out
check_eq "clean: run.json verify: 312,000 points expected" 312000 "$(v_json "$V_DIR" expected_points)"
check_eq "clean: run.json verify: all found" 312000 "$(v_json "$V_DIR" found_points)"
check "clean: run.json verify: differs false" json_has "$V_DIR/run.json" differs false
check "clean: read in pages of 1000 rows (NextToken)" test "$(mstat pages)" -gt "$(mstat queries)"
check_eq "clean: no query refused by the harness" 0 "$(mstat refused)"

# 2. deleted, duplicated and changed behind tsload's back, each in a
# point of its own (10 s into the run)
at=1767225610000
mts tamper --db vts --table host_metrics delete 7 --measure cpu_user --time-ms $at >/dev/null
mts tamper --db vts --table host_metrics duplicate 5 --measure memory_used --time-ms $at >/dev/null
mts tamper --db vts --table host_metrics change 3 --measure disk_io_reads --time-ms $at >/dev/null
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >bad.out 2>&1
check_eq "tampered: verify exits 1" 1 $?
check_eq "tampered: 7 missing" 7 "$(v_json "$V_DIR" missing)"
check_eq "tampered: 5 duplicated" 5 "$(v_json "$V_DIR" duplicated)"
check_eq "tampered: 3 changed" 3 "$(v_json "$V_DIR" changed)"
check_eq "tampered: no point at an unexpected time" 0 "$(v_json "$V_DIR" unexpected_times)"
check_eq "tampered: no unexpected series" 0 "$(v_json "$V_DIR" unexpected_series)"
check "tampered: the summary line says missing 7, duplicated 5, changed 3" \
	grep -q "missing 7, duplicated 5, changed 3," bad.out
check "tampered: run.json names a differing measure" json_has "$V_DIR/run.json" measure '"disk_io_reads"'
check_eq "tampered: 15 differing cells, each read once" 15 "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1] + "/run.json"))["verify"]["row_reads"])' "$V_DIR")"

# 3. the harness refuses what it does not translate, rather than guess
out=$(q_raw '{"QueryString": "SELECT avg(measure_value::double) FROM \"vts\".\"host_metrics\""}')
check_eq "harness: a function it does not know is refused (HTTP 400)" 400 "$(tail -1 <<<"$out")"
check "harness: ... as a ValidationException naming it" grep -q 'ValidationException.*function avg' <<<"$out"
out=$(q_raw '{"QueryString": "SELECT time FROM \"vts\".\"host_metrics\""}')
check_eq "harness: a bare timestamp column is refused (HTTP 400)" 400 "$(tail -1 <<<"$out")"

# 4. the continuous model: whole seconds, dimensions in CommonAttributes
v_run cont -d vcont --model continuous --interval-millis 1000 --end-time 2026-01-01T00:00:05Z --verify
check_eq "continuous: ingest --verify exits 0" 0 "$V_RC"
check "continuous: values checked" json_has "$V_DIR/run.json" values_checked true
check "continuous: says the target holds what was written" \
	grep -q "verify: the target holds exactly what was written" cont.out

# 5. --freshness: records hidden from Query for 2 s after they arrive
fresh() {
	python3 - "$@" <<'PY'
import json, sys
o = json.load(open(sys.argv[1] + "/run.json"))
for k in sys.argv[2:]:
    o = o.get(k, {})
print(o if not isinstance(o, dict) or o else "none")
PY
}
at_least() { python3 -c "import sys; sys.exit(not float('$1') >= float('$2'))"; }
# the table and its columns first (a query naming a column no record has
# yet is refused, as on Timestream)
"$TSLOAD" ingest --target "$V_URL" -d fresh --host-scale 1 --autostop 1 \
	--results "$T_TMP/fres" >warm.out 2>&1
check_eq "freshness: warm-up exit 0" 0 $?
mts config --visible-after-ms 2000 >/dev/null
rm -rf "$T_TMP/fres"
"$TSLOAD" ingest --target "$V_URL" -d fresh --host-scale 1 --duration 6 \
	--interval-millis 1000 --freshness --freshness-interval 1 \
	--results "$T_TMP/fres" >fresh.out 2>&1
check_eq "freshness: exit 0" 0 $?
d=$(ls -d "$T_TMP"/fres/*/ | head -1)
n=$(fresh "$d" totals freshness count)
p50=$(fresh "$d" totals freshness p50)
check "freshness: probes measured ($n)" test "${n:-0}" -gt 0
check_eq "freshness: every probe visible" 0 "$(fresh "$d" totals freshness not_visible)"
check "freshness: p50 $p50 s >= 1.5 s (records hidden 2 s)" at_least "${p50:-0}" 1.5
check "freshness: the closing line" grep -q "^Freshness (ack to visible) ms: p50 " fresh.out
check "freshness: no probe query failed" not grep -q "probe query failed" fresh.out

# 6. --multi: a record per sample, MeasureValueType MULTI, MeasureName the
# kind ('metrics': 20 MeasureValues, 'events': 5), a column per measure
v_kjson() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1] + "/run.json"))["verify"]["measurements"][sys.argv[2]][sys.argv[3]])' "$1" "$2" "$3"
}
mts config --visible-after-ms 0 >/dev/null # records visible at once again
refused0=$(mstat refused)
v_run mclean -d vmulti --multi --verify
check_eq "--multi: ingest --verify of a clean run exits 0" 0 "$V_RC"
check "--multi: says the target holds what was written" \
	grep -q "verify: the target holds exactly what was written" mclean.out
check_eq "--multi: run.json verify: 312,000 points expected" 312000 "$(v_json "$V_DIR" expected_points)"
check_eq "--multi: run.json verify: all found" 312000 "$(v_json "$V_DIR" found_points)"
check_eq "--multi: no query refused by the harness" "$refused0" "$(mstat refused)"
# 7 metrics records deleted (00:00:10), 3 cpu_user values changed (00:00:30)
mts tamper --db vmulti --table host_metrics delete 7 --measure metrics --time-ms 1767225610000 >/dev/null
mts tamper --db vmulti --table host_metrics change 3 --measure metrics --value cpu_user --time-ms 1767225630000 >/dev/null
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >mbad.out 2>&1
check_eq "--multi tampered: verify exits 1" 1 $?
check_eq "--multi tampered: 7 records deleted: 7 x 20 = 140 missing" 140 "$(v_json "$V_DIR" missing)"
check_eq "--multi tampered: metrics: 140 missing" 140 "$(v_kjson "$V_DIR" metrics missing)"
check_eq "--multi tampered: events: none missing" 0 "$(v_kjson "$V_DIR" events missing)"
check_eq "--multi tampered: 3 cpu_user values changed: 3 changed" 3 "$(v_json "$V_DIR" changed)"
check_eq "--multi tampered: none duplicated" 0 "$(v_json "$V_DIR" duplicated)"
check_eq "--multi tampered: no point at an unexpected time" 0 "$(v_json "$V_DIR" unexpected_times)"
check_eq "--multi tampered: no unexpected series" 0 "$(v_json "$V_DIR" unexpected_series)"
check_eq "--multi tampered: found = 312,000 - 140" 311860 "$(v_json "$V_DIR" found_points)"
check "--multi tampered: the summary line says missing 140, duplicated 0, changed 3" \
	grep -q "verify metrics: .*missing 140, duplicated 0, changed 3," mbad.out
check "--multi tampered: run.json names the changed measure" json_has "$V_DIR/run.json" measure '"cpu_user"'
check_eq "--multi tampered: no query refused by the harness" "$refused0" "$(mstat refused)"
finish
