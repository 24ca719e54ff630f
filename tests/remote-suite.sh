# shellcheck shell=bash
# remote-suite.sh - the checks of workers on other hosts (--listen,
# tsload worker --connect tcp://), sourced after lib.sh by
# tests/e2e/remote.sh (every "host" on 127.0.0.1) and
# tests/integration/remote.sh (hosts in network namespaces). The caller
# defines:
#   on HOST CMD...   execs CMD on host c (the coordinator), w1 or w2 (in
#                    a background subshell: $! is then CMD's pid)
#   addr HOST        that host's address as the others see it
#   cut HOST PID     makes the worker PID on HOST silent without closing
#                    its connection (loopback: SIGSTOP; netns: its link
#                    down), and uncut HOST PID undoes it
#   PORT             a free TCP port on the coordinator's host
#   HOW              what cut does, for the check names
TOKEN=s3cret-$RANDOM$RANDOM
URL="tcp://$(addr c):$PORT"
mkdir -p "$T_TMP/lat" "$T_TMP/res"

# coord NAME ARGS...: the coordinator in the background on c, its output
# in NAME.out; CPID
coord() {
	local name=$1
	shift
	on c env TSLOAD_TOKEN="$TOKEN" "$TSLOAD" "$@" --listen "$URL" \
		--results "$T_TMP/res/$name" -q >"$T_TMP/$name.out" 2>&1 &
	CPID=$!
}
# worker HOST NAME [VAR=VALUE...]: a worker in the background on HOST
# (with the run's token unless VAR=VALUE says otherwise, and the options
# in the array WARGS), its output in NAME.out; WPID
WARGS=()
worker() {
	local host=$1 name=$2
	shift 2
	on "$host" env TSLOAD_TOKEN="$TOKEN" "$@" "$TSLOAD" worker --connect "$URL" \
		"${WARGS[@]}" >"$T_TMP/$name.out" 2>&1 &
	WPID=$!
}
# ends PID SECS: the exit status of PID, waiting at most SECS (then it is
# killed: 124). Generous bounds: a slow machine passes, a hang fails.
ends() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -9 "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
}
# joined NAME N: waits (30 s at most) until N remote workers joined
joined() {
	local i
	for ((i = 0; i < 300; i++)); do
		grep -q "($2 of [0-9]* remote workers)" "$T_TMP/$1.out" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
records() { sed -n 's/.*Records written: \([0-9]*\).*/\1/p' "$1"; }
runjson() { ls "$T_TMP/res/$1"/*/run.json; }

# ---- 1. one local and two remote workers: the same records as -p 3 on
# one host, every host's raw latencies merged into run.json's figures
same=(--host-scale 1 -c 2 --autostop 3 --interval-millis 0 --seed 7
	--start-time 2026-01-01T00:00:00Z --batch-writes --batch-size 50)
export TSLOAD_TEST_LATENCIES="$T_TMP/lat" # worker/latlog.h
coord a ingest --target "file:$T_TMP/remote.lp" -p 1 --remote-workers 2 "${same[@]}"
worker w1 wa1
wa1=$WPID
worker w2 wa2
wa2=$WPID
unset TSLOAD_TEST_LATENCIES
ends "$CPID" 120
check_eq "1 local + 2 remote workers: the coordinator exits 0" 0 $?
ends "$wa1" 30
check_eq "remote worker on w1 exits 0" 0 $?
ends "$wa2" 30
check_eq "remote worker on w2 exits 0" 0 $?
"$TSLOAD" ingest --target "file:$T_TMP/local.lp" -p 3 "${same[@]}" --results "$T_TMP/res/local" -q \
	>"$T_TMP/local.out" 2>&1
n=$(records "$T_TMP/a.out")
check_eq "Records written equals -p 3 on one host" "$(records "$T_TMP/local.out")" "$n"
check_eq "Records written equals the lines in the file" "$(wc -l <"$T_TMP/remote.lp")" "$n"
check "the records are those of -p 3 on one host, byte for byte" \
	cmp -s <(sort "$T_TMP/remote.lp") <(sort "$T_TMP/local.lp")
check "run.json: 3 workers, shards disjoint and covering, records adding up, the remote ones with their addresses" \
	python3 - "$(runjson a)" "$n" "$(addr w1)" "$(addr w2)" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
w = j["workers"]
span = sorted((x["first_host"], x["end_host"]) for x in w)
ok = len(w) == 3 and span[0][0] == 0 and span[-1][1] == 1000
ok &= all(a[1] == b[0] for a, b in zip(span, span[1:]))
ok &= sum(x["records"] for x in w) == int(sys.argv[2]) == j["totals"]["records"]
addrs = sorted(x.get("address", "").rsplit(":", 1)[0] for x in w)
ok &= addrs == sorted(["", sys.argv[3], sys.argv[4]])
ok &= all(x["result_delivered"] for x in w)
sys.exit(0 if ok else 1)
PY
check "raw latencies of all 3 hosts' workers: count, min, max, mean and every histogram bucket equal the merged run.json" \
	python3 - "$(runjson a)" "$T_TMP"/lat/lat-*.txt <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
sub = 1 << j["hist_scheme"]["sub_bits"]
def index(v):
    if v < 2 * sub:
        return v
    m = v.bit_length() - 1
    shift = m - j["hist_scheme"]["sub_bits"]
    return shift * sub + (v >> shift)
raw = [int(l) for f in sys.argv[2:] for l in open(f)]
t = j["totals"]
h = t["latency_hist"]
b = {}
for v in raw:
    b[index(v)] = b.get(index(v), 0) + 1
bad = []
if len(sys.argv[2:]) != 3: bad.append("files %d" % len(sys.argv[2:]))
if len(raw) != t["attempts"] or len(raw) != h["count"]: bad.append("count %d %d" % (len(raw), t["attempts"]))
if min(raw) != h["min_ns"] or max(raw) != h["max_ns"]: bad.append("min/max")
if [[i, c] for i, c in sorted(b.items())] != h["buckets"]: bad.append("buckets")
if abs(sum(raw) / len(raw) / 1e9 - t["latency_s"]["avg"]) > 1e-9 * max(1, t["latency_s"]["avg"]): bad.append("mean")
if bad: print("differ:", bad, file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# ---- 2. without the token, and with a wrong one: refused, said on both
# sides; the secret is in no file
coord b ingest --target null: -p 0 -c 1 --host-scale 1 --remote-workers 1 --autostop 1 \
	--interval-millis 0 --join-timeout 120
worker w1 nb1 TSLOAD_TOKEN=
ends "$WPID" 30
check_eq "a worker without the token: exit 1" 1 $?
check "it says the coordinator asks for the token" grep -q "asks for the run's token: give --token or TSLOAD_TOKEN" "$T_TMP/nb1.out"
worker w2 nb2 TSLOAD_TOKEN=not-$TOKEN
ends "$WPID" 30
check_eq "a worker with a wrong token: exit 1" 1 $?
check "it says refused: wrong token" grep -q "refused by the coordinator at $URL: wrong token" "$T_TMP/nb2.out"
check_eq "a stranger's ERROR for slot 0 is refused (REFUSE, type 9)" 9 \
	"$(on w2 python3 "$T_SRC/tests/tools/stranger.py" "$(addr c)" "$PORT" 2>&1 & wait $!)"
worker w1 nb3
ends "$WPID" 60
check_eq "then a worker with the token joins and finishes: exit 0" 0 $?
ends "$CPID" 60
check_eq "the coordinator waited for it and exits 0" 0 $?
check "the coordinator names the worker without the token by its address" \
	grep -q "refused a worker at $(addr w1):[0-9]* (host [^)]*): no token" "$T_TMP/b.out"
check "... and the one with the wrong token" \
	grep -q "refused a worker at $(addr w2):[0-9]* (host [^)]*): wrong token" "$T_TMP/b.out"
check "... and the stranger, which did not fail the run" \
	grep -q "refused a worker at $(addr w2):[0-9]*: not a worker of this run" "$T_TMP/b.out"
check "the token is in no output and no run.json" \
	not grep -rqF "$TOKEN" "$T_TMP"/*.out "$T_TMP/res"

# ---- 3. a worker that goes silent mid-run: found within --worker-timeout,
# named with its address and shard, the run fails
coord c ingest --target null: -p 0 -c 1 --host-scale 1 --remote-workers 2 \
	--interval-millis 200 --duration 600 --worker-timeout 2
worker w1 wc1
wc1=$WPID
joined c 1
worker w2 wc2
wc2=$WPID
joined c 2
sleep 2
cut w2 "$wc2"
t0=$SECONDS
ends "$CPID" 90
check_eq "a worker cut off mid-run ($HOW): the run fails (exit 1)" 1 $?
echo "     (the coordinator ended $((SECONDS - t0)) s after the cut, --worker-timeout 2)"
check "it names the lost worker by its address, its shard and what it had reported" \
	grep -q "worker 2 at $(addr w2):[0-9]* (host [^)]*) lost: silent for [0-9]* s (host down or link cut): its shard was hosts 500..999; the [0-9]* records it had reported are counted" \
	"$T_TMP/c.out"
ends "$wc1" 30
check_eq "the other worker is stopped and delivers its result: exit 0" 0 $?
uncut w2 "$wc2"
ends "$wc2" 60
check_eq "the cut-off worker ends by itself once it finds the coordinator gone: exit 1" 1 $?

# ---- 4. --on-worker-loss continue: the run goes on and says what is lost
coord d ingest --target null: -p 1 -c 1 --host-scale 1 --remote-workers 2 \
	--interval-millis 200 --duration 5 --on-worker-loss continue
worker w1 wd1
wd1=$WPID
joined d 1
worker w2 wd2
wd2=$WPID
joined d 2
sleep 1
{
	kill -9 "$wd2"
	wait "$wd2"
} 2>/dev/null
ends "$CPID" 90
check_eq "--on-worker-loss continue: a killed worker, the run ends with exit 0" 0 $?
check "it says what was lost and that it goes on" \
	grep -q "worker 3 at $(addr w2):[0-9]* (host [^)]*) lost: its connection closed: its shard was hosts 667..999; the [0-9]* records it had reported are counted; going on without it" \
	"$T_TMP/d.out"
ends "$wd1" 30
check_eq "the other remote worker exits 0" 0 $?
check "run.json: the lost worker has no result, and its fate" python3 - "$(runjson d)" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["workers"]
sys.exit(0 if not w[2]["result_delivered"] and "lost" in w[2]["fate"]
         and w[0]["result_delivered"] and w[1]["result_delivered"] else 1)
PY

# ---- 5. --shard-index (JOB_COMPLETION_INDEX): remote slot I whatever the
# join order; a taken index and one out of range are refused
coord e ingest --target "file:$T_TMP/e.lp" -p 0 -c 1 --host-scale 1 --remote-workers 2 \
	--autostop 2 --interval-millis 0 --seed 7 --start-time 2026-01-01T00:00:00Z
worker w2 we2 JOB_COMPLETION_INDEX=1
we2=$WPID
joined e 1
WARGS=(--shard-index 0)
worker w1 we1 JOB_COMPLETION_INDEX=1
we1=$WPID
WARGS=()
ends "$CPID" 120
check_eq "two workers asking for slots 1 and 0, in that order: the coordinator exits 0" 0 $?
ends "$we1" 30
check_eq "the worker with --shard-index 0 exits 0" 0 $?
ends "$we2" 30
check_eq "the worker with JOB_COMPLETION_INDEX=1 exits 0" 0 $?
first=$(sed -n 's/.*worker \([0-9]*\) at \([0-9.]*:[0-9]*\) (host [^)]*) joined (1 of 2 remote workers).*/\1 \2/p' "$T_TMP/e.out")
check_eq "the first to join (index 1) is worker 2" 2 "${first%% *}"
check "run.json: the first to join has shard 1 (hosts 500..999), the second shard 0 (0..499)" \
	python3 - "$(runjson e)" "${first#* }" "$(addr w1)" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["workers"]
ok = len(w) == 2
ok &= (w[0]["first_host"], w[0]["end_host"]) == (0, 500)
ok &= (w[1]["first_host"], w[1]["end_host"]) == (500, 1000)
ok &= w[1]["address"] == sys.argv[2]
ok &= w[0]["address"].rsplit(":", 1)[0] == sys.argv[3] and w[0]["address"] != sys.argv[2]
ok &= all(x["result_delivered"] and x["records"] > 0 for x in w)
sys.exit(0 if ok else 1)
PY

coord f ingest --target null: -p 0 -c 1 --host-scale 1 --remote-workers 2 \
	--autostop 1 --interval-millis 0 --join-timeout 120
WARGS=(--shard-index 0)
worker w1 wf1
wf1=$WPID
joined f 1
worker w2 wf2
ends "$WPID" 30
check_eq "a second worker asking for a taken index: exit 1" 1 $?
check "it says the index is taken, by whom, and its own address" \
	grep -q "refused by the coordinator at $URL: --shard-index 0 (asked by the worker at $(addr w2):[0-9]*) is taken by worker 1 at $(addr w1):[0-9]*" "$T_TMP/wf2.out"
WARGS=()
worker w2 wf3 JOB_COMPLETION_INDEX=2
ends "$WPID" 30
check_eq "a worker asking for index 2 of --remote-workers 2: exit 1" 1 $?
check "it says the index is out of range, and its own address" \
	grep -q "refused by the coordinator at $URL: --shard-index 2 (asked by the worker at $(addr w2):[0-9]*) is out of range: the run has 2 remote workers, 0 to 1" "$T_TMP/wf3.out"
worker w2 wf4
wf4=$WPID
ends "$CPID" 60
check_eq "then a worker asking for no index takes the free slot, the run exits 0" 0 $?
ends "$wf1" 30
check_eq "the worker with index 0 exits 0" 0 $?
ends "$wf4" 30
check_eq "the worker without an index exits 0" 0 $?
check "the coordinator names the taken index and the refused worker's address" \
	grep -q "refused a worker at $(addr w2):[0-9]* (host [^)]*): --shard-index 0 (asked by the worker at $(addr w2):[0-9]*) is taken by worker 1" "$T_TMP/f.out"
check "... and the index out of range" \
	grep -q "refused a worker at $(addr w2):[0-9]* (host [^)]*): --shard-index 2 (asked by the worker at $(addr w2):[0-9]*) is out of range" "$T_TMP/f.out"
check "the token is in no output" not grep -rqF "$TOKEN" "$T_TMP"/*.out
