#!/usr/bin/env bash
# Kubernetes, without a cluster: the manifests of scripts/k8s parsed and
# checked (and broken copies refused); the pod entrypoint run here with the
# environment of each pod 0..N-1 of the Indexed Job writes disjoint channel
# ranges that together are the whole model; the seed's Job environment
# (only the image changed) runs as the data generator would; TSLOAD_*
# variables and the seed's names, the command line winning; SIGTERM (a pod
# being stopped) drains and reports.
. "$(dirname "$0")/../lib.sh"
TSLOAD=$(cd "$(dirname "$TSLOAD")" && pwd)/$(basename "$TSLOAD")
cd "$T_TMP" || exit 1

K8S=$T_SRC/scripts/k8s
MODEL=$T_SRC/configs/datagen/temperature.json
CHECK=(python3 "$K8S/check-manifests.py")
mkdir -p bin
ln -s "$TSLOAD" bin/tsload
POD_PATH=$T_TMP/bin:$PATH
q() { sqlite3 "$1" "$2"; }

# 1. The manifests: kinds, labels, annotations, resources, the index
# wiring, Secret keys, every variable one tsload reads.
"${CHECK[@]}" --tsload "$TSLOAD" "$K8S"/*.yaml >check.out 2>&1
check_eq "manifests: check passes" 0 $?
check "manifests: 4 jobs, 0 faults" grep -q "^9 documents, 4 jobs, 0 faults" check.out
check "manifests: an Indexed Job of ingest pods" grep -q "completionMode: Indexed" "$K8S/tsload-datagen.yaml"

# Broken copies, each refused with the fault named.
broken() { # broken NAME FILE SED-EXPR WANT
	sed "$3" "$K8S/$2" >"b-$2"
	"${CHECK[@]}" --tsload "$TSLOAD" "b-$2" "$K8S/tsload-config.yaml" >"b.out" 2>&1
	local rc=$?
	check "broken $1: refused" test "$rc" -eq 1
	check "broken $1: says \"$4\"" grep -q -- "$4" b.out
}
broken "shard count" tsload-datagen.yaml '/TSLOAD_SHARD_COUNT/{n;s/"4"/"3"/}' "TSLOAD_SHARD_COUNT 3 != completions 4"
broken "typo in a variable" tsload-datagen.yaml 's/TSLOAD_MODEL_FILE/TSLOAD_MODLE_FILE/' "env TSLOAD_MODLE_FILE is not a variable"
broken "no scrape annotation" tsload-datagen.yaml '/prometheus.io\/scrape/d' "no prometheus.io scrape"
broken "parallelism" tsload-datagen.yaml 's/parallelism: 4/parallelism: 2/' "parallelism 2 != completions 4"
broken "Secret key" tsload-datagen.yaml 's/key: password/key: passwd/' "no Secret tsload with key passwd"
broken "no limits" tsload-datagen.yaml '/limits:/,/memory: 1Gi/d' "no resources.limits"
broken "worker count" tsload-coordinated.yaml '/TSLOAD_REMOTE_WORKERS/{n;s/"4"/"5"/}' "completions 4 != the coordinator's TSLOAD_REMOTE_WORKERS 5"
broken "connect" tsload-coordinated.yaml 's#tcp://tsload-coordinator:7800"#tcp://tsload-coord:7800"#' "names no Service tsload-coord"
broken "workers not Indexed" tsload-coordinated.yaml '/completionMode: Indexed/d' "worker Job not Indexed: each pod takes remote slot JOB_COMPLETION_INDEX"
broken "one index for all workers" tsload-coordinated.yaml 's#"tcp://tsload-coordinator:7800"]#"tcp://tsload-coordinator:7800", "--shard-index", "0"]#' "worker pods given one --shard-index"
broken "kind" tsload-datagen.yaml 's/^kind: Job/kind: CronJob/' "kind 'CronJob' is not one of"

# 2. The pods of tsload-datagen.yaml, here: the manifest's environment
# (2000 channels in 4 shards), to SQLite, two cycles instead of 14400.
"${CHECK[@]}" --env "$K8S"/*.yaml tsload-datagen >pod.env
check "pod env: the shard count is 4" grep -qx "TSLOAD_SHARD_COUNT=4" pod.env
pod() { # pod I [ARG...]: pod I of the Indexed Job
	local i=$1
	shift
	(
		set -a
		. ./pod.env
		set +a
		export PATH=$POD_PATH JOB_COMPLETION_INDEX=$i
		export TSLOAD_TARGET=sqlite:$T_TMP/pod$i.db TSLOAD_MODEL_FILE=$MODEL
		export TSLOAD_END_TIME=1600163745 TSLOAD_RESULTS=$T_TMP/res
		# /metrics on port 8000 of every interface is for pods; here
		# another test may hold that port
		unset TSLOAD_METRICS_PORT TSLOAD_METRICS_ADDR
		exec "$K8S/entrypoint.sh" "$@"
	) >"pod$i.out" 2>"pod$i.err"
}
for i in 0 1 2 3; do
	pod $i
	check_eq "pod $i: exit 0" 0 $?
	check "pod $i: the entrypoint names its index" grep -q "entrypoint: pod $i of an Indexed Job (shard count 4)" "pod$i.err"
	check_eq "pod $i: channels $((500 * i + 1))..$((500 * i + 500)), 2 cycles x 2 sensors" \
		"$((500 * i + 1))|$((500 * i + 500))|500|2000|1600163744000|1600163744500" \
		"$(q pod$i.db 'select min(cast(sensor_id as int)), max(cast(sensor_id as int)), count(distinct sensor_id), count(*), min(time), max(time) from timeseries')"
done
for i in 0 1 2 3; do q pod$i.db 'select distinct sensor_id from timeseries'; done | sort -n >ids
check_eq "pods: 2000 ids in all, none twice" "2000 2000" "$(wc -l <ids) $(sort -u ids | wc -l)"
check_eq "pods: together ids 1..2000" "$(seq 1 2000 | md5sum)" "$(md5sum <ids)"
check_eq "pods: the same plant/line per id as one whole run" \
	"0|0|1 4|99|500 0|0|501 4|99|2000" \
	"$(for i in 0 1 2 3; do q pod$i.db "select line, plant, sensor_id from timeseries where cast(sensor_id as int) in (1, 500, 501, 2000) and measure_name = 'value' group by sensor_id order by cast(sensor_id as int)"; done | tr '\n' ' ' | sed 's/ $//')"

# A pod without its index, and an index beyond the count: one line, 2.
( set -a; . ./pod.env; set +a; unset JOB_COMPLETION_INDEX TSLOAD_METRICS_PORT TSLOAD_METRICS_ADDR
  export TSLOAD_MODEL_FILE=$MODEL PATH=$POD_PATH; exec "$K8S/entrypoint.sh" ) >noidx.out 2>noidx.err
check_eq "no JOB_COMPLETION_INDEX: exit 2" 2 $?
check "no JOB_COMPLETION_INDEX: one line naming it" grep -q "^tsload: error: --shard-count 4 needs --shard-index (or JOB_COMPLETION_INDEX" noidx.err
pod 4
check_eq "index 4 of 4: exit 2" 2 $?
check "index 4 of 4: one line" grep -q "error: --shard-index: 4 is not below --shard-count 4" pod4.err

# 2b. tsload-coordinated.yaml, here: the coordinator's environment, and
# its 4 worker pods started one by one from the last index to the first;
# pod I takes remote slot I (JOB_COMPLETION_INDEX), so shard I.
"${CHECK[@]}" --env "$K8S"/*.yaml tsload-coordinator >coord.env
"${CHECK[@]}" --env "$K8S"/*.yaml tsload-workers >workers.env
CPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(
	set -a
	. ./coord.env
	set +a
	unset TSLOAD_METRICS_PORT TSLOAD_METRICS_ADDR TSLOAD_DURATION
	export PATH=$POD_PATH TSLOAD_LISTEN=tcp://127.0.0.1:$CPORT TSLOAD_MODEL_FILE=$MODEL
	export TSLOAD_TARGET=null: TSLOAD_RESULTS=$T_TMP/cres TSLOAD_AUTOSTOP=1 TSLOAD_INTERVAL_MILLIS=0
	exec "$K8S/entrypoint.sh" ingest -q
) >coord.out 2>&1 &
cpid=$!
wpids=()
for i in 3 2 1 0; do
	(
		set -a
		. ./workers.env
		set +a
		export PATH=$POD_PATH JOB_COMPLETION_INDEX=$i
		exec "$K8S/entrypoint.sh" worker --connect "tcp://127.0.0.1:$CPORT"
	) >"wpod$i.out" 2>&1 &
	wpids+=($!)
	for _ in $(seq 1 300); do
		grep -q "($((4 - i)) of 4 remote workers)" coord.out && break
		sleep 0.1
	done
done
wait $cpid
check_eq "coordinated: the coordinator exits 0" 0 $?
for p in "${wpids[@]}"; do wait "$p"; done
check_eq "coordinated: pods joined from index 3 to 0 are workers 4, 3, 2, 1" "4 3 2 1" \
	"$(sed -n 's/.*worker \([0-9]*\) at .* joined ([0-9] of 4 remote workers).*/\1/p' coord.out | tr '\n' ' ' | sed 's/ $//')"
