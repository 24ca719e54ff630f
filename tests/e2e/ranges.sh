#!/usr/bin/env bash
# Backfill and host ranges on SQLite: --start-time/--end-time write
# exactly series x cycles rows with every timestamp in [start, end), for
# absolute, fractional and relative times; --id-start/--id-end split one
# model over runs that together write what one full run writes.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

q() { sqlite3 "$1" "$2"; }
ing() { # ing DB EXTRA...: a quiet SQLite ingest of host-scale 1
	local db=$1
	shift
	"$TSLOAD" ingest -q --host-scale 1 --seed 7 --target "sqlite:$T_TMP/$db" \
		--results "$T_TMP/results" "$@" >"$db.out" 2>"$db.err"
}
lastrun() { ls -td "$T_TMP"/results/*-ingest-* | head -1; }

# 1. Backfill, single layout: 26000 series x 6 cycles of 10 s in [0, 60 s).
S=1767225600000 # 2026-01-01T00:00:00Z
ing bf.db -p 2 -c 2 --interval-millis 10000 \
	--start-time 2026-01-01T00:00:00Z --end-time 2026-01-01T01:01:00+01:00
check_eq "backfill: exit 0" 0 $?
check_eq "backfill: stderr is empty" "" "$(cat bf.db.err)"
check_eq "backfill: series x cycles rows" 156000 "$(q bf.db 'select count(*) from host_metrics')"
check_eq "backfill: Records written = rows" 156000 "$(records_written bf.db.out)"
check_eq "backfill: first and last stamp, 6 distinct" "$S|$((S + 50000))|6" \
	"$(q bf.db 'select min(time), max(time), count(distinct time) from host_metrics')"
check_eq "backfill: every series once per cycle" 0 \
	"$(q bf.db 'select count(*) from (select instance_name, process_name, measure_name, time from host_metrics group by 1, 2, 3, 4 having count(*) != 1)')"

# 2. Multi layout, a range that is not a multiple of the interval: cycles
# at start + k x 7 s below the end, 2200 series each.
ing bfm.db --multi -c 3 --interval-millis 7000 --start-time 1767225600 --end-time 1767225630.5
check_eq "multi backfill: exit 0" 0 $?
check_eq "multi backfill: 2200 series x 5 cycles" "11000|$S|$((S + 28000))" \
	"$(q bfm.db 'select count(*), min(time), max(time) from host_metrics')"

# 3. The data generator's fast mode (INGEST_TS=1600163743.5, Δ=0.5 s,
# INGEST_SIZE=4): a fractional start, cycles every 500 ms.
ing dg.db --interval-millis 500 --start-time 1600163743.5 --end-time 1600163745.5
check_eq "fractional start: exit 0" 0 $?
check_eq "fractional start: 4 cycles from 1600163743500" "104000|1600163743500|1600163745000|4" \
	"$(q dg.db 'select count(*), min(time), max(time), count(distinct time) from host_metrics')"

# 4. Relative times, from the run's start: the last minute, 6 cycles.
before=$(($(date +%s%3N) - 60000))
ing rel.db -p 2 --interval-millis 10000 --start-time -1m --end-time now
check_eq "relative: exit 0" 0 $?
after=$(($(date +%s%3N) - 60000))
read -r n lo hi k <<<"$(q rel.db 'select count(*), min(time), max(time), count(distinct time) from host_metrics' | tr '|' ' ')"
check_eq "relative: series x 6 cycles" "156000 6" "$n $k"
check "relative: starts a minute before the run ($before <= $lo <= $after)" \
	test "$lo" -ge "$before" -a "$lo" -le "$after"
check_eq "relative: 10 s apart" 50000 "$((hi - lo))"

# 5. Host ranges: [0, 400) and [400, 1000) together are the full model.
args=(--interval-millis 5000 --start-time 2026-01-01T00:00:00Z --end-time 2026-01-01T00:00:10Z)
ing full.db "${args[@]}"
check_eq "full run: exit 0" 0 $?
ing a.db "${args[@]}" -p 2 -c 2 --id-end 400
check_eq "range [0, 400): exit 0" 0 $?
check "range [0, 400): run.json records it" json_has "$(lastrun)/run.json" id_end 400
ing b.db "${args[@]}" -c 3 --id-start 400
check_eq "range [400, 1000): exit 0" 0 $?
check "range [400, 1000): run.json records its start" json_has "$(lastrun)/run.json" id_start 400
check "range [400, 1000): and the model's end" json_has "$(lastrun)/run.json" id_end 1000
names() { q "$1" 'select distinct instance_name from host_metrics order by 1'; }
check_eq "ranges: 400 and 600 hosts" "400 600" \
	"$(names a.db | wc -l) $(names b.db | wc -l)"
check_eq "ranges: no host in both" 0 "$(comm -12 <(names a.db) <(names b.db) | wc -l)"
check_eq "ranges: together the full run's hosts" "$(names full.db | sha256sum)" \
	"$( (names a.db; names b.db) | sort | sha256sum)"
keys() { q "$1" 'select instance_name, process_name, measure_name, time from host_metrics'; }
check_eq "ranges: together the full run's rows" "$(keys full.db | sort | sha256sum)" \
	"$( (keys a.db; keys b.db) | sort | sha256sum)"
check_eq "ranges: rows add up" "$(q full.db 'select count(*) from host_metrics')" \
	"$(($(q a.db 'select count(*) from host_metrics') + $(q b.db 'select count(*) from host_metrics')))"
check "range: the log line names it" grep -q "1000 hosts, results\| 400 hosts \[0, 400) of 1000" a.db.out

# One host at the end of the model.
ing one.db "${args[@]}" --id-start 999 --id-end 1000
check_eq "one host: exit 0" 0 $?
check_eq "one host: one name" 1 "$(names one.db | wc -l)"
check "one host: one of [400, 1000)" grep -qxF "$(names one.db)" <(names b.db)

finish
