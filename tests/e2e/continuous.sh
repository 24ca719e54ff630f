#!/usr/bin/env bash
# End-to-end runs of --model continuous (the continuous ingestor's seed,
# seed-behaviour.md §5): --autostop N writes exactly N values of every
# series, in whole seconds, N distinct ones per series, with -p/-c too;
# include filters and scales change the counts as the model says;
# --missing-cpu drops the 8 CPU measures of a binomial share of samples;
# --dry-run writes nothing and prints the seed's noise lines; the seed's
# start-up and closing lines; the seed README's command lines run as they
# are with a --target added; tsload query on the table it filled.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1

q() { sqlite3 "$1" "$2"; }
# The 8 dimensions that together name a series (instance names repeat
# across silos), plus the measure.
series="region, cell, silo, availability_zone, microservice_name, instance_name, instance_type, os_version, process_name, jdk_version, measure_name"

# ingest_c NAME ARGS...: a continuous run into results/, out.NAME/err.NAME
ingest_c() {
	local name=$1
	shift
	"$TSLOAD" ingest --model continuous -q --results "$T_TMP/results" "$@" \
		>"out.$name" 2>"err.$name"
}

# 1. --autostop 5 at host-scale 1, one thread: (20,200 + 6,060) x 5
db=$T_TMP/a.db
ingest_c a -c 1 --autostop 5 --target "sqlite:$db"
check_eq "autostop 5: exit 0" 0 $?
check_eq "autostop 5: 131,300 rows (the seed runbook's count)" 131300 \
	"$(q "$db" 'select count(*) from host_metrics')"
check_eq "autostop 5: Records written 131300" 131300 "$(records_written out.a)"
check_eq "autostop 5: 26,260 series" 26260 \
	"$(q "$db" "select count(*) from (select distinct $series from host_metrics)")"
check_eq "autostop 5: every series has exactly 5 values" 0 \
	"$(q "$db" "select count(*) from (select $series, count(*) c from host_metrics group by $series having c != 5)")"
check_eq "autostop 5: every series has 5 distinct timestamps" 0 \
	"$(q "$db" "select count(*) from (select $series, count(distinct time) c from host_metrics group by $series having c != 5)")"
check_eq "autostop 5: timestamps are whole seconds" 0 \
	"$(q "$db" 'select count(*) from host_metrics where time % 1000 != 0')"
check_eq "autostop 5: one cycle a second at most (5 distinct seconds)" 5 \
	"$(q "$db" 'select count(distinct time) from host_metrics')"
check_eq "autostop 5: 1010 hosts" 1010 \
	"$(q "$db" "select count(*) from (select distinct region, cell, silo, instance_name from host_metrics where process_name is null)")"
check_eq "autostop 5: the seed's instance names" 0 \
	"$(q "$db" "select count(*) from host_metrics where instance_name not glob 'i-AUa00Zt2-*-[0-9][0-9][0-9][0-9].amazonaws.com'")"
check_eq "autostop 5: eu-central-1 has its 1 silo" 1 \
	"$(q "$db" "select count(distinct silo) from host_metrics where region = 'eu-central-1'")"
check "autostop 5: the seed's start-up lines" grep -q '^Generating dimensions for regions' out.a
check "autostop 5: 1010 unique metric dimensions" grep -qx '1010 unique metric dimensions.' out.a
check "autostop 5: 1212 unique event dimensions" grep -qx '1212 unique event dimensions.' out.a
check "autostop 5: the seed's closing line, one write per series sample (2,222 x 5)" \
	grep -qE '^Total=11110, Success=11110, Avg=[0-9.e-]+, Stddev=[0-9.e-]+, 50thPerc=[0-9.e-]+, 90thPerc=[0-9.e-]+, 99thPerc=[0-9.e-]+$' out.a
check "autostop 5: Total time to ingest" grep -qE '^Total time to ingest: [0-9.]+ seconds$' out.a
check "autostop 5: nothing behind schedule" grep -q 'Behind schedule: 0$' out.a
check "autostop 5: stderr is empty" test ! -s err.a

