#!/usr/bin/env bash
# tsload report shows what tsload verify and --freshness found (issue 20:
# "results in run.json and in the report"): a SQLite run with --verify and
# --freshness, then the same database changed behind tsload's back and
# verified again later; the printed report and the page carry the verdict,
# the counts, the differing cells and the freshness rows; tsload compare
# and report A B put the verdicts and freshness side by side; a run
# without either has no empty section; the page in headless Chromium.
. "$(dirname "$0")/../lib.sh"
. "$T_SRC/tests/verify-lib.sh"
cd "$T_TMP" || exit 1

V_DIALECT=sqlite
V_URL=sqlite:$T_TMP/v.db
q() { sqlite3 "$T_TMP/v.db" "$1"; }
# rj DIR KEY...: a value of DIR/run.json under the path KEY...
rj() {
	python3 - "$@" <<'PY'
import json, sys
o = json.load(open(sys.argv[1] + "/run.json"))
for k in sys.argv[2:]:
    o = o[int(k)] if isinstance(o, list) else o[k]
print(o)
PY
}

# ---- 1. a clean run, verified and probed
v_run clean --verify --freshness --freshness-interval 0.02
check_eq "clean run with --verify --freshness: exit 0" 0 "$V_RC"
cp -r "$V_DIR" "$T_TMP/clean"
probes=$(rj "$V_DIR" totals freshness count)
check "clean run: probes measured ($probes)" test "${probes:-0}" -gt 0
"$TSLOAD" report "$T_TMP/clean" >c.out 2>c.err
check_eq "report of the clean run: exit 0" 0 $?
check "printed: the verdict line names the run and the target" \
	grep -q "^Verify of $(basename "$V_DIR") against sqlite:$T_TMP/v.db: the target holds exactly what was written$" c.out
check "printed: the counts" grep -q "^  all: 312000 points expected, 312000 found; missing 0, duplicated 0, changed 0, at unexpected times 0$" c.out
check "printed: per measurement" grep -q "^  metrics: 240000 points expected, 240000 found;" c.out
check "printed: what was compared" grep -q "^  values compared within a relative difference of 1e-12$" c.out
check "printed: cells and time" grep -q "^  checked in [0-9.]* s: 26000 aggregate cells, 0 differing, 0 row reads$" c.out
check "printed: no differing cells listed" not grep -q "first differing cells" c.out
check "printed: the freshness line ($probes probes)" \
	grep -q "^ingest: Freshness (ack to visible) ms: p50 [0-9.]*, p99 [0-9.]*, max [0-9.]* over $probes probes; not visible within 60 s: 0$" c.out
page=clean/report/index.html
check "page: the verify section" grep -q "<h2>What the database holds (tsload verify)</h2>" $page
check "page: the verdict, in green" grep -q '<p class="verdict v2">the target holds exactly what was written</p>' $page
check "page: the target" grep -q "<dt>target</dt><dd>sqlite:$T_TMP/v.db</dd>" $page
check "page: the counts row" grep -q "<tr><td>all</td><td>312000</td><td>312000</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>" $page
check "page: cells, row reads" grep -q "26000 aggregate cells (series &times; measure &times; hour), 0 differing, 0 row reads" $page
check "page: no differing cells table" not grep -q "First differing cells" $page
check "page: the freshness section" grep -q "<h2>Freshness</h2>" $page
check "page: the freshness row ($probes probes, 0 not visible)" grep -q "<tr><td>ingest</td><td>$probes</td><td>0</td>" $page
p50=$(python3 -c "import json; print('%.3f' % (json.load(open('$V_DIR/run.json'))['totals']['freshness']['p50'] * 1e3))")
check "page: the freshness p50 of run.json ($p50 ms)" grep -q "<tr><td>ingest</td><td>$probes</td><td>0</td><td>$p50</td>" $page
check "page: the freshness plot in its section" grep -q '<img src="freshness.png"' $page
check "freshness.png is a PNG" bash -c "head -c 8 clean/report/freshness.png | od -An -c | grep -q 'P   N   G'"
check_eq "summary.json: fresh_count" "$probes" \
	"$(python3 -c "import json; print([g for g in json.load(open('clean/report/summary.json'))['merged'] if g['name'] == 'ingest'][0]['fresh_count'])")"
check "summary.json: the run's verify" json_has clean/report/summary.json differs false

