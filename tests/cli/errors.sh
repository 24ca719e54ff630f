#!/usr/bin/env bash
# Bad command lines: each must exit 2 with one line on stderr naming the
# problem, and start nothing.
. "$(dirname "$0")/../lib.sh"

# name | arguments | stderr pattern (grep -E)
cases=(
	"no command||usage: tsload"
	"unknown command|frobnicate|unknown command \"frobnicate\""
	"unknown option|ingest --frobnicate|unknown option --frobnicate"
	"unknown short option|ingest -Z|unknown option -Z"
	"bad number|ingest --processes four|--processes: invalid value \"four\""
	"trailing junk|ingest -p 2x|-p/--processes: invalid value \"2x\""
	"zero processes|ingest -p 0|--processes: 0 local workers and no --remote-workers: the run needs a worker"
	"negative threads|ingest -c -1|--concurrency: invalid value \"-1\""
	"huge host scale|ingest --host-scale 99999999999999999999|--host-scale: .*out of range"
	"missing value|ingest --host-scale|--host-scale needs a value"
	"bad duration|ingest --duration 5x|--duration: invalid value \"5x\""
	"unknown target|ingest --target mysql://x|--target: unknown scheme in \"mysql://x\""
	"bad file format|ingest --target file:/tmp/x?format=xml|format"
	"bad null format|ingest --target null:?format=xml|null: format: invalid value \"xml\" \(expected lp, json, csv, pgcopy, chtsv, graphite, opentsdb, opentsdbtelnet or promrw\)"
	"negative kinesis shards|ingest --endpoint http://127.0.0.1:9 --region us-east-1 --target kinesis://s?shards=-18446744073709551615|^tsload: error: kinesis: shards: invalid value \"-18446744073709551615\" \(expected an integer 1\.\.10000\)$"
	"trailing junk in a URL number|ingest --target influx://127.0.0.1:9/?db=x&max_body=10x|^tsload: error: influx: max_body: invalid value \"10x\" \(expected a size such as"
	"unknown URL parameter|ingest --endpoint http://127.0.0.1:9 --region us-east-1 --target kinesis://s?shard=2|^tsload: error: kinesis: unknown parameter \"shard\" \(did you mean \"shards\"\? accepted: shards, timeout\)$"
	"promrw without ://|ingest --target promrw:/x|^tsload: error: promrw: expected promrw://HOST:PORT\[/PATH\] in \"promrw:/x\"$"
	"promrw max_samples 0|ingest --target promrw://127.0.0.1:9/?max_samples=0|^tsload: error: promrw: max_samples: value \"0\" out of range \(expected an integer 1\.\.100000000\)$"
	"promrw unknown parameter|ingest --target promrw://127.0.0.1:9/?max_sample=5|^tsload: error: promrw: unknown parameter \"max_sample\" \(did you mean \"max_samples\"\?"
	"vm bad protocol|ingest --target vm://127.0.0.1:9/?protocol=x|^tsload: error: vm: protocol: invalid value \"x\" \(expected lp or rw\)$"
	"influx has no protocol|ingest --target influx://127.0.0.1:9/?protocol=rw|^tsload: error: influx: unknown parameter \"protocol\""
	"kafka refuses binary promrw|ingest --target kafka://127.0.0.1:9/t?format=promrw|^tsload: error: kafka: format=promrw is not lines of text \(use lp, json or csv\)$"
	"repeated URL parameter|ingest --target sqlite:x.db?busy_timeout=5&busy_timeout=6|^tsload: error: sqlite: parameter \"busy_timeout\" given twice$"
	"null with a path|ingest --target null:/tmp/x|null: takes no path"
	"bad bool|ingest --multi=maybe|--multi: invalid value \"maybe\""
	"req-id-dim alone|ingest --req-id-dim|--req-id-dim only has a meaning with --add-req-id"
	"too many processes|ingest --host-scale 1 -p 1001 --target null:|--processes: 1001 workers for 1000 hosts"
	"too many threads|ingest --host-scale 1 -p 2 -c 501 --target null:|--concurrency: 501 threads per worker, but a worker has only 500 hosts"
	"id-end beyond the model|ingest --host-scale 1 --id-end 1001 --target null:|^tsload: error: --id-end: 1001 is beyond the 1000 hosts of the perf-scale model \(expected 1\.\.1000, or 0 for all\)$"
	"id-start at the end|ingest --host-scale 1 --id-start 1000 --target null:|^tsload: error: --id-start: 1000 is not below the model's end, 1000 \(the perf-scale model has 1000 hosts, 0\.\.999\)$"
	"empty id range|ingest --host-scale 2 --id-start 700 --id-end 700 --target null:|^tsload: error: --id-start: 700 is not below --id-end 700 \(the perf-scale model has 2000 hosts, 0\.\.1999\)$"
	"too many processes for a range|ingest --host-scale 1 --id-start 10 --id-end 12 -p 3 --target null:|--processes: 3 workers for 2 hosts \(hosts 10\.\.11 of the model\)"
	"relative time typo|ingest --target null: --start-time -3x|^tsload: error: --start-time: invalid value \"-3x\" \(expected RFC 3339"
	"bad env|ingest|TSLOAD_HOST_SCALE: invalid value \"lots\""
	"unexpected arg|ingest extra|unexpected argument \"extra\""
	"model bad interval|model --interval-millis -5|--interval-millis: invalid value \"-5\""
	"worker without url|worker|--connect URL is required"
	"repeated target in query|query --target sqlite:x.db --target sqlite:y.db|--target given 2 times: only ingest and run write to several targets at once \(fan-out\); give one --target"
	"nine targets|ingest --target null: --target null: --target null: --target null: --target null: --target null: --target null: --target null: --target null:|--target given 9 times: at most 8 targets at once"
	"bad balance|ingest --target null: --target vm://a:1,b:2/?balance=random|--target: balance=random: expected rr or hash"
	"empty cluster host|ingest --target vm://a:1,,b:2/|--target: an empty host in the host list \"a:1,,b:2\""
	"ambiguous option|ingest --batch 3|ambiguous option --batch \(could be --batch-writes --batch-size\)"
	"option of another command|ingest --think-time-milliseconds 5|--think-time-milliseconds is an option of query and run, not ingest"
	"mistyped option|ingest --procesess 2|unknown option --procesess \(did you mean --processes\?\)"
	"config /dev/zero|query --config /dev/zero|/dev/zero: not a regular file \(a character device\)"
	"config /dev/full|query --config /dev/full|/dev/full: not a regular file \(a character device\)"
	"config fifo|query --config fifo.ini|fifo.ini: not a regular file \(a FIFO\)"
	"config directory|query --config .|\.: not a regular file \(a directory\)"
	"config too big|query --config big.ini|big.ini: 2000000 bytes, more than the 1048576 a config.ini may have"
	"no queries dir|query --queries-dir nosuch|--queries-dir nosuch: No such file or directory"
	"queries dir without the dialect|query --queries-dir emptyq|--queries-dir emptyq: no sqlite/ directory of sqlite query templates in it"
	"rate and schedule|ingest --rate 5 --schedule cyc.json|--rate and --schedule: give one of them"
	"negative rate|ingest --rate -1|--rate: .*\"-1\""
	"rate not a number|query --rate fast|--rate: invalid value \"fast\""
	"bad rate unit|ingest --rate 5 --rate-unit bytes|--rate-unit: invalid value \"bytes\" \(expected points or records\)"
	"rate unit of queries|query --rate 5 --rate-unit records|--rate-unit is an option of ingest and run, not query"
	"max-lag without a rate|ingest --max-lag 10|--max-lag needs --rate or --schedule"
	"no schedule file|ingest --schedule nosuch.json|^tsload: error: --schedule nosuch.json: No such file or directory$"
	"schedule not JSON|ingest --schedule trail.json|--schedule trail.json: JSON: unexpected .\]. at byte 46$"
	"schedule without update_interval|ingest --schedule nokey.json|--schedule nokey.json: missing key \"update_interval\"$"
	"schedule with a bad rate|query --schedule badrate.json|--schedule badrate.json: \"schedule\"\[1\] must be a rate, a number from 0 to 1e12$"
	"schedule with an empty array|run --schedule empty.json|--schedule empty.json: \"schedule\" must be an array of 1 to 100000 rates$"
	"schedule with a bad step|ingest --schedule badstep.json|--schedule badstep.json: \"steps\"\[1\]: \"for\" must be a duration > 0"
	"schedule with an unknown key|ingest --schedule extra.json|--schedule extra.json: unknown key \"rate\""
	"schedule of zero interval|ingest --schedule zero.json|--schedule zero.json: \"update_interval\" must be a number of seconds > 0"
)
# schedule files: the seed README's (a trailing comma) and bad keys
echo '{"update_interval": 1, "schedule": [10, 40]}' >"$T_TMP/cyc.json"
echo '{"update_interval": 3, "schedule": [10, 20, 5,]}' >"$T_TMP/trail.json"
echo '{"schedule": [10]}' >"$T_TMP/nokey.json"
echo '{"update_interval": 1, "schedule": [10, "x"]}' >"$T_TMP/badrate.json"
echo '{"update_interval": 1, "schedule": []}' >"$T_TMP/empty.json"
echo '{"steps": [{"rate": 1, "for": "1s"}, {"ramp_to": 5}]}' >"$T_TMP/badstep.json"
echo '{"update_interval": 1, "schedule": [1], "rate": 5}' >"$T_TMP/extra.json"
echo '{"update_interval": 0, "schedule": [1]}' >"$T_TMP/zero.json"
mkdir "$T_TMP/emptyq"
mkfifo "$T_TMP/fifo.ini"
head -c 2000000 /dev/zero | tr '\0' ';' >"$T_TMP/big.ini"