# 2. the same with 2 workers x 2 threads: the hosts are sharded
db=$T_TMP/b.db
ingest_c b -p 2 -c 2 --autostop 5 --target "sqlite:$db"
check_eq "-p 2 -c 2: exit 0" 0 $?
check_eq "-p 2 -c 2: 131,300 rows" 131300 "$(q "$db" 'select count(*) from host_metrics')"
check_eq "-p 2 -c 2: every series has exactly 5 values at 5 timestamps" 0 \
	"$(q "$db" "select count(*) from (select $series, count(*) c, count(distinct time) t from host_metrics group by $series having c != 5 or t != 5)")"
check_eq "-p 2 -c 2: 26,260 series" 26260 \
	"$(q "$db" "select count(*) from (select distinct $series from host_metrics)")"
check_eq "-p 2 -c 2: whole seconds" 0 "$(q "$db" 'select count(*) from host_metrics where time % 1000 != 0')"

# 2b. --autostop is any model's: perf-scale, unpaced, 3 cycles per thread
db=$T_TMP/p.db
"$TSLOAD" ingest -q -p 2 -c 2 --host-scale 1 --interval-millis 0 --autostop 3 \
	--target "sqlite:$db" --results "$T_TMP/results" >out.perf 2>err.perf
check_eq "perf-scale --autostop 3: exit 0" 0 $?
check_eq "perf-scale --autostop 3: 3 x 26,000 rows" 78000 "$(q "$db" 'select count(*) from host_metrics')"
check_eq "perf-scale --autostop 3: every series has 3 values" 0 \
	"$(q "$db" "select count(*) from (select instance_name, process_name, measure_name, count(*) c from host_metrics group by 1, 2, 3 having c != 3)")"

# 3. the default -c 10 and the filters and scales: records of one pass
# (metric hosts x 20 + event sets x 5)
pass() { # NAME WANT ARGS...: one pass to null:, Records written = WANT
	local name=$1 want=$2
	shift 2
	ingest_c "$name" --autostop 1 --target null: "$@"
	check_eq "$name: exit 0" 0 $?
	check_eq "$name: $want records" "$want" "$(records_written "out.$name")"
}
pass default-c 26260
check "default -c 10: 10 threads" grep -q '1 worker x 10 threads' out.default-c
# eu-central-1: 1 silo of 10 hosts and 12 event sets
pass region-fra 260 --include-region eu-central-1
# athena in eu-central-1: 1 host with 2 processes; -c 10 works with 1
pass one-host 30 --include-region eu-central-1 --include-ms athena
check "one host: fewer threads than -c 10, said as the seed says it" \
	grep -qx "Can't have more threads than dimension metrics. Working with 1 thread(s)." out.one-host
# apollo: 3 hosts a silo, 1 process each: 303 hosts, 303 event sets
pass ms-apollo $((303 * 25)) --include-ms apollo
# us-east-1 and eu-west-1: 45 + 20 silos of 10 hosts and 12 event sets
pass two-regions $((65 * 260)) --include-region us-east-1,eu-west-1
# athena,zeus: 1 + 3 hosts, 1 x 2 + 3 x 1 event sets a silo
pass two-ms $((101 * (4 * 20 + 5 * 5))) --include-ms zeus,athena
# the seed README's one-region, one-microservice line: us-east-1, apollo
pass scale-1-1 $((45 * 3 * 25)) --region-scale 1 --ms-scale 1
pass region-scale-2 $((45 * 260 + 4 * 260)) --region-scale 2
pass host-scale-2 $((2 * 26260)) -s 2
pass scaled-filter $((3 * 1 * 260)) --host-scale 3 --include-region eu-central-1 -c 1

