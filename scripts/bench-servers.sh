# shellcheck shell=bash disable=SC2154
# bench-servers.sh - the real-server cases of `make bench`: is tsload ever
# what limits a server's ingest rate? Sourced by scripts/bench.sh; uses its
# one, stat, spread, $here, $dir, $csv, $secs, $runs, $only and on_exit.
#
# For each server (PostgreSQL, InfluxDB, VictoriaMetrics, ClickHouse),
# started on a free loopback port by its scripts/<x>-local.sh and stopped
# by PID when its case ends:
#   1. a 2 s tsload run (not counted) creates the table or the series;
#   2. tsload ingest, -p 2 -c 2 unpaced with full batches, for $secs:
#      records/s as tsload reports them;
#   3. replay: the same options write the same bytes to
#      file:?format=lp|pgcopy|chtsv (as many records as step 2 wrote,
#      generated after it, so their time stamps are the newest the
#      server has seen, as tsload's always are), cut into requests of
#      one batch each; the server's own client sends them
#      over as many connections as tsload has threads (curl, one process
#      per connection over keep-alive, the requests of --data-binary;
#      psql \copy, one session per connection): records / wall seconds
#      from starting the clients to the last one's end;
#   steps 2 and 3 alternate $runs times, each once the server is quiet
#   again after the one before. The ratio tsload / replay is taken per
#   pair of runs (noise from other processes moves both); the table shows
#   the median and the lowest and highest pair.

# shellcheck source-path=SCRIPTDIR source=server-lib.sh
. "$here/server-lib.sh" # srv_ticks, srv_quiet

conns=4 # -p 2 -c 2 and as many replay clients
curl_extra=() # more headers of the curl replay's requests
srv_cases=0

# The single-layout column list of pgcopy_columns() and chtsv_columns().
single_cols="time, region, cell, silo, availability_zone, microservice_name, instance_type, os_version, instance_name, process_name, jdk_version, request_id, measure_name, measure_value_double, measure_value_bigint, measure_value_varchar"

# srv_opts HOST_SCALE BATCH: the options of a case's tsload runs, in opts
# and bs. With --host-scale H a thread's cycle is H x 6500 records (1000
# hosts x 20 metrics + 1200 event sets x 5, over 4 threads): a batch of
# that size is always full, so every request holds BATCH records.
srv_opts() {
	bs=$2
	opts=(-p 2 -c 2 --host-scale "$1" --interval-millis 0 --batch-writes --batch-size "$bs")
}

# gen_chunks_rw BATCH NEED: NEED remote write bodies of BATCH records
# each in $data/chunks: the very bodies the promrw target sends, kept by
# tests/tools/rwfake.py (save mode) while tsload writes to it with
# ${opts[@]} and --autostop, each thread's cycle being one batch.
gen_chunks_rw() {
	local bs=$1 need=$2 fd fpid
	rm -rf "$data/chunks" "$dir/rwfake"
	mkdir -p "$dir/rwfake"
	python3 "$here/../tests/tools/rwfake.py" "$dir/rwfake" save &
	fpid=$!
	for _ in $(seq 100); do [ -s "$dir/rwfake/port" ] && break; sleep 0.05; done
	"$TSLOAD" ingest --quiet --results "$dir/results" "${opts[@]}" --autostop $(((need + conns - 1) / conns)) \
		--target "promrw://127.0.0.1:$(cat "$dir/rwfake/port")" >"$dir/out" 2>"$dir/err" || {
		echo "bench: writing the replay bodies failed:" >&2
		cat "$dir/err" >&2
		kill "$fpid"
		return 1
	}
	kill "$fpid"
	wait "$fpid" 2>/dev/null || true
	fd=$dir/rwfake/bodies
	mv "$fd" "$data/chunks"
	find "$data/chunks" -type f | sort | tail -n +$((need + 1)) | xargs -r rm -f
}

