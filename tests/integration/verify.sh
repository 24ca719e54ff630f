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
