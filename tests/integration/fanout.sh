#!/usr/bin/env bash
# Integration: fan-out (--target repeated) and clusters (a URL naming
# several hosts) against real servers on loopback: two VictoriaMetrics and
# one PostgreSQL. Fan-out: each server ends with exactly the records its
# target says it wrote; with one of them killed the others still get every
# batch and the dead one is called unreachable; with --spool-dir the dead
# one's batches are spooled and, once it is restarted, sent to it, so it
# too ends with every record. Cluster of the two
# VictoriaMetrics: with one killed no write fails, the dead host is shown
# with down-since and batches moved, and once restarted on its port it
# takes batches again; rr spreads batches over both, hash keeps each
# series on one host; a cluster of two PostgreSQL servers splits the rows
# by series. No timed assertions: counts only.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

start_server vm-local.sh "$T_TMP/vma"
porta=$(cat "$T_TMP/vma/port")
start_more vm-local.sh "$T_TMP/vmb"
portb=$(cat "$T_TMP/vmb/port")
start_more pg-local.sh "$T_TMP/pg"
pgurl=$SRV_URL
va=vm://127.0.0.1:$porta
vb=vm://127.0.0.1:$portb

q() { psql "$pgurl" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
# held PORT DB: samples VictoriaMetrics on PORT holds with label db=DB,
# once it stops changing (VM makes rows searchable about a second late)
held() {
	local i n last=x
	for i in $(seq 1 40); do
		curl -sS -XPOST "http://127.0.0.1:$1/internal/force_flush" >/dev/null
		n=$(curl -sS "http://127.0.0.1:$1/api/v1/query" \
			--data-urlencode "query=sum(count_over_time({db=\"$2\"}[2h]))" |
			sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p')
		n=${n:-0}
		[ "$n" = "$last" ] && [ "$n" != 0 ] && break
		last=$n
		sleep 0.5
	done
	echo "$n"
}
# held_eq PORT DB WANT: as held, but polls (up to 30 s) until it holds
# WANT: a loaded VictoriaMetrics may show a steady count for a second
# before its last acknowledged rows become searchable
held_eq() {
	local i n
	for i in $(seq 1 60); do
		n=$(held "$1" "$2")
		[ "$n" = "$3" ] && break
		sleep 0.5
	done
	echo "$n"
}
# series PORT DB: the sorted label sets of the series of db=DB on PORT
series() {
	curl -sS "http://127.0.0.1:$1/api/v1/series" \
		--data-urlencode "match[]={db=\"$2\"}" --data-urlencode "start=0" |
		python3 -c 'import json,sys; [print(json.dumps(s, sort_keys=True)) for s in json.load(sys.stdin)["data"]]' |
		sort
}
# samples_since PORT DB T: samples on PORT of db=DB stamped at or after
# epoch second T
samples_since() {
	curl -sS -XPOST "http://127.0.0.1:$1/internal/force_flush" >/dev/null
	curl -sS "http://127.0.0.1:$1/api/v1/export" \
		--data-urlencode "match[]={db=\"$2\"}" --data-urlencode "start=$3" |
		python3 -c 'import json,sys; print(sum(len(json.loads(l)["values"]) for l in sys.stdin if l.strip()))'
}

# 1. fan-out to three servers: each holds exactly what its target wrote
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 4 --batch-writes \
	-t fan --target "$va/?db=f1" --target "$vb/?db=f1" --target "$pgurl" \
	--results "$T_TMP/r1" >f1.out 2>f1.err
check_eq "fan-out: exit 0" 0 $?
n1=$(target_number 1 "Records written" f1.out)
n2=$(target_number 2 "Records written" f1.out)
n3=$(target_number 3 "Records written" f1.out)
check "fan-out: target 1 wrote records (${n1:-0})" test "${n1:-0}" -gt 0
check_eq "fan-out: every target got every batch (1 = 2)" "$n1" "$n2"
check_eq "fan-out: every target got every batch (1 = 3)" "$n1" "$n3"
check_eq "fan-out: total = sum of the targets" "$((n1 + n2 + n3))" \
	"$(sed -n 's/^\[OVERALL\].*Records written: \([0-9]*\).*/\1/p' f1.out)"
check_eq "fan-out: VictoriaMetrics A holds target 1's records" "$n1" "$(held_eq "$porta" f1 "$n1")"
check_eq "fan-out: VictoriaMetrics B holds target 2's records" "$n2" "$(held_eq "$portb" f1 "$n2")"
check_eq "fan-out: PostgreSQL holds target 3's records" "$n3" "$(q 'select count(*) from fan')"
check_eq "fan-out: no failed writes" "0 0 0" \
	"$(target_number 1 "Failed writes" f1.out) $(target_number 2 "Failed writes" f1.out) $(target_number 3 "Failed writes" f1.out)"
run=$(ls -d "$T_TMP"/r1/*-ingest-* | head -1)
check "fan-out: run.json has a section per target" python3 -c "
import json,sys; j=json.load(open('$run/run.json'))
t=j['targets']; assert [x['index'] for x in t]==[1,2,3], t
assert [x['records'] for x in t]==[$n1,$n2,$n3], t
assert len(j['options']['targets'])==3"
check "fan-out: the live line has a column per target" \
	grep -qE '\| 1 vm .* \| 2 vm .* \| 3 postgres ' f1.out

# 2. fan-out with B killed mid-run: A and PostgreSQL still get every
# batch; B's failures are called unreachable
(sleep 2; kill -9 "$(cat "$T_TMP/vmb/victoria-metrics.pid")") &
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 6 --interval-millis 1000 \
	--batch-writes -t fan2 --target "$va/?db=f2" --target "$vb/?db=f2" \
	--target "$pgurl" --results "$T_TMP/r2" >f2.out 2>f2.err
rc=$?
wait
check_eq "fan-out, one dead: exit 1 (its writes failed)" 1 "$rc"
n1=$(target_number 1 "Records written" f2.out)
n2=$(target_number 2 "Records written" f2.out)
n3=$(target_number 3 "Records written" f2.out)
check_eq "fan-out, one dead: A and PostgreSQL got the same batches" "$n1" "$n3"
check "fan-out, one dead: B got fewer ($n2 < $n1)" test "${n2:-0}" -lt "${n1:-0}"
check_eq "fan-out, one dead: A has no failed writes" 0 "$(target_number 1 "Failed writes" f2.out)"
check_eq "fan-out, one dead: PostgreSQL has no failed writes" 0 "$(target_number 3 "Failed writes" f2.out)"
check "fan-out, one dead: B's writes failed" test "$(target_number 2 "Failed writes" f2.out)" -gt 0
check "fan-out, one dead: B is called unreachable" grep -q "^Target 2 .*(vm unreachable)" f2.out
check "fan-out, one dead: not busy or throttled" not grep -q "busy or throttled" f2.out f2.err
check_eq "fan-out, one dead: A holds what target 1 wrote" "$n1" "$(held_eq "$porta" f2 "$n1")"
check_eq "fan-out, one dead: PostgreSQL holds what target 3 wrote" "$n3" "$(q 'select count(*) from fan2')"
check "fan-out, one dead: A kept writing after the kill" \
	bash -c "grep -E '^\[ +[5-9]s\]' f2.out | grep -qE '\| 1 vm [1-9][0-9]*/s'"
VM_PORT=$portb start_more vm-local.sh "$T_TMP/vmb"

# 2b. fan-out with --spool-dir, B killed by its PID mid-run and restarted
# on its port 7 s later: B's batches go to its own spool while it is down
# (A and PostgreSQL are not held back) and are sent to it once it is back,
# so every server ends holding exactly what its target wrote, nothing
# missing. SIGTERM: VictoriaMetrics keeps what it acknowledged.
(
	sleep 3
	pid=$(cat "$T_TMP/vmb/victoria-metrics.pid")
	kill "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
	sleep 7
	VM_PORT=$portb bash "$T_SRC/scripts/vm-local.sh" start "$T_TMP/vmb" >/dev/null
) &
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 16 --interval-millis 1000 \
	--batch-writes -t fan3 --target "$va/?db=f3" --target "$vb/?db=f3" \
	--target "$pgurl" --spool-dir "$T_TMP/sp3" --spool-max 64M \
	--results "$T_TMP/r2b" >f3.out 2>f3.err
rc=$?
wait
check_eq "fan-out, spool, one restarted: exit 0" 0 "$rc"
n1=$(target_number 1 "Records written" f3.out)
n2=$(target_number 2 "Records written" f3.out)
n3=$(target_number 3 "Records written" f3.out)
check "fan-out, spool, one restarted: records written (${n1:-0})" test "${n1:-0}" -gt 0
check_eq "fan-out, spool, one restarted: B ends with every batch (1 = 2)" "$n1" "$n2"
check_eq "fan-out, spool, one restarted: PostgreSQL got every batch (1 = 3)" "$n1" "$n3"
check_eq "fan-out, spool, one restarted: no failed writes" "0 0 0" \
	"$(target_number 1 "Failed writes" f3.out) $(target_number 2 "Failed writes" f3.out) $(target_number 3 "Failed writes" f3.out)"
kept=$(sed -n 's/^Target 2 spool: \([0-9]*\) records kept, \([0-9]*\) sent from it, \([0-9]*\) left.*/\1 \2 \3/p' f3.out)
read -r k2 s2 l2 <<<"${kept:-0 0 x}"
check "fan-out, spool, one restarted: B's batches were spooled ($k2)" test "$k2" -gt 0
check_eq "fan-out, spool, one restarted: all of B's spool sent back" "$k2 0" "$s2 $l2"
check "fan-out, spool, one restarted: A and PostgreSQL did not spool" \
	not grep -qE '^Target [13] spool:' f3.out
check "fan-out, spool, one restarted: the records add up" not grep -q "do not add up" f3.out
check "fan-out, spool, one restarted: each target has its own spool" \
	test -d "$T_TMP/sp3/w0-t0-k0" -a -d "$T_TMP/sp3/w0-t1-k1" -a -d "$T_TMP/sp3/w0-t0-k2"
check_eq "fan-out, spool, one restarted: A holds what target 1 wrote" "$n1" "$(held_eq "$porta" f3 "$n1")"
check_eq "fan-out, spool, one restarted: restarted B holds what target 2 wrote" "$n2" "$(held_eq "$portb" f3 "$n2")"
check_eq "fan-out, spool, one restarted: PostgreSQL holds what target 3 wrote" "$n3" "$(q 'select count(*) from fan3')"

# 3. cluster A,B with B killed and restarted on its port: no write fails
(
	sleep 2
	kill -9 "$(cat "$T_TMP/vmb/victoria-metrics.pid")"
	sleep 3
	date +%s >back.at
	VM_PORT=$portb bash "$T_SRC/scripts/vm-local.sh" start "$T_TMP/vmb" >/dev/null
) &
# --max-retries 0: the cluster itself moves a batch, not a retry
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 10 --interval-millis 1000 \
	--batch-writes --max-retries 0 \
	--target "vm://127.0.0.1:$porta,127.0.0.1:$portb/?db=c1" \
	--results "$T_TMP/r3" >c1.out 2>c1.err
rc=$?
wait
check_eq "cluster, one killed: exit 0" 0 "$rc"
check_eq "cluster, one killed: no failed writes" 0 "$(failed_writes c1.out)"
check "cluster, one killed: live line shows B down with batches moved" \
	grep -qE "127\.0\.0\.1:$portb down [0-9]+s, [0-9]+ batches moved" c1.out
check "cluster, one killed: B was taken out" \
	grep -qE "^Host 2 of .*: 127\.0\.0\.1:$portb: .*Taken out: [1-9]" c1.out
moved=$(sed -n "s/^Host 2 .*Batches moved to other hosts: \([0-9]*\).*/\1/p" c1.out)
check "cluster, one killed: B's batches moved (${moved:-0})" test "${moved:-0}" -gt 0
check "cluster, one killed: B is back up at the end" grep -qE "^Host 2 .*Down since: up" c1.out
since=$(cat back.at)
got=$(samples_since "$portb" c1 "$since")
check "cluster, one killed: B took batches after its restart (${got:-0} samples)" test "${got:-0}" -gt 0
run=$(ls -d "$T_TMP"/r3/*-ingest-* | head -1)
check "cluster, one killed: run.json has the hosts" python3 -c "
import json; h=json.load(open('$run/run.json'))['hosts']
assert [x['host'] for x in h]==['127.0.0.1:$porta','127.0.0.1:$portb'], h
assert h[1]['taken_out']>0 and h[1]['batches_moved']>0 and h[1]['down_since'] is None, h"

# 4. rr: both hosts take batches, together exactly the records written
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 3 --batch-writes \
	--target "vm://127.0.0.1:$porta,127.0.0.1:$portb/?db=rr&balance=rr" \
	--results "$T_TMP/r4" >rr.out 2>rr.err
check_eq "rr: exit 0" 0 $?
a=$(held "$porta" rr)
b=$(held "$portb" rr)
check "rr: both hosts hold data ($a, $b)" test "$a" -gt 0 -a "$b" -gt 0
check_eq "rr: A + B = Records written" "$(records_written rr.out)" "$((a + b))"

# 5. hash: each series on one host only
# several cycles: each series is written several times
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 3 --interval-millis 500 --batch-writes \
	--target "vm://127.0.0.1:$porta,127.0.0.1:$portb/?db=hh&balance=hash" \
	--results "$T_TMP/r5" >hh.out 2>hh.err
check_eq "hash: exit 0" 0 $?
a=$(held "$porta" hh)
b=$(held "$portb" hh)
check_eq "hash: A + B = Records written" "$(records_written hh.out)" "$((a + b))"
series "$porta" hh >sa
series "$portb" hh >sb
check "hash: both hosts hold series ($(wc -l <sa), $(wc -l <sb))" test -s sa -a -s sb
check_eq "hash: no series on both hosts" 0 "$(comm -12 sa sb | wc -l)"

# 6. a PostgreSQL cluster (its own connection per host, not libpq's
# failover), hash balance: the rows split over both, each series' rows on
# one server only
start_more pg-local.sh "$T_TMP/pg2"
pg2=$SRV_URL
p1=${pgurl##*@}
p1=${p1%%/*}
p2=${pg2##*@}
p2=${p2%%/*}
q2() { psql "$pg2" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
"$TSLOAD" ingest -p 1 -c 2 --host-scale 1 --duration 3 --interval-millis 500 --batch-writes -t pgc \
	--target "postgres://postgres@$p1,$p2/tsload?balance=hash" \
	--results "$T_TMP/r6" >pc.out 2>pc.err
check_eq "pg cluster: exit 0" 0 $?
a=$(q 'select count(*) from pgc')
b=$(q2 'select count(*) from pgc')
check "pg cluster: both servers hold rows ($a, $b)" test "$a" -gt 0 -a "$b" -gt 0
check_eq "pg cluster: rows = Records written" "$(records_written pc.out)" "$((a + b))"
sel="select distinct coalesce(instance_name, '') || '/' || coalesce(process_name, '') from pgc order by 1"
q "$sel" >pa
q2 "$sel" >pb
check_eq "pg cluster: no series on both servers" 0 "$(comm -12 pa pb | wc -l)"
check "pg cluster: the closing lines name both hosts" \
	bash -c "grep -q '^Host 1 of .*: $p1: batches written: [1-9]' pc.out && grep -q '^Host 2 of .*: $p2: batches written: [1-9]' pc.out"

finish