# gen_chunks FORMAT BATCH NEED: NEED files of BATCH records each in
# $data/chunks, written by tsload to file:?format=FORMAT with ${opts[@]}
# in pieces of half a second (each piece at its own time stamps); format
# promrw: gen_chunks_rw.
gen_chunks() {
	local fmt=$1 bs=$2 need=$3 k=0 last
	if [ "$fmt" = promrw ]; then
		gen_chunks_rw "$bs" "$need"
		return
	fi
	rm -rf "$data/chunks"
	mkdir -p "$data/chunks"
	while [ "$(find "$data/chunks" -type f | wc -l)" -lt "$need" ]; do
		k=$((k + 1))
		"$TSLOAD" ingest --quiet --results "$dir/results" "${opts[@]}" --duration 0.5 \
			--target "file:$data/piece?format=$fmt" >"$dir/out" 2>"$dir/err" || {
			echo "bench: writing the replay data failed:" >&2
			cat "$dir/err" >&2
			return 1
		}
		split -l "$bs" -a 5 -d "$data/piece" "$data/chunks/p$k-"
		rm -f "$data/piece"
		# the piece's last lines, when they do not make a whole batch
		last=$(find "$data/chunks" -name "p$k-*" | sort | tail -1)
		[ "$(wc -l <"$last")" -eq "$bs" ] || rm -f "$last"
	done
	find "$data/chunks" -type f | sort | tail -n +$((need + 1)) | xargs -r rm -f
}

# The chunks dealt out to $conns clients: chunk i to client i % $conns.
# deal FILE_PREFIX ENTRY_FUNCTION: ENTRY_FUNCTION CHUNK FIRST prints the
# lines for one chunk (FIRST: 1 for a client's first) into client k's
# script FILE_PREFIX$k.
deal() {
	local pre=$1 fn=$2 i=0 k f
	for ((k = 0; k < conns; k++)); do : >"$pre$k"; done
	while read -r f; do
		k=$((i % conns))
		"$fn" "$f" $((i < conns)) >>"$pre$k"
		i=$((i + 1))
	done < <(find "$data/chunks" -type f | sort)
}

# clients COMMAND PREFIX: runs COMMAND PREFIX$k for each client k at once
# (output in PREFIX$k.out and .err) and prints the wall seconds from the
# start of the first to the end of the last; fails when one fails.
clients() {
	local cmd=$1 pre=$2 k t0 t1 rc=0 pids=()
	t0=$EPOCHREALTIME
	for ((k = 0; k < conns; k++)); do
		$cmd "$pre$k" >"$pre$k.out" 2>"$pre$k.err" &
		pids+=($!)
	done
	for k in "${pids[@]}"; do wait "$k" || rc=1; done
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }'
	return $rc
}

# curl: one process per connection, a -K config with all its requests
# (--next between them: the connection is kept alive). A request is what
# --data-binary @CHUNK sends (POST, Content-Length, the chunk as body),
# asked for as -X POST -T CHUNK so that curl reads each file as it sends
# it instead of loading them all before the first request.
curl_entry() {
	[ "$2" = 1 ] || echo next
	printf 'url = "%s"\nrequest = "POST"\nupload-file = "%s"\n' "$curl_url" "$1"
	printf 'header = "Content-Type: %s"\nheader = "Expect:"\n' "$curl_type"
	for h in "${curl_extra[@]}"; do printf 'header = "%s"\n' "$h"; done
	printf 'output = "/dev/null"\nsilent\nshow-error\nwrite-out = "%%{http_code} %%{num_connects}\\n"\n'
}
curl_client() { curl --noproxy '*' -K "$1"; }

# replay_curl: prints the replay's wall seconds.
replay_curl() {
	local t
	deal "$dir/curl" curl_entry
	t=$(clients curl_client "$dir/curl") || true
	awk -v conns="$conns" -v t="$t" '
		$1 !~ /^2/ { bad++; code = $1 }
		{ n++; c += $2 }
		END {
			if (bad) {
				printf "bench: %d of %d replay requests failed (HTTP %s)\n", bad, n, code > "/dev/stderr"
				exit 1
			}
			if (c > conns)
				printf "bench: warning: curl opened %d connections for %d clients\n", c, conns > "/dev/stderr"
			print t
		}' "$dir"/curl?.out || {
		head -3 "$dir"/curl?.err >&2
		return 1
	}
}

