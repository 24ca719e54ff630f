#!/usr/bin/env bash
# A seed user's command lines work unchanged: --endpoint/--region without
# --target mean Timestream (checked against the fake endpoint), long
# options abbreviate as with argparse; option values with line breaks
# reach the workers as they are; query runs say what they plan.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

: "${TSFAKE:=$(dirname "$TSLOAD")/../tests/tsfake}"
SECRET='fakeSecret/0123456789ABCDEFGHIJklmnopqrst'
export AWS_ACCESS_KEY_ID=AKIDFAKETEST AWS_SECRET_ACCESS_KEY=$SECRET
export AWS_EC2_METADATA_DISABLED=true
export AWS_SHARED_CREDENTIALS_FILE=$T_TMP/none AWS_CONFIG_FILE=$T_TMP/none
unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_REGION \
	AWS_DEFAULT_REGION TSLOAD_TARGET TSLOAD_ENDPOINT TSLOAD_REGION
records_of() { sed -n 's/.*Records written: \([0-9]*\)$/\1/p' "$1" | tail -1; }

# 1. the seed's ingest line, against the fake Timestream endpoint
if [ -x "$TSFAKE" ]; then
	"$TSFAKE" --port-file port --stats-file stats --secret "$SECRET" &
	fpid=$!
	for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
	port=$(cat port)
	"$TSLOAD" ingest -d db -t tbl -r us-east-1 \
		--endpoint "http://127.0.0.1:$port" --host-scale 1 \
		--duration 2 >out1 2>err1
	check_eq "seed ingest line: exit 0" 0 $?
	kill -TERM "$fpid"
	wait "$fpid"
	n=$(records_of out1)
	check "seed ingest line: records written" test "${n:-0}" -gt 0
	check_eq "seed ingest line: the endpoint took every record" "$n" \
		"$(sed -n 's/^records //p' stats)"
	check "seed ingest line: says the target is Timestream" \
		grep -q "no --target: --endpoint or --region given, so the target is Timestream" out1
	check "seed ingest line: nothing in SQLite" test ! -e results/tsload.db
	check "seed ingest line: run.json names timestream://" \
		grep -q '"target": "timestream://"' results/*-ingest-*/run.json
else
	bad "no fake endpoint at $TSFAKE (make unit builds it)"
fi
# --region alone: Timestream too (the model only: no traffic to AWS)
"$TSLOAD" ingest -r us-east-1 --print-model-summary >out2 2>err2
check_eq "-r alone: exit 0" 0 $?
check "-r alone: Timestream" grep -q "target is Timestream" out2

# 2. abbreviations, as argparse takes them
"$TSLOAD" ingest --host 1 --batch-w --batch-s=50 --dur 1 --tar null: \
	--res abbr -q >out3 2>err3
check_eq "abbreviated options: exit 0" 0 $?
json=$(cat abbr/*/run.json 2>/dev/null)
check "abbreviated: --host = --host-scale" grep -q '"host-scale": 1,' <<<"$json"
check "abbreviated: --batch-w = --batch-writes" grep -q '"batch-writes": true' <<<"$json"
check "abbreviated: --batch-s=50 = --batch-size 50" grep -q '"batch-size": 50,' <<<"$json"
# run's own default of --query-wait (60) yields to an abbreviated one
"$TSLOAD" run --host 1 --dur 2 --query-w 1 --params random --think 0 \
	--res runabbr -q >out3r 2>err3r
check_eq "abbreviated run options: exit 0" 0 $?
check "abbreviated: --query-w 1 = --query-wait 1" \
	grep -q '"query-wait": 1,' runabbr/*/run.json
err=$("$TSLOAD" ingest --think 5 2>&1)
check_eq "abbreviation of another command's option" \
	"tsload: error: --think-time-milliseconds is an option of query and run, not ingest" "$err"
err=$("$TSLOAD" ingest --batch 5 2>&1)
check_eq "ambiguous abbreviation: exit 2" 2 $?
check_eq "ambiguous abbreviation: the candidates" \
	"tsload: error: ambiguous option --batch (could be --batch-writes --batch-size)" "$err"

# 3. a line break in a value stays in the value (no injected option)
"$TSLOAD" ingest --target 'file:good.lp?format=lp' \
	-t $'tbl\n--target=file:'"$T_TMP"'/inj.lp?format=lp' --host-scale 1 \
	--duration 1 -q >out4 2>err4
check_eq "newline in -t: exit 0" 0 $?
check "newline in -t: no file written by an injected --target" test ! -e inj.lp
check "newline in -t: the records went to --target" test -s good.lp
check "newline in -t: no word of the injected file" not grep -q inj.lp err4

# 4. query: the plan at the start, "N of M" on the live line, and a
# line break in --run-prefix stays in the log directory's name
"$TSLOAD" ingest --target sqlite:q.db --host-scale 1 --duration 2 -q \
	>/dev/null 2>&1
"$TSLOAD" query --target sqlite:q.db --repetitions 3 \
	--think-time-milliseconds 1100 --run-prefix $'x\n--target=null:' \
	-l logs >out5 2>err5
check_eq "query, newline in --run-prefix: exit 0" 0 $?
check "query: the plan" grep -q \
	"queries planned: 1 thread x 3 repetitions = 3; at least 3.3 s of think time" out5
check "query: N of M on the live line" grep -qE " [0-3] of 3 queries " out5
check "query: 3 queries ran" grep -q '^do-q.*' out5
n=$(find logs -mindepth 1 -maxdepth 1 -name $'x\n--target=null:-*' | grep -c '^logs/x$')
check "query: the log dirs keep the line break ($n)" test "$n" -ge 1
check_eq "query: no other log dir" "$n" "$(ls -A logs | grep -c '^x$')"
rm -rf results
"$TSLOAD" query >out6 2>err6
check "bare query: says it plans 10,000 queries, about 83 hours" grep -q \
	"queries planned: 1 thread x 10000 repetitions (config.ini) = 10000; at least 83.3 hours of think time (30000 ms after each query); shorten with --repetitions N, --think-time-milliseconds MS or --duration SECS" out6
finish