for c in "${cases[@]}"; do
	IFS='|' read -r name args pattern <<<"$c"
	env=()
	[ "$name" = "bad env" ] && env=(TSLOAD_HOST_SCALE=lots)
	# should a URL pass by mistake, an AWS target must reach nothing but
	# 127.0.0.1: credentials of its own, no instance metadata
	case $args in *kinesis:*) env=(AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y \
		AWS_EC2_METADATA_DISABLED=true) ;; esac
	# shellcheck disable=SC2086
	# a bounded wait: before the fix, a FIFO or /dev/zero as --config hung
	err=$(cd "$T_TMP" && env "${env[@]}" timeout 20 "$TSLOAD" $args 2>&1 >/dev/null)
	rc=$?
	if [ $rc -ne 2 ]; then
		bad "$name: exit $rc, want 2 ($err)"
	elif ! grep -qE -- "$pattern" <<<"$err"; then
		bad "$name: stderr '$err' does not match '$pattern'"
	elif [ "$name" != "no command" ] && [ "$(grep -c . <<<"$err")" -ne 1 ]; then
		bad "$name: want one line on stderr, got: $err"
	else
		ok "$name"
	fi
done
check "nothing written by bad runs" test ! -e "$T_TMP/results/tsload.db"

# --help works everywhere and exits 0
for sub in ingest model cleanup worker; do
	out=$("$TSLOAD" $sub --help 2>&1)
	check "$sub --help" grep -q "usage: tsload $sub" <<<"$out"
done
check "ingest --help lists targets" grep -q "sqlite:PATH" <<<"$("$TSLOAD" ingest --help)"
check "--version" grep -qE '^tsload [0-9]' <<<"$("$TSLOAD" --version)"
finish
