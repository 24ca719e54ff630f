#!/usr/bin/env bash
# tsload stream --replay DIR: a spool left by a run whose HTTP target was
# down is sent by the replay alone (model, threads and target read from
# the spool), with counts; while the target is still down it exits 1
# with the records left; kill -9 of a run that spools, then the replay:
# every record it held arrives once. Bad directories: one line, exit 2.
# (Against PostgreSQL: tests/fault/spool.sh.)
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

# one_line_exit2 NAME REGEX ARGS...: tsload stream ARGS (exit2_line)
one_line_exit2() { exit2_line "$1" "$2" stream "${@:3}"; }
segs() { find "$1" -name '*.seg' | wc -l; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port/write
# sink: every POSTed body appended to lines.txt, 204
cat >sink.py <<'PY'
import http.server, sys, threading
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        with lock, open("lines.txt", "ab") as f:
            f.write(body if body.endswith(b"\n") or not body else body + b"\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
sink_up() {
	python3 sink.py "$port" &
	sink=$!
	for _ in $(seq 50); do
		python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$port" 2>/dev/null && return
		sleep 0.1
	done
}

one_line_exit2 "--replay of a missing directory" '^tsload: error: --replay nope: No such file or directory$' --replay nope
mkdir empty
one_line_exit2 "--replay of a directory without a spool" '^tsload: error: --replay empty: no spool in it' --replay empty

# the target down for the whole run: everything spooled
"$TSLOAD" ingest --spool-dir sp -p 1 -c 2 --host-scale 1 --interval-millis 1000 --duration 2 \
	--batch-writes --batch-size 500 --target "$url" --results res -q >a.out 2>a.err
check_eq "a run with its target down: exit 0" 0 "$?"
kept=$(spool_num 'records kept' a.out)
check "a run with its target down: records kept (${kept:-none})" test "${kept:-0}" -gt 0
check_eq "a run with its target down: all left" "$kept" "$(spool_num left a.out)"

# still down: nothing sent, the records left said, exit 1
"$TSLOAD" stream --replay sp --max-retries 0 --results res -q >b.out 2>b.err
check_eq "replay, target still down: exit 1" 1 "$?"
check "replay, target still down: says what is left" grep -qE "^tsload: error: --replay: $kept records left in the spool sp: their target did not take them" b.err
check_eq "replay, target still down: nothing written" 0 "$(records_written b.out)"
check_eq "replay, target still down: the spool kept" "$kept" "$(spool_num left b.out)"

# up: everything sent once, with counts
sink_up
"$TSLOAD" stream --replay sp --results res2 -q >c.out 2>c.err
check_eq "replay: exit 0" 0 "$?"
check_eq "replay: found what the run kept" "$kept" "$(spool_num 'from an earlier run' c.out)"
check_eq "replay: Records written = kept" "$kept" "$(records_written c.out)"
check_eq "replay: the sink got every record" "$kept" "$(grep -c . lines.txt)"
check_eq "replay: no record twice" "$kept" "$(sort -u lines.txt | grep -c .)"
check_eq "replay: nothing left" 0 "$(spool_num left c.out)"
check_eq "replay: no segment left" 0 "$(segs sp)"
check "replay: the records add up" not grep -q 'do not add up' c.out
check "replay: run.json spool totals" \
	python3 -c 'import json, sys; t = json.load(open(sys.argv[1]))["totals"]; s = t["spool"]; sys.exit(not (t["generated"] == 0 and t["records"] == s["from_earlier_run"] == s["replayed"] > 0 and s["left"] == 0))' "$(ls res2/*/run.json)"
"$TSLOAD" stream --replay sp -q >d.out 2>d.err
check_eq "replay of a sent spool: exit 0" 0 "$?"
check "replay of a sent spool: says nothing is left" grep -q '^--replay sp: nothing left in the spool$' d.out

# fan-out: target 2 down; per-target figures in the closing lines and
# run.json; the replay sends target 2's spool to it (target 1 had
# nothing left: null: in its place)
kill "$sink"
wait "$sink" 2>/dev/null
"$TSLOAD" ingest --spool-dir spf -p 1 -c 2 --host-scale 1 --interval-millis 1000 --duration 2 \
	--batch-writes --batch-size 500 --rate 20000 --max-lag 1 --target null: --target "$url" \
	--results resf -q >f.out 2>f.err
check_eq "fan-out, target 2 down: exit 0" 0 "$?"
fkept=$(sed -n 's/^Target 2 spool: \([0-9]*\) records kept, .* failing their checksum (+0 damaged spans), 0 from an earlier run, 0 waits for room$/\1/p' f.out)
check "fan-out, target 2 down: its spool line, every figure (${fkept:-none})" test "${fkept:-0}" -gt 0
check "fan-out, target 2 down: no spool line for target 1" not grep -q '^Target 1 spool:' f.out
check "fan-out: run.json per target: spool, lost, skipped as the totals'" \
	python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); t = r["targets"]; sys.exit(not ("spool" not in t[0] and t[1]["spool"]["spooled"] == int(sys.argv[2]) and t[0]["lost"] == t[1]["lost"] == 0 and t[0].get("skipped", 0) == t[1].get("skipped", 0) == r["totals"].get("skipped", 0)))' "$(ls resf/*/run.json)" "$fkept"
rm -f lines.txt
sink_up
"$TSLOAD" stream --replay spf --results resf2 -q >g.out 2>g.err
check_eq "fan-out replay: exit 0" 0 "$?"
check "fan-out replay: target 1 had nothing left" grep -q '^--replay spf: nothing left for target 1: null: in its place$' g.out
check_eq "fan-out replay: target 2 wrote what it kept" "$fkept" "$(target_number 2 'Records written' g.out)"
check_eq "fan-out replay: the sink got each once" "$fkept" "$(sort -u lines.txt | grep -c .)"
check_eq "fan-out replay: no segment left" 0 "$(segs spf)"

# kill -9 of a run while it spools; the replay sends what it held, once
kill "$sink"
wait "$sink" 2>/dev/null
rm -f lines.txt
"$TSLOAD" ingest --spool-dir sk -p 1 -c 2 --host-scale 1 --interval-millis 1000 --duration 60 \
	--batch-writes --batch-size 500 --target "$url" --results res3 -q >k.out 2>k.err &
pid=$!
sleep 4
{
	kill -9 $(pgrep -P $pid) $pid
	wait $pid
} 2>/dev/null
check "kill -9: the spool holds data" test "$(segs sk)" -gt 0
sink_up
"$TSLOAD" stream --replay sk --results res4 -q >e.out 2>e.err
check_eq "replay after kill -9: exit 0" 0 "$?"
found=$(spool_num 'from an earlier run' e.out)
check "replay after kill -9: found records (${found:-none})" test "${found:-0}" -gt 0
check_eq "replay after kill -9: Records written = found" "$found" "$(records_written e.out)"
check_eq "replay after kill -9: the sink got each once" "$found" "$(sort -u lines.txt | grep -c .)"
check_eq "replay after kill -9: and nothing more" "$found" "$(grep -c . lines.txt)"
check_eq "replay after kill -9: no segment left" 0 "$(segs sk)"
kill "$sink"
wait "$sink" 2>/dev/null
finish
