#!/usr/bin/env bash
# tsload stream into librdkafka's mock cluster (tests/tools/mockkafka):
# every line consumed back, in order per partition; injected Produce
# errors retried and counted; brokers that are down leave nothing counted
# as written (exit 1); gzip and zstd input; SIGINT sends what was read and
# waits for the deliveries; stdout and file: sinks; bad usage exits 2.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1
MOCKKAFKA=${MOCKKAFKA:-$(dirname "$TSLOAD")/../tests/mockkafka}

N_SERVE=0
serve() { # serve ARGS...: starts a mock cluster, sets MK_PID and BOOT
	N_SERVE=$((N_SERVE + 1))
	local f=boot$N_SERVE.txt
	"$MOCKKAFKA" serve "$@" >"$f" 2>mk.err &
	MK_PID=$!
	for _ in $(seq 100); do
		grep -qs . "$f" && break
		sleep 0.1
	done
	BOOT=$(head -1 "$f")
}
stop() { kill -KILL "$MK_PID" 2>/dev/null; wait "$MK_PID" 2>/dev/null; }
field() { sed -n "s/.*$1 \([0-9]*\).*/\1/p" "$2"; }
closing() { sed -n "s/.*: \([0-9]*\) stored or delivered.* \([0-9]*\) failed, \([0-9]*\) retries.*/\1 \2 \3/p" "$1"; }

seq -f 'line %08g' 1 100000 >in.txt

# 1. Everything delivered and consumed back, order kept per partition.
serve --brokers 3 --topic t1 --partitions 4
"$TSLOAD" stream kafka --broker "$BOOT" --topic t1 -q --results res in.txt >k1.out 2>k1.err
check_eq "kafka: exit 0" 0 $?
check_eq "kafka: 100000 delivered, 0 failed" "100000 0" "$(closing k1.err | cut -d' ' -f1,2)"
"$MOCKKAFKA" count "$BOOT" t1 >c1.out
check_eq "kafka: consumed back 100000 on 4 partitions, in order" \
	"messages 100000 partitions 4 out_of_order 0 appended 100000" "$(cat c1.out)"