# 4. --missing-cpu 30: the 8 CPU measures leave a binomial share of the
# 5,050 metric samples together. Mean 3,535 kept; sd 32.6; 6 sd bounds.
db=$T_TMP/m.db
ingest_c m -c 2 --autostop 5 --missing-cpu 30 --target "sqlite:$db"
check_eq "missing-cpu: exit 0" 0 $?
mem=$(q "$db" "select count(*) from host_metrics where measure_name = 'memory_used'")
cpu=$(q "$db" "select count(*) from host_metrics where measure_name = 'cpu_user'")
check_eq "missing-cpu: every metric sample has memory_used" 5050 "$mem"
check "missing-cpu: cpu_user in 30 % fewer samples ($cpu of 5050, 3340..3730)" \
	test "$cpu" -ge 3340 -a "$cpu" -le 3730
check_eq "missing-cpu: the 8 CPU measures go together" 0 \
	"$(q "$db" "select count(*) from (select instance_name, silo, time, count(*) c from host_metrics where measure_name like 'cpu_%' group by 1, 2, 3 having c != 8)")"
check_eq "missing-cpu: rows = Records written" "$(records_written out.m)" \
	"$(q "$db" 'select count(*) from host_metrics')"
check_eq "missing-cpu: rows = 12 x samples + 8 x samples with CPU + events" \
	"$((12 * 5050 + 8 * cpu + 6060 * 5))" "$(q "$db" 'select count(*) from host_metrics')"

# 5. --dry-run: nothing written, no target needed, every sample counted,
# the seed's line for each noisy cpu_user
ingest_c dry -c 1 --autostop 1 --dry-run --sin-signal-cpu 20 --sin-frq-cpu h \
	--include-region eu-central-1 -e us-east-1
check_eq "dry-run: exit 0" 0 $?
check_eq "dry-run: every sample counted" 260 "$(records_written out.dry)"
check_eq "dry-run: one noise line per metric sample" 10 \
	"$(grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}: 0\.0017Hz => [0-9.]+ \+ -?[0-9.e-]+ = [0-9.]+ ==> SNR 20(\.0)? => N=-?[0-9.e-]+ on hostId [0-9]+$' out.dry)"
check "dry-run: no database made" test ! -e "$T_TMP/results/tsload.db"
check "dry-run: run.json names null:" grep -q '"target": "null:"' "$(ls -d "$T_TMP"/results/*-ingest-* | tail -1)/run.json"
ingest_c dry2 -c 1 --autostop 1 --dry-run --sin-signal-cpu 100 --include-region eu-central-1
check_eq "dry-run, SNR 100: no noise, no line" 0 \
	"$(grep -c 'Hz => ' out.dry2)"

# 6. the seed README's command lines, unchanged, with a target added
db=$T_TMP/readme.db
ingest_c readme1 -c 1 --host-scale 1 -d testDb -t testTable -e 'us-east-1' \
	--target "sqlite:$db" --autostop 1
check_eq "README single-threaded: exit 0" 0 $?
check_eq "README single-threaded: 26,260 rows in testTable" 26260 \
	"$(q "$db" 'select count(*) from testTable')"
ingest_c readme2 -c 1 --region-scale 1 --ms-scale 1 --host-scale 1 -d testDb \
	-t testTable -e 'us-east-1' --target null: --duration 3
check_eq "README one region, one microservice: exit 0" 0 $?
n=$(records_written out.readme2)
check "README one region, one microservice: whole passes of 3,375 ($n)" \
	test "${n:-0}" -gt 0 -a $((${n:-1} % 3375)) -eq 0
ingest_c readme3 -c 30 --host-scale 1 -d testDb -t testTable -e 'us-east-1' \
	--target null: --autostop 1
check_eq "README -c 30: exit 0" 0 $?
check_eq "README -c 30: one pass" 26260 "$(records_written out.readme3)"
ingest_c readme4 -c 30 --host-scale 3 -d testDb -t testTable -e 'us-east-1' \
	--target null: --autostop 1
check_eq "README -c 30 --host-scale 3: exit 0" 0 $?
check_eq "README -c 30 --host-scale 3: one pass" $((3 * 26260)) "$(records_written out.readme4)"

