#!/usr/bin/env bash
# Integration: graphite:// and opentsdb:// against real receivers started
# here on free loopback ports and stopped by PID: VictoriaMetrics with its
# Graphite, OpenTSDB HTTP and OpenTSDB telnet listeners (scripts/
# vm-local.sh, VM_ARGS), and Debian's carbon-cache (scripts/
# carbon-local.sh), read back through VM's export API and the whisper
# files: each holds exactly the data points tsload says it wrote. Then
# tests/tools/fakesink.py: a receiver that drops idle connections and one
# that stops listening for a while (tsload connects again, nothing lost),
# an OpenTSDB that refuses some points with its 400 (counted rejected);
# a dead port (one line, exit 1).
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1
. "$src/scripts/server-lib.sh"
sink=$src/tests/tools/fakesink.py
# Debian's python3 has the whisper module (python3-whisper); a python3
# earlier in PATH (pyenv) may not
py=/usr/bin/python3

# VictoriaMetrics with three more listeners: ports picked here, three
# tries (a port may be taken between the pick and the bind)
srv=$T_TMP/vm
for try in 1 2 3; do
	gp=$(srv_free_port) op=$(srv_free_port) tp=$(srv_free_port)
	VM_ARGS="-graphiteListenAddr=127.0.0.1:$gp -opentsdbHTTPListenAddr=127.0.0.1:$op -opentsdbListenAddr=127.0.0.1:$tp"
	export VM_ARGS
	if bash "$src/scripts/vm-local.sh" start "$srv" >/dev/null 2>"$T_TMP/vm.err"; then
		break
	fi
	[ "$try" -lt 3 ] || { bad "victoria-metrics did not start: $(tail -1 "$T_TMP/vm.err")"; finish; exit 1; }
done
unset VM_ARGS
T_MORE+=("vm-local.sh $srv")
http=http://127.0.0.1:$(cat "$srv/port")
check "VictoriaMetrics answers /health" curl -sf -o /dev/null "$http/health"

# data points VM holds under metric names starting with $1.
held() {
	curl -sS -XPOST "$http/internal/force_flush" >/dev/null
	curl -sS "$http/api/v1/export" --data-urlencode "match[]={__name__=~\"$1\\\\..*\"}" |
		"$py" -c 'import json, sys; print(sum(len(json.loads(l)["values"]) for l in sys.stdin if l.strip()))'
}
# the same once it reaches $2, or after 30 s (VM makes rows searchable
# about a second after it takes them)
held_when() {
	local n
	for _ in $(seq 1 150); do
		n=$(held "$1")
		[ "$n" = "$2" ] && break
		sleep 0.2
	done
	echo "$n"
}

# 10 minutes of 200 hosts every 10 s, backfilled: each series gets points
# in seconds of their own (VM trims Graphite and telnet times to 1 s)
run=(--host-scale 1 --id-end 200 --interval-millis 10000 --start-time now-10m --end-time now --results "$T_TMP/results")

# ingest NAME URL [options]: runs it, then checks exit 0, no failed
# writes, and the text values (task_end_state) counted: single layout,
# records rejected; multi, points left out of records still written
ingest() {
	local name=$1 url=$2 rej
	shift 2
	"$TSLOAD" ingest "${run[@]}" "$@" --target "$url" >"$name.out" 2>"$name.err"
	check_eq "$name: exit 0" 0 $?
	check_eq "$name: no failed writes" 0 "$(failed_writes "$name.out")"
	rej=$(closing_number 'Rejected records' "$name.out")
	if [[ " $* " == *" --multi "* ]]; then
		check_eq "$name: no record rejected (multi: a text value is left out of its record)" 0 "$rej"
	else
		check "$name: text values (task_end_state) counted rejected" test "${rej:-0}" -gt 0
	fi
	check "$name: saying why" grep -q 'text values not sent' "$name.err"
}

# 1. graphite:// into VictoriaMetrics, both layouts
ingest g-single "graphite://127.0.0.1:$gp?prefix=gsingle" -p 2 -c 2
w=$(points_written g-single.out)
check "graphite (single): wrote points" test "${w:-0}" -gt 0
check_eq "graphite (single): records = points" "$w" "$(records_written g-single.out)"
check_eq "graphite (single): VM holds the points written" "$w" "$(held_when gsingle "$w")"
check "graphite: the path is prefix.measurement.dimensions.measure, dots in values as _" \
	bash -c "curl -sS '$http/api/v1/label/__name__/values' | grep -q 'gsingle\\.metrics\\.us-east-1\\.us-east-1-cell-1\\.[^\"]*\\.r5_4xlarge\\.AL2\\.[^\"]*_amazonaws_com\\.cpu_user'"
