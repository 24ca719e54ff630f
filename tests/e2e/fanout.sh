#!/usr/bin/env bash
# End-to-end fan-out without servers: --target repeated over the embedded
# targets. Every target gets every batch (a backfill, so the data are
# known): two files hold exactly the bytes a single-target run writes,
# SQLite holds every record, and the closing lines, the live line and
# run.json speak per target; a target that ends the run (a full disk)
# stops it as with one target.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

span=(--host-scale 1 --start-time 2026-01-01T00:00:00Z --end-time 2026-01-01T00:05:00Z
	--interval-millis 60000 --seed 7 --batch-writes)

# 1. one target: the reference file
"$TSLOAD" ingest -p 2 -c 2 "${span[@]}" --target "file:$T_TMP/one.lp" \
	--results "$T_TMP/r" >one.out 2>one.err
check_eq "one target: exit 0" 0 $?

# 2. four targets: two files, SQLite and null
"$TSLOAD" ingest -p 2 -c 2 "${span[@]}" --target "file:$T_TMP/a.lp" \
	--target "sqlite:$T_TMP/f.db" --target null: --target "file:$T_TMP/b.lp" \
	--results "$T_TMP/r4" >fan.out 2>fan.err
check_eq "fan-out: exit 0" 0 $?
check "fan-out: stderr is empty" test ! -s fan.err
n=$(records_written one.out)
for k in 1 2 3 4; do
	check_eq "fan-out: target $k wrote every record" "$n" "$(target_number $k "Records written" fan.out)"
	check_eq "fan-out: target $k failed nothing" 0 "$(target_number $k "Failed writes" fan.out)"
done
check_eq "fan-out: [OVERALL] is the sum" "$((4 * n))" \
	"$(sed -n 's/^\[OVERALL\].*Records written: \([0-9]*\).*/\1/p' fan.out)"
check_eq "fan-out: file 1 = the single run's file (sorted)" \
	"$(sort one.lp | md5sum)" "$(sort a.lp | md5sum)"
check_eq "fan-out: file 4 = the single run's file (sorted)" \
	"$(sort one.lp | md5sum)" "$(sort b.lp | md5sum)"
check_eq "fan-out: SQLite holds every record" "$n" \
	"$(sqlite3 "$T_TMP/f.db" 'select count(*) from host_metrics')"
check "fan-out: a closing line per target, in order" \
	bash -c "grep -o '^Target [0-9] [a-z]*' fan.out | tr '\n' ' ' | grep -qx 'Target 1 file Target 2 sqlite Target 3 null Target 4 file '"
run=$(ls -d "$T_TMP"/r4/*-ingest-* | head -1)
check "fan-out: run.json has each target's figures" python3 -c "
import json; j=json.load(open('$run/run.json'))
t=j['targets']; assert len(t)==4 and all(x['records']==$n and x['failed']==0 for x in t), t
assert j['totals']['records']==4*$n
assert j['options']['targets'][1]=='sqlite:$T_TMP/f.db'"

# 3. a live line with a column per target (paced, two cycles)
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 2.5 --interval-millis 1000 \
	--target null: --target "null:?format=lp" --results "$T_TMP/r" >live.out 2>live.err
check_eq "live: exit 0" 0 $?
check "live: a column per target" grep -qE '\| 1 null [0-9]+/s [0-9]+ records errors 0  \| 2 null ' live.out

# 4. a target that ends the run (a full disk) ends it for all
if [ -w /dev/full ]; then
	"$TSLOAD" ingest -p 1 -c 1 "${span[@]}" --target null: --target "file:/dev/full" \
		--results "$T_TMP/r" >full.out 2>full.err
	check_eq "full disk on target 2: exit 1" 1 $?
	check "full disk on target 2: the reason names target 2" grep -q "target 2" full.out full.err
fi

finish