run=$(ls -d res/*-stream-* | head -1)
check "kafka: run.json written" json_has "$run/run.json" lines_done 100000
stop

# 2. gzip and zstd input, two files and a repeated --broker.
gzip -c in.txt >in.txt.gz
zstd -q -c in.txt >in.txt.zst
serve --brokers 2 --topic t2 --partitions 3
b1=${BOOT%%,*} b2=${BOOT#*,}
"$TSLOAD" stream kafka --broker "$b1" --broker "$b2" --topic t2 -q --results res in.txt.gz in.txt.zst 2>k2.err
check_eq "gzip + zstd: exit 0" 0 $?
check_eq "gzip + zstd: 200000 lines consumed back" "messages 200000 partitions 3 out_of_order 1 appended 200000" \
	"$("$MOCKKAFKA" count "$BOOT" t2 | sed 's/out_of_order [0-9]*/out_of_order 1/')"
check_eq "gzip + zstd: 200000 delivered" "200000 0" "$(closing k2.err | cut -d' ' -f1,2)"
head -c 100000 in.txt.gz >cut.gz
"$TSLOAD" stream kafka --broker "$BOOT" --topic t2 -q --results res cut.gz 2>k2b.err
check_eq "truncated gzip: exit 1" 1 $?
check "truncated gzip: named" grep -q 'cut.gz: corrupt gzip data' k2b.err
stop

# 3. Injected Produce errors: retried by librdkafka and counted.
# One request in flight per connection, because librdkafka 2.0's mock
# checks an idempotent producer's sequence numbers only when it is
# transactional (rd_kafka_mock_validate_records). With several in flight
# (seen under load): a request queued behind the injected disconnect is
# appended but its reply lost, and its resend (same PID, epoch and
# BaseSeq, which a real broker drops as a duplicate) is appended again
# (101199 consumed back); and behind a NOT_LEADER, a later batch of the
# partition is appended first, its ack implicitly acks the rejected one
# (rd_kafka_dr_implicit_ack), which is then never resent (99999).
serve --brokers 3 --topic t3 --partitions 4 --produce-errors 6
"$TSLOAD" stream kafka --broker "$BOOT" --topic t3 -q --results res \
	-e max.in.flight.requests.per.connection=1 in.txt 2>k3.err
check_eq "errors: exit 0" 0 $?
read -r done failed retries <<<"$(closing k3.err)"
check_eq "errors: 100000 delivered, 0 failed" "100000 0" "$done $failed"
check "errors: retries counted ($retries)" test "${retries:-0}" -gt 0
check_eq "errors: consumed back exactly once each" "messages 100000 partitions 4 out_of_order 0 appended 100000" \
	"$("$MOCKKAFKA" count "$BOOT" t3)"
stop

# 4. Every broker down: nothing counted as written, exit 1.
serve --brokers 1 --topic t4 --down
"$TSLOAD" stream kafka --broker "$BOOT" --topic t4 -q --results res -e message.timeout.ms=1500 in.txt 2>k4.err
check_eq "down: exit 1" 1 $?
check_eq "down: 0 delivered, 100000 failed" "0 100000" "$(closing k4.err | cut -d' ' -f1,2)"
check "down: the reason named" grep -q 'not delivered: Local: Message timed out' k4.err
stop

# 5. SIGINT: what was read is sent and delivered, then exit 0.
serve --brokers 1 --topic t5 --partitions 2
mkfifo fifo
"$TSLOAD" stream kafka --broker "$BOOT" --topic t5 -q --results res fifo 2>k5.err &
TP=$!
exec 7>fifo
head -3000 in.txt >&7
sleep 1
kill -INT "$TP"
timeout 60 tail --pid="$TP" -f /dev/null; wait "$TP"
check_eq "SIGINT: exit 0" 0 $?
exec 7>&-
check_eq "SIGINT: the 3000 lines read are delivered" "3000 0" "$(closing k5.err | cut -d' ' -f1,2)"
check_eq "SIGINT: 3000 consumed back" "messages 3000 partitions 2 out_of_order 0 appended 3000" \
	"$("$MOCKKAFKA" count "$BOOT" t5)"
stop

# 6. The kafka:// target of ingest: a record a line, written once
# delivered; with key=series a host's records stay on one partition.
serve --topic m --partitions 4
"$TSLOAD" ingest -q --host-scale 1 --duration 2 -c 2 --target "kafka://$BOOT/m?format=lp&key=series" \
	--results res >i1.out 2>i1.err
check_eq "ingest kafka://: exit 0" 0 $?
n=$(records_written i1.out)
check "ingest kafka://: records written ($n)" test "${n:-0}" -gt 0
check_eq "ingest kafka://: every record a message" "$n" "$("$MOCKKAFKA" count "$BOOT" m | sed 's/.*appended //')"
stop
serve --topic m2 --down
"$TSLOAD" ingest -q --host-scale 1 --duration 3 --max-retries 0 --target "kafka://$BOOT/m2?timeout=1" \
	--results res >i2.out 2>i2.err
check_eq "ingest kafka:// down: exit 1" 1 $?
check_eq "ingest kafka:// down: nothing written" 0 "$(records_written i2.out)"
stop

# 7. stdout and file: sinks keep every line; a last line without its
# newline gets one.
printf 'a\nb\nc' | "$TSLOAD" stream stdout -q --results res >s.out 2>s.err
check_eq "stdout: the lines" "$(printf 'a\nb\nc\n')" "$(cat s.out)"
"$TSLOAD" stream file:"$T_TMP/f.out" -q --results res in.txt.zst 2>f.err
check_eq "file: identical to the input" "" "$(cmp in.txt f.out)"

# 7b. The seed's filesystem sink: files of -c lines in --path, named by
# their UTC time, gzip or zstd; the last shorter file at the end.
head -7 in.txt | "$TSLOAD" stream filesystem --path fs1 -c 3 -z gzip -q --results res 2>fs1.err
check_eq "filesystem gzip: exit 0" 0 $?
check_eq "filesystem gzip: files of 3, 3 and 1 lines" "3 3 1" \
	"$(for f in fs1/*; do zcat "$f" | wc -l; done | tr '\n' ' ' | sed 's/ $//')"
ls fs1 >fs1.names
check "filesystem gzip: named <UTC time>+00:00.log.gz" every_line 1 \
	'^20[0-9-]*T[0-9:]*(\.[0-9]{6})?\+00:00(-[0-9]+)?\.log\.gz$' fs1.names
"$TSLOAD" stream filesystem --path fs2 -c 30000 -z zstd -q --results res in.txt 2>fs2.err
check_eq "filesystem zstd: 4 files" 4 "$(ls fs2 | grep -c '\.log\.zstd$')"
zstd -qdc fs2/* >fs2.all
check "filesystem zstd: the lines, in order" cmp -s in.txt fs2.all
"$TSLOAD" stream filesystem -z bzip in.txt 2>fs3.err
check_eq "filesystem -z bzip: exit 2" 2 $?
"$TSLOAD" ingest --target dir:fs4 2>fs4.err
check_eq "ingest --target dir: exit 2" 2 $?

# 8. Pacing: --rate 20 sends 40 lines in no less than 1.95 s (line u is
# due at u/20 s); a cycling schedule file (the seed's format) too; a slow
# machine only makes it later, never earlier.
head -40 in.txt >40.txt
"$TSLOAD" stream file:"$T_TMP/r.out" -r 20 -q --results rres 40.txt 2>r.err
check_eq "rate: exit 0" 0 $?
check_eq "rate: every line" "$(cat 40.txt)" "$(cat r.out)"
secs=$(python3 -c 'import json,sys,glob; print(json.load(open(glob.glob(sys.argv[1])[0]))["seconds"])' 'rres/*/run.json')
check "rate: 40 lines at 20/s take >= 1.95 s ($secs)" python3 -c "import sys; sys.exit(not float('$secs') >= 1.95)"
echo '{"update_interval": 1, "schedule": [10, 20]}' >sched.json
"$TSLOAD" stream file:"$T_TMP/s.out2" -s sched.json -q --results sres 40.txt 2>s2.err
check_eq "schedule: exit 0" 0 $?
check_eq "schedule: every line" 40 "$(wc -l <s.out2)"
secs=$(python3 -c 'import json,sys,glob; print(json.load(open(glob.glob(sys.argv[1])[0]))["seconds"])' 'sres/*/run.json')
# 10 in the 1st second, 20 in the 2nd, 10 more in the 3rd: line 39 is due
# at 2.9 s
check "schedule: 40 lines take >= 2.85 s ($secs)" python3 -c "import sys; sys.exit(not float('$secs') >= 2.85)"
echo '{"update_interval": 1, "schedule": [10, 20],}' >badsched.json
"$TSLOAD" stream stdout -s badsched.json 40.txt 2>bs.err
check_eq "bad schedule file: exit 2" 2 $?

# 9. Bad usage: one line, exit 2.
"$TSLOAD" stream kafka --topic t in.txt 2>u1.err
check_eq "no --broker: exit 2" 2 $?
check "no --broker: named" grep -q 'stream kafka: --broker is required' u1.err
"$TSLOAD" stream nosuch in.txt 2>u2.err
check_eq "unknown sink: exit 2" 2 $?
"$TSLOAD" stream kafka --broker 127.0.0.1:1 --topic t -e nokey in.txt 2>u3.err
check_eq "bad -e: exit 2" 2 $?
check "bad -e: named" grep -q 'kafka: -e nokey: expected key=value' u3.err
"$TSLOAD" stream kafka --broker 127.0.0.1:1 --topic t --producer x in.txt 2>u4.err
check_eq "bad --producer: exit 2" 2 $?
"$TSLOAD" stream stdout --topic t in.txt 2>u6.err
check_eq "--topic for stdout: exit 2" 2 $?
check "--topic for stdout: named" grep -q 'stream stdout: --topic is an option of the kafka sink' u6.err
"$TSLOAD" stream kafka --broker 127.0.0.1:1 --topic t -p 1 -e linger.ms=5 -q --results res /nonexistent 2>u5.err
check_eq "missing input: exit 1" 1 $?
check "missing input: named" grep -q '/nonexistent: No such file' u5.err

finish
