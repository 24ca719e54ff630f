#!/usr/bin/env bash
# bench-query.sh - the query driver against pgbench on PostgreSQL, called
# by scripts/bench.sh (make bench). One fixed query, the same SQL text for
# both tools: tsload query's mean latency of do-q1 (from run.json) divided
# by pgbench's measured latency average (`pgbench -n -f`, simple protocol),
# at the same number of connections, the tools alternating run by run on
# one throw-away server (scripts/pg-local.sh). Each pair of adjacent runs
# gives one ratio; the table shows their median and range.
#
# The server logs the duration of every statement, so each run also says
# how much its tool's mean exceeds the server's mean for the same
# statements: the time spent outside the server (network, client,
# scheduling), which the load of other processes moves far less than the
# latencies themselves.
#
#   scripts/bench-query.sh [CSV]   also appends its table to CSV
#
# Environment, as for bench.sh: TSLOAD, BENCH_SECONDS (per run, whole
# seconds), BENCH_RUNS (runs of each tool per case), BENCH_ONLY (part of a
# case name).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
: "${TSLOAD:=$src/build/bin/tsload}"
secs=${BENCH_SECONDS:-8}
runs=${BENCH_RUNS:-3}
only=${BENCH_ONLY:-}
csv=${1:-}
query=do-q1
ingest_s=4 # ~1M rows; do-q1 reads the ~40k memory_used rows of the hour
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
pgbench=$PGBIN/pgbench # in postgresql-15, which install-deps.sh installs