ingest g-multi "graphite://127.0.0.1:$gp/?prefix=gmulti&max_body=4096" -p 1 -c 2 --multi --batch-writes
w=$(points_written g-multi.out)
check "graphite (multi): fewer records than points" test "$(records_written g-multi.out)" -lt "$w"
check_eq "graphite (multi, 4 KiB sends): VM holds the points written" "$w" "$(held_when gmulti "$w")"

# 2. opentsdb:// /api/put JSON and telnet into VictoriaMetrics
ingest o-single "opentsdb://127.0.0.1:$op?prefix=osingle" -p 2 -c 2 --batch-writes
w=$(points_written o-single.out)
check_eq "opentsdb http (single): VM holds the points written" "$w" "$(held_when osingle "$w")"
check "opentsdb: metric measurement.measure, dimensions as tags" \
	bash -c "curl -sS '$http/api/v1/export' --data-urlencode 'match[]={__name__=\"osingle.metrics.cpu_user\",instance_type=\"r5.4xlarge\"}' | grep values >/dev/null"
ingest o-multi "opentsdb://127.0.0.1:$op?prefix=omulti&gzip&max_body=8192" -c 2 --multi --batch-writes
w=$(points_written o-multi.out)
check_eq "opentsdb http (multi, gzip, 8 KiB bodies): VM holds the points written" "$w" "$(held_when omulti "$w")"
ingest o-telnet "opentsdb://127.0.0.1:$tp?mode=telnet&prefix=otelnet" -p 2 -c 2 --batch-writes
w=$(points_written o-telnet.out)
check_eq "opentsdb telnet: VM holds the points written" "$w" "$(held_when otelnet "$w")"

# 3. graphite:// into carbon-cache: the whisper files hold every point
csrv=$T_TMP/carbon
if cout=$(bash "$src/scripts/carbon-local.sh" start "$csrv" 2>"$T_TMP/carbon.err"); then
	T_MORE+=("carbon-local.sh $csrv")
	curl_url=${cout%% *}
	# points in the whisper files under $1 once they reach $2 (carbon
	# writes its cache out a little later), or after 60 s
	whisper_points() {
		local n
		for _ in $(seq 1 120); do
			n=$("$py" - "$1" <<'PY'
import os, sys, whisper
n = 0
for d, _, fs in os.walk(sys.argv[1]):
    for f in fs:
        if f.endswith(".wsp"):
            n += sum(v is not None for v in whisper.fetch(os.path.join(d, f), 0)[1])
print(n)
PY
)
			[ "$n" = "$2" ] && break
			sleep 0.5
		done
		echo "$n"
	}
	"$TSLOAD" ingest --host-scale 1 --id-end 5 --interval-millis 10000 --start-time now-5m \
		--end-time now -p 1 -c 2 --target "$curl_url?prefix=ctest" \
		--results "$T_TMP/results" >carbon.out 2>carbon.err
	check_eq "carbon-cache: exit 0" 0 $?
	w=$(points_written carbon.out)
	check "carbon-cache: wrote points" test "${w:-0}" -gt 0
	check_eq "carbon-cache: the whisper files hold the points written" "$w" "$(whisper_points "$csrv/storage/whisper/ctest" "$w")"
	check "carbon-cache: one file per series, dotted path as directories" \
		test -f "$(find "$csrv/storage/whisper/ctest/metrics/us-east-1" -name cpu_user.wsp | head -1)"
else
	bad "carbon-cache did not start: $(tail -1 "$T_TMP/carbon.err")"
fi

# 4. a receiver that closes idle connections: noticed before the next
# batch, connected again, nothing lost
"$py" "$sink" lines --port-file idle.port --stats-file idle.stats --idle-close 300 &
spid=$!
for _ in $(seq 100); do [ -s idle.port ] && break; sleep 0.05; done
"$TSLOAD" ingest --host-scale 1 --id-end 20 --interval-millis 1000 --duration 4 -c 1 \
	--target "graphite://127.0.0.1:$(cat idle.port)" --results "$T_TMP/results" >idle.out 2>idle.err
check_eq "idle connections closed by the receiver: exit 0" 0 $?
sleep 0.5
read -r lines conns <idle.stats
check "... connected again ($conns connections)" test "${conns:-0}" -ge 3
check_eq "... the receiver read every point written" "$(points_written idle.out)" "$lines"
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null

