#!/usr/bin/env bash
# tsload model prints the seed's summary lines with the seed's numbers.
. "$(dirname "$0")/../lib.sh"

want_single='Instance name suffix: zaZswmJk
Dimensions for metrics: 100,000
Dimensions for events: 120,000
Dimension bytes: Events: 282, Metrics: 284
Bytes for names: Metrics: 234, Events: 59
avg row size: 311.19 Bytes
Number of timeseries: 2,600,000. Avg. data points per second: 43,333. Avg. no. of metrics per second: 43,333 Avg. data points per hour: 155,998,800
Avg. Ingestion volume: 12.86 MB/s. Data size per hour: 45.21 GB. Data size per day: 1,085.04 GB. Data size per year: 386.76 TB'
got=$("$TSLOAD" model --host-scale 100 --interval-millis 60000)
check_eq "model hs 100, 60 s, single" "$want_single" "$got"

got=$("$TSLOAD" ingest --print-model-summary --host-scale 100 --interval-millis 60000)
check_eq "ingest --print-model-summary is the same" "$want_single" "$got"

got=$("$TSLOAD" model --host-scale 100 --interval-millis 60000 --multi)
check "multi: avg row size" grep -qx 'avg row size: 508.99 Bytes' <<<"$got"
check "multi: series and rates" grep -qx 'Number of timeseries: 220,000. Avg. data points per second: 3,667. Avg. no. of metrics per second: 43,333 Avg. data points per hour: 13,201,200' <<<"$got"
check "multi: volume" grep -qx 'Avg. Ingestion volume: 1.78 MB/s. Data size per hour: 6.26 GB. Data size per day: 150.24 GB. Data size per year: 53.55 TB' <<<"$got"

got=$("$TSLOAD" model --host-scale 1 --interval-millis 60000)
check "hs 1: avg row size 314.81" grep -qx 'avg row size: 314.81 Bytes' <<<"$got"

for s in "56789 sS6Eq1tZ" "0 0UAqFzWs" "1 i0VpEBOW" "-12345 zaZswmJk"; do
	set -- $s
	got=$("$TSLOAD" model --instance-name-seed "$1" --host-scale 1 | head -1)
	check_eq "prefix of seed $1" "Instance name suffix: $2" "$got"
done

"$TSLOAD" model --host-scale 1 --interval-millis 500 >"$T_TMP/out" 2>&1
check "interval under one second works" test $? -eq 0
"$TSLOAD" model --host-scale 1 --interval-millis 0 >"$T_TMP/out" 2>&1
check "interval 0 works" test $? -eq 0
TSLOAD_HOST_SCALE=3 "$TSLOAD" model >"$T_TMP/out"
check "TSLOAD_HOST_SCALE from the environment" grep -q 'Dimensions for metrics: 3,000' "$T_TMP/out"
TSLOAD_HOST_SCALE=3 "$TSLOAD" model --host-scale 2 >"$T_TMP/out"
check "the command line wins over the environment" grep -q 'Dimensions for metrics: 2,000' "$T_TMP/out"

# --model: perf-scale is the default and the only model
got=$("$TSLOAD" model --model perf-scale --host-scale 1 --interval-millis 60000)
want=$("$TSLOAD" model --host-scale 1 --interval-millis 60000)
check_eq "--model perf-scale is the default" "$want" "$got"
err=$("$TSLOAD" model --model nope 2>&1 >/dev/null)
check_eq "--model nope: exit 2" 2 $?
check_eq "--model nope: names the models" \
	'tsload: error: --model: unknown model "nope" (expected one of: perf-scale, continuous, apache, cloudfront, cloudflare, datagen)' "$err"
finish
