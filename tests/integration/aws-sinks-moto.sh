#!/usr/bin/env bash
# The Kinesis and S3 sinks against moto (tests/moto.sh): what the stream
# and the bucket hold after an ingest equals "Records written", record by
# record (read back with boto3); objects of N lines, gzip; cleanup.
# Skipped when no Python has moto and boto3.
. "$(dirname "$0")/../lib.sh"
src=$(cd "$(dirname "$0")/../.." && pwd)
cd "$T_TMP" || exit 1

. "$src/tests/moto.sh"
moto_start || { finish; exit; }
if ! "$py" -c 'import boto3' 2>/dev/null; then
	bad "no boto3 next to moto ($py): the sink checks cannot run"
	finish
	exit
fi
ep=http://127.0.0.1:$port

# read.py kinesis STREAM | s3 BUCKET PREFIX LINES: reads everything back,
# checks each record, prints "records N" (and "objects N", "full N").
cat >read.py <<'EOF'
import boto3, gzip, json, sys

ep = sys.argv[1]
kind = sys.argv[2]
kw = dict(endpoint_url=ep, region_name="us-east-1",
          aws_access_key_id="a", aws_secret_access_key="b")
MD = ["region", "cell", "silo", "availability_zone", "microservice_name",
      "instance_type", "os_version", "instance_name"]
ED = ["region", "cell", "silo", "availability_zone", "microservice_name",
      "instance_name", "process_name", "jdk_version"]
bad = []


def check(rec, key=None):
    names = [d["Name"] for d in rec["Dimensions"]]
    if names not in (MD, ED):
        bad.append("dimensions %s" % names)
    inst = rec["Dimensions"][names.index("instance_name")]["Value"]
    if key is not None and key != inst:
        bad.append("partition key %s for %s" % (key, inst))
    if rec["TimeUnit"] != "MILLISECONDS" or not rec["Time"].isdigit():
        bad.append("time %s" % rec["Time"])
    if rec["MeasureValueType"] == "MULTI":
        if rec["MeasureName"] not in ("metrics", "events"):
            bad.append("measure name %s" % rec["MeasureName"])
    elif "MeasureValue" not in rec:
        bad.append("no MeasureValue")


n = 0
if kind == "kinesis":
    c = boto3.client("kinesis", **kw)
    for sh in c.list_shards(StreamName=sys.argv[3])["Shards"]:
        it = c.get_shard_iterator(StreamName=sys.argv[3], ShardId=sh["ShardId"],
                                  ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while True:
            r = c.get_records(ShardIterator=it, Limit=10000)
            for rec in r["Records"]:
                n += 1
                check(json.loads(rec["Data"]), rec["PartitionKey"])
            if not r["Records"]:
                break
            it = r["NextShardIterator"]
else:
    c = boto3.client("s3", **kw)
    bucket, prefix, lines = sys.argv[3], sys.argv[4], int(sys.argv[5])
    objs = c.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
    full = 0
    for o in objs:
        body = c.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
        if o["Key"].endswith(".gz"):
            body = gzip.decompress(body)
        ls = body.decode().splitlines()
        full += len(ls) == lines
        n += len(ls)
        for line in ls:
            check(json.loads(line))
    print("objects %d" % len(objs))
    print("full %d" % full)
if bad:
    print("\n".join(bad[:5]))
    sys.exit(1)
print("records %d" % n)
EOF

# 1. Kinesis, single-measure: one record per measure, keyed by host. One
# writer: moto's shards lose records to concurrent PutRecords ("not safe
# for concurrency", moto/kinesis/models.py)
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 4 --target 'kinesis://tsl-single?shards=2' \
	--endpoint "$ep" --results res >out1 2>err1
check_eq "kinesis: exit 0" 0 $?
n=$(records_written out1)
check "kinesis: records written" test "${n:-0}" -gt 0
if "$py" read.py "$ep" kinesis tsl-single >r1; then ok "kinesis: every record well formed, keyed by its host"; else bad "kinesis: $(head -3 r1 | tr '\n' ' ')"; fi
check_eq "kinesis: the stream holds Records written" "$n" "$(sed -n 's/^records //p' r1)"

# 2. Kinesis, multi-measure, 500 a call
"$TSLOAD" ingest -p 1 -c 1 --host-scale 1 --duration 3 --multi --batch-writes --batch-size 500 \
	--target 'kinesis://tsl-multi' --endpoint "$ep" --results res >out2 2>err2
check_eq "kinesis multi: exit 0" 0 $?
"$py" read.py "$ep" kinesis tsl-multi >r2
check_eq "kinesis multi: the stream holds Records written" "$(records_written out2)" "$(sed -n 's/^records //p' r2)"
"$TSLOAD" ingest --batch-writes --batch-size 501 --target 'kinesis://x' >out3 2>&1
check_eq "kinesis: batch of 501 is a usage error" 2 $?

# 3. S3, gzip objects of 5000 lines
"$TSLOAD" ingest -p 2 -c 2 --host-scale 1 --duration 4 \
	--target 's3://tsl-bench/runs/one?lines=5000&compress=gzip' --endpoint "$ep" \
	--results res >out4 2>err4
check_eq "s3: exit 0" 0 $?
n=$(records_written out4)
if "$py" read.py "$ep" s3 tsl-bench runs/one/ 5000 >r4; then ok "s3: every line a well-formed record"; else bad "s3: $(head -3 r4 | tr '\n' ' ')"; fi
check_eq "s3: the objects hold Records written" "$n" "$(sed -n 's/^records //p' r4)"
objs=$(sed -n 's/^objects //p' r4)
full=$(sed -n 's/^full //p' r4)
check "s3: objects of 5000 lines, but each thread's last" test "$((objs - full))" -le 4 -a "$full" -ge 1
check_eq "s3: $((n / 5000)) or more full objects" 1 "$([ "$full" -ge $((n / 5000 - 4)) ] && echo 1)"

# 4. cleanup: the stream and the objects go, the bucket stays
for t in 'kinesis://tsl-single' 'kinesis://tsl-multi' 's3://tsl-bench/runs/one'; do
	"$TSLOAD" cleanup --target "$t" --endpoint "$ep" >outc 2>&1
	check_eq "cleanup $t: exit 0" 0 $?
done
left=$("$py" -c '
import boto3, sys
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
print(len(boto3.client("kinesis", **kw).list_streams()["StreamNames"]),
      len(boto3.client("s3", **kw).list_objects_v2(Bucket="tsl-bench").get("Contents", [])))' "$ep")
check_eq "cleanup: no stream, no object left" "0 0" "$left"
"$TSLOAD" cleanup --target 'kinesis://tsl-single' --endpoint "$ep" >outc 2>&1
check "cleanup again: says the stream is gone" grep -q 'kinesis: stream "tsl-single" does not exist' outc

check "the secret appears nowhere" not grep -rqF "$MOTO_SECRET" --exclude=moto.log .
finish