check "coordinated: run.json's workers are shards 0..3 of the 2000 hosts, each with a result" \
	python3 - "$(ls "$T_TMP"/cres/*/run.json)" <<'PY'
import json, sys
w = json.load(open(sys.argv[1]))["workers"]
ok = [(x["first_host"], x["end_host"]) for x in w] == [(0, 500), (500, 1000), (1000, 1500), (1500, 2000)]
sys.exit(0 if ok and all(x["result_delivered"] for x in w) else 1)
PY

# 3. The seed's own Job (seed-job.yaml, the image changed): its variables,
# the command line giving the target (no CrateDB here) and a short run.
# MODEL_PATH turns the seed's exporter on (--metrics-port 8000 on every
# interface); TSLOAD_METRICS_PORT=0 wins and keeps these runs off a port
# that another test may hold.
export TSLOAD_METRICS_PORT=0
"${CHECK[@]}" --env "$K8S"/seed-job.yaml dg-1 >seed.env
seedpod() {
	(
		set -a
		. ./seed.env
		set +a
		export PATH=$POD_PATH MODEL_PATH=$MODEL INGEST_SIZE=3
		exec "$K8S/entrypoint.sh" "$@"
	)
}
seedpod -q --target "sqlite:$T_TMP/seed.db" --results "$T_TMP/res" >seed.out 2>seed.err
check_eq "seed job: exit 0" 0 $?
check_eq "seed job: table doc.timeseries2, ids 1..500 x 3 values x 2 sensors, the seed's first stamp and step" \
	"3000|500|1|500|1600163744000|1600163745000|3" \
	"$(q seed.db 'select count(*), count(distinct sensor_id), min(cast(sensor_id as int)), max(cast(sensor_id as int)), min(time), max(time), count(distinct time) from "doc.timeseries2"')"
