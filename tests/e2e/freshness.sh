#!/usr/bin/env bash
# --freshness on SQLite (no server): the probe measures ack-to-visible for
# one target and for each of a fan-out's, every probe is seen (no timing
# asserted: SQLite shows a committed row at once, the figure is the poll
# and the machine), run.json, the progress and closing lines carry it; targets
# without a query path are refused in one line (exit 2).
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

"$TSLOAD" ingest --target "sqlite:$T_TMP/f.db" --host-scale 1 --duration 3 \
	--interval-millis 500 --freshness --freshness-interval 0.2 \
	--results "$T_TMP/results" >one.out 2>&1
check_eq "one target: exit 0" 0 $?
d=$(last_run)
n=$(run_value "$d" totals freshness count)
check "one target: probes measured ($n)" test "${n:-0}" -gt 0
check_eq "one target: every probe visible" 0 "$(run_value "$d" totals freshness not_visible)"
check_eq "one target: freshness_hist counts the probes" "$n" "$(run_value "$d" totals freshness_hist count)"
check "one target: p50 is a time" python3 -c "import sys; sys.exit(not float('$(run_value "$d" totals freshness p50)') > 0)"
check "one target: the closing line" grep -q "^Freshness (ack to visible) ms: p50 [0-9.]*, p99 [0-9.]*, max [0-9.]* over $n probes; not visible within 60 s: 0" one.out
check "one target: the progress line shows it" grep -q "  fresh p50 [0-9]* ms" one.out

# fan-out: each target has its own probes
"$TSLOAD" ingest --target "sqlite:$T_TMP/a.db" --target "sqlite:$T_TMP/b.db" \
	--host-scale 1 --duration 3 --interval-millis 500 --freshness \
	--freshness-interval 0.2 --results "$T_TMP/results" >two.out 2>&1
check_eq "two targets: exit 0" 0 $?
d=$(last_run)
for k in 0 1; do
	n=$(run_value "$d" targets $k freshness count)
	check "two targets: target $((k + 1)) probed ($n)" test "${n:-0}" -gt 0
	check_eq "two targets: target $((k + 1)) every probe visible" 0 "$(run_value "$d" targets $k freshness not_visible)"
	check "two targets: target $((k + 1)) closing line" grep -q "^Target $((k + 1)) Freshness (ack to visible) ms: " two.out
done

# without --freshness: nothing about it
"$TSLOAD" ingest --target "sqlite:$T_TMP/c.db" --host-scale 1 --duration 1 \
	--results "$T_TMP/results" >none.out 2>&1
check_eq "no --freshness: exit 0" 0 $?
check_eq "no --freshness: no freshness in run.json" none "$(run_value "$(last_run)" totals freshness)"
check "no --freshness: no closing line" not grep -q "Freshness" none.out

# targets without a query path
for t in "file:$T_TMP/x.csv" null: "sqlite:$T_TMP/d.db --target null:"; do
	# shellcheck disable=SC2086
	"$TSLOAD" ingest --target $t --duration 1 --freshness >ref.out 2>&1
	check_eq "--freshness with $t: exit 2" 2 $?
	check "--freshness with $t: one line naming it" \
		grep -q "^tsload: error: --freshness: target .*: has no query to probe" ref.out
	check_eq "--freshness with $t: only that line" 1 "$(wc -l <ref.out)"
done
finish
