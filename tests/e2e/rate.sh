#!/usr/bin/env bash
# Open loop (--rate, --schedule, --max-lag), with bounds that a slow, busy
# machine cannot break but no pacing at all would: the rate achieved on
# null: (one worker, and split over -p 2 -c 2), records as the unit, a
# stall of the target (the fake Timestream endpoint answers one write
# after 1 s) that the latency from the intended start shows and the
# service time hides, work skipped with --max-lag, a cycling schedule
# with a pause, steps that end the run, and `tsload query --rate`. Speed
# goals are in `make bench`.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1
: "${TSFAKE:=$(dirname "$TSLOAD")/../tests/tsfake}"

# jget FILE PATH...: a value of run.json (keys and list indexes)
jget() {
	python3 - "$@" <<'PY'
import json, sys
v = json.load(open(sys.argv[1], encoding="utf-8"))
for k in sys.argv[2:]:
    v = v[int(k)] if isinstance(v, list) else v.get(k) if isinstance(v, dict) else None
print("" if v is None else v)
PY
}
# within X LO HI: LO <= X <= HI (decimals allowed)
within() { awk -v x="${1:-nan}" -v l="$2" -v h="$3" 'BEGIN { exit !(x + 0 == x && x >= l && x <= h) }'; }
secs_of() { sed -n 's/^Total time to ingest: \([0-9.]*\) seconds.*/\1/p' "$1" | tail -1; }
skipped_of() { sed -n 's/.*Skipped (later than --max-lag): \([0-9]*\).*/\1/p' "$1" | tail -1; }
json_of() { ls "$1"/*/run.json 2>/dev/null | head -1; }
# rate_pct FILE: achieved in % of the target, from the closing line
rate_pct() { sed -n 's/^Rate: .*(\([0-9.]*\)%).*/\1/p' "$1" | tail -1; }

# 1. 2000 data points/s for 3 s on null: 50..150 % of the target (no
# pacing: hundreds of times more)
"$TSLOAD" ingest --target 'null:?format=lp' --host-scale 1 --rate 2000 \
	--duration 3 --results r1 >o1 2>e1
check_eq "rate 2000: exit 0" 0 $?
p=$(points_written o1)
s=$(secs_of o1)
check "rate 2000: 50..150 % of 2000 points/s (got $p in $s s)" \
	within "$(awk -v p="${p:-0}" -v s="${s:-1}" 'BEGIN { print p / s }')" 1000 3000
check "rate 2000: the closing line says it" within "$(rate_pct o1)" 50 150
check "rate 2000: latency from the intended start" grep -q '^Latency from the intended start ms: p50 ' o1
check "rate 2000: schedule lag" grep -q '^Schedule lag ms: p50 ' o1
check "rate 2000: live line, achieved in % of the target and lag p99" \
	grep -Eq 'rate [0-9]+ of 2000 points/s \([0-9.]+%\)  lag p99 [0-9.]+ ms$' o1
j=$(json_of r1)
check_eq "rate 2000: run.json unit" "data points" "$(jget "$j" rate unit)"
check "rate 2000: run.json target" within "$(jget "$j" rate target_per_s)" 1999.9 2000.1
check "rate 2000: run.json intended-start latency of every write" \
	test "$(jget "$j" totals latency_from_intended_s count)" = "$(jget "$j" totals attempts)"
check "rate 2000: run.json schedule lag" test -n "$(jget "$j" totals schedule_lag_s p99)"
check "rate 2000: timeseries.csv has the target" \
	grep -q '^time_s,.*,target_per_s,lag_p99_ms,skipped$' "$(dirname "$j")/timeseries.csv"

# 2. split over 2 workers x 2 threads: the run's rate, not 4 times it
"$TSLOAD" ingest --target null: --host-scale 1 -p 2 -c 2 --rate 4000 \
	--batch-writes --batch-size 50 --duration 3 --results r2 >o2 2>e2
check_eq "-p 2 -c 2: exit 0" 0 $?
check "-p 2 -c 2: 50..150 % of 4000 points/s in all" within "$(rate_pct o2)" 50 150
j=$(json_of r2)
n1=$(jget "$j" workers 0 latency_from_intended_s count)
n2=$(jget "$j" workers 1 latency_from_intended_s count)
check "-p 2 -c 2: both workers' intended-start latencies reach run.json ($n1, $n2)" \
	test "${n1:-0}" -gt 0 -a "${n2:-0}" -gt 0
check_eq "-p 2 -c 2: merged in the totals" "$((n1 + n2))" "$(jget "$j" totals latency_from_intended_s count)"

# 3. records as the unit: multi-measure, 300 records/s
"$TSLOAD" ingest --target null: --host-scale 1 --multi --rate 300 --rate-unit records \
	--duration 3 --results r3 >o3 2>e3
check_eq "--rate-unit records: exit 0" 0 $?
check "--rate-unit records: 50..150 % of 300 records/s" within "$(rate_pct o3)" 50 150
check "--rate-unit records: said so" grep -q '^Rate: target 300 records/s' o3
check_eq "--rate-unit records: run.json unit" records "$(jget "$(json_of r3)" rate unit)"

# 4. a stall: 10 batches/s into the fake Timestream endpoint, whose third
# write takes 1 s. The batches due meanwhile wait: the latency from their
# intended start shows it (p90 >= 0.5 s), the service time does not (one
# slow write of ~30: p90 < 0.5 s).
SECRET='fakeSecret/0123456789ABCDEFGHIJklmnopqrst'
export AWS_ACCESS_KEY_ID=AKIDFAKETEST AWS_SECRET_ACCESS_KEY=$SECRET AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_SHARED_CREDENTIALS_FILE=$T_TMP/none AWS_CONFIG_FILE=$T_TMP/none
unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_REGION
fpid=
trap '[ -n "$fpid" ] && kill "$fpid" 2>/dev/null; t_exit' EXIT
fake() {
	rm -f port stats
	"$TSFAKE" --port-file port --stats-file stats --secret "$SECRET" "$@" &
	fpid=$!
	for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
	port=$(cat port)
}
stop_fake() { kill -TERM "$fpid"; wait "$fpid"; fpid=; }
if [ -x "$TSFAKE" ]; then
	fake --script 'WriteRecords=ok,ok,slow:1000'
	"$TSLOAD" ingest --target "timestream+http://127.0.0.1:$port" -d db -t tbl \
		--host-scale 1 --batch-writes --batch-size 100 --rate 1000 --duration 3 \
		--results r4 >o4 2>e4
	check_eq "stall: exit 0" 0 $?
	stop_fake
	j=$(json_of r4)
	check "stall: the stalled write took 1 s" within "$(jget "$j" totals latency_s max)" 1 100
	check "stall: intended-start latency p90 >= 0.5 s" \
		within "$(jget "$j" totals latency_from_intended_s p90)" 0.5 100
	check "stall: service time p90 < 0.5 s" within "$(jget "$j" totals latency_s p90)" 0 0.5
	check "stall: the lag shows it (p99 >= 0.5 s)" within "$(jget "$j" totals schedule_lag_s p99)" 0.5 100
	check_eq "stall: nothing skipped without --max-lag" 0 "$(skipped_of o4)"

	# 5. the same stall with --max-lag 200: the batches due more than
	# 200 ms before the stall ended are skipped and counted, not written
	fake --script 'WriteRecords=ok,ok,slow:1000'
	"$TSLOAD" ingest --target "timestream+http://127.0.0.1:$port" -d db -t tbl \
		--host-scale 1 --batch-writes --batch-size 100 --rate 1000 --duration 3 \
		--max-lag 200 --results r5 >o5 2>e5
	check_eq "--max-lag: exit 0" 0 $?
	stop_fake
	k=$(skipped_of o5)
	check "--max-lag 200: batches skipped ($k)" test "${k:-0}" -ge 3
	j=$(json_of r5)
	check_eq "--max-lag: run.json counts them" "$k" "$(jget "$j" totals skipped)"
	check_eq "--max-lag: their data points" "$((k * 100))" "$(jget "$j" totals skipped_points)"
	check_eq "--max-lag: the endpoint took only the written" "$(records_written o5)" "$(sed -n 's/^records //p' stats)"
else
	bad "no fake endpoint at $TSFAKE (make builds it with the tests)"
fi

# 6. the seed's schedule, cycling: 2000/s for 4 s, a pause of 4 s, again
# (rates of 2 s: 2000, 2000, 0, 0). Counts, not instants: no row before
# the pause ends has more than the first 8000 points (and one batch); a
# row whose interval the schedule has all in the pause shows no new
# points (the workers report once a second: the 4 s leave room for a late
# tick); the run ends with more points than that row. A worker that
# starts late on a busy machine begins where the schedule is, so 4 s on
# before the pause leave room for that too.
echo '{"update_interval": 2, "schedule": [2000, 2000, 0, 0]}' >cyc.json
"$TSLOAD" ingest --target null: --host-scale 1 --batch-writes --batch-size 100 \
	--schedule cyc.json --duration 10 --results r6 >o6 2>e6
check_eq "schedule cycling: exit 0" 0 $?
csv=$(dirname "$(json_of r6)")/timeseries.csv
check "schedule cycling: before the pause ends, at most the first 8000 points" \
	awk -F, 'NR > 1 && $1 <= 7.9 && $4 > 8100 { bad = 1 } END { exit bad }' "$csv"
# the points of the first row of target 0 with no new points, or nothing
paused=$(awk -F, 'NR > 2 && $11 == 0 && $4 == last && $4 > 0 { print $4; exit } { last = $4 }' "$csv")
check "schedule cycling: the pause was seen (a row of target 0 with no new points: ${paused:-none})" \
	test -n "$paused"
check "schedule cycling: and the rate came back ($(points_written o6) points, ${paused:-none} in the pause)" \
	test "$(points_written o6)" -gt "$((${paused:-999999} + 100))" -a "$(points_written o6)" -le 12100
check_eq "schedule cycling: run.json" "4 rates of 2 s, cycling" "$(jget "$(json_of r6)" rate schedule)"

# 7. steps end the run by themselves: 1000/s for 1 s, a pause of 2 s,
# 2000/s for 1 s; no --duration (timeout: a guard, should they not end)
cat >steps.json <<'J'
{"steps": [{"rate": 1000, "for": "1s"}, {"rate": 0, "for": 2}, {"rate": 2000, "for": "1s"}]}
J
timeout 120 "$TSLOAD" ingest --target null: --host-scale 1 --batch-writes --batch-size 100 \
	--schedule steps.json --results r7 >o7 2>e7
check_eq "steps: exit 0, ended by the schedule" 0 $?
check "steps: at most the 3000 points of the steps ($(points_written o7))" \
	test "$(points_written o7)" -le 3000 -a "$(points_written o7)" -ge 1000
check "steps: the run lasted the steps" within "$(secs_of o7)" 3.5 600
csv=$(dirname "$(json_of r7)")/timeseries.csv
check "steps: in the pause, at most the first 1000 points" \
	awk -F, 'NR > 1 && $1 >= 1.1 && $1 <= 2.9 && $4 > 1000 { bad = 1 } END { exit bad }' "$csv"

# 7b. a schedule file replaced during the run is read again: paused (a
# rate of 0) at the start, 3000/s once replaced, then a bad version (said
# once, the rate in force kept). Each step waits for the run to show the
# last one (at most 30 s), then SIGINT stops it.
# wait_for FILE ERE: until a line of FILE matches (30 s at most)
wait_for() {
	for _ in $(seq 300); do grep -Eq "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
# wait_lines FILE N: until FILE has N live lines (30 s at most)
wait_lines() {
	for _ in $(seq 300); do [ "$(grep -c '^\[' "$1")" -ge "$2" ] && return 0; sleep 0.1; done
	return 1
}
echo '{"update_interval": 1, "schedule": [0]}' >live.json
"$TSLOAD" ingest --target null: --host-scale 1 -c 2 --batch-writes --batch-size 100 \
	--schedule live.json --duration 120 --results r11 >o11 2>e11 &
rpid=$!
check "replaced schedule: paused at first" wait_for o11 '^\[ +1s\] .* 0 points '
echo '{"update_interval": 1, "schedule": [3000]}' >live.new && mv live.new live.json
check "replaced schedule: the new rate is taken" wait_for o11 ' [1-9][0-9]* points .*rate [0-9]+ of 3000 points/s'
echo '{"update_interval": 1, "schedule": [3000, "x"]}' >live.new && mv live.new live.json
check "replaced schedule: a bad version is said" wait_for e11 'the schedule in force is kept'
n=$(grep -c '^\[' o11)
check "replaced schedule: two more live lines" wait_lines o11 $((n + 2))
check "replaced schedule: the rate in force is kept" \
	grep -Eq 'rate [0-9]+ of 3000 points/s' <<<"$(grep '^\[' o11 | tail -1)"
kill -INT $rpid
wait $rpid
check_eq "replaced schedule: exit 0" 0 $?
check "replaced schedule: written once replaced ($(points_written o11) points)" \
	test "$(points_written o11)" -gt 0
check_eq "replaced schedule: the bad version said once (2 threads)" 1 \
	"$(grep -c 'live.json: "schedule"\[1\] must be a rate, a number from 0 to 1e12; the schedule in force is kept' e11)"

# 8. tsload query --rate: 20 queries/s over 2 threads, with the default
# 30 s think time (which a rate replaces): 15..150 %. The 30 s think time
# would give 2 queries (3 %) and no pacing hundreds of times more; on a
# busy machine (load 16-21) sqlite's queries and a late start gave 36-39 %.
db=$T_TMP/q.db
"$TSLOAD" ingest -q --host-scale 1 --interval-millis 1000 --duration 2 --batch-writes \
	--target "sqlite:$db" --results r8 >/dev/null 2>&1
"$TSLOAD" query --target "sqlite:$db" -c 2 --rate 20 --duration 3 --params fixed \
	-l logs --results r9 >o9 2>e9
check_eq "query --rate: exit 0" 0 $?
j=$(json_of r9)
check "query --rate: 15..150 % of 20 queries/s ($(jget "$j" queries rate achieved_per_s)/s)" \
	within "$(jget "$j" queries rate achieved_pct)" 15 150
check_eq "query --rate: unit" queries "$(jget "$j" queries rate unit)"
check "query --rate: intended-start latency of every query" \
	test "$(jget "$j" queries totals latency_from_intended_s count)" = "$(jget "$j" queries totals attempts)"
check "query --rate: closing line" grep -q '^Rate: target 20.0 queries/s on average, achieved ' o9
check "query --rate: live line" grep -Eq 'rate [0-9]+ of 20 queries/s \([0-9.]+%\)  lag p99 ' o9

# 9. without a rate nothing changes: no open-loop keys, lines or columns
"$TSLOAD" ingest --target null: --host-scale 1 --duration 1 --results r10 >o10 2>e10
check "closed loop: no rate line" not grep -q '^Rate:' o10
check "closed loop: no rate in run.json" not grep -q '"latency_from_intended_s"\|"rate": {' "$(json_of r10)"
check "closed loop: the CSV as before" \
	grep -qx 'time_s,records,records_per_s,points,points_per_s,throttles,errors,p50_ms,p99_ms,behind' \
	"$(dirname "$(json_of r10)")/timeseries.csv"
finish