# ---- 2. the database changed behind tsload's back, verified later
v_tamper 7 5 3
q "INSERT INTO host_metrics (time, instance_name, measure_name, measure_value_double) VALUES (1767225600000, 'i-nosuch', 'cpu_user', 1)"
"$TSLOAD" verify --target "$V_URL" --results "$V_DIR" >later.out 2>&1
check_eq "tsload verify later: exit 1" 1 $?
"$TSLOAD" report "$V_DIR" >t.out 2>t.err
check_eq "report of the changed run: exit 0" 0 $?
check "printed: the verdict says it differs" \
	grep -q "^Verify of .* against sqlite:$T_TMP/v.db: DIFFERENCES: the target differs from what was written$" t.out
check "printed: missing 7, duplicated 5, changed 3" \
	grep -q "^  all: 312000 points expected, 311998 found; missing 7, duplicated 5, changed 3, at unexpected times 0$" t.out
check "printed: the extra series with its example" grep -q "^  series the run did not write: 1 (1 points), e.g. i-nosuch$" t.out
check "printed: 15 differing cells" grep -q "26000 aggregate cells, 15 differing, 15 row reads" t.out
check "printed: the first 10 differing cells as a table" grep -q "^  first differing cells (10 of 15):$" t.out
check "printed: the table's header" grep -qE "^ +hour +measurement +measure +missing +duplicated +changed +unexpected +series$" t.out
check "printed: a changed disk_io_reads cell" \
	grep -qE "^ +2026-01-01T00:00:00Z +metrics +disk_io_reads +0 +0 +1 +0  i-" t.out
check_eq "printed: 10 rows" 10 "$(grep -cE '^ +2026-01-01T00:00:00Z ' t.out)"
page=$V_DIR/report/index.html
check "page: the verdict, in red" \
	grep -q '<p class="verdict v3">DIFFERENCES: the target differs from what was written</p>' "$page"
check "page: the counts row" grep -q "<tr><td>all</td><td>312000</td><td>311998</td><td>7</td><td>5</td><td>3</td><td>0</td></tr>" "$page"
check "page: the extra series" grep -q "1 (1 points), e.g. <code>i-nosuch</code>" "$page"
check "page: the differing cells" grep -q "<h3>First differing cells (15 of 15)</h3>" "$page"
check_eq "page: 15 rows of cells" 15 "$(grep -c '^<tr><td>2026-01-01T00:00:00Z</td>' "$page")"
check "page: a deleted cpu_user point" \
	grep -q "<tr><td>2026-01-01T00:00:00Z</td><td class=l>metrics</td><td class=l>cpu_user</td><td>1</td><td>0</td><td>0</td><td>0</td>" "$page"

# ---- 3. side by side: compare and report A B
"$TSLOAD" compare "$T_TMP/clean" "$V_DIR" >cmp.out 2>&1
check_eq "compare clean, changed: exit 0" 0 $?
check "compare: the verify row" grep -qE "^verify +holds +differs$" cmp.out
check "compare: what differs" grep -q "^verify \[2\]: the target differs: missing 7, duplicated 5, changed 3, unexpected series 1$" cmp.out
check "compare: freshness p50 and p99 side by side" \
	bash -c "grep -qE '^fresh_p50 +[0-9.]+ ms +[0-9.]+ ms$' cmp.out && grep -qE '^fresh_p99 +[0-9.]+ ms +[0-9.]+ ms$' cmp.out"
want=$(python3 -c "import json; f = json.load(open('$T_TMP/clean/run.json'))['totals']['freshness']; print('%.4g ms +%.4g ms' % (f['p50'] * 1e3, f['p99'] * 1e3))")
check "compare: [1]'s p50 and p99 are run.json's (${want% +*}, ${want#* +})" \
	bash -c "grep -qE '^fresh_p50 +${want% +*} ' cmp.out && grep -qE '^fresh_p99 +${want#* +} ' cmp.out"
check "compare: freshness change, no verdict" grep -qE "^fresh_p99 +[-+][0-9.e+-]+ ms +\((new|[-+][0-9.]+%)\) +-$" cmp.out
"$TSLOAD" report "$T_TMP/clean" "$V_DIR" >ab.out 2>&1
check_eq "report A B: exit 0" 0 $?
check_eq "report A B: the same rows as compare" \
	"$(grep -E '^(verify|fresh_p50|fresh_p99) ' cmp.out)" "$(grep -E '^(verify|fresh_p50|fresh_p99) ' ab.out)"
check "report A B: both runs' verify printed" \
	bash -c "grep -q 'holds exactly what was written$' ab.out && grep -q 'DIFFERENCES' ab.out"
