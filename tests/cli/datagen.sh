#!/usr/bin/env bash
# --model-file (the CrateDB data generator's model) on the command line:
# the seed's example gives its summary and table; bad files and settings
# are exit 2 with one line naming the file and the field.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

MODEL=$T_SRC/configs/datagen/temperature.json
"$TSLOAD" model --model-file "$MODEL" >sum.out 2>sum.err
check_eq "model: exit 0" 0 $?
check "model: the tags and sensors" grep -q "^Data model temperature from .*temperature.json: tags plant (100 integers), line (5 integers), sensor_id (the channel id); sensors value FLOAT, button_press BOOL.$" sum.out
check "model: 500 channels, 1000 series" grep -q "^Channels: 500 (ids 1..500; one tag hierarchy is 500). Time series: 1000 single-measure.$" sum.out

# bad: NAME|FILE TEXT|ARGS|STDERR (one line)
sensor='"key":{"value":"v"},"type":{"value":"FLOAT"},"mean":{"value":1},"min":{"value":0},"max":{"value":2},"stdev":{"value":0.1},"variance":{"value":0.1},"error_rate":{"value":0.01}'
while IFS='|' read -r name text args want; do
	[ -n "$name" ] || continue
	printf '%s' "$text" >bad.json
	# shellcheck disable=SC2086 # args are words
	"$TSLOAD" ingest --target null: --results res $args >bad.out 2>bad.err
	check_eq "$name: exit 2" 2 $?
	check_eq "$name: one line" "$want" "$(cat bad.err)"
done <<EOT
no error_length|{"m":{"tags":{"id":"id"},"metrics":{"t":{$sensor}}}}|--model-file bad.json|tsload: error: --model-file bad.json: m.metrics.t.error_length.value: missing (a number)
not JSON|{"m":|--model-file bad.json|tsload: error: --model-file bad.json: JSON: unexpected end of input at byte 5
id not last|{"m":{"tags":{"id":"id","a":2}}}|--model-file bad.json|tsload: error: --model-file bad.json: m.tags.a: comes after the "id" tag, which must be the last
missing file||--model-file nope.json|tsload: error: --model-file: nope.json: No such file or directory
no file|{}|--model datagen|tsload: error: --model datagen needs --model-file FILE (the data generator's data-model JSON)
another model|{}|--model continuous --model-file bad.json|tsload: error: --model-file: only --model datagen reads it (the model is continuous)
too many groups|{"m":{"tags":{"a":1000,"b":1000,"id":"id"},"metrics":{"t":{"key":{"value":"v"},"type":{"value":"BOOL"},"true_ratio":{"value":1}}}}}|--model-file bad.json --id-end 70000|tsload: error: --model-file bad.json: a worker would hold up to 70000 combinations of the tags (at most 65536): use more -p or --shard-count, or a narrower --id-start/--id-end
shard count|{"m":{"tags":{"a":2,"id":"id"},"metrics":{"t":{"key":{"value":"v"},"type":{"value":"BOOL"},"true_ratio":{"value":1}}}}}|--model-file bad.json --shard-count 3 --shard-index 0|tsload: error: --shard-count: 3 parts of 2 hosts leave some empty (expected 1..2)
EOT

# Shards of a run without Kubernetes: --shard-index given.
for i in 0 1 2; do
	"$TSLOAD" ingest -q --model-file "$MODEL" --shard-count 3 --shard-index $i --autostop 1 --interval-millis 0 \
		--target "file:$T_TMP/s$i.lp" --results res >s$i.out 2>s$i.err
	check_eq "shard $i of 3: exit 0" 0 $?
done
check_eq "shards: 167 + 167 + 166 channels, 2 lines each" "334 334 332" "$(wc -l <s0.lp) $(wc -l <s1.lp) $(wc -l <s2.lp)"
check_eq "shards: every id once" "$(seq 1 500)" "$(cat s?.lp | sed 's/.*sensor_id=\([0-9]*\),.*/\1/' | sort -nu)"
finish
