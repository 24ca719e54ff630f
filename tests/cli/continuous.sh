#!/usr/bin/env bash
# The continuous ingestor's options (--model continuous): every bad value
# is exit 2 with one line naming the option and what it accepts; its
# options with another model are refused; the seed README's -url line
# runs as it is against the fake Timestream endpoint on loopback (one
# WriteRecords call per series sample).
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

: "${TSFAKE:=$(dirname "$TSLOAD")/../tests/tsfake}"
SECRET='fakeSecret/0123456789ABCDEFGHIJklmnopqrst'
export AWS_ACCESS_KEY_ID=AKIDFAKETEST AWS_SECRET_ACCESS_KEY=$SECRET
export AWS_EC2_METADATA_DISABLED=true
export AWS_SHARED_CREDENTIALS_FILE=$T_TMP/none AWS_CONFIG_FILE=$T_TMP/none
unset AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_PROFILE AWS_REGION \
	AWS_DEFAULT_REGION TSLOAD_TARGET TSLOAD_ENDPOINT TSLOAD_REGION

C="ingest --model continuous --target null:"
# name | arguments | stderr pattern (grep -E), the whole line
cases=(
	"missing-cpu over 100|$C --missing-cpu 101|^tsload: error: --missing-cpu: value \"101\" out of range \(expected an integer 0\.\.100\)$"
	"missing-cpu negative|$C --missing-cpu -1|^tsload: error: --missing-cpu: invalid value \"-1\""
	"missing-cpu a word|$C --missing-cpu half|^tsload: error: --missing-cpu: invalid value \"half\""
	"missing-cpu a fraction|$C --missing-cpu 30.5|^tsload: error: --missing-cpu: invalid value \"30\.5\""
	"sin-signal-cpu negative|$C --sin-signal-cpu -1|^tsload: error: --sin-signal-cpu: value \"-1\" out of range \(expected a number >= 0\)$"
	"sin-signal-cpu a word|$C --sin-signal-cpu loud|^tsload: error: --sin-signal-cpu: invalid value \"loud\" \(expected a number >= 0\)$"
	"saw-signal-cpu nan|$C --saw-signal-cpu nan|^tsload: error: --saw-signal-cpu: invalid value \"nan\""
	"saw-signal-cpu inf|$C --saw-signal-cpu inf|^tsload: error: --saw-signal-cpu: .*\"inf\""
	"sin-frq-cpu unknown|$C --sin-frq-cpu x|^tsload: error: --sin-frq-cpu: invalid value \"x\" \(expected m, h, d, we, mo, qu or ye\)$"
	"sin-frq-cpu empty|$C --sin-frq-cpu=|^tsload: error: --sin-frq-cpu: invalid value \"\" \(expected m, h, d, we, mo, qu or ye\)$"
	"saw-frq-cpu unknown|$C --saw-frq-cpu month|^tsload: error: --saw-frq-cpu: invalid value \"month\" \(expected m, h, d, we, mo, qu or ye\)$"
	"saw-frq-cpu upper case|$C --saw-frq-cpu H|^tsload: error: --saw-frq-cpu: invalid value \"H\""
	"autostop negative|$C --autostop -1|^tsload: error: --autostop: invalid value \"-1\""
	"autostop a word|$C --autostop never|^tsload: error: --autostop: invalid value \"never\""
	"region-scale 8|$C --region-scale 8|^tsload: error: --region-scale: value \"8\" out of range \(expected an integer 0\.\.7\)$"
	"ms-scale 6|$C --ms-scale 6|^tsload: error: --ms-scale: value \"6\" out of range \(expected an integer 0\.\.5\)$"
	"host-scale 0|$C -s 0|^tsload: error: -s/--host-scale: value \"0\" out of range"
	"unknown region|$C --include-region us-east-1,mars-1|^tsload: error: --include-region: .*mars-1.*us-east-1.*eu-central-1"
	"unknown microservice|$C --include-ms apollo,hermes|^tsload: error: --include-ms: .*hermes.*apollo.*zeus"
	"empty region list|$C --include-region ,|^tsload: error: --include-region: "
	"two regions|ingest --model continuous -e us-east-1 -r eu-west-1|^tsload: error: -e/--endpoint \"us-east-1\" and -r/--region \"eu-west-1\": with --model continuous both name the region; give one$"
	"bad -url|$C -e us-east-1 -url ftp://h|^tsload: error: --endpoint-url: expected http://HOST\[:PORT\] or https://HOST\[:PORT\]$"
	"-url with a path|$C -url http://h:1/x|^tsload: error: --endpoint-url: expected http\[s\]://HOST\[:PORT\], without user, path or query$"
	"-url without a value|$C -url|^tsload: error: -url/--endpoint-url needs a value \(URL\)$"
	"dry-run with a value|$C --dry-run=maybe|^tsload: error: --dry-run: invalid value \"maybe\""
	"dry-run of query|query --model continuous --dry-run|^tsload: error: --dry-run is an option of ingest, not query$"
	"perf-scale with include-region|ingest --target null: --include-region us-east-1|^tsload: error: --include-region: only --model continuous takes it \(the model is perf-scale\)$"
	"perf-scale with missing-cpu|ingest --target null: --missing-cpu 5|^tsload: error: --missing-cpu: only --model continuous takes it \(the model is perf-scale\)$"
	"perf-scale with sin-signal-cpu|ingest --target null: --sin-signal-cpu 20|^tsload: error: --sin-signal-cpu: only --model continuous takes it \(the model is perf-scale\)$"
	"perf-scale with saw-frq-cpu|ingest --target null: --saw-frq-cpu h|^tsload: error: --saw-frq-cpu: only --model continuous takes it \(the model is perf-scale\)$"
	"perf-scale with ms-scale|model --ms-scale 1|^tsload: error: --ms-scale: only --model continuous takes it \(the model is perf-scale\)$"
	"perf-scale: --endpoint is a URL|ingest -e us-east-1|^tsload: error: --endpoint: expected http://HOST"
	"-p over the hosts|$C --include-region eu-central-1 -p 11|^tsload: error: --processes: 11 workers for 10 hosts"
)
for c in "${cases[@]}"; do
	IFS='|' read -r name args pattern <<<"$c"
	# shellcheck disable=SC2086
	err=$(timeout 20 "$TSLOAD" $args 2>&1 >/dev/null)
	rc=$?
	if [ $rc -ne 2 ]; then
		bad "$name: exit $rc, want 2 ($err)"
	elif ! grep -qE -- "$pattern" <<<"$err"; then
		bad "$name: stderr '$err' does not match '$pattern'"
	elif [ "$(grep -c . <<<"$err")" -ne 1 ]; then
		bad "$name: want one line on stderr, got: $err"
	else
		ok "$name"
	fi
