#!/usr/bin/env bash
# tsload against the fake Timestream endpoint (tests/tools/tsfake, built by
# `make test`): injected throttling, 5xx, dropped connections, slow answers
# and rejected records, as counted in the closing lines and run.json;
# giving up after --max-retries; endpoint discovery through tsload; the
# query driver with paged answers, the seed's files, User-Agent and
# ClientToken, endless NextTokens (max_pages, the stop between pages);
# cleanup; and no secret anywhere.
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

# 1. every kind of retryable fault once, and 3 rejected records
fake --script 'WriteRecords=throttle,500,503,429,drop,drop,slow:1500,reject:3'
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 4 \
	--target "timestream+http://127.0.0.1:$port?timeout=1" -d bench -t cpu \
	--results res >out1 2>err1
check_eq "faults: exit 0" 0 $?
stop
n=$(records_written out1)
check "faults: records written" test "${n:-0}" -gt 0
# the timed-out call went in too (as it may with Timestream)
check_eq "faults: the fake took in Records written + the timed-out 20" "$(stat_of records)" "$((n + 20))"
check_eq "faults: 6 throttled retries (throttle, 500, 503, 429, timeout, drop)" 6 \
	"$(throttled_retries out1)"
check_eq "faults: 3 rejected records" 3 "$(closing_number 'Rejected records' out1)"
check_eq "faults: no failed write" 0 "$(failed_writes out1)"
check_eq "faults: every signature checked out" 0 "$(stat_of bad_sigs)"
run=$(ls -d res/*-ingest-*)
check "faults: run.json counts the throttles" json_has "$run/run.json" throttles 6
check "faults: run.json counts the rejected" json_has "$run/run.json" rejected 3
check "faults: run.json keeps the rejection reason" \
	grep -q '"first_error": "thread 1: timestream WriteRecords: 3 of [0-9]* records rejected: record 0: ' "$run/run.json"
check "faults: the coordinator says the first rejected records, once" \
	bash -c "grep -c '^tsload: warning: worker 1: first rejected records: thread 1: timestream WriteRecords: 3 of' err1 | grep -qx 1"
check_eq "faults: data points = records (single-measure)" "$n" \
	"$(sed -n 's/^Data points written: \([0-9]*\) .*/\1/p' out1)"

# 2. throttled for good: gives up after --max-retries, says why
fake --script 'WriteRecords=throttle,throttle,throttle'
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 2 --max-retries 2 \
	--target "timestream+http://127.0.0.1:$port" -d bench -t cpu \
	--results res2 >out2 2>err2
check_eq "give up: exit 1" 1 $?
stop
check_eq "give up: one failed write" 1 "$(failed_writes out2)"
check_eq "give up: 3 throttles" 3 "$(throttled_retries out2)"
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
check_eq "discovery: Records written = records taken in" "$(stat_of records)" "$(records_written out4)"

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

# 5b. the seed's files over Timestream: three lines per execution with the
# [p-t] prefix, every request with tsload's User-Agent, one ClientToken
# per execution on its first page (the next pages go with NextToken)
ver=$("$TSLOAD" --version 2>&1 | grep -o '[0-9][0-9.]*[^ ]*' | head -1)
fake --pages 3 --rows 0 --requests-file reqs
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 1 \
	--target "timestream+http://127.0.0.1:$port" -d bench -t cpu --results res5b >/dev/null 2>&1
"$TSLOAD" query --config q.ini -p 1 -c 1 --think-time-milliseconds 0 \
	--target "timestream+http://127.0.0.1:$port" -d bench -t cpu \
	--queries-dir "$src/configs/queries" -l qlogs5b --results res5b >out5b 2>err5b
check_eq "seed files: exit 0" 0 $?
stop
d=$(ls -d qlogs5b/*-1-1)
check_eq "seed files: 3 lines per execution" 18 "$(cat "$d"/do-q*.log | wc -l)"
check_eq "empty result: every page empty reads as the seed's 1 page" 6 \
	"$(cat "$d"/do-q*.log | grep -c '^Read 1 pages of result. Empty pages: 3. Bytes metered (MB): 30.0$')"
check_eq "empty result: no time to read rows" 6 \
	"$(cat "$d"/do-q*.log | grep -cE '^[0-9-]{10} [0-9:]{8}\. QueryId: tsfake-query-[0-9]+ Time: [0-9.]+\. First result: [0-9.]+\. Time to read results: 0\.$')"
check_eq "result lines with the [1-1] prefix" 6 \
	"$(cat "$d"/do-q*.log | grep -cE '^\[1-1\] [1-6]\. [0-9-]{10} [0-9:]{8}\. QueryId: tsfake-query-[0-9]+\. Time: [0-9.]+\. Rows: 0$')"
check "numDatapoints log: the seed's three lines" \
	grep -qE '^\[1-1\] 1\. .*QueryId: tsfake-query-[0-9]+\. Time: [0-9.]+\. Rows: 1$' "$d/numDatapoints-begin.log"
check_eq "numDatapoints result: the seed's DataFrame" "   num_data_points" "$(head -1 "$d/numDatapoints-end-result.txt")"
check "requests logged" test -s reqs
check "every request: User-Agent tsload/$ver" test -z "$(awk -F'\t' -v ua="tsload/$ver" '$2 != ua' reqs)"
check "WriteRecords and Query among them" \
	bash -c "grep -q '^WriteRecords	' reqs && grep -q '^CreateTable	' reqs && grep -q '^Query	' reqs"
q1=$(awk -F'\t' '$1 == "Query" && $4 == "-"' reqs | wc -l)
check_eq "a ClientToken on each first page (6 + params + 2 counts)" 9 "$q1"
check "ClientTokens of 32..128 characters, all different" test -z "$(awk -F'\t' '$1 == "Query" && $4 == "-" {
	n = length($3); if (n < 32 || n > 128 || seen[$3]++) print }' reqs)"
check "the next pages: NextToken, no ClientToken" test -z "$(awk -F'\t' '$1 == "Query" && $4 != "-" && $3 != "-"' reqs)"
check_eq "the next pages: 2 per execution" 12 "$(awk -F'\t' '$1 == "Query" && $4 != "-"' reqs | wc -l)"

# 5c. an endpoint that answers a new NextToken for ever: max_pages ends
# each query as failed, with the seed's .err layout; a stop (the end of
# --duration) is seen between pages
fake --endless-pages --rows 1
"$TSLOAD" query --config q.ini -p 1 -c 1 --think-time-milliseconds 0 --repetitions 2 \
	--target "timestream+http://127.0.0.1:$port?max_pages=7" -d bench -t cpu --params fixed \
	--queries-dir "$src/configs/queries" -l qlogs5c --results res5c >out5c 2>err5c
check_eq "endless pages: no query succeeded, exit 1" 1 $?
stop
d=$(ls -d qlogs5c/*-1-1)
check_eq "endless pages: 7 pages per query (+ 2 counts)" $((2 * 7 + 2)) "$(stat_of queries)"
check "endless pages: counted as failed" grep -qE '^do-q[12], 2, 0, |^do-q1, 1, 0, ' out5c
errs=$(cat "$d"/do-q*.err)
check_eq "endless pages: .err has message, ids, blank line per failure" 6 "$(cat "$d"/do-q*.err | wc -l)"
check_eq "endless pages: the message" 2 \
	"$(grep -c '^timestream Query: more than 7 pages (max_pages=7 of the target URL); query tsfake-query-[0-9]* abandoned$' <<<"$errs")"
check_eq "endless pages: the ids" 2 \
	"$(grep -cE '^[0-9-]{10} [0-9:]{8} QueryId: tsfake-query-[0-9]+ RequestId: tsfake$' <<<"$errs")"
check_eq "endless pages: Rows: None" 2 "$(cat "$d"/do-q*.log | grep -c '^\[1-1\] .*Rows: None$')"
fake --endless-pages --rows 1
start=$(date +%s)
timeout 120 "$TSLOAD" query --config q.ini -p 1 -c 1 --think-time-milliseconds 0 --duration 2 \
	--target "timestream+http://127.0.0.1:$port?max_pages=100000000" -d bench -t cpu --params fixed \
	--queries-dir "$src/configs/queries" -l qlogs5d --results res5d >out5d 2>err5d
rc=$?
stop
check "endless pages, --duration 2: ends (rc $rc, $(($(date +%s) - start)) s)" test "$rc" -ne 124
check "endless pages, --duration 2: stopped between pages" \
	grep -q '^timestream Query: stopped after [0-9]* pages$' qlogs5d/*-1-1/do-q*.err

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

# 8. --batch-size auto keeps within the 100 records a write takes
fake
"$TSLOAD" ingest -q -c 2 --host-scale 1 --batch-size auto --interval-millis 0 --duration 4 \
	--target "timestream+http://127.0.0.1:$port" -d bench -t cpu --results res8 >out9 2>err9
check_eq "auto batches: exit 0" 0 $?
stop
check_eq "auto batches: no write refused" 0 "$(failed_writes out9)"
check_eq "auto batches: records written = records taken in" "$(records_written out9)" "$(stat_of records)"
check "auto batches: every thread's size within 1..100" python3 - res8/*/run.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ts = [t for w in d["workers"] for t in w["batch_size_auto"]]
sizes = [t["size"] for t in ts] + [h["size"] for t in ts for h in t["history"]]
sys.exit(0 if len(ts) == 2 and all(1 <= s <= 100 for s in sizes) else 1)
PY

# no secret in any output, results or log file
check "the secret appears nowhere" not grep -rqF "$SECRET" .
finish
