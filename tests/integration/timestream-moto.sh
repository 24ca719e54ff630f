#!/usr/bin/env bash
# tsload against moto's Timestream (the moto server of the image's Python,
# on a free loopback port): what moto holds after an ingest equals
# "Records written", record by record (dimensions, measure names, types,
# values, timestamps) in the single-measure, multi-measure and
# CommonAttributes layouts; paged query answers primed through moto's
# query-results API; cleanup. Skipped when no Python has moto.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1

. "$src/tests/moto.sh"
moto_start || { finish; exit; }
SECRET=$MOTO_SECRET
url=timestream+http://127.0.0.1:$port


# What moto holds in DB.TABLE, record by record; prints "records N" and
# "instances N", or the first problems and exit 1.
cat >check.py <<'EOF'
import json, sys

data, db, table, t0, t1, mode = sys.argv[1:7]
t0, t1 = int(t0), int(t1)
MET = ["cpu_user", "cpu_system", "cpu_steal", "cpu_iowait", "cpu_nice",
       "cpu_hi", "cpu_si", "cpu_idle", "memory_free", "memory_used",
       "memory_cached", "disk_io_reads", "disk_io_writes",
       "latency_per_read", "latency_per_write", "network_bytes_in",
       "network_bytes_out", "disk_used", "disk_free",
       "file_descriptors_in_use"]
EV = ["task_completed", "task_end_state", "gc_reclaimed", "gc_pause",
      "memory_free"]
EVT = {"task_completed": "BIGINT", "task_end_state": "VARCHAR"}
STATES = {"SUCCESS_WITH_NO_RESULT", "SUCCESS_WITH_RESULT", "INTERNAL_ERROR",
          "USER_ERROR", "UNKNOWN", "THROTTLED"}
MD = ["region", "cell", "silo", "availability_zone", "microservice_name",
      "instance_type", "os_version", "instance_name"]
ED = ["region", "cell", "silo", "availability_zone", "microservice_name",
      "instance_name", "process_name", "jdk_version"]
errors = []
tabs = [t for t in json.load(open(data))["timestreamwrite"]["TimestreamTable"]
        if t["db_name"] == db and t["name"] == table]
if len(tabs) != 1:
    sys.exit("%d tables %s.%s" % (len(tabs), db, table))
recs = tabs[0]["records"]


def value_ok(name, typ, v, ev):
    want = (EVT.get(name, "DOUBLE") if ev else "DOUBLE")
    if typ != want:
        return "%s is %s, expected %s" % (name, typ, want)
    if typ == "DOUBLE":
        float(v)
    elif typ == "BIGINT":
        int(v)
    elif v not in STATES:
        return "task_end_state %r" % v


