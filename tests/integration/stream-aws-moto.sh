#!/usr/bin/env bash
# tsload stream to the S3 and Kinesis sinks on moto (tests/moto.sh; never
# real AWS: loopback endpoint, metadata service off): every line read back
# exactly once, S3 gzip objects of --linecount lines, Kinesis records keyed
# by their first 10 characters; a missing stream is exit 1 with the reason.
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
closing() { sed -n "s/.*: \([0-9]*\) stored or delivered.* \([0-9]*\) failed, .*/\1 \2/p" "$1"; }

# read.py s3 BUCKET PREFIX | kinesis STREAM: the lines read back, sorted,
# to stdout; "objects N sizes A,B,..." or "keys-ok" checks to stderr
cat >read.py <<'PY'
import boto3, gzip, sys
kw = dict(endpoint_url=sys.argv[1], region_name="us-east-1",
          aws_access_key_id="a", aws_secret_access_key="b")
out = []
if sys.argv[2] == "s3":
    c = boto3.client("s3", **kw)
    objs = c.list_objects_v2(Bucket=sys.argv[3], Prefix=sys.argv[4]).get("Contents", [])
    sizes = []
    for o in sorted(objs, key=lambda o: o["Key"]):
        assert o["Key"].endswith(".log.gz"), o["Key"]
        ls = gzip.decompress(c.get_object(Bucket=sys.argv[3], Key=o["Key"])["Body"].read()).decode().splitlines()
        sizes.append(len(ls))
        out += ls
    sys.stderr.write("objects %d sizes %s\n" % (len(objs), ",".join(map(str, sizes))))
else:
    c = boto3.client("kinesis", **kw)
    badkey = 0
    for sh in c.list_shards(StreamName=sys.argv[3])["Shards"]:
        it = c.get_shard_iterator(StreamName=sys.argv[3], ShardId=sh["ShardId"],
                                  ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        while True:
            r = c.get_records(ShardIterator=it, Limit=10000)
            for rec in r["Records"]:
                line = rec["Data"].decode()
                badkey += rec["PartitionKey"] != line[:10]
                out.append(line)
            if not r["Records"]:
                break
            it = r["NextShardIterator"]
    sys.stderr.write("badkeys %d\n" % badkey)
print("\n".join(sorted(out)))
PY

seq -f 'line %08g' 1 25000 >in.txt
sort in.txt >want.txt

# 1. S3: the seed's command line, gzip objects of --linecount lines
"$TSLOAD" stream s3 --bucket tsl-stream --prefix demo/ --linecount 10000 -p 1 \
	--endpoint "$ep" -q --results res <in.txt >o1 2>e1
check_eq "s3: exit 0" 0 $?
check_eq "s3: 25000 stored, 0 failed" "25000 0" "$(closing e1)"
"$py" read.py "$ep" s3 tsl-stream demo/ >got1 2>r1
check_eq "s3: objects of 10000 lines and the rest" "objects 3 sizes 10000,10000,5000" "$(cat r1)"
check "s3: every line once" cmp -s want.txt got1

# 2. Kinesis: 500 a call, keyed by the first 10 characters; zstd input
zstd -q -c in.txt >in.txt.zst
"$py" -c '
import boto3, sys
boto3.client("kinesis", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id="a",
             aws_secret_access_key="b").create_stream(StreamName="log-stream", ShardCount=2)' "$ep"
"$TSLOAD" stream kinesis --stream log-stream --endpoint "$ep" -q --results res in.txt.zst >o2 2>e2
check_eq "kinesis: exit 0" 0 $?
check_eq "kinesis: 25000 delivered, 0 failed" "25000 0" "$(closing e2)"
"$py" read.py "$ep" kinesis log-stream >got2 2>r2
check_eq "kinesis: partition keys are the first 10 characters" "badkeys 0" "$(cat r2)"
check "kinesis: every line once" cmp -s want.txt got2

# 3. -e is librdkafka's --config for stream: not an endpoint for s3
"$TSLOAD" stream s3 --bucket b -e "$ep" in.txt >o3 2>e3
check_eq "s3 -e URL: exit 2" 2 $?
check "s3 -e URL: named" grep -q 'stream s3: --config is an option of the kafka sink' e3

check "the secret appears nowhere" not grep -rqF "$MOTO_SECRET" --exclude=moto.log .
finish
