#!/usr/bin/env bash
# --batch-size auto against tests/tools/slowsink, whose records/s peak at
# a known batch size (400 lines a request). The run is a backfill, a
# fixed amount of data, and the automator counts batches, not seconds.
# What it measures is a rate, though, and on a busy machine (2 cores,
# load 10+) a thread that waits for a CPU makes a trial look slower by
# more than the 10% between 400 and its neighbours a step (2^0.25) away:
# it then settles a step or two off (354, 500 were seen). So the checks
# are: every thread settled at the size its own measurements made best
# (no rate of its last search more than 3% above the settled size's,
# BSA_BETTER), and within a factor 2 of 400 (from 1000, it went to the
# peak's side and on).
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1
: "${SLOWSINK:=$(dirname "$TSLOAD")/../tests/slowsink}"
BEST=400

"$SLOWSINK" port 10 $BEST requests.log 2>sink.err &
sink=$!
trap 'kill $sink 2>/dev/null; t_exit' EXIT
for _ in $(seq 100); do [ -s port ] && break; sleep 0.1; done
check "slowsink listens" test -s port
url="vm://127.0.0.1:$(cat port)"

# settled RUN.JSON: "size size ..." of every thread's last settle, or
# "bad:SIZE" when a rate of the search that ended there was more than 3%
# above the best rate measured at SIZE (the search did not keep its best)
settled() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
out = []
for w in d["workers"]:
    for t in w.get("batch_size_auto", []):
        h = t["history"]
        ends = [i for i, e in enumerate(h) if e["event"] == "settle"]
        if not ends:
            out.append("none")
            continue
        end = ends[-1]
        # the search that ended there began after the last research
        # before it (whose rate is that of its first size), or at the start
        begin = max([i for i in range(end) if h[i]["event"] == "research"] + [0])
        seen = [e for e in h[begin:end] if e["event"] in ("trial", "research")]
        size = h[end]["size"]
        at = [e["records_per_s"] for e in seen if e["size"] == size]
        top = max(e["records_per_s"] for e in seen)
        good = at and top <= max(at) * 1.03 * (1 + 1e-9)
        out.append(str(size) if good else "bad:%d" % size)
print(" ".join(out))
PY
}
within_factor2() { # within_factor2 SIZE...: each within a factor 2 of BEST
	local s
	for s in "$@"; do
		case $s in none | bad:*) return 1 ;; esac
		[ "$s" -ge $((BEST / 2)) ] && [ "$s" -le $((BEST * 2)) ] || return 1
	done
}

# One thread: 5 cycles of 26000 records, unpaced.
"$TSLOAD" ingest --host-scale 1 --target "$url" --batch-size auto \
	--interval-millis 1000 --start-time 2026-01-01T00:00:00Z --end-time 2026-01-01T00:00:05Z \
	--results "$T_TMP/results" >one.out 2>one.err
check_eq "one thread: exit 0" 0 $?
check_eq "one thread: every record written" 130000 "$(records_written one.out)"
check_eq "one thread: the server saw them all" 130000 "$(awk "{ n += \$1 } END { print n }" requests.log)"
run=$(ls -d "$T_TMP"/results/*-ingest-* | head -1)
sizes=$(settled "$run/run.json")
check "one thread: settled at its best measured size, within a factor 2 of $BEST (at $sizes)" within_factor2 $sizes
check "one thread: run.json has the trials" json_has "$run/run.json" event '"trial"'
check "one thread: run.json says auto" json_has "$run/run.json" batch-size '"auto"'
check "one thread: the live line shows the size" grep -qE '  batch [0-9]+$' one.out
check_eq "one thread: stderr is empty" "" "$(cat one.err)"

# Two workers of two threads: each thread searches on its own.
rm -rf results
"$TSLOAD" ingest -q -p 2 -c 2 --host-scale 1 --target "$url" --batch-size auto \
	--interval-millis 1000 --start-time 2026-01-01T00:00:00Z --end-time 2026-01-01T00:00:16Z \
	--results "$T_TMP/results" >four.out 2>four.err
check_eq "2 x 2 threads: exit 0" 0 $?
run=$(ls -d "$T_TMP"/results/*-ingest-* | head -1)
sizes=$(settled "$run/run.json")
check_eq "2 x 2 threads: four histories" 4 "$(wc -w <<<"$sizes")"
check "2 x 2 threads: each settled at its best measured size, within a factor 2 of $BEST (at $sizes)" within_factor2 $sizes
check_eq "2 x 2 threads: stderr is empty" "" "$(cat four.err)"

finish
