#!/usr/bin/env bash
# bench-matrix.sh [CSV] - the protocol matrix of `make bench`: one model,
# one seed, one data set, sent over each protocol tsload speaks to a
# receiver started here on loopback, and what each costs:
#
#   bytes/pt     loopback bytes (both directions, TCP/IP headers and
#                acknowledgements included) per data point written: the
#                run happens in a network namespace of its own (unshare
#                -n, as root), where only its traffic crosses lo;
#                "-" without one
#   tsload µs    tsload's CPU (coordinator + workers, user + sys) per
#                data point
#   server µs    the receiver's CPU per data point (/proc/PID/stat of the
#                server started here, its children too), read once it is
#                quiet again after the run (what it does later for the
#                data, flushes and merges, counts)
#   ack p50/p99  the write latency of run.json: a batch's send to its
#                acknowledgement (Graphite and OpenTSDB telnet have none:
#                the kernel taking the bytes)
# Each figure is the median of MATRIX_RUNS (3) runs of the row (the same
# points again: the receivers store them again or, VictoriaMetrics,
# deduplicate them).
#
# The data set: perf-scale, --seed 1, 1000 hosts (26000 series in the
# single-measure layout), MATRIX_PASSES (20) passes 10 s apart, at fixed
# times an hour ago, -p 1 -c 2 in batches of 5000 records (Timestream's
# calls hold 100). Text values (task_end_state) are data points for the
# protocols that carry text; Graphite and OpenTSDB leave them out, and
# every figure is per data point written. A row whose server is missing
# says so and the others go on. MATRIX_ONLY="Graphite|remote" runs only
# the rows whose protocol contains one of the words. CSV (optional): the
# table, written there.
set -euo pipefail
: "${TSLOAD:=build/bin/tsload}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
csv=${1:-}

