#!/usr/bin/env bash
# Fault suite, server part: what tsload does when its target goes away or
# its disk fills up. A reader closing stdout's pipe; a full filesystem
# (a 1 MiB tmpfs mounted here, unmounted on exit) under the file: target
# and under the results; PostgreSQL (scripts/pg-local.sh, on 127.0.0.1)
# stopped mid-run with a fast and an immediate shutdown, with and without
# a restart. Each time: the counts stay honest (what the target holds =
# `Records written`, no duplicates), the failure is named, the exit code
# says whether writes failed, run.json is valid. Bounded: every run has a
# --duration and a timeout.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

json_ok() { python3 -c 'import json, sys; json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))' "$1"; }
run_json() { ls "$1"/*/run.json 2>/dev/null | head -1; }

# ---- 1. a closed pipe ends the run: one line, exit 0 ----
# (one worker: a second one may still be saying hello when the first stops
# the run, a start-up case of the signals suite)
timeout 60 "$TSLOAD" ingest --target 'stdout:?format=lp' --host-scale 1 -p 1 -c 2 \
	--results "$T_TMP/res-pipe" 2>pipe.err | head -2 >pipe.out
rc=${PIPESTATUS[0]}
check_eq "closed pipe: exit 0 (not the timeout's 124)" 0 "$rc"
check_eq "closed pipe: the reader got its 2 lines" 2 "$(wc -l <pipe.out)"
# the worker's EPIPE or the coordinator's own closed stdout, whichever
# is seen first: both say it, once
check_eq "closed pipe: one line says why" 1 \
	"$(grep -cE '^stopping: (worker 1: thread [12]: stdout: the reader closed the pipe|standard output was closed)$' pipe.err)"
check "closed pipe: no error or warning line" not grep -qE 'error:|warning:' pipe.err
check "closed pipe: no failed write" grep -q 'Failed writes: 0\.' pipe.err
check "closed pipe: valid run.json" json_ok "$(run_json res-pipe)"

# ---- 2. full disks ----
mnt=$T_TMP/full
mkdir -p "$mnt"
if mount -t tmpfs -o size=1m tmpfs "$mnt"; then
	trap 'umount "$mnt" 2>/dev/null; t_exit' EXIT

	# file: target on a filesystem that fills up: whole lines only,
	# every line counted, a pause before giving up, exit 1
	start=$(date +%s)
	timeout 90 "$TSLOAD" ingest --target "file:$mnt/out.lp?format=lp" --host-scale 1 \
		-p 1 -c 2 --duration 30 --results "$T_TMP/res-file" >file.out 2>file.err
	rc=$?
	took=$(($(date +%s) - start))
	check_eq "full disk, file: exit 1" 1 "$rc"
	check "full disk, file: named in one line" \
		grep -q "^stopping: worker 1: thread [12]: file $mnt/out.lp: No space left on device for 5 s$" file.out
	check "full disk, file: stopped well before --duration 30 (${took} s)" test "$took" -lt 25
	check_eq "full disk, file: the file ends with a whole line" "" \
		"$(tail -c 1 "$mnt/out.lp" | tr -d '\n')"
	check_eq "full disk, file: lines = Records written" "$(records_written file.out)" \
		"$(wc -l <"$mnt/out.lp")"
	f=$(failed_writes file.out)
	check "full disk, file: a few failed writes, not a flood (${f:-none})" \
		test "${f:-0}" -ge 1 -a "${f:-0}" -le 4
	check "full disk, file: valid run.json" json_ok "$(run_json res-file)"
	rm -f "$mnt/out.lp"

	# results on a full filesystem: exit 1, each file named
	dd if=/dev/zero of="$mnt/fill" bs=64k 2>/dev/null
	timeout 60 "$TSLOAD" ingest --target null: --host-scale 1 --duration 2 \
		--results "$mnt/results" >res.out 2>res.err
	check_eq "full results disk: exit 1" 1 $?
	check "full results disk: run.json named" \
		grep -q "^tsload: error: cannot write $mnt/results/.*/run.json: No space left on device$" res.err
	check "full results disk: timeseries.csv named" \
		grep -q "^tsload: error: cannot write $mnt/results/.*/timeseries.csv: No space left on device$" res.err
	check "full results disk: no empty run.json left" \
		bash -c 'test -d "$1" && test -z "$(find "$1" -name "run.json*" -size 0)"' - "$mnt/results"
	check "full results disk: the closing line does not name run.json" \
		not grep -q 'results: .*run.json' res.out
	# query logs (-l) on the full filesystem: exit 1, named, and the
	# closing lines do not name a summary that is not there
	"$TSLOAD" ingest -q --host-scale 1 --duration 2 -t qt --target "sqlite:$T_TMP/q.db" \
		--results "$T_TMP/res-qi" >/dev/null 2>&1
	timeout 60 "$TSLOAD" query --target "sqlite:$T_TMP/q.db" -t qt --repetitions 2 \
		--think-time-milliseconds 0 --config "$T_SRC/configs/config.ini" \
		--queries-dir "$T_SRC/configs/queries" -l "$mnt/logs" \
		--results "$T_TMP/res-q" >ql.out 2>ql.err
	check_eq "full log disk, query: exit 1" 1 $?
	check "full log disk, query: the logs named" \
		grep -q "error: cannot write .*$mnt/logs/.*: No space left on device$" ql.err
	# the merged summary is outside -l: written, and named only if there
	sum=$(sed -n 's/.*merged summary: //p' ql.out)
	check "full log disk, query: the merged summary named exists" \
		test -n "$sum" -a -s "$sum"
	check "full log disk, query: valid run.json" json_ok "$(run_json res-q)"
	umount "$mnt"
	trap t_exit EXIT
else
	bad "full disk: cannot mount a tmpfs on $mnt (run as root)"
fi

# ---- 3. PostgreSQL stopped mid-run ----
pgdir=$T_TMP/pg
start_server pg-local.sh "$pgdir"
url=$SRV_URL
port=${url##*:}
port=${port%%/*}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
pgtop=$pgdir/pglocal
pguser=
[ "$(id -u)" -ne 0 ] || pguser=$(stat -c %U "$pgtop/data")
as_pg() { if [ -n "$pguser" ]; then runuser -u "$pguser" -- "$@"; else "$@"; fi; }
# synchronous commits: an immediate shutdown must not lose what was
# acknowledged (pg-local.sh turns them off for speed)
pg_up() {
	as_pg "$PGBIN/pg_ctl" -D "$pgtop/data" -l "$pgtop/run/pg.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $pgtop/run -c fsync=off -c synchronous_commit=on" \
		start >/dev/null
}
pg_down() { as_pg "$PGBIN/pg_ctl" -D "$pgtop/data" -m "$1" -w -t 30 stop >/dev/null; }
q() { psql "$url" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
pg_down fast
pg_up
check_eq "postgres: restarted with synchronous commits" on "$(q 'show synchronous_commit')"

# run MODE RESTART: ingest for 10 s, stop the server after 3 s, start it
# again after 2 more when RESTART is 1.
case_run() {
	local mode=$1 restart=$2 name="postgres $1 shutdown$3" tbl=t_$1_$2 pid n rows dups retries=10
	# with a restart: enough retries to outlast the outage whatever the
	# jitter (20 backoffs of up to 5 s); without: the default 10
	[ "$restart" = 1 ] && retries=20
	timeout 120 "$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 10 --max-retries $retries \
		--interval-millis 1000 --batch-writes -t "$tbl" --target "$url" \
		--results "$T_TMP/res-$tbl" >"$tbl.out" 2>"$tbl.err" &
	pid=$!
	sleep 3
	pg_down "$mode"
	if [ "$restart" = 1 ]; then
		sleep 2
		pg_up
	fi
	wait $pid
	rc=$?
	[ "$restart" = 1 ] || pg_up
	n=$(records_written "$tbl.out")
	rows=$(q "select count(*) from $tbl")
	check_eq "$name: rows = Records written" "$n" "$rows"
	dups=$(q "select count(*) from (select 1 from $tbl group by instance_name, process_name, jdk_version, time, measure_name having count(*) > 1) x")
	check_eq "$name: no duplicate rows" 0 "$dups"
	check "$name: named unreachable when it happens" \
		grep -q '^tsload worker [12]: warning: thread [12]: postgres unreachable, retrying with backoff: postgres: ' "$tbl.err"
	check "$name: the live line says which target fails" \
		grep -q 'errors [0-9]* (postgres unreachable)' "$tbl.out"
	check "$name: never called throttled" not grep -q 'busy or throttled' "$tbl.out" "$tbl.err"
	check "$name: valid run.json" json_ok "$(run_json "$T_TMP/res-$tbl")"
	if [ "$restart" = 1 ]; then
		check_eq "$name: exit 0 (every batch written after the restart)" 0 "$rc"
		check "$name: written after the restart" \
			test "$(q "select count(*) from $tbl where time > (select min(time) + 6000 from $tbl)")" -gt 0
	else
		check_eq "$name: exit 1 (writes failed)" 1 "$rc"
		check "$name: failed writes counted ($(failed_writes "$tbl.out"))" test "$(failed_writes "$tbl.out")" -gt 0
		check "$name: the give-up names the unreachable target" \
			grep -q 'gave up after 10 retries of an unreachable target: postgres: ' "$tbl.err"
	fi
}
case_run fast 1 ", restarted"
case_run immediate 1 ", restarted"
case_run fast 0 ""
case_run immediate 0 ""

finish
