#!/usr/bin/env bash
# tsload verify against Prometheus (Debian's 2.42, scripts/prom-local.sh
# with the admin API, on loopback), written by promrw://: a clean run
# across an hour boundary verifies with no difference (the [1h] window of
# each hour covers exactly [hour, hour + 1h) in Prometheus too); then
# points of one series are deleted with Prometheus' own admin API and one
# series the model does not have is pushed by remote write
# (tests/tools/rwpush.py), and verify reports exactly the points this
# suite counted from the server and that one series. Prometheus keeps no
# duplicate (a sample sent again at a series' last time is dropped,
# another value there refused) and no text (remote write carries a word's
# index). The same run through promrw:// to VictoriaMetrics verifies
# too, and so does a --multi run (a sample per measure in either
# layout). The run writes recent data: Prometheus refuses samples more
# than an hour older than the newest it holds (out of bounds), and keeps
# 15 days by default. Last, a --query.max-samples below what one query of
# verify loads makes verify fail with Prometheus' reason, exit 2.
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/tests/verify-lib.sh"
cd "$T_TMP" || exit 1

PROM_FLAGS=--web.enable-admin-api start_server prom-local.sh "$T_TMP/prom"
V_URL=$SRV_URL
port=$(cat "$T_TMP/prom/port")
http=http://127.0.0.1:$port
I=i-zaZswmJk-apollo-ap-northeast-1-cell-1-silo-1-00000000.amazonaws.com
# the run: 12 cycles of 5 s from 30.001 s before the last hour boundary H
# that is at least a minute old, so both hours hold points and one is at
# the first hour's last millisecond: a window that held its left end
# (Prometheus 2's [1h] at the next hour's last millisecond) would count it
# in both hours
H=$((($(date +%s) - 60) / 3600 * 3600))
LAST=$((H * 1000 - 1)) # ms
sel() { echo "{__name__=\"metrics_$1\",db=\"pv\",instance_name=\"$I\"}"; }
# raw SEL FROM TO: the samples of SEL with FROM <= t <= TO (seconds), one
# "t value" a line, read over [H - 1h, H + 1h] and filtered here
raw() {
	curl -sS "$http/api/v1/query" --data-urlencode "query=$1[2h]" \
		--data-urlencode "time=$((H + 3600))" |
		python3 -c 'import json,sys
lo, hi = float(sys.argv[1]), float(sys.argv[2])
for s in json.load(sys.stdin)["data"]["result"]:
    for t, v in s["values"]:
        if lo <= t <= hi:
            print(repr(t), v)' "$2" "$3"
}
p_verify() {
	"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >"$T_TMP/$1.out" 2>&1
}

rm -rf "$T_TMP/vres"
"$TSLOAD" ingest -q -p 2 -c 2 --host-scale 1 --seed 7 --batch-writes --target "$V_URL" \
	-d pv --results "$T_TMP/vres" --start-time "$(date -u -d @$((H - 31)) +%FT%T).999Z" \
	--end-time "$(date -u -d @$((H + 29)) +%FT%T).999Z" --verify >"$T_TMP/clean.out" 2>&1
