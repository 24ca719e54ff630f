#!/usr/bin/env bash
# tsload verify against real servers (scripts/pg-local.sh, ch-local.sh on
# loopback): on PostgreSQL and ClickHouse a clean run verifies with no
# difference; then 7 rows deleted, 5 duplicated and 3 changed with the
# server's own client (psql; ClickHouse's HTTP interface, mutations
# synchronous) are reported exactly as 7, 5 and 3 (tests/verify-lib.sh);
# the same with --multi (7 rows deleted are 140 points missing, 5 rows
# duplicated 100 points duplicated, 3 cells changed 3 points, a NULL cell
# one point missing).
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/tests/verify-lib.sh"
cd "$T_TMP" || exit 1

start_server pg-local.sh "$T_TMP/pg"
V_DIALECT=postgres
V_URL=$SRV_URL
q() { psql "$V_URL" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
q 'DROP TABLE IF EXISTS "host_metrics"'
v_suite
# a run over three hours: PostgreSQL's aggregates are read in hour slices
# over 2 connections (verify_par.c); 2 points deleted in the second hour
# are counted, no more
q 'DROP TABLE IF EXISTS "host_metrics"'
v_run hours --end-time 2026-01-01T02:10:00Z --interval-millis 600000
check_eq "postgres, 3 hours: the run is written" 0 "$V_RC"
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >"$T_TMP/hours.out" 2>&1
check_eq "postgres, 3 hours: a clean run verifies, exit 0" 0 $?
check_eq "postgres, 3 hours: 338,000 points found" 338000 "$(v_json "$V_DIR" found_points)"
q "DELETE FROM \"host_metrics\" WHERE measure_name = 'cpu_user' AND time = 1767229800000 AND instance_name IN (SELECT instance_name FROM \"host_metrics\" WHERE measure_name = 'cpu_user' AND time = 1767229800000 ORDER BY instance_name LIMIT 2)"
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >"$T_TMP/hours-bad.out" 2>&1
check_eq "postgres, 3 hours: verify after a delete exits 1" 1 $?
check_eq "postgres, 3 hours: 2 missing" 2 "$(v_json "$V_DIR" missing)"
check_eq "postgres, 3 hours: nothing else differs" 0 \
	"$(($(v_json "$V_DIR" duplicated) + $(v_json "$V_DIR" changed) + $(v_json "$V_DIR" unexpected_times)))"
q 'DROP TABLE "host_metrics"'
v_suite_multi

start_more ch-local.sh "$T_TMP/ch"
V_DIALECT=clickhouse
chport=${SRV_URL##*:}
V_URL=clickhouse://127.0.0.1:$chport
q() { curl -sS --fail --noproxy '*' "http://127.0.0.1:$chport/?database=devops" --data-binary "$1"; }
v_suite
q 'DROP TABLE "host_metrics"'
v_suite_multi
finish
