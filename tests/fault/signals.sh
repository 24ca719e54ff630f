#!/usr/bin/env bash
# Signals at random moments, start-up included: INT, TERM and HUP drain
# (exit 0, closing lines, run.json, rows = Records written); two signals
# in a row (as `timeout` sends them, also to the process group) still
# drain; a third forces the stop; a closed stdout ends the run cleanly;
# a query run keeps its latencies.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fault-lib.bash"
cd "$T_TMP" || exit 1

# 1. one signal to the coordinator, at a random moment of the first 1.5 s
#    (start-up: target set-up, spawning, HELLO) or later
k=0
for sig in INT TERM HUP; do
	for delay in "$(rand_s 150)" "$(rand_s 1500)"; do
		k=$((k + 1))
		ingest_bg s$k
		handlers_up $PID
		sleep "$delay"
		kill -$sig $PID
		wait $PID
		check_clean s$k "SIG$sig after ${delay}s" $? $PID
	done
done
check "SIGHUP: says why it stopped" grep -q 'stopping: interrupted (SIGHUP)' s6.out s6.err

# 2. two signals in a row: still a drain, nothing lost
for sig in INT TERM; do
	k=$((k + 1))
	ingest_bg s$k
	handlers_up $PID
	sleep "$(rand_s 1200)"
	kill -$sig $PID
	kill -$sig $PID
	wait $PID
	check_clean s$k "two SIG${sig}s" $? $PID
done

# 3. `timeout` signals the coordinator and then its process group: the
#    workers get the signal too
for sig in INT TERM; do
	for delay in "0.$((RANDOM % 5 + 1))" "1.$((RANDOM % 10))"; do
		k=$((k + 1))
		rm -f s$k.db
		timeout --preserve-status -s $sig "$delay" "$TSLOAD" ingest -p 2 -c 2 \
			--host-scale 1 --interval-millis 500 -q --target "sqlite:$T_TMP/s$k.db" \
			--results "$T_TMP/results" >s$k.out 2>s$k.err
		rc=$?
		pid=$(sed -n 's/^run [0-9-]*-ingest-\([0-9]*\):.*/\1/p' s$k.out)
		if [ -f s$k.db ]; then
			check_clean s$k "timeout -s $sig $delay" $rc "$pid"
		else # stopped before the table was made: an empty, clean run
			check_eq "timeout -s $sig $delay: exit 0" 0 $rc
		fi
	done
done

# 4. three signals force the stop: exit 1 at once, run.json still written.
#    Another connection holds the database lock, so the drain is slow.
k=$((k + 1))
ingest_bg s$k
handlers_up $PID
sleep 1
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE"); print("locked", flush=True); time.sleep(60)' "$T_TMP/s$k.db" >lock.out &
locker=$!
for _ in $(seq 100); do grep -q locked lock.out && break; sleep 0.1; done
for _ in 1 2 3; do
	kill -INT $PID
	sleep 0.3
done
start=$(date +%s)
wait $PID
rc=$?
kill $locker
check_eq "three signals: exit 1" 1 $rc
check "three signals: dead workers named" grep -q 'worker [12] died: its writes after .* UTC are not counted' s$k.err
check "three signals: ends within 20 s" test $(($(date +%s) - start)) -le 20
check "three signals: says so" grep -q 'interrupted 3 times: stopping the workers now' s$k.err
check "three signals: valid run.json" json_ok "$(run_json $PID)"
check "three signals: no worker left" gone_within 20 $(workers_of $PID)

# 4b. a worker that says hello while the run stops is sent away: it ends
#     cleanly (exit 0, no message), as the workers of a stop at start-up.
#     A held database lock keeps the coordinator draining meanwhile.
k=$((k + 1))
ingest_bg s$k
handlers_up $PID
sleep 1
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE"); print("locked", flush=True); time.sleep(60)' "$T_TMP/s$k.db" >lock2.out &
locker=$!
for _ in $(seq 100); do grep -q locked lock2.out && break; sleep 0.1; done
kill -INT $PID
sleep 0.5
timeout 20 "$TSLOAD" worker --connect "ipc://${TMPDIR:-/tmp}/tsload-$PID.ipc" >late.out 2>late.err
check_eq "hello after the stop: exit 0" 0 $?
check "hello after the stop: no message" test ! -s late.err
kill $locker
wait $PID
# (exit 1 if the lock outlived the stop's grace: writes abandoned)
check "hello after the stop: the run's run.json" json_ok "$(run_json $PID)"
check_eq "hello after the stop: rows = Records written" \
	"$(records_of s$k.out)" "$(rows s$k.db)"

