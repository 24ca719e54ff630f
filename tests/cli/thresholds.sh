#!/usr/bin/env bash
# --threshold on real short runs to null: (and one to an unreachable
# HTTP target): a passing one exits 0, a failing one 3, both listed in
# the closing lines and run.json's "thresholds"; --abort-on-fail ends a
# run whose errors threshold has failed long before --duration; a bad
# expression exits 2 with one line naming --threshold.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

run() { # OUT ARGS...: a short ingest to null:, its exit code
	local out=$1
	shift
	"$TSLOAD" ingest --target null: --host-scale 1 --duration 2 -q \
		--results res "$@" >"$out" 2>"$out.err"
	echo $?
}
last_json() { ls -d res/*/ | sort | tail -1 | sed 's|/$|/run.json|'; }

# 1. passing thresholds: exit 0, "pass" lines, run.json
check_eq "errors==0 passes: exit 0" 0 "$(run pass.out --threshold 'errors==0' --threshold 'write_p99<10s')"
check "closing line: errors==0 pass" grep -qx 'Threshold errors==0: pass (errors 0)' pass.out
check "closing line: write_p99<10s pass" grep -qE '^Threshold write_p99<10s: pass \(write_p99 [0-9.]+ ms\)$' pass.out
j=$(last_json)
check "run.json: the threshold listed, passed" json_has "$j" expr '"errors==0"'
check "run.json: pass true" json_has "$j" pass true
check "run.json: exit_code 0" json_has "$j" exit_code 0

# 2. a failing threshold: exit 3, FAIL line, run.json
check_eq "write_p99<0.000001ms fails: exit 3" 3 "$(run fail.out --threshold 'errors==0' --threshold 'write_p99<0.000001ms')"
check "closing line: FAIL" grep -qE '^Threshold write_p99<0.000001ms: FAIL \(write_p99 [0-9.]+ ms\)$' fail.out
check "closing line: the passing one still pass" grep -qx 'Threshold errors==0: pass (errors 0)' fail.out
check "stderr: how many failed" grep -qx 'tsload: error: 1 of 2 thresholds failed' fail.out.err
j=$(last_json)
check "run.json: pass false" json_has "$j" pass false
check "run.json: bound in seconds (1e-9)" python3 -c "import json,sys; t = json.load(open('$j'))['thresholds'][1]; sys.exit(0 if abs(t['bound'] - 1e-9) < 1e-15 and t['unit'] == 's' and t['value'] > 0 else 1)"
check "run.json: exit_code 3" json_has "$j" exit_code 3

# 3. the rate against --rate's target
check_eq "rate>=0.5*target with --rate: exit 0" 0 "$(run rate.out --rate 20000 --threshold 'rate>=0.5*target')"
check_eq "rate>=2*target with --rate: exit 3" 3 "$(run rate2.out --rate 20000 --threshold 'rate >= 2*target')"
check "rate: the achieved rate shown" grep -qE '^Threshold rate>=2\*target: FAIL \(rate [0-9.]+/s\)$' rate2.out
check_eq "errors<1% passes: exit 0" 0 "$(run pct.out --threshold 'errors<1%')"

# 4. --abort-on-fail: an unreachable target fails its writes; errors==0
# cannot pass any more, so the run stops long before its 60 s
"$TSLOAD" ingest --target http://127.0.0.1:9/write --host-scale 1 -c 1 \
	--duration 60 --max-retries 1 --threshold errors==0 --abort-on-fail \
	-q --results abort >abort.out 2>abort.err
check_eq "abort-on-fail: exit 3 (the threshold decides the failed writes)" 3 $?
check "abort-on-fail: says why it stopped" grep -qE '^Stopped early \(--abort-on-fail\): threshold errors==0 failed: errors [1-9]' abort.out
check "abort-on-fail: FAIL line" grep -qE '^Threshold errors==0: FAIL \(errors [1-9][0-9]*\)$' abort.out
secs=$(python3 -c 'import json,glob,sys; print(json.load(open(glob.glob("abort/*/run.json")[0]))["seconds"])')
check "abort-on-fail: ended before --duration ($secs s of 60)" python3 -c "import sys; sys.exit(0 if $secs < 50 else 1)"

# 4b. query runs: query figures, rate in queries/s
"$TSLOAD" ingest --target sqlite:q.db --host-scale 1 --duration 1 -q --results res >/dev/null 2>&1
q() { "$TSLOAD" query --target sqlite:q.db --repetitions 2 --think-time-milliseconds 0 -q --results qres "$@" >q.out 2>q.err; echo $?; }
check_eq "query: query_p99<10s, errors==0, rate>0 pass: exit 0" 0 "$(q --threshold 'query_p99<10s' --threshold errors==0 --threshold 'rate>0')"
check "query: the rate is queries/s" grep -qE '^Threshold rate>0: pass \(rate [0-9.]+/s\)$' q.out
check_eq "query: query_p50<0.000001ms fails: exit 3" 3 "$(q --threshold 'query_p50<0.000001ms')"
check_eq "query: a write figure is refused: exit 2" 2 "$(q --threshold 'write_p99<1ms')"

# 5. bad expressions: exit 2, one line naming --threshold
bad_thr() { # NAME PATTERN ARGS...
	local name=$1 pat=$2
	shift 2
	"$TSLOAD" ingest --target null: --host-scale 1 --duration 1 --results res "$@" >bad.out 2>bad.err
	check_eq "$name: exit 2" 2 $?
	check "$name: the line" grep -qE -- "$pat" bad.err
	check_eq "$name: one line" 1 "$(wc -l <bad.err)"
}
bad_thr "unknown unit" '^tsload: error: --threshold "write_p99<5parsecs": unknown unit "parsecs" \(accepted: ms, s, us, %, \*target\)$' --threshold 'write_p99<5parsecs'
bad_thr "no operator" '^tsload: error: --threshold "errors=0": expected an operator' --threshold 'errors=0'
bad_thr "unknown figure" '^tsload: error: --threshold "bogus<1": unknown figure bogus here \(accepted: rate,' --threshold 'bogus<1'
bad_thr "query figure on ingest" 'unknown figure query_p99 here' --threshold 'query_p99<1ms'
bad_thr "target without --rate" '^tsload: error: --threshold "rate>=0.9\*target": N\*target needs --rate' --threshold 'rate>=0.9*target'
bad_thr "percent of a latency" 'write_p99 is a latency: N \(ms\), Nms, Ns or Nus' --threshold 'write_p99<5%'
check "nothing run for a bad expression" not test -d res/nothing
"$TSLOAD" ingest --help >help.out
check "ingest --help: THRESHOLDS and exit 3" grep -q 'one makes the exit code 3' help.out
finish