# 5. a receiver that closes its connections and stops listening for 2 s
# mid-run (between two batches): tsload sees the close, its connects are
# refused and retried with backoff, then the batches go through
"$py" "$sink" lines --port-file gap.port --stats-file gap.stats --gap-at 2000 --gap 2 &
spid=$!
for _ in $(seq 100); do [ -s gap.port ] && break; sleep 0.05; done
"$TSLOAD" ingest --host-scale 1 --id-end 20 --interval-millis 1000 --duration 6 -c 1 \
	--max-retries 40 --target "opentsdb://127.0.0.1:$(cat gap.port)?mode=telnet" \
	--results "$T_TMP/results" >gap.out 2>gap.err
check_eq "receiver gone for 2 s: exit 0" 0 $?
sleep 0.5
read -r lines conns <gap.stats
check "... retried while refused ($(throttled_retries gap.out) retries)" test "$(throttled_retries gap.out)" -gt 0
check_eq "... no failed writes" 0 "$(failed_writes gap.out)"
check "... connected again ($conns connections)" test "${conns:-0}" -ge 2
# the gap came between two batches: nothing was cut, nothing is lost
check_eq "... the receiver read every point written" "$(points_written gap.out)" "$lines"
kill "$spid" 2>/dev/null
wait "$spid" 2>/dev/null

# 6. OpenTSDB's 400 with per-point errors: counted as rejected. The same
# records twice (fixed times), to a fake that stores all and to one that
# refuses every cpu_user point: the second run's Rejected records are the
# first's (the text values) plus the fake's refusals.
t1=$(($(date +%s) - 120))
t2=$((t1 + 120))
otsdb_run() { # NAME SUFFIX: fake NAME refusing metrics ending in SUFFIX
	"$py" "$sink" otsdb --port-file "$1.port" --stats-file "$1.stats" --refuse "$2" &
	spid=$!
	for _ in $(seq 100); do [ -s "$1.port" ] && break; sleep 0.05; done
	"$TSLOAD" ingest --host-scale 1 --id-end 20 --interval-millis 10000 --start-time "$t1" \
		--end-time "$t2" -c 1 --batch-writes --target "opentsdb://127.0.0.1:$(cat "$1.port")" \
		--results "$T_TMP/results" >"$1.out" 2>"$1.err"
	check_eq "opentsdb fake ($1): exit 0" 0 $?
	kill "$spid" 2>/dev/null
	wait "$spid" 2>/dev/null
}
otsdb_run okfake .nothing
otsdb_run badfake .cpu_user
read -r stored0 refused0 _ <okfake.stats
read -r stored refused _ <badfake.stats
check_eq "... the first fake stored every point written" "$stored0 0" "$(points_written okfake.out) $refused0"
check "... the second refused points ($refused)" test "${refused:-0}" -gt 0
check_eq "... Data points written = what it stored" "$stored" "$(points_written badfake.out)"
check_eq "... stored + refused = the points of the first run" "$stored0" "$((stored + refused))"
check_eq "... Rejected records = the text values + the refusals" \
	"$(($(closing_number 'Rejected records' okfake.out) + refused))" "$(closing_number 'Rejected records' badfake.out)"
check "... the reason is kept, with the server's answer" grep -q 'data points refused by the server: {"success"' badfake.out badfake.err

# 7. a dead port: one line naming the host and the reason, exit 1
dead=$(srv_free_port)
for u in "graphite://127.0.0.1:$dead" "opentsdb://127.0.0.1:$dead" "opentsdb://127.0.0.1:$dead?mode=telnet"; do
	check_refused "$u refused" "$u" "127.0.0.1:$dead: connect: Connection refused"
done
"$TSLOAD" ingest --duration 1 --target "graphite://127.0.0.1:$dead/x" >path.out 2>path.err
check_eq "graphite URL with a path: exit 2" 2 $?
check "... saying to use ?prefix=" grep -q 'takes no path.*prefix=' path.err
"$TSLOAD" ingest --duration 1 --target "graphite://127.0.0.1:$dead?prefix=a..b" >pfx.out 2>pfx.err
check_eq "graphite: a prefix with an empty part: exit 2" 2 $?
"$TSLOAD" ingest --duration 1 --target "opentsdb://127.0.0.1:$dead?mode=udp" >mode.out 2>mode.err
check_eq "opentsdb: an unknown mode: exit 2" 2 $?
check "... naming the modes" grep -q 'http.*telnet' mode.err
finish