# psql: one session per connection running \copy of its chunks: one COPY
# (and transaction) each, as tsload's.
psql_entry() { echo "\\copy $psql_table ($single_cols) from '$1'"; }
psql_client() { psql "$psql_url" -X -q -v ON_ERROR_STOP=1 -f "$1"; }

# replay_psql: prints the replay's wall seconds.
replay_psql() {
	deal "$dir/psql" psql_entry
	clients psql_client "$dir/psql" || {
		echo "bench: psql \\copy failed: $(cat "$dir"/psql?.err | head -1)" >&2
		return 1
	}
}

# server_bench NAME TARGET FORMAT REPLAY: the case of one running server
# (opts and bs set by srv_opts, its PID in srv_pid; REPLAY is replay_curl
# or replay_psql).
server_bench() {
	local name=$1 tgt=$2 fmt=$3 replay=$4 need t _
	: >"$dir/runs"
	: >"$dir/replays"
	one "${opts[@]}" --duration 2 --target "$tgt" >/dev/null
	for _ in $(seq "$runs"); do
		srv_quiet "$srv_pid"
		one "${opts[@]}" --duration "$secs" --target "$tgt" >>"$dir/runs"
		# As many records as this run wrote, in whole rounds of one
		# batch per client, generated now: their time stamps are newer
		# than all the server holds, as tsload's are (InfluxDB pays
		# for points older than the ones it has), and none repeats.
		need=$(tail -1 "$dir/runs" | awk -v b="$bs" -v c="$conns" -v s="$secs" '{
			n = int($3 * s / b / c + 0.999) * c
			print (n > c ? n : c) }')
		gen_chunks "$fmt" "$bs" "$need"
		srv_quiet "$srv_pid"
		t=$("$replay")
		awk -v n="$need" -v b="$bs" -v t="$t" 'BEGIN { print n * b / t }' >>"$dir/replays"
	done
	# a line per pair: points/s points/CPU-s records/s RSS replay ratio (in
	# the single-measure layout a data point is a record)
	paste -d ' ' "$dir/runs" "$dir/replays" | awk '{ print $0, $3 / $5 }' >"$dir/pairs"
	read -r pm pl ph <<<"$(stat 1 "$dir/pairs")"
	read -r cm cl ch <<<"$(stat 2 "$dir/pairs")"
	read -r rm rl rh <<<"$(stat 3 "$dir/pairs")"
	read -r qm ql qh <<<"$(stat 5 "$dir/pairs")"
	read -r xm xl xh <<<"$(stat 6 "$dir/pairs")"
	rss=$(sort -g -k4 "$dir/pairs" | tail -1 | awk '{ print $4 }')
	printf '%-46s %10.0f (%5.1f%%) %10.0f %10.0f (%5.1f%%) %5.2f (%4.2f..%4.2f)\n' "$name" \
		"$rm" "$(spread "$rl" "$rh" "$rm")" "$cm" "$qm" "$(spread "$ql" "$qh" "$qm")" "$xm" "$xl" "$xh"
	echo "$name,$runs,$pm,$pl,$ph,$cm,$cl,$ch,$rm,$rss,$qm,$ql,$qh,$xm,$xl,$xh" >>"$csv"
	rm -rf "$data/chunks"
}

# srv_case NAME: whether the case runs (BENCH_ONLY); prints the table's
# header before the first one.
srv_case() {
	wanted "$1" || return 1
	if [ "$srv_cases" -eq 0 ]; then
		bash "$here/install-deps.sh"
		# The replay data lives in memory (tmpfs) where there is one:
		# neither writing nor reading it touches the servers' disk.
		if [ -w /dev/shm ]; then
			data=$(mktemp -d /dev/shm/tsload-bench.XXXXXX)
			on_exit+=("rm -rf '$data'")
		else
			data=$dir/replay
		fi
		echo
		echo "real servers: tsload's rate / the rate of the server's own client replaying the same bytes"
		printf '%-46s %19s %10s %19s %17s\n' "case" "tsload rec/s (spread)" \
			"rec/CPU-s" "replay rec/s (spread)" "ratio (min..max)"
	fi
	srv_cases=$((srv_cases + 1))
}