check_eq "clean run across the hour boundary: ingest --verify exits 0" 0 $?
V_DIR=$(ls -d "$T_TMP"/vres/*/ | head -1)
V_DIR=${V_DIR%/}
check "says the target holds what was written" \
	grep -q "verify: the target holds exactly what was written" "$T_TMP/clean.out"
check_eq "run.json verify: 312,000 points expected" 312000 "$(v_json "$V_DIR" expected_points)"
check_eq "run.json verify: all found" 312000 "$(v_json "$V_DIR" found_points)"
check_eq "a point of the host at the hour's last millisecond" 1 \
	"$(raw "$(sel cpu_user)" $((H - 1)).999 $((H - 1)).999 | wc -l)"

# no duplicate: the last sample of cpu_idle sent again is dropped, the
# same time with another value refused
last=$(raw "$(sel cpu_idle)" $((H + 24)).999 $((H + 24)).999 | cut -d' ' -f2)
labels=$(curl -sS "$http/api/v1/series" --data-urlencode "match[]=$(sel cpu_idle)" |
	python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["data"][0]))')
python3 "$T_SRC/tests/tools/rwpush.py" "$http/api/v1/write" "$labels" "$((LAST + 25000)):$last" >same.out
check "the same sample sent again is taken (204)" grep -q "^204" same.out
python3 "$T_SRC/tests/tools/rwpush.py" "$http/api/v1/write" "$labels" \
	"$((LAST + 25000)):$(python3 -c "print($last + 1)")" >dup.out
check "another value at the same time is refused (400 duplicate sample)" \
	grep -q "^400 .*duplicate sample" dup.out

# (a) cpu_user of the host deleted over [H - 20 s, H + 10 s], across the
# boundary: N counted from the server first
n_del=$(raw "$(sel cpu_user)" $((H - 20)) $((H + 10)) | wc -l)
before=$(raw "$(sel cpu_user)" $((H - 3600)) $((H + 3600)) | wc -l)
curl -sS -XPOST "$http/api/v1/admin/tsdb/delete_series" --data-urlencode "match[]=$(sel cpu_user)" \
	--data-urlencode start=$((H - 20)) --data-urlencode end=$((H + 10))
check "deleted points counted (the host's cpu_user, 6 cycles)" test "$n_del" -gt 0
check_eq "the server holds N fewer" $((before - n_del)) \
	"$(raw "$(sel cpu_user)" $((H - 3600)) $((H + 3600)) | wc -l)"
# (b) a series the model does not have: cpu_user's labels under another
# instance name, 3 points
xlabels=$(curl -sS "$http/api/v1/series" --data-urlencode "match[]=$(sel cpu_user)" |
	python3 -c 'import json,sys; d=json.load(sys.stdin)["data"][0]; d["instance_name"]="i-not-written"; print(json.dumps(d))')
python3 "$T_SRC/tests/tools/rwpush.py" "$http/api/v1/write" "$xlabels" \
	"$((LAST - 30000)):1" "$LAST:2" "$((LAST + 20000)):3" >push.out
check "one unexpected series pushed by remote write (204)" grep -q "^204" push.out
p_verify bad
check_eq "verify after the changes exits 1" 1 $?
check_eq "$n_del missing" "$n_del" "$(v_json "$V_DIR" missing)"
check_eq "0 duplicated (Prometheus keeps one sample per series and time)" 0 "$(v_json "$V_DIR" duplicated)"
check_eq "0 changed" 0 "$(v_json "$V_DIR" changed)"
check_eq "no point at an unexpected time" 0 "$(v_json "$V_DIR" unexpected_times)"
check_eq "1 unexpected series" 1 "$(v_json "$V_DIR" unexpected_series)"
check_eq "its 3 points" 3 "$(v_json "$V_DIR" unexpected_series_points)"
check "the summary line says missing $n_del, duplicated 0, changed 0" \
	grep -q "missing $n_del, duplicated 0, changed 0," "$T_TMP/bad.out"
check "run.json names the series' measure" json_has "$V_DIR/run.json" measure '"cpu_user"'

# promrw:// to VictoriaMetrics, whose ranges leave out their left end
# ([1h] there): the same run verifies with no difference, the point at
# the hour's last millisecond in its hour only
start_more vm-local.sh "$T_TMP/vm"
vhttp=http://127.0.0.1:$(cat "$T_TMP/vm/port")
rm -rf "$T_TMP/vres2"
"$TSLOAD" ingest -q -p 2 -c 2 --host-scale 1 --seed 7 --batch-writes \
	--target "promrw://${vhttp#http://}" -d pv --results "$T_TMP/vres2" \
	--start-time "$(date -u -d @$((H - 31)) +%FT%T).999Z" \
	--end-time "$(date -u -d @$((H + 29)) +%FT%T).999Z" >"$T_TMP/vm.out" 2>&1
check_eq "promrw:// to VictoriaMetrics: the run exits 0" 0 $?
for _ in $(seq 150); do
	curl -sS -XPOST "$vhttp/internal/force_flush" >/dev/null
	[ "$(curl -sS "$vhttp/api/v1/query" --data-urlencode 'query=sum(count_over_time({db="pv"}[3h]))' \
		--data-urlencode "time=$((H + 3600))" | sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p')" = 312000 ] && break
	sleep 0.2
done
"$TSLOAD" verify --target "promrw://${vhttp#http://}" --results "$(ls -d "$T_TMP"/vres2/*/ | head -1)" >"$T_TMP/vm-verify.out" 2>&1
check_eq "promrw:// to VictoriaMetrics: verify exits 0" 0 $?
check "... the target holds what was written" \
	grep -q "verify: the target holds exactly what was written" "$T_TMP/vm-verify.out"
# the same run with --multi (remote write sends a sample per measure in
# either layout): the same series stored, the same check
rm -rf "$T_TMP/vres3"
"$TSLOAD" ingest -q -p 2 -c 2 --host-scale 1 --seed 7 --batch-writes --multi \
	--target "promrw://${vhttp#http://}" -d pm --results "$T_TMP/vres3" \
	--start-time "$(date -u -d @$((H - 31)) +%FT%T).999Z" \
	--end-time "$(date -u -d @$((H + 29)) +%FT%T).999Z" >"$T_TMP/vmm.out" 2>&1
check_eq "promrw:// --multi to VictoriaMetrics: the run exits 0" 0 $?
for _ in $(seq 150); do
	curl -sS -XPOST "$vhttp/internal/force_flush" >/dev/null
	[ "$(curl -sS "$vhttp/api/v1/query" --data-urlencode 'query=sum(count_over_time({db="pm"}[3h]))' \
		--data-urlencode "time=$((H + 3600))" | sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p')" = 312000 ] && break
	sleep 0.2
done
m_dir=$(ls -d "$T_TMP"/vres3/*/ | head -1)
"$TSLOAD" verify --target "promrw://${vhttp#http://}" --results "$m_dir" >"$T_TMP/vmm-verify.out" 2>&1
check_eq "promrw:// --multi to VictoriaMetrics: verify exits 0" 0 $?
check_eq "... 312,000 points found" 312000 "$(v_json "${m_dir%/}" found_points)"

# (c) Prometheus' limit on the samples one query loads: verify reads one
# metric name and hour at a time (here 1,000 series x 6 points); below
# that, it stops with the server's reason, exit 2
bash "$T_SRC/scripts/prom-local.sh" stop "$T_TMP/prom" >/dev/null
PROM_PORT=$port PROM_FLAGS="--web.enable-admin-api --query.max-samples=1000" \
	bash "$T_SRC/scripts/prom-local.sh" start "$T_TMP/prom" >/dev/null
p_verify limit
check_eq "--query.max-samples=1000: verify exits 2" 2 $?
check "... naming Prometheus' reason" grep -q "too many samples" "$T_TMP/limit.out"
check_eq "... on one line" 1 "$(wc -l <"$T_TMP/limit.out")"
finish