die() {
	echo "bench-query: $*" >&2
	exit 1
}
[[ $secs =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be whole seconds here (pgbench -T)"

# The cases: name|tsload -p, tsload -c, pgbench -c (= -j).
cases=(
	"query: postgres $query, tsload -p 1 -c 1 vs pgbench -c 1|1 1 1"
	"query: postgres $query, tsload -p 1 -c 4 vs pgbench -c 4 -j 4|1 4 4"
	"query: postgres $query, tsload -p 2 -c 2 vs pgbench -c 4 -j 4|2 2 4"
)
todo=()
for c in "${cases[@]}"; do
	if [ -n "$only" ]; then IFS="|" read -ra alts <<<"$only"; hit=; for a in "${alts[@]}"; do [[ ${c%%|*} == *"$a"* ]] && hit=1; done; [ -n "$hit" ] || continue; fi
	todo+=("$c")
done
[ ${#todo[@]} -gt 0 ] || exit 0
[ -x "$pgbench" ] || die "pgbench not found in $PGBIN (postgresql-15: scripts/install-deps.sh)"

# As root the server runs as the postgres user: it must reach its
# directory.
dir=$(mktemp -d "${TMPDIR:-/tmp}/tsload-benchq.XXXXXX")
chmod 711 "$dir"
trap 'bash "$here/pg-local.sh" stop "$dir/pg" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
url=$(bash "$here/pg-local.sh" start "$dir/pg") || die "PostgreSQL did not start"
pglog=$dir/pg/pglocal/run/pg.log

"$TSLOAD" ingest -q -p 2 -c 2 --host-scale 1 --interval-millis 0 --duration "$ingest_s" \
	--batch-writes --batch-size 1000 --target "$url" --results "$dir/results" \
	>"$dir/ingest.out" 2>&1 || {
	cat "$dir/ingest.out" >&2
	die "tsload ingest failed"
}
# Nothing left for autovacuum to do while the tools run, fresh statistics
# for the planner, one backend per query (no parallel workers coming and
# going), and every statement's duration in the server's log.
psql "$url" -Xq -v ON_ERROR_STOP=1 -c 'VACUUM ANALYZE host_metrics' \
	-c 'ALTER DATABASE tsload SET max_parallel_workers_per_gather = 0' \
	-c 'ALTER DATABASE tsload SET log_min_duration_statement = 0' ||
	die "cannot prepare the database"

cat >"$dir/q.ini" <<EOF
[default]
query_mode = regular
repetitions = 1
retries = 0

[query_distribution]
$query = 100
EOF

# tsload query with the seed's fixed parameters; prints run.json's path.
tsq() {
	local out=$dir/tsq.out
	"$TSLOAD" query -q --config "$dir/q.ini" --queries-dir "$src/configs/queries" \
		--params fixed --think-time-milliseconds 0 --target "$url" \
		-l "$dir/logs" --run-prefix q --results "$dir/results" "$@" >"$out" 2>&1 || {
		cat "$out" >&2
		die "tsload query $* failed"
	}
	sed -n 's/^results: \(.*run\.json\)$/\1/p' "$out"
}

# pgbench runs the text tsload wrote to do-q1.sql, with the semicolon that
# ends a command in its scripts (the casts' "::" are not pgbench
# variables). This first run also warms the cache.
tsq -p 1 -c 1 --repetitions 1 >/dev/null
cat "$dir"/logs/q-*-1-1/$query.sql >"$dir/q.sql"
echo ';' >>"$dir/q.sql"
rm -rf "$dir/logs"

# The server's mean duration of the statements logged after line $1 of
# its log, tsload's count queries left out. A query is one "statement"
# (simple protocol) or a parse, a bind and an "execute" (extended); the
# text follows on lines that start with a tab.
server_mean() {
	tail -n +"$(($1 + 1))" "$pglog" | awk '
		function flush() {
			if (d != "" && text !~ /num_data_points/) {
				s += d
				n += kind == "statement:" || kind == "execute"
			}
			d = ""
		}
		/ LOG:  duration: [0-9.]+ ms  / {
			flush()
			for (i = 1; i < NF; i++)
				if ($i == "duration:") {
					d = $(i + 1)
					kind = $(i + 3)
				}
			text = ""
			next
		}
		/^\t/ { text = text $0; next }
		{ flush() }
		END { flush(); printf "%.3f\n", n ? s / n : 0 }'
}

# one tsload run: "mean_ms server_mean_ms"
run_tsload() {
	local json mark
	mark=$(wc -l <"$pglog")
	json=$(tsq -p "$1" -c "$2" --duration "$secs")
	rm -rf "$dir/logs"
	echo "$(awk -F'[:,]' '/"avg_s"/ { printf "%.3f", $2 * 1000; exit }' "$json") $(server_mean "$mark")"
}

# one pgbench run: "mean_ms server_mean_ms". -P makes pgbench measure each
# transaction (without it, "latency average" is derived from the run
# time and the number of transactions).
run_pgbench() {
	local out=$dir/pgb.out mark
	mark=$(wc -l <"$pglog")
	"$pgbench" -n -f "$dir/q.sql" -c "$1" -j "$1" -T "$secs" -P "$secs" "$url" \
		>"$out" 2>&1 || {
		cat "$out" >&2
		die "pgbench -c $1 failed"
	}
	echo "$(awk '/^latency average = / { printf "%.3f", $4 }' "$out") $(server_mean "$mark")"
}

# median, min and max of column $1 of the lines in file $2
stat() { sort -g -k"$1" "$2" | awk -v c="$1" '{ v[NR] = $c } END {
	printf "%s %s %s", v[int((NR + 1) / 2)], v[1], v[NR] }'; }
spread() { awk -v l="$1" -v h="$2" -v m="$3" 'BEGIN { printf "%.1f", m ? 100 * (h - l) / m : 0 }'; }

[ -z "$csv" ] || printf '\n%s\n' "query_case,runs,tsload_mean_ms_median,tsload_mean_ms_min,tsload_mean_ms_max,pgbench_mean_ms_median,pgbench_mean_ms_min,pgbench_mean_ms_max,ratio_median,ratio_min,ratio_max,tsload_outside_server_ms_median,pgbench_outside_server_ms_median" >>"$csv"
echo
echo "query driver vs pgbench on PostgreSQL: $query, --params fixed, ${secs} s x ${runs} runs per tool, alternating"
echo "ratio: tsload mean / pgbench mean of adjacent runs; outside: client mean - server mean of the statements (ms)"
printf '%-62s %19s %19s %21s %17s\n' "case" "tsload ms (spread)" "pgbench ms (spread)" "ratio (min..max)" "outside ts / pgb"
for c in "${todo[@]}"; do
	name=${c%%|*}
	read -r p t n <<<"${c#*|}"
	: >"$dir/runs"
	for k in $(seq "$runs"); do
		# tsload first in odd runs, pgbench first in even ones
		if [ $((k % 2)) -eq 1 ]; then
			a=$(run_tsload "$p" "$t")
			b=$(run_pgbench "$n")
		else
			b=$(run_pgbench "$n")
			a=$(run_tsload "$p" "$t")
		fi
		read -r am as <<<"$a"
		read -r bm bs <<<"$b"
		awk -v am="$am" -v as="$as" -v bm="$bm" -v bs="$bs" 'BEGIN {
			printf "%s %s %.4f %.3f %.3f\n", am, bm, (bm > 0 ? am / bm : 0), am - as, bm - bs }' >>"$dir/runs"
	done
	read -r am al ah <<<"$(stat 1 "$dir/runs")"
	read -r bm bl bh <<<"$(stat 2 "$dir/runs")"
	read -r rm rl rh <<<"$(stat 3 "$dir/runs")"
	read -r ao _ _ <<<"$(stat 4 "$dir/runs")"
	read -r bo _ _ <<<"$(stat 5 "$dir/runs")"
	printf '%-62s %8.2f (%5.1f%%) %8.2f (%5.1f%%) %5.3f (%.3f..%.3f) %8.2f / %.2f\n' "$name" \
		"$am" "$(spread "$al" "$ah" "$am")" "$bm" "$(spread "$bl" "$bh" "$bm")" \
		"$rm" "$rl" "$rh" "$ao" "$bo"
	[ -z "$csv" ] ||
		echo "$name,$runs,$am,$al,$ah,$bm,$bl,$bh,$rm,$rl,$rh,$ao,$bo" >>"$csv"
done
