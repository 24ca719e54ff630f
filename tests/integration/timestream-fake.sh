#!/usr/bin/env bash
# tsload against the fake Timestream endpoint (tests/tools/tsfake, built by
# `make test`): injected throttling, 5xx, dropped connections, slow answers
# and rejected records, as counted in the closing lines and run.json;
# giving up after --max-retries; endpoint discovery through tsload; the
# query driver with paged answers; cleanup; and no secret anywhere.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1

: "${TSFAKE:=$(dirname "$TSLOAD")/../tests/tsfake}"
if [ ! -x "$TSFAKE" ]; then
	bad "no fake endpoint at $TSFAKE (make builds it with the tests)"
	finish
	exit
fi

SECRET='fakeSecret/0123456789ABCDEFGHIJklmnopqrst'
export AWS_ACCESS_KEY_ID=AKIDFAKETEST AWS_SECRET_ACCESS_KEY=$SECRET
export AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
export AWS_SHARED_CREDENTIALS_FILE=$T_TMP/none AWS_CONFIG_FILE=$T_TMP/none
unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_DEFAULT_REGION

fpid=
trap '[ -n "$fpid" ] && kill "$fpid" 2>/dev/null; rm -rf "$T_TMP"' EXIT

# fake ARGS...: starts the fake on a free port; sets $port
fake() {
	rm -f port stats
	"$TSFAKE" --port-file port --stats-file stats --secret "$SECRET" "$@" &
	fpid=$!
	for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
	port=$(cat port)
}
# stop: stops the fake, its counters in ./stats
stop() {
	kill -TERM "$fpid"
	wait "$fpid"
	fpid=
}
stat_of() { sed -n "s/^$1 //p" stats; }
records_of() { sed -n 's/.*Records written: \([0-9]*\)$/\1/p' "$1" | tail -1; }
closing() { sed -n "s/.*$1: \([0-9]*\).*/\1/p" "$2" | tail -1; }

# 1. every kind of retryable fault once, and 3 rejected records
fake --script 'WriteRecords=throttle,500,503,429,drop,drop,slow:1500,reject:3'
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 4 \
	--target "timestream+http://127.0.0.1:$port?timeout=1" -d bench -t cpu \
	--results res >out1 2>err1
check_eq "faults: exit 0" 0 $?
stop
n=$(records_of out1)
check "faults: records written" test "${n:-0}" -gt 0
# the timed-out call went in too (as it may with Timestream)
check_eq "faults: the fake took in Records written + the timed-out 20" "$(stat_of records)" "$((n + 20))"
check_eq "faults: 6 throttled retries (throttle, 500, 503, 429, timeout, drop)" 6 \
	"$(closing 'Throttled retries' out1)"
