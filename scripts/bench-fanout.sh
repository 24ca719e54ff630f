# shellcheck shell=bash disable=SC2154
# bench-fanout.sh - the fan-out case of `make bench`: one tsload run writes
# every batch to three real servers at once (VictoriaMetrics, PostgreSQL,
# InfluxDB, each started on a free loopback port by its
# scripts/<x>-local.sh and stopped by PID at the end). Goal: each target
# takes at least 10 million data points a minute (166,667/s) on this
# machine. Sourced by scripts/bench.sh; uses its stat, spread, wanted,
# $here, $dir, $csv, $secs, $runs and on_exit.
#
# -p 1 -c 2, unpaced, --multi with batches of 5000 rows (a PostgreSQL COPY
# and a line-protocol POST to each of the others): a 2 s run (not
# counted) creates the tables and series, then $runs runs of $secs. Each
# run's per-target rate is that target's "Data points written" over the
# run's seconds, from its closing line. (ClickHouse 18.16 takes about
# 130,000 data points/s of the multi layout alone here, below the goal,
# so it is not one of the three.) The goal is met by the median of
# the runs (the machine is shared: a single run may be slowed by others).
#
# Then one run of $fan_restart_secs (25) with --spool-dir in which
# VictoriaMetrics is killed (SIGTERM, by its PID: it keeps what it
# acknowledged) 4 s in and started again on its port 10 s later: its
# batches wait in its spool and are sent once it is back. Printed: each
# target's points/s over that run (the restarted one's include what it
# caught up), and "nothing lost" when every target wrote what was
# generated for it (none lost, nothing left in the spool, the records add
# up) and VictoriaMetrics holds every point tsload says it wrote.

fan_goal=166667 # 10M data points a minute
fan_extra=()
fan_restart_secs=${BENCH_FAN_RESTART_SECS:-25}

# fan_held URL DB: the samples VictoriaMetrics at vm://HOST:PORT holds with
# label db=DB, once it stops growing (it buffers rows for a second or so)
fan_held() {
	local http=http://${1#vm://} n last=-1 i
	for i in $(seq 1 60); do
		curl -sS -XPOST "$http/internal/force_flush" >/dev/null 2>&1
		n=$(curl -sS "$http/api/v1/query" --data-urlencode "query=sum(count_over_time({db=\"$2\"}[10d]))" |
			sed -n 's/.*"value":\[[0-9.]*,"\([0-9]*\)"\].*/\1/p')
		[ -n "$n" ] && [ "$n" = "$last" ] && break
		last=${n:-0}
		sleep 1
	done
	echo "${n:-0}"
}

# fan_run TARGET...: one run; prints "rate1 rate2 rate3" (points/s)
fan_run() {
	local t args=()
	for t in "$@"; do args+=(--target "$t"); done
	"$TSLOAD" ingest --quiet --results "$dir/results" -p 1 -c 2 --host-scale 1 \
		--interval-millis 0 --batch-writes --batch-size 5000 --multi \
		--duration "${fan_secs:-$secs}" "${fan_extra[@]}" "${args[@]}" >"$dir/out" 2>"$dir/err" || {
		echo "bench: fan-out run failed:" >&2
		tail -5 "$dir/err" >&2
		return 1
	}
	sed -n 's/^Target [0-9]* .*Data points written: [0-9]* (\([0-9]*\)\/s).*/\1/p' "$dir/out" |
		paste -sd ' '
}