# 6b. seed-exact mode: -p 1 -c 1 --seed 42 gives the seed's own values.
# The vectors are CV_RUN_PLAIN of tests/data/continuous-vectors.h, which
# tests/data/continuous-vectors.py wrote by running the seed's formulas in
# CPython (random.seed(42), hosts 0..7 of the first pass, in order).
db=$T_TMP/exact.db
ingest_c exact -p 1 -c 1 --seed 42 --autostop 1 --target "sqlite:$db"
check_eq "seed-exact: exit 0" 0 $?
python3 - "$src/tests/data/continuous-vectors.h" "$db" >exact.txt 2>&1 <<'PY'
import re, sqlite3, sys
text = open(sys.argv[1]).read()
run = text[text.index("CV_RUN_PLAIN = {"):]
run = run[:run.index("} };")]
hosts = re.findall(r"\{ (\d+), \d+, /\* \w+ \*/ \{(.*?)\} \}", run, re.S)
names = ["cpu_user", "cpu_system", "cpu_steal", "cpu_iowait", "cpu_nice",
         "cpu_hi", "cpu_si", "cpu_idle", "memory_free", "memory_used",
         "memory_cached", "disk_used", "disk_free", "file_descriptors_in_use",
         "disk_io_reads", "disk_io_writes", "latency_per_read",
         "latency_per_write", "network_bytes_in", "network_bytes_out"]
# hosts 0..9 of the first silo: apollo 3, athena, demeter, hercules 2, zeus 3
inst = ["apollo-0000", "apollo-0001", "apollo-0002", "athena-0000",
        "demeter-0000", "hercules-0000", "hercules-0001", "zeus-0000"]
db = sqlite3.connect(sys.argv[2])
same = 0
for h, body in hosts:
    want = [float.fromhex(x) for x in re.findall(r"(-?0x[0-9a-f.]+p[+-]\d+)", body)]
    got = dict(db.execute(
        "select measure_name, measure_value_double from host_metrics where "
        "silo = 'us-east-1-cell-1-silo-1' and process_name is null and "
        "instance_name = ?", ("i-AUa00Zt2-%s.amazonaws.com" % inst[int(h)],)))
    for n, w in zip(names, want):
        if got.get(n) == w:
            same += 1
        else:
            print("host %s %s: want %r, got %r" % (h, n, w, got.get(n)))
print("same", same)
PY
check_eq "seed-exact: the 160 values of hosts 0..7 are the seed's, bit for bit" \
	"same 160" "$(tail -1 exact.txt)"
ingest_c exact2 -p 1 -c 2 --seed 42 --autostop 1 --target "sqlite:$T_TMP/exact2.db"
check "seed-exact: not with 2 threads (each its own stream)" \
	test "$(sqlite3 "$T_TMP/exact2.db" "select measure_value_double from host_metrics where silo = 'us-east-1-cell-1-silo-1' and instance_name = 'i-AUa00Zt2-apollo-0000.amazonaws.com' and measure_name = 'memory_free'")" != 7304.48933896467

# 7. tsload model and tsload query on the table the model filled
"$TSLOAD" model --model continuous >model.out 2>&1
check_eq "model: exit 0" 0 $?
check "model: 1010 unique metric dimensions" grep -qx '1010 unique metric dimensions.' model.out
"$TSLOAD" model --model continuous -s 3 --include-ms apollo >model3.out 2>&1
check "model -s 3 --include-ms apollo: 909 hosts" grep -qx '909 unique metric dimensions.' model3.out
db=$T_TMP/a.db
for params in table random; do
	"$TSLOAD" query --model continuous --target "sqlite:$db" --params $params \
		--config "$src/configs/config.ini" --queries-dir "$src/configs/queries" \
		--repetitions 12 --think-time-milliseconds 0 -q \
		--results "$T_TMP/qres-$params" -l "$T_TMP/qlogs" >"q.$params" 2>&1
	check_eq "query --params $params on the continuous table: exit 0" 0 $?
	check_eq "query --params $params: 12 queries ok" 12 \
		"$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["queries"]["totals"]["ok"])' "$T_TMP"/qres-$params/*/run.json 2>&1)"
done
finish