check "seed job: SHARDS is said to be ignored" grep -q "SHARDS=28: CrateDB's table shards" seed.out
check "seed job: HOST's port 4200 is said to be CrateDB's HTTP port" grep -q "port 4200 is CrateDB's HTTP endpoint" seed.out
# HOST, USERNAME and PASSWORD are the target: a closed port is named.
(set -a; . ./seed.env; set +a; export HOST=127.0.0.1:1 MODEL_PATH=$MODEL INGEST_SIZE=1
 exec "$TSLOAD" ingest -q --results "$T_TMP/res") >host.out 2>host.err
check_eq "seed HOST: the postgres target, refused here: exit 1" 1 $?
check "seed HOST: libpq's message names 127.0.0.1 port 1" grep -q 'postgres: connection to server at "127.0.0.1", port 1 failed' host.err
check "seed HOST: the password is not shown" absent_from CHANGE-ME host.err host.out

# 4. TSLOAD_* and the seed's names: the command line wins over TSLOAD_*,
# which wins over the seed's; a mistyped TSLOAD_ name is said.
tables() { q "$1" .tables; }
MODEL_PATH=$MODEL INGEST_SIZE=1 TABLE_NAME=seedt TSLOAD_TABLE_NAME=envt \
	"$TSLOAD" ingest -q --target "sqlite:$T_TMP/w1.db" --results res >/dev/null 2>&1
check_eq "TSLOAD_TABLE_NAME wins over TABLE_NAME" envt "$(tables w1.db)"
MODEL_PATH=$MODEL INGEST_SIZE=1 TSLOAD_TABLE_NAME=envt \
	"$TSLOAD" ingest -q --target "sqlite:$T_TMP/w2.db" --results res -t argt >/dev/null 2>&1
