#!/usr/bin/env bash
# A server that stalls (never answers, or stops in the middle of a body):
# a stop by --duration or SIGINT abandons the requests in flight within a
# few seconds instead of a minute, counted as failed writes; a query in
# flight at the stop of `tsload run` is abandoned without losing the
# results gathered; influx:// takes a timeout= parameter; PostgreSQL
# queries in flight are cancelled.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fault-lib.bash"
cd "$T_TMP" || exit 1

# stall_server MODE: an HTTP server on a free loopback port that answers
# InfluxDB's set-up but stalls writes (MODE write: no answer at all; body:
# headers and part of the body) or SELECT queries (query). Sets SPORT,
# SPID.
stall_server() {
	python3 -c '
import http.server, socketserver, sys, time
mode = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self): self.answer(b"")
    def do_POST(self):
        self.answer(self.rfile.read(int(self.headers.get("Content-Length", 0))))
    def answer(self, body):
        if (self.path.startswith("/write") and mode != "query") or (mode == "query" and b"SELECT" in body.upper()):
            print("stalled", flush=True)
            if mode == "body":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b"{\"res")
                self.wfile.flush()
            time.sleep(3600)
        out = b"{\"results\":[{\"statement_id\":0}]}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
s = S(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()' "$1" >"srv-$1.out" &
	SPID=$!
	SPORT=
	for _ in $(seq 100); do
		SPORT=$(head -1 "srv-$1.out" 2>/dev/null)
		[ -n "$SPORT" ] && return 0
		sleep 0.1
	done
	bad "stall server ($1) did not start"
}
# stalled MODE: waits (at most 30 s) until the server holds a request
stalled() {
	for _ in $(seq 300); do
		grep -q stalled "srv-$1.out" && return 0
		sleep 0.1
	done
	return 1
}
failed_writes() { sed -n 's/.*Failed writes: \([0-9]*\)\..*/\1/p' "$1" | tail -1; }

# 1. writes never answered, stopped by --duration: abandoned, counted
stall_server write
start=$(date +%s)
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 5 -q \
	--target "influx://127.0.0.1:$SPORT/?db=x" --results "$T_TMP/results" >d.out 2>d.err &
pid=$!
wait $pid
rc=$?
check "stalled writes, --duration 5: ends within 30 s" test $(($(date +%s) - start)) -le 30
check_eq "stalled writes: exit 1 (writes failed)" 1 $rc
check "stalled writes: the abandoned writes are failed writes" test "$(failed_writes d.out)" -ge 2
check_eq "stalled writes: nothing counted as written" 0 "$(records_of d.out)"
check "stalled writes: says they were abandoned" grep -q 'abandoned at the stop' d.err
check "stalled writes: valid run.json" json_ok "$(run_json $pid)"
check "stalled writes: no worker left" no_leftovers $pid

# 2. a body that never ends, SIGINT at a random moment
kill $SPID
stall_server body
"$TSLOAD" ingest -p 2 -c 1 --host-scale 1 -q \
	--target "influx://127.0.0.1:$SPORT/?db=x" --results "$T_TMP/results" >i.out 2>i.err &
pid=$!
stalled body
sleep "0.$((RANDOM % 10))"
kill -INT $pid
start=$(date +%s)
wait $pid
rc=$?
check "stalled body, SIGINT: ends within 30 s" test $(($(date +%s) - start)) -le 30
check_eq "stalled body, SIGINT: exit 1 (writes failed)" 1 $rc
check "stalled body, SIGINT: closing lines" closing_lines i.out
check "stalled body, SIGINT: valid run.json" json_ok "$(run_json $pid)"

# 3. timeout= bounds one request (here without any stop)
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 3 --max-retries 0 -q \
	--target "influx://127.0.0.1:$SPORT/?db=x&timeout=0.5" --results "$T_TMP/results" >t.out 2>t.err
check_eq "timeout=0.5: exit 1" 1 $?
check "timeout=0.5: requests time out" grep -q 'timed out after' t.err
check "timeout=0.5: several writes failed" test "$(failed_writes t.out)" -ge 2
"$TSLOAD" ingest --target "vm://127.0.0.1:$SPORT/?timeout=x" >b.out 2>b.err
check_eq "timeout=x: exit 2" 2 $?
check_eq "timeout=x: one line" 1 "$(wc -l <b.err)"
check "timeout=x: names the parameter" grep -qE 'timeout[=:] .*x|timeout=x' b.err
kill $SPID

