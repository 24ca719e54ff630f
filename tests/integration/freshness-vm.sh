#!/usr/bin/env bash
# --freshness on VictoriaMetrics (scripts/vm-local.sh), through vm:// (line
# protocol, MetricsQL) and promrw:// (remote write, PromQL). The server is
# started with -search.latencyOffset=2s: a query does not show a point
# until 2 s after its timestamp, a delay the server is configured with (on
# top of its in-memory buffer, flushed about every second). The probe
# must measure at least that: freshness = visible - ack >= (T + 2 s) -
# ack, where ack - T (the cycle's timestamp to the acknowledgement) is
# milliseconds with one host; the bound keeps 0.5 s of it for a slow
# machine. A lower bound only: a busy machine makes it longer, never
# shorter.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1
VM_ARGS="-search.latencyOffset=2s" start_server vm-local.sh "$T_TMP/vm"
port=$(cat "$T_TMP/vm/port")

at_least() { python3 -c "import sys; sys.exit(not float('$1') >= float('$2'))"; }

for t in "$SRV_URL/?db=fresh" "promrw://127.0.0.1:$port/api/v1/write"; do
	# the series first: VM takes longer to show a series it has just
	# registered, the probes then measure the points of known ones
	"$TSLOAD" ingest --target "$t" -d fresh --host-scale 1 --autostop 1 \
		--results "$T_TMP/results" >warm.out 2>&1
	check_eq "$t: warm-up exit 0" 0 $?
	sleep 10
	"$TSLOAD" ingest --target "$t" -d fresh --host-scale 1 --duration 8 \
		--interval-millis 1000 --freshness --freshness-interval 1 \
		--results "$T_TMP/results" >run.out 2>&1
	check_eq "$t: exit 0" 0 $?
	d=$(last_run)
	n=$(run_value "$d" totals freshness count)
	p50=$(run_value "$d" totals freshness p50)
	check "$t: probes measured ($n)" test "${n:-0}" -gt 0
	check_eq "$t: every probe visible" 0 "$(run_value "$d" totals freshness not_visible)"
	check "$t: p50 $p50 s >= 1.5 s (latencyOffset 2 s)" at_least "${p50:-0}" 1.5
	check "$t: the closing line" grep -q "^Freshness (ack to visible) ms: p50 " run.out
done
finish
