#!/usr/bin/env bash
# tests/data/digests.sh - the bytes tsload writes for a fixed --seed and a
# fixed start time, as one line per case: "<case> <lines> <sha256>".
#
#     TSLOAD=build/bin/tsload bash tests/data/digests.sh            # print
#     TSLOAD=build/bin/tsload bash tests/data/digests.sh --record   # write
#                                          # tests/data/digests.txt
#
# Record only from a build whose output is known to be right (the issue 12
# refactor must keep these bytes); tests/e2e/digests.sh compares a build's
# output with the recorded lines. Every case is one worker and one thread
# (-p 1 -c 1, host-scale 1: 1000 hosts) writing two cycles through file:.
set -u
: "${TSLOAD:?TSLOAD must point at the tsload binary}"
here=$(cd "$(dirname "$0")" && pwd)

FORMATS="lp json csv pgcopy chtsv promrw"
START=2026-01-01T00:00:00Z
END=2026-01-01T00:00:10Z # cycles at +0 s and +5 s

# case NAME OPTION...: runs one case and prints its line; 1 when the run
# fails.
case_line() {
	local name=$1 fmt=${1%%/*} dir out
	shift
	dir=$(mktemp -d "${TMPDIR:-/tmp}/tsload-digest.XXXXXX") || return 1
	out=$dir/out
	if ! "$TSLOAD" ingest -q -p 1 -c 1 --host-scale 1 --seed 42 \
		--target "file:$out?format=$fmt" --results "$dir/results" \
		"$@" >"$dir/stdout" 2>"$dir/stderr"; then
		echo "digests.sh: $name: tsload failed: $(tail -1 "$dir/stderr")" >&2
		rm -rf "$dir"
		return 1
	fi
	echo "$name $(wc -l <"$out") $(sha256sum <"$out" | cut -d' ' -f1)"
	rm -rf "$dir"
}

# Every format x both layouts x plain, batched and request-id runs, and
# one unpaced run with epoch-millisecond times (1 ms a cycle).
all_cases() {
	local fmt layout lopt rc=0
	for fmt in $FORMATS; do
		for layout in single multi; do
			lopt=
			[ $layout = multi ] && lopt=--multi
			case_line "$fmt/$layout/plain" $lopt \
				--start-time $START --end-time $END || rc=1
			case_line "$fmt/$layout/batch-writes" $lopt \
				--batch-writes --batch-size 77 \
				--start-time $START --end-time $END || rc=1
			case_line "$fmt/$layout/add-req-id" $lopt --add-req-id \
				--start-time $START --end-time $END || rc=1
		done
	done
	case_line lp/single/req-id-dim --add-req-id --req-id-dim \
		--start-time $START --end-time $END || rc=1
	case_line lp/single/unpaced-epoch-ms --interval-millis 0 \
		--start-time 1767225600000 --end-time 1767225600003 || rc=1
	return $rc
}

if [ "${1:-}" = --record ]; then
	tmp=$(mktemp) || exit 1
	{
		echo "# <case> <lines> <sha256>, written by tests/data/digests.sh --record"
		all_cases
	} >"$tmp" || {
		rm -f "$tmp"
		exit 1
	}
	mv "$tmp" "$here/digests.txt"
	echo "wrote $here/digests.txt ($(grep -vc '^#' "$here/digests.txt") cases)"
else
	all_cases
fi
