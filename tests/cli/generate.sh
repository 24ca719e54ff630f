#!/usr/bin/env bash
# tsload generate: every log type's lines field by field and their
# distributions (tests/tools/logcheck.py, seed-behaviour-2 §1.4-1.6), bad
# lines (§1.7) within binomial bounds and each failing the good pattern,
# one visitor per --visitor-lines lines (§1.3), reproducibility for a seed
# and any thread count, compressed output, and bad command lines.
. "$(dirname "$0")/../lib.sh"

check_py() { python3 "$T_SRC/tests/tools/logcheck.py" "$@" >"$T_TMP/py.out" 2>&1 || { cat "$T_TMP/py.out"; return 1; }; }
# reported_bad ERRFILE: the "(N bad)" of the summary line
reported_bad() { sed -n 's/.* lines (\([0-9]*\) bad).*/\1/p' "$1"; }
T0=2021-05-06T11:28:29Z

for t in apache cloudfront cloudflare; do
	# a new visitor every line, so the visitor fields have a sample too
	"$TSLOAD" generate -l $t -i 20000 --visitor-lines 1 -q >"$T_TMP/$t.log"
	check "$t: every line matches the good pattern, distributions as §1.4-1.5" \
		check_py $t "$T_TMP/$t.log" --bad 0 --dist
	"$TSLOAD" generate -l $t -i 20000 -b 30 >"$T_TMP/$t.bad" 2>"$T_TMP/$t.err"
	n=$(reported_bad "$T_TMP/$t.err")
	# 20000 x 0.3 = 6000, sd 64.8: 5 sd
	check "$t -b 30: $n bad lines within 6000 +- 324" test "${n:-0}" -ge 5676 -a "${n:-0}" -le 6324
	check "$t -b 30: exactly the $n bad lines fail the good pattern" check_py $t "$T_TMP/$t.bad" --bad "${n:-0}"
done
"$TSLOAD" generate -l apache -i 2000 -b 100 -q >"$T_TMP/all.bad"
check "-b 100: every line fails the good pattern" check_py apache "$T_TMP/all.bad" --bad 2000
"$TSLOAD" generate -l apache -i 2000 -b 150 -q >"$T_TMP/all.bad"
check "-b 150: every line bad (lumberer: a weight above 100)" check_py apache "$T_TMP/all.bad" --bad 2000
"$TSLOAD" generate -l apache -i 2000 -b -5 -q >"$T_TMP/none.bad"
check "-b -5: every line good" check_py apache "$T_TMP/none.bad" --bad 0

# one visitor per 10,000 lines: the IP, user, method, protocol, referrer and
# agent change exactly at lines 10,001 and 20,001; one timestamp throughout
"$TSLOAD" generate -l apache -i 25000 -q --start-time $T0 >"$T_TMP/v.log"
changes=$(sed 's/^\([^ ]*\) - \([^ ]*\) \[[^]]*\] "\([A-Z]*\) [^ ]* \([^"]*\)" [0-9]* [-0-9]* \(.*\)$/\1 \2 \3 \4 \5/' "$T_TMP/v.log" |
	awk 'NR > 1 && $0 != prev { printf "%d ", NR } { prev = $0 }')
check_eq "a new visitor at lines 10001 and 20001 only" "10001 20001 " "$changes"
check_eq "every line stamped --start-time" "25000" "$(grep -c '\[06/May/2021:11:28:29 +0000\]' "$T_TMP/v.log")"
"$TSLOAD" generate -l cloudflare -i 3 -q --start-time $T0 >"$T_TMP/cf.log"
check_eq "cloudflare: the same time with Z" "3" "$(grep -c '"EdgeStartTimestamp":"2021-05-06T11:28:29Z"' "$T_TMP/cf.log")"

