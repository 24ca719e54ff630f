#!/usr/bin/env bash
# tsload report: merged figures checked against values this test computes
# itself from the raw data of fixture runs (two run.json files whose
# histograms merge to a known result; per-thread query CSVs and logs with
# known latencies), the seed's -d/-p/-o and --seed-compat, run.json's
# histograms, seed and rate on real runs, per-second query latencies that
# are not 0, and the page in headless Chromium (a screenshot that is not
# blank, the titles in the DOM).
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

# ---- 1. two fixture runs with known latencies (written as tsload writes
# run.json: docs/run-json.md), their expected merge computed here
python3 - <<'PY'
import json, math, os, random
SUB = 128
def index(v):
    if v < 2 * SUB:
        return v
    m = v.bit_length() - 1
    shift = m - 7
    return shift * SUB + (v >> shift)
def brange(i):
    if i < 2 * SUB:
        return i, i
    sh = i // SUB - 1
    lo = (i % SUB + SUB) << sh
    return lo, lo + (1 << sh) - 1
def hist(vals):
    b = {}
    for v in vals:
        b[index(v)] = b.get(index(v), 0) + 1
    return {"count": len(vals), "clamped": 0, "min_ns": min(vals), "max_ns": max(vals),
            "buckets": [[i, c] for i, c in sorted(b.items())]}
