#!/usr/bin/env bash
# --freshness on ClickHouse (scripts/ch-local.sh): the probe's ClickHouse
# SQL point query finds every probed point (synchronous inserts: visible
# once acknowledged); no timing asserted.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1
start_server ch-local.sh "$T_TMP/ch"
port=${SRV_URL##*:}

"$TSLOAD" ingest --target "clickhouse://127.0.0.1:$port/?db=fresh" \
	--host-scale 1 --duration 4 --interval-millis 1000 --freshness \
	--freshness-interval 0.5 --results "$T_TMP/results" >run.out 2>&1
check_eq "clickhouse: exit 0" 0 $?
d=$(last_run)
n=$(run_value "$d" totals freshness count)
check "clickhouse: probes measured ($n)" test "${n:-0}" -gt 0
check_eq "clickhouse: every probe visible" 0 "$(run_value "$d" totals freshness not_visible)"
check "clickhouse: the closing line" grep -q "^Freshness (ack to visible) ms: p50 " run.out
finish