done
check "nothing written by bad runs" test ! -e "$T_TMP/results"

# good values of every option are taken (one pass of eu-central-1)
"$TSLOAD" ingest --model continuous --target null: -q --autostop 1 -c 1 \
	--include-region eu-central-1 --include-ms apollo,zeus --region-scale 7 \
	--ms-scale 5 --missing-cpu 100 --sin-signal-cpu 0.5 --sin-frq-cpu ye \
	--saw-signal-cpu 150 --saw-frq-cpu qu --seed 7 --results res >good.out 2>&1
check_eq "every option with a good value: exit 0" 0 $?
# 6 hosts (3 apollo, 3 zeus) without CPU: 12 + 5 records each
check_eq "every option with a good value: 6 x 12 + 6 x 5 records" 102 \
	"$(records_written good.out)"

# ingest --help: the continuous section and -s, -url
out=$("$TSLOAD" ingest --help)
check "ingest --help: the continuous model's section" \
	grep -q "^continuous model (--model continuous only):$" <<<"$out"
for o in -s, --include-region --include-ms --region-scale --ms-scale \
	--missing-cpu --sin-signal-cpu --sin-frq-cpu --saw-signal-cpu \
	--saw-frq-cpu --autostop --dry-run --endpoint-url; do
	check "ingest --help: $o" grep -qe " $o" <<<"$out"
done
check "ingest --help: -url" grep -q "also -url" <<<"$out"

# the seed README's -url line, unchanged, against the fake endpoint
if [ -x "$TSFAKE" ]; then
	"$TSFAKE" --port-file port --stats-file stats --secret "$SECRET" &
	fpid=$!
	for _ in $(seq 100); do [ -s port ] && break; sleep 0.05; done
	port=$(cat port)
	"$TSLOAD" ingest --model continuous -c 1 --host-scale 1 -d testDb \
		-t testTable -e 'us-east-1' -url "http://127.0.0.1:$port" \
		--autostop 1 -q --results res >url.out 2>url.err
	check_eq "README -url line: exit 0" 0 $?
	kill -TERM "$fpid"
	wait "$fpid"
	stat_of() { sed -n "s/^$1 //p" stats; }
	check_eq "README -url line: one pass of 26,260 records taken" 26260 "$(stat_of records)"
	check_eq "README -url line: one WriteRecords per series sample (1010 + 1212)" 2222 "$(stat_of writes)"
	check_eq "README -url line: every signature checked out" 0 "$(stat_of bad_sigs)"
	check_eq "README -url line: Records written" 26260 "$(records_written url.out)"
	check "README -url line: the region signs the requests" \
		grep -q '"region": "us-east-1"' res/*/run.json
	check "README -url line: stderr is empty" test ! -s url.err
else
	bad "no fake endpoint at $TSFAKE (make unit builds it)"
fi
finish
