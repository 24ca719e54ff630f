#!/usr/bin/env bash
# make bench: what tsload itself costs. Each case runs BENCH_RUNS times
# (default 3); the table shows the median and the spread (min..max) of
# data points per wall second and per CPU second of tsload's own processes
# (coordinator + workers, user + sys, from wait4), and peak memory. The
# table also goes to results/bench-<time>.csv. Not part of `make test`.
# BENCH_OLD=PATH (another tsload binary): each local case alternates the
# two binaries run by run, and a line "old" with the other's medians and
# the ratio new/old follows each case (the servers and query parts run
# the new binary only).
set -euo pipefail
: "${TSLOAD:=build/bin/tsload}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
secs=${BENCH_SECONDS:-8}
runs=${BENCH_RUNS:-3}
only=${BENCH_ONLY:-}
dir=$(mktemp -d "${TMPDIR:-/tmp}/tsload-bench.XXXXXX")
# Commands the exit trap runs, last first: the servers bench-servers.sh
# starts are stopped before their directories go.
on_exit=("rm -rf '$dir'")
cleanup() {
	local i
	for ((i = ${#on_exit[@]} - 1; i >= 0; i--)); do eval "${on_exit[i]}" || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p results
csv=results/bench-$(date -u +%Y%m%d-%H%M%S).csv
# the last six columns: the real-server cases only (bench-servers.sh)
echo "case,runs,points_per_s_median,points_per_s_min,points_per_s_max,points_per_cpu_s_median,points_per_cpu_s_min,points_per_cpu_s_max,records_per_s_median,peak_rss_mib_max,replay_records_per_s_median,replay_records_per_s_min,replay_records_per_s_max,ratio_median,ratio_min,ratio_max" >"$csv"

# one run: prints "points_per_s points_per_cpu_s records_per_s rss_mib"
one() {
	"${bin:-$TSLOAD}" ingest --quiet --results "$dir/results" "$@" >"$dir/out" 2>"$dir/err" || {
		echo "bench: tsload ingest $* failed:" >&2
		cat "$dir/err" >&2
		return 1
	}
	awk '
		/^Data points written:/ { gsub(/[()\/s]/, " "); pps = $5 }
		/Records\/sec:/ { r = $NF; gsub(/,/, "", r) }
		/^tsload CPU:/ {
			for (i = 1; i <= NF; i++) {
				if ($i == "data" && $(i + 1) == "points") ppc = $(i - 1)
				if ($i == "memory:") rss = $(i + 1)
			}
		}
		END { print pps, ppc, r, rss }' "$dir/out"
}

# median and min/max of column $1 of the run lines in $2
stat() { sort -g -k"$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END {
	printf "%s %s %s", v[int((NR + 1) / 2)], v[1], v[NR] }'; }

# wanted NAME: whether BENCH_ONLY (parts of case names, "a|b") takes it
wanted() {
	local alt
	[ -n "$only" ] || return 0
	IFS='|' read -ra alt <<<"$only"
	for a in "${alt[@]}"; do [[ $1 == *"$a"* ]] && return 0; done
	return 1
}

# spread MIN MAX MEDIAN: (max - min) in % of the median
spread() { awk -v l="$1" -v h="$2" -v m="$3" 'BEGIN { print m ? 100 * (h - l) / m : 0 }'; }

bench() {
	local name=$1
	shift
	wanted "$name" || return 0
	: >"$dir/runs"
	: >"$dir/runs-old"
	for _ in $(seq "$runs"); do
		if [ -n "${BENCH_OLD:-}" ]; then
			rm -f "$dir"/*.db "$dir"/*.db-*
			bin=$BENCH_OLD one "$@" >>"$dir/runs-old"
		fi
		rm -f "$dir"/*.db "$dir"/*.db-*
		one "$@" >>"$dir/runs"
	done
	read -r pm pl ph <<<"$(stat 1 "$dir/runs")"
	read -r cm cl ch <<<"$(stat 2 "$dir/runs")"
	read -r rm _ _ <<<"$(stat 3 "$dir/runs")"
	rss=$(sort -g -k4 "$dir/runs" | tail -1 | awk '{ print $4 }')
	printf '%-46s %12.0f (%5.1f%%) %12.0f (%5.1f%%) %8.1f\n' "$name" "$pm" \
		"$(spread "$pl" "$ph" "$pm")" "$cm" "$(spread "$cl" "$ch" "$cm")" "$rss"
	echo "$name,$runs,$pm,$pl,$ph,$cm,$cl,$ch,$rm,$rss,,,,,," >>"$csv"
	[ -n "${BENCH_OLD:-}" ] || return 0
	read -r opm _ _ <<<"$(stat 1 "$dir/runs-old")"
	read -r ocm _ _ <<<"$(stat 2 "$dir/runs-old")"
	printf '%-46s %12.0f %8s %12.0f  new/old: %.3f wall, %.3f CPU\n' "  old ($BENCH_OLD)" "$opm" "" "$ocm" \
		"$(awk -v a="$pm" -v b="$opm" 'BEGIN { print b ? a / b : 0 }')" \
		"$(awk -v a="$cm" -v b="$ocm" 'BEGIN { print b ? a / b : 0 }')"
	echo "$name (old),$runs,$opm,,,$ocm,,,,,,,,,," >>"$csv"
}

echo "tsload bench on $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), ${secs} s x ${runs} runs per case, unpaced"
printf '%-46s %21s %21s %8s\n' "case" "points/s (spread)" "points/CPU-s (spread)" "RSS MiB"
u=(--interval-millis 0 --duration "$secs" --batch-writes --batch-size 100)
bench "null: generation only, -p 2 -c 2" -p 2 -c 2 --host-scale 10 "${u[@]}" --target null:
bench "null: continuous model's generation, -p 2 -c 2" -p 2 -c 2 --model continuous --host-scale 10 "${u[@]}" --target null:
# Serialised in memory: null:?format= builds each batch's text and drops it.
bench "line protocol in memory, -p 2 -c 2" -p 2 -c 2 --host-scale 10 "${u[@]}" --target "null:?format=lp"
bench "line protocol in memory, multi-measure" -p 2 -c 2 --host-scale 10 "${u[@]}" --multi --target "null:?format=lp"
bench "JSON records in memory, -p 2 -c 2" -p 2 -c 2 --host-scale 10 "${u[@]}" --target "null:?format=json"
bench "CSV in memory, -p 2 -c 2" -p 2 -c 2 --host-scale 10 "${u[@]}" --target "null:?format=csv"
# Remote write 1.0 bodies (protobuf + snappy, one per batch) in memory;
# goal >= 5M samples per tsload CPU-second (issue 19).
goal_line() {
	local cm
	cm=$(tail -1 "$csv" | cut -d, -f6)
	printf '%-46s goal >= %s points/CPU-s: %s\n' "" "$2" \
		"$(awk -v c="$cm" -v g="$2" 'BEGIN { print (c >= g ? "met" : "NOT MET") }')"
}
if wanted "remote write in memory"; then
	bench "remote write in memory, -p 2 -c 2" -p 2 -c 2 --host-scale 10 "${u[@]}" --target "null:?format=promrw"
	goal_line "remote write in memory" 5000000
	bench "remote write in memory, batches of 6500" -p 2 -c 2 --host-scale 10 --interval-millis 0 \
		--duration "$secs" --batch-writes --batch-size 6500 --target "null:?format=promrw"
	goal_line "remote write in memory" 5000000
fi
bench "line protocol to /dev/null (file:), -p 2 -c 2" -p 2 -c 2 --host-scale 10 "${u[@]}" --target "file:/dev/null?format=lp"
bench "sqlite:, -p 1 -c 1" -p 1 -c 1 --host-scale 1 "${u[@]}" --target "sqlite:$dir/a.db"
bench "sqlite:, -p 2 -c 2" -p 2 -c 2 --host-scale 1 "${u[@]}" --target "sqlite:$dir/b.db"
bench "sqlite:, -p 2 -c 2, seed default (no batching)" -p 2 -c 2 --host-scale 1 --interval-millis 0 --duration "$secs" --target "sqlite:$dir/c.db"
bench "scaling: lp in memory, host-scale 1" -p 2 -c 2 --host-scale 1 "${u[@]}" --target "null:?format=lp"
bench "scaling: lp in memory, host-scale 100" -p 2 -c 2 --host-scale 100 "${u[@]}" --target "null:?format=lp"
bench "scaling: lp in memory, host-scale 1000" -p 2 -c 2 --host-scale 1000 "${u[@]}" --target "null:?format=lp"
bench "memory: host-scale 4000 (4M hosts), -p 2 -c 2" -p 2 -c 2 --host-scale 4000 "${u[@]}" --target null:

# The disk spool (issue 15): the spool stage's write speed (encode,
# append, group-commit fdatasync) and replay speed (read, CRC check,
# decode, hand on) in MB/s of spool bytes, against the disk's sequential
# write speed measured by dd (1 MiB blocks, one fdatasync at the end) in
# the same directory, run by run; the replay is timed from the first
# batch the target takes (not the wait for the stage's next probe of a
# target that was down, up to 2 s). Goal: both >= 50% of dd. CSV: the MB/s
# in the points_per_s columns, the share of dd in the ratio columns.
spool_case() {
	local mib=${BENCH_SPOOL_MIB:-256} ddm w r i
	: >"$dir/spool-runs"
	for i in $(seq "$runs"); do
		ddm=$(dd if=/dev/zero of="$dir/dd.out" bs=1M count="$mib" conv=fdatasync 2>&1 |
			awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") s = $(i - 1); print $1 / s / 1e6 }')
		rm -f "$dir/dd.out"
		rm -rf "$dir/spool"
		read -r w r _ <<<"$("$SPOOLBENCH" "$dir/spool" "$mib")" || return 1
		rm -rf "$dir/spool"
		echo "$ddm $w $r $(awk -v a="$w" -v d="$ddm" 'BEGIN { print a / d }') $(awk -v a="$r" -v d="$ddm" 'BEGIN { print a / d }')" >>"$dir/spool-runs"
	done
	read -r dm _ _ <<<"$(stat 1 "$dir/spool-runs")"
	read -r wm wl wh <<<"$(stat 2 "$dir/spool-runs")"
	read -r rm rl rh <<<"$(stat 3 "$dir/spool-runs")"
	read -r wrm wrl wrh <<<"$(stat 4 "$dir/spool-runs")"
	read -r rrm rrl rrh <<<"$(stat 5 "$dir/spool-runs")"
	printf '%-46s %9.0f MB/s write (%3.0f%% of dd %.0f MB/s), %.0f MB/s replay (%3.0f%%)%s\n' \
		"spool: $mib MiB through the spool stage" "$wm" "$(awk -v x="$wrm" 'BEGIN { print 100 * x }')" "$dm" \
		"$rm" "$(awk -v x="$rrm" 'BEGIN { print 100 * x }')" \
		"$(awk -v a="$wrm" -v b="$rrm" 'BEGIN { if (a < 0.5 || b < 0.5) print "  BELOW THE 50% GOAL" }')"
	echo "spool: write MB/s vs dd,$runs,$wm,$wl,$wh,,,,,,,,,$wrm,$wrl,$wrh" >>"$csv"
	echo "spool: replay MB/s vs dd,$runs,$rm,$rl,$rh,,,,,,,,,$rrm,$rrl,$rrh" >>"$csv"
	echo "dd: sequential write MB/s,$runs,$dm,,,,,,,,,,,,," >>"$csv"
}
if [ -n "${SPOOLBENCH:-}" ] && [ -x "$SPOOLBENCH" ] && wanted "spool"; then
	spool_case
fi
# tsload generate: access-log lines into /dev/null, per wall and CPU
# second (its own summary line); the goal is >= 2M apache lines per
# CPU-second (issue 16). RSS column: not measured (0).
gen_bench() {
	local name=$1 goal=$2
	shift 2
	wanted "$name" || return 0
	: >"$dir/runs"
	for _ in $(seq "$runs"); do
		"$TSLOAD" generate "$@" >/dev/null 2>"$dir/err" || {
			echo "bench: tsload generate $* failed:" >&2
			cat "$dir/err" >&2
			return 1
		}
		sed -n 's/.*, \([0-9]*\) lines\/s, CPU .* s, \([0-9]*\) lines per CPU-second.*/\1 \2 \1 0/p' "$dir/err" >>"$dir/runs"
	done
	read -r pm pl ph <<<"$(stat 1 "$dir/runs")"
	read -r cm cl ch <<<"$(stat 2 "$dir/runs")"
	printf '%-46s %12.0f (%5.1f%%) %12.0f (%5.1f%%) %8s  goal >= %s lines/CPU-s: %s\n' "$name" "$pm" \
		"$(spread "$pl" "$ph" "$pm")" "$cm" "$(spread "$cl" "$ch" "$cm")" "-" "$goal" \
		"$(awk -v c="$cm" -v g="$goal" 'BEGIN { print (g == 0 ? "(none)" : c >= g ? "met" : "NOT MET") }')"
	echo "$name,$runs,$pm,$pl,$ph,$cm,$cl,$ch,$pm,0,,,,,," >>"$csv"
}
echo "(generate cases: lines, not points)"
gen_bench "generate apache, 4M lines, 1 thread" 2000000 -l apache -i 4000000
gen_bench "generate cloudfront, 2M lines, 1 thread" 0 -l cloudfront -i 2000000
gen_bench "generate cloudflare, 2M lines, 1 thread" 0 -l cloudflare -i 2000000
gen_bench "generate apache -b 10, 4M lines, 1 thread" 0 -l apache -i 4000000 -b 10
gen_bench "generate apache, 8M lines, -c 2" 2000000 -l apache -i 8000000 -c 2

# Timestream WriteRecords (JSON, SigV4-signed, 100 records a call) to the
# fake endpoint of the tests, which acknowledges at once (it checks every
# signature). It runs on the same 2 cores as tsload.
if [ -n "${TSFAKE:-}" ] && [ -x "$TSFAKE" ]; then
	secret='benchSecret/0123456789ABCDEFGHIJklmnopqrst'
	"$TSFAKE" --port-file "$dir/tsport" --stats-file "$dir/tsstats" --secret "$secret" &
	tspid=$!
	for _ in $(seq 100); do [ -s "$dir/tsport" ] && break; sleep 0.05; done
	export AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=$secret AWS_REGION=us-east-1 \
		AWS_EC2_METADATA_DISABLED=true
	ts="timestream+http://127.0.0.1:$(cat "$dir/tsport")"
	bench "timestream WriteRecords to instant ack, -p 1 -c 1" -p 1 -c 1 --host-scale 1 "${u[@]}" --target "$ts"
	bench "timestream WriteRecords to instant ack, -p 2 -c 4" -p 2 -c 4 --host-scale 1 "${u[@]}" --target "$ts"
	kill "$tspid" 2>/dev/null
	wait "$tspid" 2>/dev/null || true
fi

# tsload stream kafka FILE against kcat -P, on librdkafka's mock cluster
if wanted "stream kafka"; then
	TSLOAD=$TSLOAD MOCKKAFKA=${MOCKKAFKA:-} bash "$here/bench-stream.sh" "$csv"
fi

# PostgreSQL, InfluxDB, VictoriaMetrics and ClickHouse, each against a
# replay of the same bytes by its own client
# shellcheck source-path=SCRIPTDIR source=bench-servers.sh
. "$here/bench-servers.sh"

# the protocol matrix (issue 19): one data set over every protocol, bytes
# and CPU per data point, acknowledgement latency
if wanted "matrix"; then
	echo
	echo "protocol matrix: one data set (perf-scale, --seed 1, 1000 hosts x 20 passes) over each protocol"
	TSLOAD=$TSLOAD TSFAKE=${TSFAKE:-} bash "$here/bench-matrix.sh" "${csv%.csv}-matrix.csv" ||
		echo "bench: the protocol matrix failed" >&2
fi

# fan-out: one run writing to three servers at once
# shellcheck source-path=SCRIPTDIR source=bench-fanout.sh
. "$here/bench-fanout.sh"

# the query driver against pgbench
TSLOAD=$TSLOAD bash "$here/bench-query.sh" "$csv"

# open loop: rates and a schedule held, and the schedule lag
TSLOAD=$TSLOAD bash "$here/bench-rate.sh" "$csv"

# verify (issue 20): a 10.4M-point run on PostgreSQL and VictoriaMetrics,
# written then verified; goal: verify takes less time than writing
if wanted "verify"; then
	TSLOAD=$TSLOAD bash "$here/bench-verify.sh" "$csv" || echo "bench: the verify case failed" >&2
fi

# remote workers: 3 hosts in network namespaces against one host (root)
if wanted "remote"; then
	TSLOAD=$TSLOAD BENCH_SECONDS=$secs BENCH_RUNS=$runs bash "$here/bench-remote.sh" "$csv"
fi
echo "table written to $csv"