# 5. stdout closed (`tsload ingest | head`): no SIGPIPE death; the run
#    stops by itself, exit 0, run.json, nothing lost
rm -f p.db
start=$(date +%s)
"$TSLOAD" ingest -p 2 -c 1 --host-scale 1 --interval-millis 500 \
	--target "sqlite:$T_TMP/p.db" --results "$T_TMP/results" 2>p.err | head -3 >p.head
rc=${PIPESTATUS[0]}
check_eq "closed stdout: exit 0 (not 141)" 0 "$rc"
check "closed stdout: ends by itself within 30 s" test $(($(date +%s) - start)) -le 30
check "closed stdout: says why" grep -q 'stopping: standard output was closed' p.err
check "closed stdout: closing lines on stderr" grep -q '^\[OVERALL\]' p.err
check "closed stdout: valid run.json" json_ok "$(ls -t "$T_TMP"/results/*-ingest-*/run.json | head -1)"
check_eq "closed stdout: rows = Records written" "$(records_of p.err)" "$(rows p.db)"

# 6. a query run stopped by two signals keeps its latencies
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 2 -q \
	--target "sqlite:$T_TMP/q.db" --results "$T_TMP/results" >/dev/null 2>&1
for sig in TERM INT; do
	"$TSLOAD" query --target "sqlite:$T_TMP/q.db" -p 2 -c 2 --params random \
		--config "$T_SRC/configs/config.ini" --queries-dir "$T_SRC/configs/queries" \
		--think-time-milliseconds 0 --repetitions 1000000 -q \
		-l "$T_TMP/qlogs-$sig" --results "$T_TMP/results" >q$sig.out 2>q$sig.err &
	pid=$!
	handlers_up $pid
	sleep "1.$((RANDOM % 10))"
	kill -$sig $pid
	kill -$sig $pid
	wait $pid
	check_eq "query, two SIG${sig}s: exit 0" 0 $?
	check "query, two SIG${sig}s: valid run.json" json_ok "$(run_json $pid)"
	sum=$(dirname "$(run_json $pid)")/query-summary.csv
	total=$(awk -F', *' 'NR > 1 { t += $2 } END { print t + 0 }' "$sum" 2>/dev/null)
	logged=$(executions "$T_TMP"/qlogs-$sig)
	check "query, two SIG${sig}s: latencies kept" test "${total:-0}" -gt 0
	check_eq "query, two SIG${sig}s: summary counts every logged execution" "$logged" "$total"
done

# 6b. the same with `timeout` (the workers get the signal too)
timeout --preserve-status -s TERM "2.$((RANDOM % 10))" "$TSLOAD" query \
	--target "sqlite:$T_TMP/q.db" -p 2 -c 2 --params random \
	--config "$T_SRC/configs/config.ini" --queries-dir "$T_SRC/configs/queries" \
	--think-time-milliseconds 0 --repetitions 1000000 -q \
	-l "$T_TMP/qlogs-timeout" --results "$T_TMP/results" >qt.out 2>qt.err
check_eq "query, timeout -s TERM: exit 0" 0 $?
sum=$(ls -t "$T_TMP"/results/*-query-*/query-summary.csv | head -1)
total=$(awk -F', *' 'NR > 1 { t += $2 } END { print t + 0 }' "$sum" 2>/dev/null)
check "query, timeout -s TERM: latencies kept" test "${total:-0}" -gt 0
check_eq "query, timeout -s TERM: summary counts every logged execution" \
	"$(executions "$T_TMP"/qlogs-timeout)" "$total"

# 7. a signal while the target is set up (another connection holds the
#    SQLite lock, so the set-up waits): `tsload run` ends as an empty,
#    clean run
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE"); print("locked", flush=True); time.sleep(60)' "$T_TMP/e.db" >elock.out &
locker=$!
for _ in $(seq 100); do grep -q locked elock.out && break; sleep 0.1; done
"$TSLOAD" run -p 1 -c 1 --query-processes 1 --query-concurrency 1 --host-scale 1 \
	--config "$T_SRC/configs/config.ini" --queries-dir "$T_SRC/configs/queries" \
	--params random -q -l "$T_TMP/qlogs-early" --target "sqlite:$T_TMP/e.db" \
	--results "$T_TMP/results" >e.out 2>e.err &
pid=$!
handlers_up $pid
sleep 1
kill -TERM $pid
sleep 0.5
kill $locker
wait $pid
check_eq "signal during set-up: exit 0" 0 $?
check "signal during set-up: no error" not grep -q 'error' e.err
check "signal during set-up: closing lines" closing_lines e.out
check_eq "signal during set-up: nothing written" 0 "$(records_of e.out)"
check "signal during set-up: valid run.json" json_ok "$(run_json $pid)"

finish