page=clean/report/index.html
check "page A B: the verify row of the comparison" \
	grep -q '<tr><td>verify</td><td class="v2 w">holds</td><td class="v3 w">differs: missing 7, duplicated 5, changed 3, unexpected series 1</td>' $page
check "page A B: freshness rows" grep -q "<tr><td>freshness p99 ingest</td><td>[0-9.]* ms</td><td>[0-9.]* ms</td>" $page
check "page A B: a verify block per run" test "$(grep -c '<p class="verdict v' $page)" -eq 2
check_eq "summary.json: the comparison's verify" "['holds', 'differs']" \
	"$(python3 -c "import json; print(json.load(open('$page'.replace('index.html', 'summary.json')))['comparison']['verify'])")"

# ---- 4. a run without --verify nor --freshness: no empty section
"$TSLOAD" ingest -q --host-scale 1 --duration 1 --target "sqlite:$T_TMP/plain.db" --results "$T_TMP/plain" >plain.out 2>&1
check_eq "plain run: exit 0" 0 $?
pd=$(ls -d "$T_TMP"/plain/*/ | head -1)
"$TSLOAD" report "$pd" >p.out 2>&1
check_eq "report of a plain run: exit 0" 0 $?
check "printed: no verify" not grep -q "^Verify of" p.out
check "printed: no freshness" not grep -q "Freshness" p.out
check "page: no verify section" not grep -q "tsload verify" "$pd/report/index.html"
check "page: no freshness section" not grep -qE "<h2>Freshness|freshness.png|freshness (p50|p99)" "$pd/report/index.html"
check "no freshness plot" test ! -e "$pd/report/freshness.png"
"$TSLOAD" compare "$pd" "$T_TMP/clean" >pc.out 2>&1
check "compare with a plain run: - where it has no verify" grep -qE "^verify +- +holds$" pc.out
check "compare with a plain run: - where it has no freshness" grep -qE "^fresh_p50 +- +[0-9.]+ ms$" pc.out

# ---- 5. fan-out: a freshness row per target
"$TSLOAD" ingest -q --target "sqlite:$T_TMP/a.db" --target "sqlite:$T_TMP/b.db" --host-scale 1 --duration 2 \
	--interval-millis 500 --freshness --freshness-interval 0.1 --results "$T_TMP/fan" >fan.out 2>&1
check_eq "fan-out with --freshness: exit 0" 0 $?
fd=$(ls -d "$T_TMP"/fan/*/ | head -1)
"$TSLOAD" report "$fd" >f.out 2>&1
for k in 1 2; do
	check "fan-out: printed freshness of target $k" grep -q "^target $k sqlite:.*: Freshness (ack to visible) ms: " f.out
	check "fan-out: page row of target $k" grep -q "<tr><td>target $k sqlite:$T_TMP/[ab].db</td><td>[1-9][0-9]*</td><td>0</td>" "$fd/report/index.html"
done
"$TSLOAD" compare "$fd" "$fd" >fc.out 2>&1
check "fan-out compare: fresh_p50 t1 and t2" \
	bash -c "grep -qE '^fresh_p50 t1 ' fc.out && grep -qE '^fresh_p99 t2 ' fc.out && grep -q '^t2: target 2 sqlite:' fc.out"

# ---- 6. a run.json whose verify is not tsload verify's: exit 2, one line
mkdir bad && python3 - "$T_TMP/clean/run.json" bad/run.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["verify"] = {"target": "x"}
json.dump(j, open(sys.argv[2], "w"))
PY
"$TSLOAD" report bad >bad.out 2>&1
check_eq "a verify without totals: exit 2" 2 $?
check "one line naming run.json and verify" \
	bash -c "[ \$(wc -l <bad.out) -eq 1 ] && grep -q 'bad/run.json: its \"verify\" has no \"totals\"' bad.out"

# ---- 7. the page in headless Chromium
chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$T_TMP/chrome" "$@" 2>/dev/null
}
page=$V_DIR/report/index.html
chrome --window-size=1100,1600 --screenshot="$T_TMP/shot.png" "file://$page" >/dev/null
check "screenshot taken ($(stat -c %s shot.png 2>/dev/null) bytes)" test "$(stat -c %s shot.png 2>/dev/null || echo 0)" -gt 20000
chrome --dump-dom "file://$page" >dom.html
for t in "What the database holds (tsload verify)" "Freshness" "First differing cells (15 of 15)"; do
	check "the page shows \"$t\"" grep -q ">$t<" dom.html
done
[ -n "${REPORT_SHOT:-}" ] && cp shot.png "$REPORT_SHOT"
finish