check_eq "the command line wins over TSLOAD_TABLE_NAME" argt "$(tables w2.db)"
TSLOAD_MODEL_FILE=$MODEL TSLOAD_AUTOSTOP=1 TSLOAD_INTERVAL_MILLIS=0 TSLOAD_ID_START=10 TSLOAD_ID_END=20 \
	TSLOAD_TARGET=sqlite:$T_TMP/w3.db TSLOAD_RESULTS=res TSLOAD_QUIET=true "$TSLOAD" ingest >w3.out 2>w3.err
check_eq "TSLOAD_* alone: exit 0" 0 $?
check_eq "TSLOAD_* alone: hosts [10, 20) are channels 11..20 in table temperature" "11|20|20" \
	"$(q w3.db 'select min(cast(sensor_id as int)), max(cast(sensor_id as int)), count(*) from temperature')"
TSLOAD_MODLE_FILE=x MODEL_PATH=$MODEL INGEST_SIZE=1 "$TSLOAD" ingest -q --target null: --results res >w4.out 2>w4.err
check "TSLOAD_MODLE_FILE: said, with the right name" grep -q "TSLOAD_MODLE_FILE is not an option variable, ignored (did you mean TSLOAD_MODEL_FILE" w4.err
MODEL_PATH=$MODEL INGEST_MODE=2 "$TSLOAD" ingest -q --target null: >w5.out 2>w5.err
check_eq "INGEST_MODE=2: exit 2" 2 $?
check_eq "INGEST_MODE=2: one line" 'tsload: error: INGEST_MODE: "2" is not 0 or 1 (consecutive or fast)' "$(cat w5.err)"
# consecutive: INGEST_SIZE values per channel every INGEST_DELTA on the clock
MODEL_PATH=$MODEL INGEST_MODE=0 INGEST_SIZE=2 INGEST_DELTA=0.1 ID_END=10 \
	"$TSLOAD" ingest -q --target "sqlite:$T_TMP/c.db" --results res >c.out 2>c.err
check_eq "INGEST_MODE=0: exit 0" 0 $?
read -r n k lo hi <<<"$(q c.db 'select count(*), count(distinct time), min(time), max(time) from temperature' | tr '|' ' ')"
check_eq "INGEST_MODE=0: 10 channels x 2 ticks x 2 sensors" "40 2" "$n $k"
check_eq "INGEST_MODE=0: ticks INGEST_DELTA apart" 100 "$((hi - lo))"
check_eq "INGEST_MODE=0: stamps on the INGEST_DELTA grid" 0 "$((lo % 100))"

# 5. SIGTERM, as Kubernetes stops a pod: the run stops, what was written
# is counted and reported, exit 0 (well within the grace period).
(
	set -a
	. ./pod.env
	set +a
	unset TSLOAD_END_TIME TSLOAD_START_TIME TSLOAD_METRICS_PORT TSLOAD_METRICS_ADDR
	export PATH=$POD_PATH JOB_COMPLETION_INDEX=1 TSLOAD_MODEL_FILE=$MODEL
	export TSLOAD_TARGET=sqlite:$T_TMP/term.db TSLOAD_RESULTS=$T_TMP/termres TSLOAD_INTERVAL_MILLIS=100
	exec "$K8S/entrypoint.sh"
) >term.out 2>term.err &
pid=$!
for _ in $(seq 1 300); do
	n=$(q term.db 'select count(*) from timeseries' 2>/dev/null)
	[ "${n:-0}" -ge 3000 ] && break
	sleep 0.1
done
check "SIGTERM: rows written before the signal" test "${n:-0}" -ge 3000
kill -TERM $pid
alive() { kill -0 "$1" 2>/dev/null; }
for _ in $(seq 1 600); do alive $pid || break; sleep 0.1; done
check "SIGTERM: exited within 60 s (the manifests' grace period)" not alive $pid
wait $pid
check_eq "SIGTERM: exit 0" 0 $?
check "SIGTERM: says why it stopped" grep -q "stopping: interrupted (SIGTERM)" term.out
check "SIGTERM: run.json written" test -s "$(ls -d "$T_TMP"/termres/*-ingest-*)/run.json"
check_eq "SIGTERM: Records written = rows in the table" "$(q term.db 'select count(*) from timeseries')" "$(records_written term.out)"
check_eq "SIGTERM: only pod 1's channels" "501|1000" "$(q term.db 'select min(cast(sensor_id as int)), max(cast(sensor_id as int)) from timeseries')"

finish