insts = set()
samples = {}
for i, r in enumerate(recs):
    where = "record %d" % i
    try:
        if r.get("TimeUnit") != "MILLISECONDS" or not t0 <= int(r["Time"]) <= t1:
            errors.append("%s: time %s %s" % (where, r.get("Time"), r.get("TimeUnit")))
        if mode == "common":
            if "Dimensions" in r:
                errors.append(where + ": dimensions not in CommonAttributes")
            # no dimensions to tell: by name (memory_free is both, and
            # a DOUBLE either way)
            ev = r["MeasureName"] in EV and r["MeasureName"] not in MET
            key = (r["Time"],)
        else:
            dims = r["Dimensions"]
            names = [d["Name"] for d in dims]
            ev = names == ED
            if names != (ED if ev else MD):
                errors.append("%s: dimensions %s" % (where, names))
            if any(d.get("DimensionValueType") != "VARCHAR" or not d["Value"] for d in dims):
                errors.append(where + ": a dimension value")
            dv = {d["Name"]: d["Value"] for d in dims}
            inst = dv["instance_name"]
            if not inst.startswith("i-zaZswmJk-%s-%s-" % (dv["microservice_name"], dv["silo"])):
                errors.append("%s: instance name %s" % (where, inst))
            if not dv["silo"].startswith(dv["cell"]) or not dv["cell"].startswith(dv["region"]):
                errors.append(where + ": region/cell/silo")
            insts.add((ev, inst))
            key = (ev, inst, dv.get("process_name"), r["Time"])
        if mode == "multi":
            want = EV if ev else MET
            if (r["MeasureName"], r["MeasureValueType"]) != ("events" if ev else "metrics", "MULTI"):
                errors.append("%s: %s/%s" % (where, r["MeasureName"], r["MeasureValueType"]))
            if [m["Name"] for m in r["MeasureValues"]] != want:
                errors.append(where + ": measure names")
            for m in r["MeasureValues"]:
                e = value_ok(m["Name"], m["Type"], m["Value"], ev)
                if e:
                    errors.append("%s: %s" % (where, e))
        else:
            n = r["MeasureName"]
            if n not in (EV if ev else MET):
                errors.append("%s: measure %s" % (where, n))
            e = value_ok(n, r["MeasureValueType"], r["MeasureValue"], ev)
            if e:
                errors.append("%s: %s" % (where, e))
            samples.setdefault(key, []).append(n)
    except (KeyError, ValueError, TypeError) as x:
        errors.append("%s: %r" % (where, x))

if mode == "single":
    for key, names in samples.items():
        if names != (EV if key[0] else MET):
            errors.append("sample %s: measures %s" % (key, names))
            break
if errors:
    print("\n".join(errors[:10]))
    sys.exit(1)
print("records %d" % len(recs))
print("instances %d" % len({i for e, i in insts if not e}))
EOF

moto_data() { curl -sf "http://127.0.0.1:$port/moto-api/data.json" >data.json; }
now_ms() { "$py" -c 'import time; print(int(time.time() * 1000))'; }

# ingest NAME CHECK-MODE TARGET-URL ARGS...: one run, then moto's records
# against Records written
ingest() {
	local name=$1 mode=$2 target=$3 t0 t1 n
	shift 3
	t0=$(($(now_ms) - 1000))
	"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --target "$target" \
		-d "db_$name" -t "$name" --results res "$@" >"out_$name" 2>"err_$name"
	check_eq "$name: exit 0" 0 $?
	t1=$(($(now_ms) + 6000))
	n=$(records_written "out_$name")
	check "$name: records written" test "${n:-0}" -gt 0
	moto_data
	if "$py" check.py data.json "db_$name" "$name" "$t0" "$t1" "$mode" >"chk_$name"; then
		ok "$name: every record has the right dimensions, measures, types, times"
	else
		bad "$name: records in moto: $(head -3 "chk_$name" | tr '\n' ' ')"
	fi
	check_eq "$name: moto holds Records written" "$n" "$(sed -n 's/^records //p' "chk_$name")"
	[ "$mode" = common ] ||
		check_eq "$name: all 1000 hosts" 1000 "$(sed -n 's/^instances //p' "chk_$name")"
}

# One whole cycle, however slow moto is on a busy machine: a backfill of
# one cycle stamped now (every host is written, then the run ends).
one_cycle() { local t; t=$(now_ms); echo "--start-time $t --end-time $((t + 1))"; }
# 1. single-measure, one WriteRecords per sample (the seed's default)
# shellcheck disable=SC2046
ingest single single "$url" $(one_cycle)
check "single: retention as configured" grep -q '"MemoryStoreRetentionPeriodInHours": 2, "MagneticStoreRetentionPeriodInDays": 365' data.json
# 2. multi-measure, batched across hosts, 100 a call
# shellcheck disable=SC2046
ingest multi multi "$url" $(one_cycle) --multi --batch-writes --batch-size 100 \
	--memory-store-retention-hours 12 --magnetic-store-retention-days 30
