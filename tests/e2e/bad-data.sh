#!/usr/bin/env bash
# ingest --bad-data PCT without a server: the stdout target in line
# protocol and pgcopy writes the injected records as they go to a server.
# Their share is within binomial bounds, each of them fails the good-record
# pattern, their count is what tsload says it injected; targets that
# cannot reject refuse the option. (The servers: tests/integration.)
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

injected() { sed -n 's/^Bad records injected (--bad-data): \([0-9]*\);.*/\1/p' "$1"; }
# 2200 records a cycle (--multi) x 3 cycles = 6600 at 20 %: 1320 +- 162 (5 sd)
run() {
	"$TSLOAD" ingest --host-scale 1 --bad-data 20 --interval-millis 1000 \
		--start-time 2021-05-06T11:00:00Z --end-time 2021-05-06T11:00:03Z \
		--results "$T_TMP/results" "$@" >out.txt 2>err.txt
}

run --multi --target 'stdout:?format=lp'
check_eq "lp: exit 0" 0 $?
n=$(injected err.txt)
check "lp: ${n:-0} injected of 6600, within 1320 +- 162" test "${n:-0}" -ge 1158 -a "${n:-0}" -le 1482
# a good line: measurement,tags fields, a nanosecond timestamp
good='^(metrics|events),region=[^ ]+ [a-z_]+=[^ ]+ [0-9]{19}$'
check_eq "lp: 6600 lines" 6600 "$(wc -l <out.txt)"
check_eq "lp: every line but the injected ones is good" "$((6600 - ${n:-0}))" "$(grep -cE "$good" out.txt)"
check_eq "lp: the injected ones: no measurement or a timestamp beyond int64" "${n:-0}" \
	"$(grep -vE "$good" out.txt | grep -cE '^,(metrics|events),|^(metrics|events),.* 99999999999999999999$')"
k0=$(grep -c '^,' out.txt)
k1=$(grep -c ' 99999999999999999999$' out.txt)
check "lp: both kinds, about half each ($k0, $k1)" test "$k0" -gt 500 -a "$k1" -gt 500

run --target 'stdout:?format=pgcopy'
check_eq "pgcopy (single): exit 0" 0 $?
n=$(injected err.txt)
# single layout: an injected sample is one record (its first measure);
# stdout: takes them, so they count as written too
check "pgcopy: ${n:-0} injected samples of 6600, within 1320 +- 162" test "${n:-0}" -ge 1158 -a "${n:-0}" -le 1482
goodrow=$'^[0-9]{13}\t[a-z0-9-]+\t'
check_eq "pgcopy: one row per record written" "$(records_written err.txt)" "$(wc -l <out.txt)"
check_eq "pgcopy: every row but the injected ones is good" "$(($(records_written err.txt) - ${n:-0}))" "$(LC_ALL=C grep -caE "$goodrow" out.txt)"
for kind in '^bad-data$' $'^99999999999999999999\t' $'^not-a-number\t' $'^[0-9]{13}\t\xff'; do
	c=$(LC_ALL=C grep -caE "$kind" out.txt)
	check "pgcopy: kind /$kind/: $c rows, about a quarter" test "$c" -gt 200
done

run --multi --target 'stdout:?format=lp' --bad-data 0
check_eq "--bad-data 0: no closing line about it" "" "$(injected err.txt)"
check_eq "--bad-data 0: every line good" 6600 "$(grep -cE "$good" out.txt)"

"$TSLOAD" ingest --bad-data 5 --target "sqlite:$T_TMP/x.db" --duration 1 >out.txt 2>err.txt
check_eq "sqlite: --bad-data refused, exit 2" 2 $?
check "sqlite: one line naming the option and the targets" \
	bash -c "[ \$(wc -l <err.txt) = 1 ] && grep -q -- '--bad-data: the sqlite target has no invalid records' err.txt"
"$TSLOAD" ingest --bad-data 101 --target null: --duration 1 >out.txt 2>err.txt
check_eq "--bad-data 101: exit 2" 2 $?
finish