# case_up STOP_COMMAND: a server is up; the exit trap stops it unless
# case_down does first.
case_up() { on_exit+=("$1 >/dev/null 2>&1"); }
case_down() {
	eval "${on_exit[-1]}" || true
	unset 'on_exit[-1]'
}

name="server: PostgreSQL 15 COPY vs psql \\copy"
if srv_case "$name"; then
	chmod 711 "$dir" # the server runs as the postgres user
	url=$(bash "$here/pg-local.sh" start "$dir/pg")
	case_up "bash '$here/pg-local.sh' stop '$dir/pg'"
	srv_pid=$(head -1 "$dir/pg/pglocal/data/postmaster.pid")
	psql_url=$url psql_table=host_metrics
	srv_opts 1 6500
	server_bench "$name" "$url" pgcopy replay_psql
	case_down
fi

name="server: InfluxDB 1.6 line protocol vs curl"
if srv_case "$name"; then
	out=$(bash "$here/influx-local.sh" start "$dir/influx")
	read -r url srv_pid <<<"$out"
	case_up "bash '$here/influx-local.sh' stop '$dir/influx'"
	# precision=ns: the bodies are byte for byte the file's lines
	curl_url="http://${url#influx://}/write?db=devops&precision=ns"
	curl_type="text/plain; charset=utf-8"
	srv_opts 1 6500
	server_bench "$name" "$url/?precision=ns" lp replay_curl
	case_down
fi

name="server: VictoriaMetrics line protocol vs curl"
if srv_case "$name"; then
	out=$(bash "$here/vm-local.sh" start "$dir/vm")
	read -r url srv_pid <<<"$out"
	case_up "bash '$here/vm-local.sh' stop '$dir/vm'"
	curl_url="http://${url#vm://}/write?db=devops&precision=ns"
	curl_type="text/plain; charset=utf-8"
	srv_opts 1 6500
	server_bench "$name" "$url/?precision=ns" lp replay_curl
	case_down
fi

# Remote write: the bodies the promrw target sent (rwfake.py kept them),
# replayed by curl with the same headers; goal: ratio >= 0.9 (issue 19).
name="server: VictoriaMetrics remote write vs curl"
if srv_case "$name"; then
	out=$(bash "$here/vm-local.sh" start "$dir/vm")
	read -r url srv_pid <<<"$out"
	case_up "bash '$here/vm-local.sh' stop '$dir/vm'"
	curl_url="http://${url#vm://}/api/v1/write"
	curl_type="application/x-protobuf"
	curl_extra=("Content-Encoding: snappy" "X-Prometheus-Remote-Write-Version: 0.1.0" "User-Agent: tsload/0.1.0")
	srv_opts 1 6500
	server_bench "$name" "promrw://${url#vm://}/api/v1/write" promrw replay_curl
	curl_extra=()
	case_down
fi

name="server: ClickHouse 18.16 TSV INSERT vs curl"
if srv_case "$name"; then
	out=$(bash "$here/ch-local.sh" start "$dir/ch")
	read -r url srv_pid <<<"$out"
	case_up "bash '$here/ch-local.sh' stop '$dir/ch'"
	sql="INSERT INTO host_metrics ($single_cols) FORMAT TabSeparated"
	curl_url="$url/?database=devops&query=${sql// /%20}"
	curl_type="text/tab-separated-values; charset=UTF-8"
	# each INSERT makes a part: batches of 26000 rows
	srv_opts 4 26000
	server_bench "$name" "clickhouse://${url#http://}/?db=devops" chtsv replay_curl
	case_down
fi
