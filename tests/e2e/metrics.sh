#!/usr/bin/env bash
# End-to-end --metrics-port without servers: /metrics read with curl
# during and after an open-loop fan-out run (a file and null:). The text
# is Prometheus exposition (promtool's lint, when installed, agrees);
# every family has HELP and TYPE; histogram buckets are cumulative with
# +Inf = _count; per-target sums are run.json's; a wrong port is exit 2,
# a port in use exit 1, each with one line.
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/scripts/server-lib.sh"
cd "$T_TMP" || exit 1
port=$(srv_free_port)
url=http://127.0.0.1:$port/metrics

"$TSLOAD" ingest --host-scale 1 --rate 20000 --duration 4 \
	--target "file:$T_TMP/a.lp" --target null: --metrics-port "$port" \
	--metrics-linger 30 --results res >run.out 2>run.err &
pid=$!
for i in $(seq 1 100); do
	curl -sf --noproxy '*' -o during.txt "$url" && grep -q '^tsload_requests_total{' during.txt && break
	sleep 0.1
done
check "scraped during the run" grep -q '^tsload_finished 0$' during.txt
# the final figures: tsload_finished 1, while it lingers
for i in $(seq 1 150); do
	curl -sf --noproxy '*' -D head.txt -o after.txt "$url" && grep -q '^tsload_finished 1$' after.txt && break
	sleep 0.1
done
check "the final figures are served after the run" grep -q '^tsload_finished 1$' after.txt
check "Content-Type is the exposition format 0.0.4" \
	grep -qi '^Content-Type: text/plain; version=0.0.4' head.txt
check_eq "another path: 404" 404 \
	"$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/other")"
kill -INT $pid # ends the linger
wait $pid
check_eq "a signal ends the linger: exit 0" 0 $?
j=$(ls res/*/run.json 2>/dev/null | head -1)

if command -v promtool >/dev/null; then
	check "promtool check metrics: no problem" promtool check metrics <after.txt
fi
check "every family has HELP and TYPE" python3 - after.txt <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
typed = {l.split()[2]: l.split()[3] for l in lines if l.startswith("# TYPE ")}
helped = {l.split()[2] for l in lines if l.startswith("# HELP ")}
for l in lines:
    if l.startswith("#"):
        continue
    name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", l).group(0)
    base = re.sub(r"_(bucket|sum|count)$", "", name) if name not in typed else name
    if base not in typed or base not in helped:
        sys.exit("no HELP/TYPE for " + name)
PY
check "histograms: cumulative buckets, +Inf = _count, per series" python3 - after.txt <<'PY'
import re, sys, collections
b = collections.defaultdict(list); cnt = {}
for l in open(sys.argv[1]):
    m = re.match(r'(\w+)_bucket\{(.*),le="([^"]+)"\} (\d+)$', l)
    if m:
        b[(m[1], m[2])].append((float(m[3]), int(m[4])))
    m = re.match(r'(\w+)_count\{(.*)\} (\d+)$', l)
    if m:
        cnt[(m[1], m[2])] = int(m[3])
assert b, "no histogram"
for k, v in b.items():
    les = [x for x, _ in v]; cs = [c for _, c in v]
    assert les == sorted(les) and les[-1] == float("inf"), k
    assert cs == sorted(cs), ("not cumulative", k)
    assert cs[-1] == cnt[k], ("+Inf != count", k)
PY
check "open loop: lag and intended-start histograms" \
	grep -q '^tsload_schedule_lag_seconds_bucket{role="ingest",target="null:",worker="1",le="+Inf"} [1-9]' after.txt
check "open loop: the target rate gauge" \
	grep -q '^tsload_target_rate_per_second{role="ingest",unit="points"} 20000$' after.txt
# metric VALUE of the line with exactly these labels
val() { grep -F "$1{$2} " after.txt | awk '{ print $NF }'; }
for k in 1 2; do
	t=$(python3 -c "import json,sys; print(json.load(open('$j'))['targets'][$k-1]['url'])")
	lab="role=\"ingest\",target=\"$t\",worker=\"1\""
	check_eq "target $k: records = run.json's" \
		"$(python3 -c "import json; print(json.load(open('$j'))['targets'][$k-1]['records'])")" \
		"$(val tsload_records_written_total "$lab")"
	check_eq "target $k: requests = run.json's" \
		"$(python3 -c "import json; print(json.load(open('$j'))['targets'][$k-1]['attempts'])")" \
		"$(val tsload_requests_total "$lab")"
done

# bad options and a busy port
out=$("$TSLOAD" ingest --metrics-port 70000 --duration 1 2>&1)
check_eq "--metrics-port 70000: exit 2" 2 $?
check_eq "--metrics-port 70000: one line" 1 "$(wc -l <<<"$out")"
check "--metrics-port 70000: names the option" grep -q -- '--metrics-port' <<<"$out"
python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("127.0.0.1",int(sys.argv[1]))); s.listen(); time.sleep(20)' "$port" &
busy=$!
# bound once ss lists it (a fixed sleep loses the race on a busy machine)
for _ in $(seq 1 200); do
	[ -n "$(ss -Htln "sport = :$port" 2>/dev/null)" ] && break
	sleep 0.05
done
"$TSLOAD" ingest --host-scale 1 --duration 1 --target null: --metrics-port "$port" \
	--results res2 >busy.out 2>busy.err
check_eq "a port in use: exit 1" 1 $?
check "a port in use: one line naming the address" \
	grep -qx "tsload: error: --metrics-port $port: cannot serve http://127.0.0.1:$port/metrics: .*" busy.err
check_eq "a port in use: nothing else on stderr" 1 "$(wc -l <busy.err)"
kill $busy
wait $busy 2>/dev/null
finish