# a network namespace of our own: lo counts this run's bytes alone
if [ -z "${MATRIX_NETNS:-}" ] && [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
	unshare -n true 2>/dev/null; then
	MATRIX_NETNS=1 exec unshare -n bash "$0" "$@"
fi
netns=${MATRIX_NETNS:-}
if [ -n "$netns" ]; then
	ip link set lo up
fi
. "$here/server-lib.sh"

dir=$(mktemp -d "${TMPDIR:-/tmp}/tsload-matrix.XXXXXX")
chmod 711 "$dir" # PostgreSQL runs as its own user
stops=()
cleanup() {
	local i
	for ((i = ${#stops[@]} - 1; i >= 0; i--)); do eval "${stops[i]}" >/dev/null 2>&1 || true; done
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passes=${MATRIX_PASSES:-20}
t0=$(($(date +%s) / 60 * 60 - 3600))
t1=$((t0 + passes * 10))
data=(--seed 1 --host-scale 1 --interval-millis 10000 --start-time "$t0" --end-time "$t1"
	-p 1 -c 2 --batch-writes)
hz=$(getconf CLK_TCK)

lo_bytes() {
	if [ -n "$netns" ]; then
		awk '$1 == "lo:" { print $2 }' /proc/net/dev
	else
		echo 0
	fi
}

[ -z "$csv" ] || echo "protocol,receiver,points,bytes_per_point,tsload_cpu_us_per_point,server_cpu_us_per_point,ack_p50_ms,ack_p99_ms" >"$csv"
printf '%-30s %-24s %9s %8s %10s %10s %9s %9s\n' protocol receiver points bytes/pt \
	"tsload µs" "server µs" "ack p50" "ack p99"
[ -n "$netns" ] || echo "(no network namespace: run as root with unshare for bytes/pt)"

# want NAME...: whether MATRIX_ONLY takes a row named one of NAMEs
want() {
	local a n w
	[ -n "${MATRIX_ONLY:-}" ] || return 0
	IFS='|' read -ra w <<<"$MATRIX_ONLY"
	for n in "$@"; do
		for a in "${w[@]}"; do [[ $n == *"$a"* ]] && return 0; done
	done
	return 1
}

# row PROTOCOL RECEIVER URL [BATCH]: the data set to URL in batches of
# BATCH records (5000), MATRIX_RUNS times (3), the receiver at $srv_pid;
# prints the medians of the runs
row() {
	local proto=$1 recv=$2 url=$3 bs=${4:-5000} b0 b1 c0 c1 out json i
	want "$proto" || return 0
	: >"$dir/row"
	for i in $(seq "${MATRIX_RUNS:-3}"); do
		srv_quiet "$srv_pid"
		b0=$(lo_bytes)
		c0=$(srv_ticks "$srv_pid")
		out=$dir/run.out.$i
		if ! "$TSLOAD" ingest --quiet --results "$dir/results" "${data[@]}" --batch-size "$bs" \
			--target "$url" >"$out" 2>"$dir/run.err"; then
			printf '%-30s %-24s failed: %s\n' "$proto" "$recv" "$(tail -1 "$dir/run.err")"
			return 0
		fi
		srv_quiet "$srv_pid"
		c1=$(srv_ticks "$srv_pid")
		b1=$(lo_bytes)
		json=$(sed -n 's/.*results: \([^,]*run\.json\).*/\1/p' "$out" | tail -1)
		echo "$json $out $((b1 - b0)) $((c1 - c0))" >>"$dir/row"
	done
	python3 - "$dir/row" "$proto" "$recv" "$hz" "$netns" "$csv" <<'PY'
import json, re, statistics, sys
rows, proto, recv, hz, netns, csv = sys.argv[1:]
runs = []
for line in open(rows):
    js, out, nbytes, ticks = line.split()
    t = json.load(open(js))["totals"]
    pts = t["points"]
    cpu = float(re.search(r"tsload CPU: ([0-9.]+) s", open(out).read()).group(1))
    runs.append((pts, int(nbytes) / pts, cpu / pts * 1e6,
                 int(ticks) / int(hz) / pts * 1e6,
                 t["latency_s"]["p50"] * 1e3, t["latency_s"]["p99"] * 1e3))
med = [statistics.median(c) for c in zip(*runs)]
cells = [proto, recv, "%d" % med[0], "%.1f" % med[1] if netns else "-",
         "%.2f" % med[2], "%.2f" % med[3], "%.2f ms" % med[4], "%.2f ms" % med[5]]
print("%-30s %-24s %9s %8s %10s %10s %9s %9s" % tuple(cells))
if csv:
    with open(csv, "a") as f:
        f.write("%s,%s,%d,%s,%s,%s,%.3f,%.3f\n" % (proto.replace(",", ";"),
                recv, med[0], cells[3], cells[4], cells[5], med[4], med[5]))
PY
}

have() { command -v "$1" >/dev/null; }

# VictoriaMetrics: line protocol, Graphite, OpenTSDB (HTTP and telnet),
# and remote write when this tsload has promrw://
if ! want "line protocol" "remote write" Graphite OpenTSDB; then
	:
elif have victoria-metrics; then
	for try in 1 2 3; do
		gp=$(srv_free_port) op=$(srv_free_port) tp=$(srv_free_port)
		if out=$(VM_ARGS="-graphiteListenAddr=127.0.0.1:$gp -opentsdbHTTPListenAddr=127.0.0.1:$op -opentsdbListenAddr=127.0.0.1:$tp" \
			bash "$here/vm-local.sh" start "$dir/vm" 2>"$dir/vm.err"); then
			break
		fi
		[ "$try" -lt 3 ] || { echo "matrix: victoria-metrics did not start: $(tail -1 "$dir/vm.err")"; out=; }
	done
	if [ -n "$out" ]; then
		read -r url srv_pid <<<"$out"
		stops+=("bash '$here/vm-local.sh' stop '$dir/vm'")
		vm=VictoriaMetrics
		row "line protocol (HTTP)" "$vm" "$url/?db=matrix"
		if "$TSLOAD" ingest --help 2>&1 | grep -q 'promrw://'; then
			row "remote write (protobuf+snappy)" "$vm" "promrw://${url#vm://}/api/v1/write"
		fi
		row "Graphite plaintext (TCP)" "$vm" "graphite://127.0.0.1:$gp?prefix=matrix"
		row "OpenTSDB /api/put JSON" "$vm" "opentsdb://127.0.0.1:$op?prefix=matrix"
		row "OpenTSDB telnet put (TCP)" "$vm" "opentsdb://127.0.0.1:$tp?mode=telnet&prefix=matrix"
		eval "${stops[-1]}" >/dev/null 2>&1 || true
		unset 'stops[-1]'
	fi
else
	echo "matrix: victoria-metrics not installed: its rows are left out"
fi

# Timestream's JSON (WriteRecords, SigV4-signed) to the fake endpoint of
# the tests, which acknowledges at once
if ! want JSON; then
	:
elif [ -n "${TSFAKE:-}" ] && [ -x "$TSFAKE" ]; then
	secret='benchSecret/0123456789ABCDEFGHIJklmnopqrst'
	"$TSFAKE" --port-file "$dir/tsport" --stats-file "$dir/tsstats" --secret "$secret" &
	srv_pid=$!
	stops+=("kill $srv_pid; wait $srv_pid")
	for _ in $(seq 100); do [ -s "$dir/tsport" ] && break; sleep 0.05; done
	AWS_ACCESS_KEY_ID=AKIDBENCH AWS_SECRET_ACCESS_KEY=$secret AWS_REGION=us-east-1 \
		AWS_EC2_METADATA_DISABLED=true \
		row "JSON (Timestream WriteRecords)" "tsfake (instant ack)" "timestream+http://127.0.0.1:$(cat "$dir/tsport")" 100
	eval "${stops[-1]}" >/dev/null 2>&1 || true
	unset 'stops[-1]'
else
	echo "matrix: no TSFAKE: the JSON row is left out"
fi

if want PostgreSQL && { [ -n "${PGBIN:-}" ] || ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; }; then
	if url=$(bash "$here/pg-local.sh" start "$dir/pg" 2>"$dir/pg.err"); then
		stops+=("bash '$here/pg-local.sh' stop '$dir/pg'")
		srv_pid=$(head -1 "$dir/pg/pglocal/data/postmaster.pid")
		row "PostgreSQL COPY (text)" "PostgreSQL" "$url"
		eval "${stops[-1]}" >/dev/null 2>&1 || true
		unset 'stops[-1]'
	else
		echo "matrix: PostgreSQL did not start: $(tail -1 "$dir/pg.err")"
	fi
fi

if want ClickHouse && have clickhouse-server; then
	if out=$(bash "$here/ch-local.sh" start "$dir/ch" 2>"$dir/ch.err"); then
		read -r url srv_pid <<<"$out"
		stops+=("bash '$here/ch-local.sh' stop '$dir/ch'")
		row "ClickHouse TSV (HTTP)" "ClickHouse" "clickhouse://${url#http://}/?db=matrix"
		eval "${stops[-1]}" >/dev/null 2>&1 || true
		unset 'stops[-1]'
	else
		echo "matrix: ClickHouse did not start: $(tail -1 "$dir/ch.err")"
	fi
fi
