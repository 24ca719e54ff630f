#!/usr/bin/env bash
# make bench, stream part: `tsload stream kafka FILE` into librdkafka's mock
# cluster (tests/tools/mockkafka, one broker, a 4-partition topic), lines
# per wall second, against `kcat -P -l FILE` sending the same file to the
# same cluster with the same linger.ms (50); and `tsload generate | tsload
# stream kafka`. Goals: >= 1M lines/s for both, and a ratio tsload/kcat >=
# 0.9. Three runs each, alternating; medians.
# Usage: TSLOAD=... MOCKKAFKA=... bash scripts/bench-stream.sh [CSV]
set -u
csv=${1:-}
lines=${BENCH_STREAM_LINES:-1000000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/tsload-bench-stream.XXXXXX")
trap '[ -n "${mk:-}" ] && kill -KILL "$mk" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
if [ -z "${MOCKKAFKA:-}" ] || [ ! -x "$MOCKKAFKA" ]; then
	echo "bench-stream: no MOCKKAFKA (make bench builds it): skipped"
	exit 0
fi
# Apache lines from tsload generate (~230 bytes), or made by awk when
# this binary has no generate
"$TSLOAD" generate -l apache -i "$lines" -q >"$dir/in.log" 2>/dev/null ||
awk -v n="$lines" 'BEGIN { for (i = 1; i <= n; i++) printf "10.%d.%d.%d - - [07/Dec/2026:00:00:%02d +0000] \"GET /category/tags/list?page=%d HTTP/1.1\" 200 %d \"http://example.com/\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0\" %d\n", i % 256, i % 199, i % 97, i % 60, i % 1000, 1000 + i % 5000, i }' >"$dir/in.log"
"$MOCKKAFKA" serve --topic bench --partitions 4 >"$dir/boot" 2>/dev/null &
mk=$!
for _ in $(seq 100); do [ -s "$dir/boot" ] && break; sleep 0.05; done
boot=$(head -1 "$dir/boot")
now() { date +%s.%N; }
: >"$dir/t"
: >"$dir/k"
: >"$dir/g"
for run in 1 2 3; do
	t0=$(now)
	"$TSLOAD" stream kafka --broker "$boot" --topic bench -q --results "$dir/res" "$dir/in.log" 2>"$dir/err" \
		|| { echo "bench-stream: tsload stream failed: $(tail -1 "$dir/err")"; exit 1; }
	t1=$(now)
	awk -v a="$t0" -v b="$t1" -v n="$lines" 'BEGIN { print n / (b - a) }' >>"$dir/t"
	if "$TSLOAD" generate -l apache -i 1 -q >/dev/null 2>&1; then
		t0=$(now)
		"$TSLOAD" generate -l apache -i "$lines" -q |
			"$TSLOAD" stream kafka --broker "$boot" --topic bench -q --results "$dir/res" 2>"$dir/err" ||
			{ echo "bench-stream: generate | stream failed: $(tail -1 "$dir/err")"; exit 1; }
		t1=$(now)
		awk -v a="$t0" -v b="$t1" -v n="$lines" 'BEGIN { print n / (b - a) }' >>"$dir/g"
	fi
	if command -v kcat >/dev/null; then
		t0=$(now)
		kcat -P -b "$boot" -t bench -X linger.ms=50 -l "$dir/in.log" 2>/dev/null
		t1=$(now)
		awk -v a="$t0" -v b="$t1" -v n="$lines" 'BEGIN { print n / (b - a) }' >>"$dir/k"
	fi
done
med() { sort -g "$1" | sed -n 2p; }
tm=$(med "$dir/t")
printf '%-46s %12.0f lines/s (goal >= 1000000)\n' "stream kafka FILE, mock cluster" "$tm"
gm=""
if [ -s "$dir/g" ]; then
	gm=$(med "$dir/g")
	printf '%-46s %12.0f lines/s (goal >= 1000000)\n' "generate -l apache | stream kafka" "$gm"
fi
if [ -s "$dir/k" ]; then
	km=$(med "$dir/k")
	ratio=$(awk -v a="$tm" -v b="$km" 'BEGIN { printf "%.2f", a / b }')
	printf '%-46s %12.0f lines/s; tsload/kcat = %s (goal >= 0.9)\n' "kcat -P -l FILE, same cluster" "$km" "$ratio"
else
	km=""
	ratio=""
	echo "kcat not installed (make deps): no ratio"
fi
[ -n "$csv" ] && echo "stream kafka vs kcat -P,3,$tm,,,,,,,,$km,,,$ratio,," >>"$csv"
[ -n "$csv" ] && [ -n "$gm" ] && echo "generate | stream kafka,3,$gm,,,,,,,,,,,,," >>"$csv"
exit 0