def pct(vals, p):
    s = sorted(vals)
    n = len(s)
    r = min(max(math.ceil(p / 100 * n - 1e-9), 1), n)
    if r == 1: return s[0]
    if r == n: return s[-1]
    lo, hi = brange(index(s[r - 1]))
    return min(max(lo + (hi - lo) // 2, s[0]), s[-1])
rng = random.Random(7)
a = [int(rng.uniform(1e6, 3e6)) for _ in range(3000)]        # 1-3 ms
b = [int(rng.uniform(20e6, 40e6)) for _ in range(1000)]      # 20-40 ms
for name, vals, fail in (("runA", a, 3), ("runB", b, 5)):
    os.makedirs(name)
    totals = {"attempts": len(vals) + fail, "ok": len(vals), "failed": fail, "throttles": 1,
              "records": len(vals) * 10, "points": len(vals) * 100,
              "latency_s": {}, "latency_hist": hist(vals)}
    if name == "runB":
        totals["spool"] = {"spooled": 7, "replayed": 6}
    j = {"tool": "tsload", "version": "fixture", "command": "ingest", "run_id": name,
         "host": "host-" + name, "start": "2026-01-01T00:00:00Z", "seconds": 10.0,
         "exit_code": 0, "command_line": "tsload ingest --fixture " + name, "value_seed": 42,
         "hist_scheme": {"unit": "ns", "sub_bits": 7, "groups": 38, "buckets": 4992},
         "options": {"target": "null:", "rate": 0}, "totals": totals, "workers": []}
    json.dump(j, open(name + "/run.json", "w"))
    with open(name + "/timeseries.csv", "w") as f:
        f.write("time_s,records,records_per_s,points,points_per_s,throttles,errors,p50_ms,p99_ms\n")
        for t in range(1, 11):
            f.write("%d.000,%d,%.1f,%d,%.1f,0,0,%.3f,%.3f\n" % (t, t * 100, 100.0, t * 1000, 1000.0,
                    pct(vals, 50) / 1e6, pct(vals, 99) / 1e6))
u = a + b
exp = {"attempts": len(u) + 8, "ok": len(u), "failed": 8,
       "p50_ms": pct(u, 50) / 1e6, "p99_ms": pct(u, 99) / 1e6, "p99_9_ms": pct(u, 99.9) / 1e6,
       "max_ms": max(u) / 1e6,
       "avg_of_p99_ms": (pct(a, 99) + pct(b, 99)) / 2e6}
json.dump(exp, open("expected.json", "w"))
PY
"$TSLOAD" report runA runB >rep.out 2>rep.err
check_eq "report of two runs: exit 0" 0 $?
check "it says where the page is" grep -q "^report: runA/report/index.html (2 runs" rep.out
check "no error on stderr" test ! -s rep.err
# merged compares the merged figures with the ones computed above
merged() {
	python3 - "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
e = json.load(open("expected.json"))
g = [x for x in s["merged"] if x["name"] == sys.argv[2]][0]
bad = [k for k in ("attempts", "ok", "failed") if g[k] != e[k]]
bad += [k for k in ("p50_ms", "p99_ms", "p99_9_ms", "max_ms") if abs(g[k] - e[k]) > 1e-6]
if bad:
    print("differ:", {k: (g[k], e[k]) for k in bad}, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "summary.json: totals and p50/p99/p99.9/max equal the merge of the raw latencies" \
	merged runA/report/summary.json ingest
p99=$(python3 -c 'import json; print("%.3f" % json.load(open("expected.json"))["p99_ms"])')
avg=$(python3 -c 'import json; print("%.3f" % json.load(open("expected.json"))["avg_of_p99_ms"])')
check "the merged p99 ($p99 ms) is not the average of the two runs' p99 ($avg ms)" test "$p99" != "$avg"
check "index.html shows the merged p99 $p99" grep -q "<td>$p99</td>" runA/report/index.html
check "index.html names both machines and command lines" \
	bash -c 'grep -q host-runA runA/report/index.html && grep -q host-runB runA/report/index.html &&
		grep -q "tsload ingest --fixture runB" runA/report/index.html'
for p in rate latency spectrum errors; do
	check "plot $p.png is a PNG" bash -c "head -c 8 runA/report/$p.png | od -An -c | grep -q 'P   N   G'"
done
check "spool use in summary.json (run B spooled 7)" json_has runA/report/summary.json spooled 7
check "spool use in summary.json (run B replayed 6)" json_has runA/report/summary.json replayed 6
check "spool columns on the page" grep -q "<th>spooled</th>" runA/report/index.html
check "the spectrum's data goes to 99.999 %" grep -q '^99.99900,' runA/report/spectrum.dat
check "page needs no network (no http:// or https:// reference)" not grep -qE 'https?://' runA/report/index.html
# two runs: the comparison too, with tsload compare's verdicts (B's
# latencies are 10 times A's, its rate the same)
check "the comparison is printed" grep -q '^\[2\] against \[1\]: change' rep.out
"$TSLOAD" compare runA runB >cmp.out 2>&1
check_eq "the same verdicts as tsload compare" \
	"$(grep -E '^(records_per_s|write_p50|write_p99|errors) ' cmp.out)" \
	"$(grep -E '^(records_per_s|write_p50|write_p99|errors) ' rep.out)"
verdict() {
	python3 - "$1" "$2" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
f = [x for x in s["comparison"]["figures"] if x["figure"] == sys.argv[2]][0]
print(f["changes"][0]["verdict"])
PY
}
check_eq "summary.json: write_p50 of B against A: slower" slower "$(verdict runA/report/summary.json write_p50)"
check_eq "summary.json: records/s: no significant change" "no significant change" \
	"$(verdict runA/report/summary.json records_per_s)"
check "the page has the comparison, with the verdict" \
	bash -c 'grep -q "<h2>Comparison</h2>" runA/report/index.html && grep -q "<td>write_p50</td>.*slower</td>" runA/report/index.html'
"$TSLOAD" report runA runB --fail-if 'errors > 1' >gate.out 2>gate.err
check_eq "report --fail-if that holds (errors 3 -> 5): exit 4, as compare" 4 $?
check "and the page is written all the same" grep -q "^report: runA/report/index.html" gate.out
"$TSLOAD" report runA --fail-if 'write_p99 > +10%' >g1.out 2>&1
check_eq "report --fail-if with one run: exit 2" 2 $?
check "one line saying why" bash -c "[ \$(wc -l <g1.out) -eq 1 ] && grep -q 'two runs or more' g1.out"
# a results directory: every run in it
mkdir root && cp -r runA runB root/ && rm -rf root/runA/report
"$TSLOAD" report root >root.out 2>&1
check "a results directory reports every run in it" merged root/report/summary.json ingest

# without gnuplot: the tables, and the page says what to install
mkdir nognu && cp -r runA runB nognu/ && rm -rf nognu/runA/report
PATH=/nonexistent "$TSLOAD" report nognu/runA nognu/runB >ng.out 2>&1
check_eq "no gnuplot on PATH: exit 0" 0 $?
check "the page says to install gnuplot-nox" grep -q "gnuplot-nox" nognu/runA/report/index.html
check "and still has the merged figures" merged nognu/runA/report/summary.json ingest

# bad input: exit 2 with one line naming the file
mkdir broken && echo '{"tool": "tsload"' >broken/run.json
"$TSLOAD" report broken >b.out 2>&1
check_eq "run.json that is not JSON: exit 2" 2 $?
check "one line naming the file" bash -c "[ \$(wc -l <b.out) -eq 1 ] && grep -q 'broken/run.json' b.out"
mkdir old && echo '{"tool": "tsload", "totals": {}}' >old/run.json
"$TSLOAD" report old >o.out 2>&1
check_eq "run.json without a histogram scheme: exit 2" 2 $?
check "it says to run again" grep -q "hist_scheme" o.out
"$TSLOAD" report >n.out 2>&1
check_eq "no directory: exit 2" 2 $?

# ---- 2. per-thread CSVs and logs (the seed's summarize_results.py job)
python3 - <<'PY'
import json, math, os
def numpy_pct(s, p):
    s = sorted(s); k = (len(s) - 1) * p / 100; f = math.floor(k); c = min(f + 1, len(s) - 1)
    return s[f] + (s[c] - s[f]) * (k - f)
lat = {"t1": [0.010, 0.011, 0.012, 0.013], "t2": [0.100, 0.200, 0.300, 0.400, 0.500, 0.600]}
rows = []
for t, ls in lat.items():
    d = "threads/exp-%s" % t
    os.makedirs(d)
    with open(d + "/do-q1.log", "w") as f:
        for n, x in enumerate(ls):
            f.write("Read 1 pages of result. Empty pages: 0. Bytes metered (MB): 0.0\n")
            f.write("2026-01-01 00:00:00. QueryId: None Time: %s. First result: %s. Time to read results: 0.0.\n" % (x, x))
            f.write("[1-1] %d. 2026-01-01 00:00:00. QueryId: None. Time: %s. Rows: 1\n" % (n + 1, x))
        f.write("2026-01-01 00:00:00. QueryId: None Time: 9.9. First result: 9.9. Time to read results: 0.\n")
        f.write("[1-1] 9. 2026-01-01 00:00:00. QueryId: None. Time: 9.9. Rows: None\n")
    med = numpy_pct(ls, 50)
    row = [len(ls) + 1, len(ls), sum(ls) / len(ls), 0.0, med, numpy_pct(ls, 90), numpy_pct(ls, 99), 0.0]
    rows.append(row)
    with open(d + "/exp-%s-summary.csv" % t, "w") as f:
        f.write("Query type, Total Count, Successful Count, Avg. latency (in secs), Std dev latency (in secs), Median, 90th perc (in secs), 99th Perc (in secs), Geo Mean (in secs)\n")
        f.write("do-q1, " + ", ".join(str(round(v, 3)) for v in row))
u = lat["t1"] + lat["t2"]
exp = {"total": len(u) + 2, "ok": len(u), "p50_s": numpy_pct(u, 50), "p90_s": numpy_pct(u, 90),
       "p99_s": numpy_pct(u, 99), "avg_s": sum(u) / len(u),
       "mean_row": "do-q1," + ",".join(repr(round(sum(round(r[k], 3) for r in rows) / 2, 3)) for k in range(8))}
json.dump(exp, open("expected-threads.json", "w"))
PY
"$TSLOAD" report -d threads -p '*-summary.csv' -o merged.csv --seed-compat >t.out 2>t.err
check_eq "report -d -p -o --seed-compat: exit 0" 0 $?
check "the seed's line" grep -qx "Processed 2 files. Summary written to: threads/merged.csv" t.out
threads() {
	python3 - <<'PY'
import json, sys
s = json.load(open("threads/report/summary.json"))["threads"]["per_query"][0]
e = json.load(open("expected-threads.json"))
bad = {k: (s[k], e[k]) for k in ("total", "ok", "p50_s", "p90_s", "p99_s", "avg_s") if abs(s[k] - e[k]) > 1e-9}
if bad: print("differ:", bad, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
}
check "merged from every execution: count, median, p90, p99, mean equal the test's" threads
want=$(python3 -c 'import json; e = json.load(open("expected-threads.json")); print("do-q1, %d, %d, %s, " % (e["total"], e["ok"], round(e["avg_s"], 3)))')
check "-o: the exact merge in the seed's columns ($want...)" grep -q "^$want" threads/merged.csv
mean=$(python3 -c 'import json; print(json.load(open("expected-threads.json"))["mean_row"])')
check "--seed-compat: the seed's column means ($mean)" \
	bash -c "tr -d '\r' <threads/merged-seed-mean.csv | grep -qx '$mean'"
"$TSLOAD" report -d threads -p '*.csv' -o merged.csv --seed-compat >t2.out 2>&1
check "a second run with -p '*.csv' does not read its own outputs (still 2 files)" grep -q "Processed 2 files" t2.out

# ---- 3. real runs: run.json's histograms, seed and rate; per-second
# query latencies
db=$T_TMP/q.db
"$TSLOAD" ingest -q -p 1 -c 1 --host-scale 1 --interval-millis 1000 --duration 3 \
	--batch-writes --target "sqlite:$db" --results "$T_TMP/data" >data.out 2>&1
check_eq "ingest for the queries: exit 0" 0 $?
"$TSLOAD" ingest -q -p 1 -c 1 --host-scale 1 --interval-millis 1000 --duration 3 --rate 400 \
	--seed 99 --batch-writes --target "sqlite:$T_TMP/rated.db" --results "$T_TMP/results" >i.out 2>&1
check_eq "ingest with --rate --seed: exit 0" 0 $?
ing=$(ls -d "$T_TMP"/results/*-ingest-* | head -1)
runjson() {
	python3 - "$1" "$2" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
def hsum(h): return sum(c for _, c in h["buckets"])
got = [j["hist_scheme"] == {"unit": "ns", "sub_bits": 7, "groups": 38, "buckets": 4992}]
if sys.argv[2] == "ingest":
    t = j["totals"]
    got += [hsum(t["latency_hist"]) == t["latency_hist"]["count"] == t["attempts"] > 0,
            hsum(t["latency_from_intended_hist"]) == t["latency_from_intended_hist"]["count"]
            == t["latency_from_intended_s"]["count"] > 0,
            hsum(t["schedule_lag_hist"]) == t["schedule_lag_hist"]["count"]
            == t["schedule_lag_s"]["count"] > 0,
            j["value_seed"] == 99, abs(j["rate"]["target_per_s"] - 400) < 0.5,
            all(hsum(w["latency_hist"]) == w["attempts"] for w in j["workers"])]
else:
    q = j["queries"]
    got += [hsum(q["totals"]["latency_hist"]) == q["totals"]["attempts"] > 0,
            all(hsum(p["latency_hist"]) == p["ok"] for p in q["per_query"]),
            j["value_seed"] > 0, j["command_line"].startswith("tsload query ")]
if not all(got):
    print("run.json checks:", got, json.dumps(j.get("totals", j.get("queries")))[:600], file=sys.stderr)
sys.exit(0 if all(got) else 1)
PY
}
check "ingest run.json: latency_hist adds up to the attempts, intended-start and lag histograms stored, value_seed 99, target rate 400" runjson "$ing/run.json" ingest
# 12 queries, 250 ms apart: at least 2.75 s of queries, so the workers'
# once-a-second reports put them in two rows or more however late the
# run starts (with 6, a busy machine's slow start put all of them in the
# last row, and the per-second check below had one row to look at).
cat >q.ini <<'EOF'
[default]
repetitions = 12
[query_distribution]
do-q1 = 50
do-q2 = 50
EOF
"$TSLOAD" query --config q.ini -p 1 -c 1 --think-time-milliseconds 250 --queries-dir "$T_SRC/configs/queries" \
	--target "sqlite:$db" -l "$T_TMP/qlogs" --results "$T_TMP/results" >q.out 2>&1
check_eq "query run: exit 0" 0 $?
qry=$(ls -d "$T_TMP"/results/*-query-* | head -1)
check "query run.json: latency_hist per role and per query, value_seed, command_line" runjson "$qry/run.json" query
# every second that had queries has a latency above 0 (it read 0.000),
# in two rows at least: the last interval's histogram of a live tick, not
# only the final one
check "query-timeseries.csv: p50 and p99 above 0 in every second with queries" \
	awk -F, 'NR == 1 { next } $2 > last { n++; if ($8 + 0 <= 0 || $9 + 0 <= 0) bad++ } { last = $2 }
		END { exit (bad || n < 2) }' "$qry/query-timeseries.csv"
"$TSLOAD" report "$ing" "$qry" >r.out 2>&1
check_eq "report of a real ingest and query: exit 0" 0 $?
page=$ing/report/index.html
check "per-query plot" test -s "$ing/report/queries.png"
check "schedule lag plot (--rate)" test -s "$ing/report/lag.png"
check "an ingest and a query run are not compared" not grep -q 'against \[1\]' r.out
check "intended-start and lag spectrum plot (--rate)" test -s "$ing/report/openloop.png"
# the merged lag p99 in summary.json = the one computed here from run.json's buckets
check "summary.json: lag and intended-start p99 from run.json's histograms" python3 - "$ing" <<'PY'
import json, math, sys
d = sys.argv[1]
t = json.load(open(d + "/run.json"))["totals"]
g = [x for x in json.load(open(d + "/report/summary.json"))["merged"] if x["name"] == "ingest"][0]
def brange(i):
    if i < 256: return i, i
    sh = i // 128 - 1; lo = (i % 128 + 128) << sh
    return lo, lo + (1 << sh) - 1
def pct(h, p):
    n = h["count"]; r = min(max(math.ceil(p / 100 * n - 1e-9), 1), n)
    if r == 1: return h["min_ns"]
    if r == n: return h["max_ns"]
    run = 0
    for i, c in h["buckets"]:
        run += c
        if run >= r:
            lo, hi = brange(i)
            return min(max(lo + (hi - lo) // 2, h["min_ns"]), h["max_ns"])
ok = abs(g["lag_p99_ms"] - pct(t["schedule_lag_hist"], 99) / 1e6) < 1e-6 and \
     abs(g["intended_p99_ms"] - pct(t["latency_from_intended_hist"], 99) / 1e6) < 1e-6 and \
     g["lag_count"] == t["schedule_lag_hist"]["count"]
sys.exit(0 if ok else 1)
PY

# behind schedule: a cycle of 26,000 records every millisecond cannot be
# kept up with; the count goes into timeseries.csv and its plot
"$TSLOAD" ingest -q --host-scale 1 --interval-millis 1 --duration 2 --target null: \
	--results "$T_TMP/bh" >bh.out 2>bh.err
bh=$(ls -d "$T_TMP"/bh/*-ingest-* | head -1)
check_eq "behind schedule: the last row of timeseries.csv has run.json's count" \
	"$(python3 -c "import json; print(json.load(open('$bh/run.json'))['totals']['behind_schedule'])")" \
	"$(tail -1 "$bh/timeseries.csv" | cut -d, -f10)"
"$TSLOAD" report "$bh" >bhr.out 2>&1
check "behind schedule: plotted" test -s "$bh/report/behind.png"

# fan-out: a time series per target, plotted per target
"$TSLOAD" ingest -q --host-scale 1 --rate 500 --duration 3 --target "file:$T_TMP/fo.lp" \
	--target null: --results "$T_TMP/fo" >fo.out 2>&1
check_eq "fan-out run: exit 0" 0 $?
fo=$(ls -d "$T_TMP"/fo/*-ingest-* | head -1)
for k in 1 2; do
	check_eq "timeseries-target-$k.csv: its last row's records = run.json targets[$((k - 1))]" \
		"$(python3 -c "import json; print(json.load(open('$fo/run.json'))['targets'][$k-1]['records'])")" \
		"$(tail -1 "$fo/timeseries-target-$k.csv" | cut -d, -f2)"
done
"$TSLOAD" report "$fo" >fr.out 2>&1
check_eq "report of a fan-out run: exit 0" 0 $?
check "rate per target plot" test -s "$fo/report/target_rate.png"
check "latency per target plot" test -s "$fo/report/target_latency.png"
check "the rate plot has a line per target" \
	bash -c "grep -c 'timeseries-target-[12].csv' '$fo/report/target_rate.gp' | grep -qx 2"


# ---- 4. the page in headless Chromium
chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T_TMP/chrome" "$@" 2>/dev/null
}
chrome --window-size=1100,1400 --screenshot="$T_TMP/shot.png" "file://$page" >/dev/null
check "screenshot taken" test -s shot.png
# not blank: many colours, and more than a few KB
colours=$(python3 - <<'PY'
import struct, zlib
d = open("shot.png", "rb").read()
w, h = struct.unpack(">II", d[16:24]); ct = d[25]
raw = b""; i = 8
while i < len(d):
    n = struct.unpack(">I", d[i:i + 4])[0]; t = d[i + 4:i + 8]
    if t == b"IDAT": raw += d[i + 8:i + 8 + n]
    i += 12 + n
px = zlib.decompress(raw); bpp = 4 if ct == 6 else 3; stride = w * bpp + 1
# the filter bytes make exact colours fuzzy: count distinct raw byte triples
seen = set(px[r * stride + 1 + k:r * stride + 4 + k] for r in range(0, h, 7) for k in range(0, w * bpp - 3, bpp * 5))
print(len(seen))
PY
)
check "screenshot is not blank ($colours distinct samples, $(stat -c %s shot.png) bytes)" \
	test "${colours:-0}" -gt 50 -a "$(stat -c %s shot.png)" -gt 20000
chrome --dump-dom "file://$page" >dom.html
for t in "tsload report" "Summary" "Rate over time" "Latency over time" "Percentile spectrum" \
	"Latency by query" "Errors and throttles" "Schedule lag" \
	"Latency from the intended start and schedule lag" "Queries" "Runs"; do
	check "the page shows \"$t\"" grep -q ">$t<" dom.html
done
check "the page states the machine and version" grep -q "<dt>machine</dt><dd>$(hostname)" dom.html
[ -n "${REPORT_SHOT:-}" ] && cp shot.png "$REPORT_SHOT"
finish
