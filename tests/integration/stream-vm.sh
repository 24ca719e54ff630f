#!/usr/bin/env bash
# tsload stream replaying a pre-generated line protocol file (the way TSBS
# loads) into VictoriaMetrics (scripts/vm-local.sh on loopback): the
# server holds exactly the lines of the file, from plain and gzip input,
# cut into bodies under max_body.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1
srv=$T_TMP/vm
start_server vm-local.sh "$srv"
url=$SRV_URL
http=http://127.0.0.1:$(cat "$srv/port")
closing() { sed -n "s/.*: \([0-9]*\) stored or delivered.* \([0-9]*\) failed, .*/\1 \2/p" "$1"; }

# samples the server holds with label db=$1, once it reaches $2 (VM
# buffers rows for about a second) or after 10 s
held_when() {
	local i n
	for i in $(seq 1 50); do
		curl -sS -XPOST "$http/internal/force_flush" >/dev/null
		n=$(curl -sS "$http/api/v1/query" --data-urlencode "query=sum(count_over_time({db=\"$1\"}[1d]))" |
			sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p')
		[ "$n" = "$2" ] && break
		sleep 0.2
	done
	echo "$n"
}

# 30000 points: 300 series x 100 timestamps a second apart, one field a line
now=$(($(date +%s) - 3600)) # %d000: mawk clamps %d at 2^31
awk -v t0="$now" 'BEGIN { for (s = 0; s < 300; s++) for (k = 0; k < 100; k++)
	printf "replay,host=h%03d usage=%d %d000\n", s, k, t0 + k }' >m.lp
gzip -c m.lp >m.lp.gz

"$TSLOAD" stream "$url/?db=plain&precision=ms&max_body=65536" -q --results res m.lp >o1 2>e1
check_eq "plain: exit 0" 0 $?
check_eq "plain: 30000 lines stored" "30000 0" "$(closing e1)"
check_eq "plain: the server holds 30000 points" 30000 "$(held_when plain 30000)"

"$TSLOAD" stream "$url/?db=gz&precision=ms" -q --results res <m.lp.gz >o2 2>e2
check_eq "gzip on stdin: exit 0" 0 $?
check_eq "gzip on stdin: the server holds 30000 points" 30000 "$(held_when gz 30000)"

# a line VictoriaMetrics refuses is counted failed, exit 1
printf 'replay,host=x usage=1 %s\nthis is not line protocol\n' "$((now * 1000))" >bad.lp
"$TSLOAD" stream "$url/?db=bad&precision=ms" -q --results res bad.lp >o3 2>e3
rc=$?
check "refused line: exit 1, or VictoriaMetrics took the line (it skips bad lines silently)" \
	test "$rc" = 1 -o "$(closing e3)" = "2 0"
finish