check "multi: retention as configured" grep -q '"MemoryStoreRetentionPeriodInHours": 12, "MagneticStoreRetentionPeriodInDays": 30' data.json
# 3. the dimensions of each call in CommonAttributes (moto keeps the
# records as sent, without them); --endpoint instead of the URL's host
ingest common common "timestream://us-east-1?common=1" --duration 3 \
	--endpoint "http://127.0.0.1:$port"

# 4. queries: primed answers of three pages (one empty), twice
printf '[default]\nrepetitions = 2\nretries = 1\n[query_distribution]\ndo-q1 = 100\n' >q.ini
qargs=(--config q.ini -p 1 -c 1 --params fixed --think-time-milliseconds 0
	--query-end-time 'from_milliseconds(1700000000000)' --queries-dir "$src/configs/queries"
	--target "$url" -d db_single -t single --results res)
"$TSLOAD" query "${qargs[@]}" -l qlogs0 >outq0 2>&1
check_eq "query (unprimed): exit 0" 0 $?
sql=$(ls qlogs0/*-1-1/do-q1.sql)
"$py" - "$sql" >prime.json <<'EOF'
import json, sys
q = open(sys.argv[1]).read()
cols = [{"Name": "region", "Type": {"ScalarType": "VARCHAR"}},
        {"Name": "avg_value", "Type": {"ScalarType": "DOUBLE"}}]
def page(rows, token, mb):
    p = {"QueryId": "moto-paged-1", "ColumnInfo": cols,
         "Rows": [{"Data": [{"ScalarValue": "eu-west-1"}, {"ScalarValue": "%d.5" % i}]} for i in range(rows)],
         "QueryStatus": {"ProgressPercentage": 100.0, "CumulativeBytesScanned": mb * 2097152,
                         "CumulativeBytesMetered": mb * 1048576}}
    if token:
        p["NextToken"] = token
    return p
pages = [page(2, "n1", 10), page(0, "n2", 10), page(1, None, 10)]
print(json.dumps({"results": {q: pages + pages}}))
EOF
check_eq "query: answers primed" 201 "$(curl -s -o /dev/null -w '%{http_code}' -X POST \
	"http://127.0.0.1:$port/moto-api/static/timestream/query-results" \
	-H 'Content-Type: application/json' --data-binary @prime.json)"
"$TSLOAD" query "${qargs[@]}" -l qlogs >outq 2>&1
check_eq "query: exit 0" 0 $?
log=$(cat qlogs/*-1-1/do-q1.log)
check_eq "query: both executions read 3 rows over the pages" 2 \
	"$(grep -c '. QueryId: moto-paged-1. Time: [0-9.]*. Rows: 3$' <<<"$log")"
check_eq "query: the seed's page line" 2 \
	"$(grep -c '^Read 2 pages of result. Empty pages: 1. Bytes metered (MB): 10.0$' <<<"$log")"

# 5. cleanup drops table and database
for t in single multi common; do
	"$TSLOAD" cleanup --target "$url" -d "db_$t" -t "$t" >"outc_$t" 2>&1
	check_eq "cleanup $t: exit 0" 0 $?
done
# (data.json lists every object moto ever made: ask ListDatabases; moto
# routes by the credential scope and checks no signature)
dbs=$(curl -s "http://127.0.0.1:$port/" -H 'Content-Type: application/x-amz-json-1.0' \
	-H 'X-Amz-Target: Timestream_20181101.ListDatabases' -H 'X-Amz-Date: 20240101T000000Z' \
	-H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDMOTOTEST/20240101/us-east-1/timestream/aws4_request, SignedHeaders=host, Signature=0' \
	--data-binary '{}')
check "cleanup: ListDatabases answered" grep -q '"Databases"' <<<"$dbs"
check "cleanup: no database left" not grep -q '"DatabaseName": "db_' <<<"$dbs"

check "the secret appears nowhere" not grep -rqF "$SECRET" --exclude=moto.log --exclude=data.json .
finish
