#!/usr/bin/env bash
# Issue 20's item 4, measured: acknowledged writes a crash takes away, and
# tsload verify counting exactly them. Each case computes, from both
# sides, acknowledged (the run's points, every batch acknowledged) minus
# held (counted with the server's own client after the restart) and
# checks that verify reports that many missing and found the rest. A run
# that lost nothing says so in a note and still checks the equation.
#
# PostgreSQL (scripts/pg-local.sh) with synchronous_commit=off: a commit
# is acknowledged before its WAL leaves the server's memory; the WAL
# writer writes the last, partial page only every wal_writer_delay (10 s
# here; the background writer off, so that it writes no WAL either).
# pg_ctl stop -m immediate as soon as the run ends, then a restart on the
# same data: what the WAL on disk did not hold is gone.
#
# VictoriaMetrics (scripts/vm-local.sh) killed with -9 in the middle of a
# paced run and started again on its port a second later: the batches of
# the gap are retried until it answers, so every batch ends acknowledged,
# and what it held in memory before the kill is gone.
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/tests/verify-lib.sh"
cd "$T_TMP" || exit 1

# loss NAME ACKED HELD: verify's figures against acknowledged - held
loss() {
	"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >"$T_TMP/$1-verify.out" 2>&1
	local rc=$?
	echo "$1: $2 points acknowledged, $3 held after the restart"
	check "$1: the server holds some of them" test "${3:-0}" -gt 0
	check_eq "$1: verify's missing = acknowledged - held" $(($2 - ${3:-0})) "$(v_json "$V_DIR" missing)"
	check_eq "$1: verify's found = held" "${3:-0}" "$(v_json "$V_DIR" found_points)"
	check_eq "$1: nothing duplicated or changed" "0 0" \
		"$(v_json "$V_DIR" duplicated) $(v_json "$V_DIR" changed)"
	if [ "${3:-0}" -lt "$2" ]; then
		check_eq "$1: verify exits 1 (acknowledged points lost)" 1 "$rc"
	else
		echo "note: $1: nothing was lost this time; the equation still holds"
		check_eq "$1: verify exits 0 (nothing lost)" 0 "$rc"
	fi
}

# ---- PostgreSQL, synchronous_commit=off, immediate stop ----
PG_ARGS="-c wal_writer_delay=10s -c bgwriter_lru_maxpages=0" start_server pg-local.sh "$T_TMP/pg"
V_URL=$SRV_URL
v_run pg
bash "$T_SRC/scripts/pg-local.sh" crash "$T_TMP/pg"
check_eq "pg: the run exits 0" 0 "$V_RC"
acked=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1] + "/run.json"))["totals"]; print(t["points"] if t["lost"] == 0 else -1)' "$V_DIR")
check_eq "pg: every point acknowledged (run.json points, none lost)" 312000 "$acked"
bash "$T_SRC/scripts/pg-local.sh" restart "$T_TMP/pg" >/dev/null
held=$(psql "$V_URL" -XAtq -c 'SELECT count(*) FROM "host_metrics"')
loss pg "$acked" "$held"

# ---- VictoriaMetrics, kill -9 mid-run ----
start_more vm-local.sh "$T_TMP/vm"
http=http://127.0.0.1:$(cat "$T_TMP/vm/port")
V_URL="$SRV_URL/?db=vmid"
rm -rf "$T_TMP/vres"
(
	sleep 5
	pid=$(cat "$T_TMP/vm/victoria-metrics.pid")
	kill -9 "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
	sleep 1
	VM_PORT=${http##*:} bash "$T_SRC/scripts/vm-local.sh" start "$T_TMP/vm" >/dev/null
) &
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --seed 7 --start-time now --autostop 10 \
	--interval-millis 1000 --max-retries 1000 --target "$V_URL" \
	--results "$T_TMP/vres" >"$T_TMP/vm.out" 2>&1
rc=$?
wait
V_DIR=$(ls -d "$T_TMP"/vres/*/ | head -1)
V_DIR=${V_DIR%/}
check_eq "vm: the run exits 0" 0 "$rc"
check_eq "vm: no failed writes (the gap's batches retried)" 0 "$(failed_writes "$T_TMP/vm.out")"
check "vm: the kill was felt (unreachable, retried)" grep -q "unreachable" "$T_TMP/vm.out"
acked=$(points_written "$T_TMP/vm.out")
check_eq "vm: every point acknowledged" 260000 "$acked"
vmcount() {
	curl -sS "$http/api/v1/query" --data-urlencode 'query=sum(count_over_time({db="vmid"}[1h]))' |
		sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p'
}
# what it took after the restart becomes searchable about a second later
for _ in $(seq 50); do
	curl -sS -XPOST "$http/internal/force_flush" >/dev/null
	held=$(vmcount)
	sleep 0.2
	curl -sS -XPOST "$http/internal/force_flush" >/dev/null
	[ "$(vmcount)" = "$held" ] && [ -n "$held" ] && break
done
loss vm "$acked" "$held"
finish
