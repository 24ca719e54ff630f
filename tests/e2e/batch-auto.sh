#!/usr/bin/env bash
# --batch-size auto against tests/tools/slowsink, whose records/s peak at
# a known batch size (400 lines a request): every thread settles within
# one last step (a factor 2^0.25) of it. The run is a backfill, a fixed
# amount of data, and the automator counts batches, not seconds: a slow
# machine takes longer, not differently (the server's sleeps, 10 ms and
# more a request, dominate the client's own time).
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

# settled RUN.JSON: "size size ..." of every thread's last settle
settled() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
out = []
for w in d["workers"]:
    for t in w.get("batch_size_auto", []):
        s = [h["size"] for h in t["history"] if h["event"] == "settle"]
        out.append(str(s[-1]) if s else "none")
print(" ".join(out))
PY
}
within_step() { # within_step SIZE...: each within 2^0.25 of BEST
	local s
	for s in "$@"; do
		[ "$s" != none ] && [ $((s * 10000)) -ge $((BEST * 8409)) ] &&
			[ $((s * 10000)) -le $((BEST * 11893)) ] || return 1
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
check "one thread: settled within a step of $BEST (at $sizes)" within_step $sizes
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
check "2 x 2 threads: each settled within a step of $BEST (at $sizes)" within_step $sizes

finish