# 4. queries that never answer, --duration 3: ends, exit 0, run.json
stall_server query
printf '[default]\nrepetitions = 100000\n[query_distribution]\ndo-q1 = 100\n' >q1.ini
start=$(date +%s)
"$TSLOAD" query --target "influx://127.0.0.1:$SPORT/?db=x" -p 1 -c 2 --params random \
	--config q1.ini --queries-dir "$T_SRC/configs/queries" \
	--think-time-milliseconds 0 --duration 3 -q -l "$T_TMP/ql" \
	--results "$T_TMP/results" >q.out 2>q.err &
pid=$!
wait $pid
rc=$?
check "stalled queries, --duration 3: ends within 30 s" test $(($(date +%s) - start)) -le 30
check_eq "stalled queries: exit 0" 0 $rc
check "stalled queries: valid run.json" json_ok "$(run_json $pid)"
kill $SPID

# 5. tsload run whose query outlasts the stop (a SQLite query that would
#    run for hours): abandoned, the results gathered are kept, exit 0
mkdir -p qd
cp -r "$T_SRC/configs/queries/sqlite" qd/
cat >qd/sqlite/do-q2.sql <<'SQL'
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000000000000)
SELECT count(*) FROM c
SQL
printf '[default]\nrepetitions = 100000\nretries = 1\n[query_distribution]\ndo-q1 = 70\ndo-q2 = 30\n' >slow.ini
start=$(date +%s)
"$TSLOAD" run -p 1 -c 1 --query-processes 1 --query-concurrency 2 --host-scale 1 \
	--duration 4 --params random --think-time-milliseconds 0 --config slow.ini \
	--queries-dir qd -l "$T_TMP/rl" -q --target "sqlite:$T_TMP/r.db" \
	--results "$T_TMP/results" >r.out 2>r.err &
pid=$!
wait $pid
rc=$?
check "run, query past the stop: ends within 40 s" test $(($(date +%s) - start)) -le 40
check_eq "run, query past the stop: exit 0" 0 $rc
check "run, query past the stop: no worker killed" not grep -q 'did not finish' r.err
check "run, query past the stop: valid run.json" json_ok "$(run_json $pid)"
sum=$(dirname "$(run_json $pid)")/query-summary.csv
total=$(awk -F', *' 'NR > 1 { t += $2 } END { print t + 0 }' "$sum" 2>/dev/null)
logged=$(executions "$T_TMP"/rl)
check_eq "run, query past the stop: every logged execution summed" "$logged" "${total:-none}"
check_eq "run, query past the stop: rows = Records written" "$(records_of r.out)" "$(rows r.db)"

# 6. PostgreSQL: a query still running at the stop is cancelled
#    (PQcancel), so the run ends cleanly instead of at the drain timeout
start_server pg-local.sh "$T_TMP/pg"
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 1 -q --target "$SRV_URL" \
	--results "$T_TMP/results" >pgi.out 2>pgi.err
check_eq "postgres: table made" 0 $?
mkdir -p pgq
cp -r "$T_SRC/configs/queries/postgres" pgq/
echo 'SELECT pg_sleep(3600)' >pgq/postgres/do-q1.sql
start=$(date +%s)
"$TSLOAD" query --target "$SRV_URL" -p 1 -c 2 --params random --config q1.ini \
	--queries-dir pgq --think-time-milliseconds 0 --duration 3 -q -l "$T_TMP/pgl" \
	--results "$T_TMP/results" >pgq.out 2>pgq.err &
pid=$!
wait $pid
rc=$?
check "postgres, query past the stop: ends within 30 s" test $(($(date +%s) - start)) -le 30
check_eq "postgres, query past the stop: exit 0" 0 $rc
check "postgres, query past the stop: no worker killed" not grep -q 'did not finish' pgq.err
check "postgres, query past the stop: valid run.json" json_ok "$(run_json $pid)"

finish
