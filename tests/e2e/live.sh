#!/usr/bin/env bash
# End-to-end live line: into a pipe, one plain line a second per side
# ("ingest"/"query" under `tsload run`, no control characters); on a
# terminal (script(1) gives it one), one line rewritten in place ("\r",
# the text cut to the terminal's width, clear to the end of the line) for
# both sides, and messages in between on lines of their own with the
# live line drawn again below; the first failed query said as soon as
# a worker reports it.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1
mkdir qd
cp -r "$T_SRC/configs/queries/sqlite" qd/
printf 'SELECT no_such_column FROM no_such_table\n' >qd/sqlite/do-q1.sql
printf '[default]\nrepetitions = 100000\nretries = 1\n[query_distribution]\ndo-q1 = 100\n' >bad.ini
run=(run --host-scale 1 --duration 4 --params random --think-time-milliseconds 50
	--target "sqlite:$T_TMP/l.db" --rate 2000 --results res -l "$T_TMP/logs")

# 1. a pipe: plain lines, each side labelled
"$TSLOAD" "${run[@]}" 2>&1 | cat >pipe.out
check "pipe: ingest lines labelled" grep -Eq '^\[ +[0-9]+s\] ingest +[0-9]+ records/s .* write p50 ' pipe.out
check "pipe: query lines labelled" grep -Eq '^\[ +[0-9]+s\] query +[0-9.]+ queries/s .* query p50 ' pipe.out
check "pipe: achieved against the target rate, and the lag" \
	grep -Eq '^\[ +[0-9]+s\] ingest .*  rate [0-9]+ of 2000 points/s \([0-9.]+%\)  lag p99 [0-9.]+ ms$' pipe.out
check "pipe: no carriage return or escape" not grep -q $'[\r\033]' pipe.out
n1=$(grep -c '^\[ *[0-9]*s\] ingest' pipe.out)
n2=$(grep -c '^\[ *[0-9]*s\] query' pipe.out)
check "pipe: one line a second per side ($n1 ingest, $n2 query)" test "$n1" -ge 3 -a "$n1" = "$n2"
"$TSLOAD" ingest --host-scale 1 --duration 2 --target null: --results res 2>&1 | cat >ing.out
check "ingest alone: no label" grep -Eq '^\[ +[0-9]+s\] +[0-9]+ records/s ' ing.out

# 2. a terminal 200 columns wide: one line for both sides, rewritten
script -qec "stty cols 200; $TSLOAD ${run[*]}" tty.out >/dev/null 2>&1
check_eq "terminal: exit 0" 0 $?
# the live line's drawings: "\r[" up to ESC[K
python3 - tty.out >draws.txt <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read()
for m in re.finditer(r"\r(\[ *\d+s\][^\r\n\x1b]*)\x1b\[K", t):
    print(m.group(1))
PY
check "terminal: the line drawn every second (3+)" test "$(wc -l <draws.txt)" -ge 3
check "terminal: both sides on the one line" \
	grep -Eq '^\[ +[0-9]+s\] ingest [0-9]+ rec/s .* rate [0-9.]+% of 2000/s lag [0-9.]+ms  \|  query [0-9.]+ q/s ' draws.txt
check "terminal: successive drawings on one line (no newline between)" python3 - tty.out <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read()
sys.exit(0 if any(len(re.findall(r"\r\[ *\d+s\]", l)) >= 2 for l in t.split("\n")) else 1)
PY
check "terminal: the closing lines start on a line of their own" grep -q $'^\r*\033\[K== ingest' tty.out

# 3. a narrow terminal: the line is cut to fit (59 of 60 columns)
script -qec "stty cols 60; $TSLOAD ${run[*]}" narrow.out >/dev/null 2>&1
python3 - narrow.out <<'PY' >nw.txt
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read()
print(max(len(m) for m in re.findall(r"\r(\[ *\d+s\][^\r\n\x1b]*)\x1b\[K", t)))
PY
check_eq "narrow terminal: drawings cut to 59 columns" 59 "$(cat nw.txt)"

# 4. failing queries: the first one said at once, once, in its own line
"$TSLOAD" "${run[@]}" --config bad.ini --queries-dir qd 2>&1 | cat >fail.out
check_eq "failing queries: said once" 1 "$(grep -c 'first failed query' fail.out)"
check "failing queries: the message names the worker and the error" \
	grep -Eq '^tsload: warning: query worker 1: first failed query: .*no such (table|column)' fail.out
w=$(grep -n 'first failed query' fail.out | cut -d: -f1)
last=$(grep -n '^\[ *[0-9]*s\] query' fail.out | tail -1 | cut -d: -f1)
check "failing queries: said during the run, before its last live line" test "$w" -lt "$last"
check "failing queries: the live line counts them" grep -Eq '^\[ +[0-9]+s\] query .* errors [1-9]' fail.out
script -qec "stty cols 200; $TSLOAD ${run[*]} --config bad.ini --queries-dir qd" ftty.out >/dev/null 2>&1
check "terminal: the warning clears the live line and has its own line" \
	grep -Eq $'\r\033\\[Ktsload: warning: query worker 1: first failed query: .*\r?$' ftty.out
check "terminal: the live line is drawn again after it" python3 - ftty.out <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read()
i = t.find("first failed query")
j = t.find("\n", i)
sys.exit(0 if i >= 0 and t[j + 1:].lstrip("\r").startswith("[") else 1)
PY
finish