check_eq "faults: 3 rejected records" 3 "$(closing 'Rejected records' out1)"
check_eq "faults: no failed write" 0 "$(closing 'Failed writes' out1)"
check_eq "faults: every signature checked out" 0 "$(stat_of bad_sigs)"
run=$(ls -d res/*-ingest-*)
check "faults: run.json counts the throttles" grep -q '"throttles": 6' "$run/run.json"
check "faults: run.json counts the rejected" grep -q '"rejected": 3' "$run/run.json"
check "faults: run.json keeps the rejection reason" \
	grep -q '"first_error": "thread 1: timestream WriteRecords: 3 of [0-9]* records rejected: record 0: ' "$run/run.json"
check_eq "faults: data points = records (single-measure)" "$n" \
	"$(sed -n 's/^Data points written: \([0-9]*\) .*/\1/p' out1)"

# 2. throttled for good: gives up after --max-retries, says why
fake --script 'WriteRecords=throttle,throttle,throttle'
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 2 --max-retries 2 \
	--target "timestream+http://127.0.0.1:$port" -d bench -t cpu \
	--results res2 >out2 2>err2
check_eq "give up: exit 1" 1 $?
stop
check_eq "give up: one failed write" 1 "$(closing 'Failed writes' out2)"
check_eq "give up: 3 throttles" 3 "$(closing 'Throttled retries' out2)"
check "give up: the reason" grep -q 'gave up after 2 retries of a busy or throttled target: timestream WriteRecords: ThrottlingException: Rate exceeded' err2

# 3. refused outright: counted as failed, with the service's message
fake --script 'WriteRecords=validation'
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 2 \
	--target "timestream+http://127.0.0.1:$port" -d bench -t cpu \
	--results res3 >out3 2>err3
check_eq "validation: exit 1" 1 $?
stop
check "validation: the message" grep -q 'timestream WriteRecords: ValidationException: Invalid measure value.' err3

# 4. endpoint discovery: setup once, each of 4 threads once, then cached;
# multi-measure, batched
fake
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 3 --multi --batch-writes \
	--target "timestream://us-east-1?discovery_endpoint=http://127.0.0.1:$port" \
	-d bench -t multi --results res4 >out4 2>err4
check_eq "discovery: exit 0" 0 $?
stop
check_eq "discovery: DescribeEndpoints by setup and 4 threads" 5 "$(stat_of describes)"
check_eq "discovery: Records written = records taken in" "$(stat_of records)" "$(records_of out4)"

# 5. the query driver: parameters from the table, paged answers
fake --pages 3 --rows 2
printf '[default]\nrepetitions = 6\nretries = 3\n[query_distribution]\ndo-q1 = 50\ndo-q2 = 50\n' >q.ini
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 1 \
	--target "timestream+http://127.0.0.1:$port" -d bench -t cpu --results res5 >/dev/null 2>&1
"$TSLOAD" query --config q.ini -p 1 -c 2 --think-time-milliseconds 0 \
	--target "timestream+http://127.0.0.1:$port" -d bench -t cpu \
	--queries-dir "$src/configs/queries" -l qlogs \
	--results res5 >out5 2>err5
check_eq "query: exit 0" 0 $?
stop
logs=$(cat qlogs/*-1-1/do-q*.log qlogs/*-1-2/do-q*.log 2>/dev/null)
check_eq "query: 12 executions logged" 12 "$(grep -c '^\[1-[12]\] [0-9]*\. .*\. QueryId: tsfake-query-[0-9]*\. ' <<<"$logs")"
check_eq "query: every execution read all its rows" 12 "$(grep -c 'Rows: 4$' <<<"$logs")"
check_eq "query: the seed's page line" 12 \
	"$(grep -c '^Read 2 pages of result. Empty pages: 1. Bytes metered (MB): 30.0$' <<<"$logs")"
check "query: parameters came from the table" grep -q "silo = 'us-east-1-cell-1-silo-1'" qlogs/*-1-1/do-q1.sql
check "query: data-point count read" grep -qE '^0 +[0-9]+$' qlogs/*-1-1/numDatapoints-begin-result.txt

# 6. cleanup: drops the table and the database; again: says they are gone
fake
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 1 \
	--target "timestream+http://127.0.0.1:$port" -d bench -t cpu --results res6 >/dev/null 2>&1
"$TSLOAD" cleanup --target "timestream+http://127.0.0.1:$port" -d bench -t cpu >out6 2>&1
check_eq "cleanup: exit 0" 0 $?
"$TSLOAD" cleanup --target "timestream+http://127.0.0.1:$port" -d bench -t cpu >out7 2>&1
check_eq "cleanup again: exit 1" 1 $?
stop
check "cleanup again: says what is missing" \
	grep -q 'timestream: table "cpu" does not exist; database "bench" does not exist' out7

# 7. a batch over the WriteRecords limit is a usage error
"$TSLOAD" ingest --batch-writes --batch-size 101 --target "timestream+http://127.0.0.1:1" >out8 2>&1
check_eq "batch size 101: usage error" 2 $?
check "batch size 101: says the limit" grep -q 'records a timestream+http write takes (expected 1..100)' out8

# no secret in any output, results or log file
check "the secret appears nowhere" not grep -rqF "$SECRET" .
finish