name="fan-out: VictoriaMetrics + PostgreSQL + InfluxDB"
if wanted "$name"; then
	bash "$here/install-deps.sh" >/dev/null
	chmod 711 "$dir" # PostgreSQL runs as the postgres user
	read -r fvm _ <<<"$(bash "$here/vm-local.sh" start "$dir/fvm")"
	on_exit+=("bash '$here/vm-local.sh' stop '$dir/fvm' >/dev/null 2>&1")
	fpg=$(bash "$here/pg-local.sh" start "$dir/fpg")
	on_exit+=("bash '$here/pg-local.sh' stop '$dir/fpg' >/dev/null 2>&1")
	read -r fin _ <<<"$(bash "$here/influx-local.sh" start "$dir/fin")"
	on_exit+=("bash '$here/influx-local.sh' stop '$dir/fin' >/dev/null 2>&1")
	fan_targets=("$fvm/?db=fan" "$fpg" "$fin/?db=fan")
	fan_secs=2 fan_run "${fan_targets[@]}" >/dev/null
	: >"$dir/fan"
	for _ in $(seq "$runs"); do
		fan_run "${fan_targets[@]}" >>"$dir/fan"
	done
	echo
	echo "fan-out to three servers at once, -p 1 -c 2 --multi, batches of 5000 (goal: $fan_goal data points/s each)"
	printf '%-46s %21s %17s %8s\n' "case" "points/s (spread)" "min..max" "goal"
	k=0
	for label in VictoriaMetrics PostgreSQL InfluxDB; do
		k=$((k + 1))
		read -r m l h <<<"$(stat "$k" "$dir/fan")"
		# the goal is the median's, as every figure of the table
		met=$(awk -v m="$m" -v g="$fan_goal" 'BEGIN { print (m >= g ? "met" : "MISSED") }')
		printf '%-46s %12.0f (%5.1f%%) %8.0f..%-8.0f %8s\n' "  target $k: $label" "$m" \
			"$(spread "$l" "$h" "$m")" "$l" "$h" "$met"
		echo "$name target $k $label,$runs,$m,$l,$h,,,,,,,,,,," >>"$csv"
	done
	# one run with VictoriaMetrics restarted mid-run
	fvm_port=${fvm##*:}
	fan_targets[0]="$fvm/?db=fanr"
	(
		sleep 4
		pid=$(cat "$dir/fvm/victoria-metrics.pid")
		kill "$pid"
		while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
		sleep 10
		VM_PORT=$fvm_port bash "$here/vm-local.sh" start "$dir/fvm" >/dev/null
	) &
	fan_restarter=$!
	fan_extra=(--spool-dir "$dir/fspool")
	read -r r1 r2 r3 <<<"$(fan_secs=$fan_restart_secs fan_run "${fan_targets[@]}")"
	fan_extra=()
	wait "$fan_restarter"
	lost=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(sum(t["lost"] + t.get("spool", {}).get("left", 0) for t in r["targets"]))' "$(ls -t "$dir"/results/*/run.json | head -1)")
	kept=$(sed -n 's/^Target 1 spool: \([0-9]*\) records kept, \([0-9]*\) sent from it.*/\1 kept, \2 sent from it/p' "$dir/out")
	w1=$(sed -n 's/^Target 1 .*Data points written: \([0-9]*\) .*/\1/p' "$dir/out")
	held=$(fan_held "$fvm" fanr)
	ok=$([ "$lost" = 0 ] && [ "$held" = "$w1" ] && ! grep -q 'do not add up' "$dir/out" && echo "nothing lost" || echo "LOST: $lost not written, VictoriaMetrics holds $held of $w1")
	echo "fan-out, VictoriaMetrics restarted mid-run ($fan_restart_secs s, down ~10 s, --spool-dir): points/s $r1 (VictoriaMetrics; its spool: ${kept:-nothing kept}), $r2 (PostgreSQL), $r3 (InfluxDB); $ok"
	echo "$name VictoriaMetrics restarted: target 1 VictoriaMetrics,1,$r1,,,,,,,,,,,,," >>"$csv"
	echo "$name VictoriaMetrics restarted: target 2 PostgreSQL,1,$r2,,,,,,,,,,,,," >>"$csv"
	echo "$name VictoriaMetrics restarted: target 3 InfluxDB,1,$r3,,,,,,,,,,,,," >>"$csv"
	for _ in fin fpg fvm; do
		eval "${on_exit[-1]}" || true
		unset 'on_exit[-1]'
	done
fi
