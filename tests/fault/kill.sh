#!/usr/bin/env bash
# kill -9 of a worker (exit 1, the dead worker named in the closing lines
# with what the totals miss, run.json) and of the coordinator (its
# workers notice at once and exit; a later coordinator removes the stale
# IPC socket).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/fault-lib.bash"
cd "$T_TMP" || exit 1

# 1. a worker killed at a random moment
for k in 1 2; do
	ingest_bg w$k --duration 120
	handlers_up $PID
	for _ in $(seq 100); do
		victim=$(workers_of $PID | head -1)
		[ -n "$victim" ] && break
		sleep 0.1
	done
	sleep "$(rand_s 1500)"
	kill -9 "$victim"
	start=$(date +%s)
	wait $PID
	rc=$?
	check_eq "killed worker $k: exit 1" 1 $rc
	check "killed worker $k: ends within 30 s" test $(($(date +%s) - start)) -le 30
	check "killed worker $k: closing lines" closing_lines w$k.out
	check "killed worker $k: its uncounted writes are named" \
		grep -Eq 'worker [12] (died: its writes after [0-9:.]+ UTC are not counted|died before its first report: nothing it did is counted)' w$k.err
	check "killed worker $k: valid run.json" json_ok "$(run_json $PID)"
	n=$(records_of w$k.out)
	check "killed worker $k: Records written <= rows" test "${n:-1}" -le "$(rows w$k.db)"
	check "killed worker $k: no worker or IPC file left" no_leftovers $PID
done

# 2. the coordinator killed: its workers end at once (not after the 10 s
#    reply timeout), and the next coordinator removes its socket
for k in 1 2; do
	ingest_bg c$k --duration 120
	handlers_up $PID
	for _ in $(seq 100); do
		[ "$(workers_of $PID | wc -l)" -eq 2 ] && break
		sleep 0.1
	done
	sleep "$(rand_s 1500)"
	kids=$(workers_of $PID)
	kill -9 $PID
	wait $PID 2>/dev/null
	check "killed coordinator $k: workers exit within 8 s" gone_within 8 $kids
	check "killed coordinator $k: workers say so" grep -q 'the coordinator is gone' c$k.err
	check "killed coordinator $k: no 10 s reply timeout" not grep -q 'Timed out' c$k.err
	sock=${TMPDIR:-/tmp}/tsload-$PID.ipc
	"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 1 -q --target null: \
		--results "$T_TMP/results" >/dev/null 2>&1
	check "killed coordinator $k: stale socket removed by the next run" test ! -e "$sock"
done

finish