# -r: each visitor stamped with the clock (here: now, within a minute)
now=$(date -u +%s)
"$TSLOAD" generate -l cloudflare -i 3 -q -r --start-time $T0 >"$T_TMP/rt.log"
t=$(date -u -d "$(sed -n '1s/.*"EdgeStartTimestamp":"\([^"]*\)".*/\1/p' "$T_TMP/rt.log")" +%s)
check "-r: the clock's time, not --start-time ($t vs $now)" test "$((t - now))" -ge -60 -a "$((t - now))" -le 60
# --visitor-lines 0: lumberer's one visitor per second of clock; 2000 lines
# take far less than that
"$TSLOAD" generate -l apache -i 2000 -q --visitor-lines 0 >"$T_TMP/wall.log"
check_eq "--visitor-lines 0: one visitor for a short run" 1 "$(cut -d' ' -f1,3 "$T_TMP/wall.log" | sort -u | wc -l)"

# reproducible: same seed and start, same lines, whatever the threads
gen() { "$TSLOAD" generate -l apache -i 30000 -b 10 -q --start-time $T0 "$@"; }
gen >"$T_TMP/a1"
gen >"$T_TMP/a2"
gen -c 3 >"$T_TMP/a3"
gen -p 2 -c 2 >"$T_TMP/a4"
gen --seed 7 >"$T_TMP/a5"
check "same seed, same lines" cmp -s "$T_TMP/a1" "$T_TMP/a2"
check "-c 3: the same lines in the same order" cmp -s "$T_TMP/a1" "$T_TMP/a3"
check "-p 2 -c 2: the same lines in the same order" cmp -s "$T_TMP/a1" "$T_TMP/a4"
check "another seed, other lines" not cmp -s "$T_TMP/a1" "$T_TMP/a5"
check_eq "-s is --seed" "$(md5sum <"$T_TMP/a5")" "$(gen -s 7 | md5sum)"
check_eq "--seed defaults to 4321" "$(md5sum <"$T_TMP/a1")" "$(gen -s 4321 | md5sum)"
check_eq "30000 lines" "30000" "$(wc -l <"$T_TMP/a1")"

# compressed --output by suffix
gen --output "$T_TMP/a.log.gz"
gen --output "$T_TMP/a.log.zst"
gen --output "$T_TMP/a.log"
check "--output x.gz is gzip of the lines" cmp -s "$T_TMP/a1" <(gzip -dc "$T_TMP/a.log.gz")
check "--output x.zst is zstd of the lines" cmp -s "$T_TMP/a1" <(zstd -qdc "$T_TMP/a.log.zst")
check "--output x.log is the lines" cmp -s "$T_TMP/a1" "$T_TMP/a.log"

check_eq "-l is case-insensitive" "1" "$("$TSLOAD" generate -l ApAcHe -q | wc -l)"
check_eq "-i 0: nothing" "0" "$("$TSLOAD" generate -l apache -i 0 -q | wc -c)"
check_eq "-i -3: nothing" "0" "$("$TSLOAD" generate -l apache -i -3 -q | wc -c)"
check_eq "cloudfront: a record and an empty line" "2" "$("$TSLOAD" generate -l cloudfront -q | wc -l)"
check "a closed pipe ends the run quietly, exit 0" \
	bash -c "set -o pipefail; '$TSLOAD' generate -l apache -i 100000000 -q | head -1 >/dev/null"

# name | arguments | stderr pattern
cases=(
	"no -l|generate -i 3|--logtype/-l is required"
	"bad -l|generate -l nginx|--logtype: invalid value \"nginx\" \(expected apache, cloudfront or cloudflare"
	"bad -b|generate -l apache -b lots|-b/--baddata: invalid value \"lots\""
	"bad -i|generate -l apache -i 1x|-i/--iterations: invalid value \"1x\""
	"bad --output|generate -l apache --output /nonexistent/x.log|--output /nonexistent/x.log: No such file or directory"
	"ingest's option|generate -l apache --host-scale 2|--host-scale is an option of"
)
for c in "${cases[@]}"; do
	IFS='|' read -r name args pat <<<"$c"
	# shellcheck disable=SC2086
	"$TSLOAD" $args >"$T_TMP/out" 2>"$T_TMP/err"
	rc=$?
	check_eq "$name: exit 2" 2 "$rc"
	check "$name: one line naming it" bash -c "[ \$(wc -l <'$T_TMP/err') = 1 ] && grep -Eq -- '$pat' '$T_TMP/err'"
	check "$name: no output" test ! -s "$T_TMP/out"
done
finish
