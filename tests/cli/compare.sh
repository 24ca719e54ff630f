#!/usr/bin/env bash
# tsload compare on synthetic run directories written here with known
# differences: a clearly faster run, a clearly slower one, and a second
# run of the same distribution ("no significant change"); the changes
# printed equal the ones computed here; --fail-if's exit codes (4 when a
# condition holds, 0 when none does, 2 for a bad expression or directory).
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

# fixture DIR SEED RATE P50_MS P99_MS ERRS_PER_S [query]: 30 seconds of
# samples spread +-5% around the given means (Python's random, seeded);
# run.json's totals are the means of those samples.
fixture() {
	python3 - "$@" <<'PY'
import json, os, random, sys
d, seed, rate, p50, p99, eps = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:7])
query = len(sys.argv) > 7
random.seed(seed)
os.makedirs(d, exist_ok=True)
n = 30
rows, recs, errs = [], 0, 0
r_s, p50_s, p99_s = [], [], []
for i in range(1, n + 1):
    r = rate * random.uniform(0.95, 1.05)
    a = p50 * random.uniform(0.95, 1.05)
    b = p99 * random.uniform(0.95, 1.05)
    recs += int(r)
    errs += int(eps)
    r_s.append(r); p50_s.append(a); p99_s.append(b)
    rows.append((float(i), recs, r, errs, a, b))
rows.append((n + 0.04, recs, 0.0, errs, 0.0, 0.0))  # the drain: left out
mean = lambda x: sum(x) / len(x)
lat = {"avg": mean(p50_s) / 1e3, "p50": mean(p50_s) / 1e3, "p90": mean(p99_s) * 0.8 / 1e3,
       "p99": mean(p99_s) / 1e3, "p99_9": mean(p99_s) / 1e3, "max": max(p99_s) / 1e3}
tot = {"attempts": recs // 10 + errs, "ok": recs // 10, "failed": errs, "throttles": 0,
       "records": recs, "points": recs * 10, "records_per_s": mean(r_s),
       "points_per_s": mean(r_s) * 10, "latency_s": lat}
run = {"tool": "tsload", "command": "query" if query else "ingest",
       "run_id": os.path.basename(d), "seconds": n + 0.04, "exit_code": 0,
       "resources": {"cpu_s_ingest_workers": recs * 2e-6, "cpu_s_query_workers": 0,
                     "cpu_s_coordinator": 0.5}}
if query:
    tot["attempts"] = int(mean(r_s) * (n + 0.04))
    run["queries"] = {"totals": tot}
    head = "time_s,queries,queries_per_s,ok,rows,throttles,errors,p50_ms,p99_ms"
    line = lambda t, c, r, e, a, b: f"{t:.3f},{c},{r:.1f},{c},0,0,{e},{a:.3f},{b:.3f}"
    name = "query-timeseries.csv"
else:
    run["totals"] = tot
    head = "time_s,records,records_per_s,points,points_per_s,throttles,errors,p50_ms,p99_ms"
    line = lambda t, c, r, e, a, b: f"{t:.3f},{c},{r:.1f},{c*10},{r*10:.1f},0,{e},{a:.3f},{b:.3f}"
    name = "timeseries.csv"
with open(os.path.join(d, "run.json"), "w") as f:
    json.dump(run, f, indent=2)
with open(os.path.join(d, name), "w") as f:
    f.write(head + "\n" + "".join(line(*r) + "\n" for r in rows))
PY
}
# verdict OUT FIGURE [BLOCK]: the verdict of FIGURE in the block of run
# BLOCK against run 1 (2 by default)
verdict() {
	sed -n "/^\[${3:-2}\] against \[1\]: change/,/^\$/p" "$1" \
		| sed -n "s/^$2 .*\] \(.*\)\$/\1/p"
}
# change OUT FIGURE: the change column of FIGURE in the first block
change() { sed -n "/against \[1\]: change/,\$p" "$1" | awk -v f="$2" '$1 == f { print $2, $3; exit }'; }

fixture base 1 1000 2 10 0
fixture same 2 1000 2 10 0
fixture fast 3 1300 1.5 6 0
fixture slow 4 700 3 15 5
fixture qbase 5 50 20 80 0 query
fixture qfast 6 80 12 50 0 query

# 1. a clearly faster run
"$TSLOAD" compare base fast >fast.out 2>fast.err
check_eq "faster: exit 0" 0 $?
check_eq "faster: records/s" faster "$(verdict fast.out records_per_s)"
check_eq "faster: points/s" faster "$(verdict fast.out points_per_s)"
check_eq "faster: write p50 (lower latency)" faster "$(verdict fast.out write_p50)"
check_eq "faster: write p99" faster "$(verdict fast.out write_p99)"
check_eq "faster: errors unchanged" "no significant change" "$(verdict fast.out errors)"
want=$(python3 -c 'import json; a, b = (json.load(open(d + "/run.json"))["totals"]["records_per_s"] for d in ("base", "fast")); print(f"{b - a:+.1f}/s ({(b - a) / a * 100:+.1f}%)")')
check_eq "faster: the change of records/s as computed here" "$want" "$(change fast.out records_per_s)"
want=$(python3 -c 'import json; a, b = (json.load(open(d + "/run.json"))["totals"]["latency_s"]["p99"] * 1e3 for d in ("base", "fast")); print(f"{b - a:+.4g} ms")')
check_eq "faster: the change of write p99 as computed here" "$want" "$(change fast.out write_p99 | cut -d' ' -f1-2)"

