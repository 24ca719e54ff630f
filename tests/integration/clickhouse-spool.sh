#!/usr/bin/env bash
# --spool-dir against a real ClickHouse (scripts/ch-local.sh): the server
# killed (SIGKILL, by its PID) mid-run and started again on the same port
# ~10 s later, with its data, under the block policy: the batches of the
# gap go to the spool and are sent once it answers; the table ends
# holding exactly Records written, and nothing generated is missing (its
# distinct rows = generated). ClickHouse writes a part before it answers
# an INSERT, so a kill loses nothing it acknowledged; one that dies
# between the part and the answer makes tsload send that batch again
# (a duplicate row, counted in Records written): the distinct rows show
# what is there, once. Then a kill -9 of tsload while the server is down
# and `tsload stream --replay`: the spool sent, nothing lost, nothing
# twice.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1

chdir=$T_TMP/ch
start_server ch-local.sh "$chdir"
churl=$SRV_URL
port=${churl##*:}
ch() { curl -sS --noproxy '*' "http://127.0.0.1:$port/" --data-binary "$1"; }
run_json() { ls "$1"/*/run.json 2>/dev/null | head -1; }
json_total() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["totals"][sys.argv[2]])' "$1" "$2"; }
# ch_kill [SIGNAL]: the server by its PID (KILL); waits until it is gone
ch_kill() {
	local pid
	pid=$(cat "$chdir/pid")
	kill -"${1:-KILL}" "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
}
ch_up() { CH_RESTART=1 bash "$src/scripts/ch-local.sh" start "$chdir" >/dev/null; }

# 1. killed for ~10 s mid-run, block policy
url="clickhouse://127.0.0.1:$port/?db=tsl_spool"
(
	sleep 5
	ch_kill
	sleep 10
	ch_up
) &
restarter=$!
timeout 300 "$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 25 --interval-millis 1000 \
	--batch-writes --batch-size 5000 --spool-dir "$T_TMP/sp1" --spool-full block \
	--target "$url" --results "$T_TMP/res1" >b.out 2>b.err
rc=$?
wait $restarter
check_eq "killed and restarted: exit 0" 0 "$rc"
check "the server is back" test "$(curl -s --noproxy '*' "http://127.0.0.1:$port/ping")" = "Ok."
n=$(records_written b.out)
kept=$(spool_num 'records kept' b.out)
gen=$(json_total "$(run_json res1)" generated)
check "batches were spooled while it was down (${kept:-none})" test "${kept:-0}" -gt 0
check_eq "all of them sent, none left" "$kept 0" "$(spool_num 'sent from it' b.out) $(spool_num left b.out)"
check_eq "no failed writes" 0 "$(failed_writes b.out)"
check "the records add up" not grep -q 'do not add up' b.out
check_eq "the table holds exactly Records written" "$n" "$(ch "SELECT count() FROM tsl_spool.host_metrics")"
check_eq "nothing generated missing (distinct rows = generated)" "$gen" \
	"$(ch "SELECT count() FROM (SELECT DISTINCT * FROM tsl_spool.host_metrics)")"
check_eq "run.json: nothing lost" 0 "$(json_total "$(run_json res1)" lost)"
check "named once, the spool said" grep -q 'cannot take batches, keeping them in the spool until it answers' b.err

# 2. kill -9 of tsload while the server is down, then stream --replay
url="clickhouse://127.0.0.1:$port/?db=tsl_replay"
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 60 --interval-millis 1000 \
	--batch-writes --batch-size 5000 --spool-dir "$T_TMP/sp2" \
	--target "$url" --results "$T_TMP/res2" >k.out 2>k.err &
pid=$!
sleep 5
ch_kill TERM # it answers what it took: no duplicate of its making
sleep 4
{
	kill -9 $(pgrep -P $pid) $pid
	wait $pid
} 2>/dev/null
ch_up
before=$(ch "SELECT count() FROM tsl_replay.host_metrics")
check "kill -9: the spool holds data" test -n "$(ls "$T_TMP"/sp2/*/*.seg 2>/dev/null)"
timeout 200 "$TSLOAD" stream --replay "$T_TMP/sp2" --results "$T_TMP/res3" >r.out 2>r.err
check_eq "replay: exit 0" 0 "$?"
found=$(spool_num 'from an earlier run' r.out)
check "replay: found the killed run's records (${found:-none})" test "${found:-0}" -gt 0
check_eq "replay: Records written = found" "$found" "$(records_written r.out)"
check_eq "replay: the table grew by Records written" "$found" \
	"$(($(ch "SELECT count() FROM tsl_replay.host_metrics") - before))"
check_eq "replay: nothing twice" 0 \
	"$(ch "SELECT count() - (SELECT count() FROM (SELECT DISTINCT * FROM tsl_replay.host_metrics)) FROM tsl_replay.host_metrics")"
check_eq "replay: no segment left" "" "$(ls "$T_TMP"/sp2/*/*.seg 2>/dev/null)"
finish