# 2. a clearly slower run, with errors
"$TSLOAD" compare base slow >slow.out 2>slow.err
check_eq "slower: exit 0" 0 $?
check_eq "slower: records/s" slower "$(verdict slow.out records_per_s)"
check_eq "slower: write p90 (from the p99 column)" slower "$(verdict slow.out write_p90)"
check_eq "slower: write p99" slower "$(verdict slow.out write_p99)"
check_eq "slower: errors" "more errors" "$(verdict slow.out errors)"
check "slower: CPU per record has no verdict (one value per run)" grep -qE '^cpu_per_record +[-+][0-9.]+ us +\([-+][0-9.]+%\) +-$' slow.out
check "slower: CPU per record shown" grep -qE '^cpu_per_record +[0-9.]+ us +[0-9.]+ us$' slow.out

# 3. the same configuration twice: no significant change anywhere
"$TSLOAD" compare base same >same.out 2>same.err
check_eq "same: exit 0" 0 $?
for f in records_per_s points_per_s write_p50 write_p90 write_p99 errors; do
	check_eq "same: $f" "no significant change" "$(verdict same.out $f)"
done

# 4. deterministic: the same runs, the same output
"$TSLOAD" compare base same >same2.out 2>&1
check "same output twice (fixed resampling seed)" cmp -s same.out same2.out

# 5. three runs: each against the first; the gate takes the last
"$TSLOAD" compare base fast slow --fail-if 'rate < -10%' >three.out 2>three.err
check_eq "three runs: --fail-if on the last one holds: exit 4" 4 $?
check_eq "three runs: [2] faster" faster "$(verdict three.out records_per_s 2)"
check_eq "three runs: [3] slower" slower "$(verdict three.out records_per_s 3)"
check "three runs: the gate names the figure and both values" grep -qE '^fail-if rate<-10%: HOLDS \(points_per_s [0-9.]+/s -> [0-9.]+/s, -[0-9.]+%; slower\)$' three.out
check "three runs: one line on stderr about exit 4" grep -qx 'tsload: error: 1 --fail-if condition held: exit 4' three.err

# 6. --fail-if: relative and absolute, holding or not
gate() { "$TSLOAD" compare "$@" >gate.out 2>gate.err; echo $?; }
check_eq "fail-if write_p99 > +10% on a slower run: 4" 4 "$(gate base slow --fail-if 'write_p99 > +10%')"
check_eq "fail-if write_p99 > +10% on a faster run: 0" 0 "$(gate base fast --fail-if 'write_p99 > +10%')"
check_eq "fail-if write_p99 > +10% on the same run: 0" 0 "$(gate base same --fail-if 'write_p99 > +10%')"
check_eq "fail-if write_p99 > 2ms (absolute, +5 ms): 4" 4 "$(gate base slow --fail-if 'write_p99>2ms')"
check_eq "fail-if write_p99 > 6ms (absolute, +5 ms): 0" 0 "$(gate base slow --fail-if 'write_p99>6ms')"
check_eq "fail-if errors > 0: 4" 4 "$(gate base slow --fail-if 'errors>0')"
check_eq "several --fail-if, one holds: 4" 4 "$(gate base slow --fail-if 'rate>+50%' --fail-if 'errors>0')"
check_eq "several --fail-if: both listed (2 lines)" 2 "$(grep -c '^fail-if' gate.out)"

# 7. query runs: queries/s and latency
"$TSLOAD" compare qbase qfast >q.out 2>q.err
check_eq "query runs: exit 0" 0 $?
check_eq "query runs: queries/s" faster "$(verdict q.out queries_per_s)"
check_eq "query runs: query p99" faster "$(verdict q.out query_p99)"
check "query runs: no ingest figures" not grep -q '^records_per_s' q.out
check_eq "query runs: fail-if rate (queries/s) < -5%: 0" 0 "$(gate qbase qfast --fail-if 'rate<-5%')"
check_eq "query runs: fail-if rate > +5%: 4" 4 "$(gate qbase qfast --fail-if 'rate>+5%')"

# 8. bad usage: exit 2, one line naming the problem
bad_use() { # NAME PATTERN ARGS...
	local name=$1 pat=$2
	shift 2
	"$TSLOAD" compare "$@" >bad.out 2>bad.err
	check_eq "$name: exit 2" 2 $?
	check "$name: one line naming it" grep -qE -- "$pat" bad.err
	check_eq "$name: one line" 1 "$(wc -l <bad.err)"
}
bad_use "one directory" "compare needs two run directories" base
bad_use "not a run" "compare: nowhere/run.json: No such file" base nowhere
bad_use "bad --fail-if" '--fail-if "write_p99>5parsecs": unknown unit "parsecs"' base slow --fail-if 'write_p99>5parsecs'
bad_use "unknown figure" '--fail-if "p99>5%": unknown figure p99 \(accepted: rate,' base slow --fail-if 'p99>5%'
bad_use "figure not in both runs" '--fail-if "write_p99>5%": write_p99 is not in both runs \(query, query\)' qbase qfast --fail-if 'write_p99>5%'
bad_use "N*target in a comparison" '--fail-if "rate>0.5\*target": the change of points_per_s is N% \(relative\)' base slow --fail-if 'rate>0.5*target'
echo '{"command": "model"}' >notrun.json && mkdir -p notrun && mv notrun.json notrun/run.json
bad_use "run.json of another command" 'not the run.json of an ingest, query or run' base notrun

# 9. --help
"$TSLOAD" compare --help >help.out 2>&1
check_eq "compare --help: exit 0" 0 $?
check "compare --help: --fail-if and exit 4" grep -q 'Exit 0, 4 when a' help.out
check "tsload --help lists compare" sh -c "'$TSLOAD' --help | grep -q '^  compare '"
finish
