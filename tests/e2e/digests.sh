#!/usr/bin/env bash
# The bytes written for a fixed --seed and --start-time, for every file:
# format and both layouts, against the digests recorded in
# tests/data/digests.txt (tests/data/digests.sh --record); then the virtual
# clock of --start-time/--end-time, and the same series from -p 2 -c 2.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

want=$T_SRC/tests/data/digests.txt
bash "$T_SRC/tests/data/digests.sh" >got 2>got.err
check_eq "digests.sh ran every case" 0 $?
check_eq "digests.sh said nothing on stderr" "" "$(cat got.err)"
check_eq "as many cases as recorded" "$(grep -vc '^#' "$want")" "$(wc -l <got)"
check "at least 30 cases recorded" test "$(grep -vc '^#' "$want")" -ge 30
while read -r name lines sum; do
	case $name in '#'*) continue ;; esac
	check_eq "$name: lines and sha256 as recorded" "$lines $sum" \
		"$(awk -v n="$name" '$1 == n { print $2, $3 }' got)"
done <"$want"

# The virtual clock: cycle k at start + k x interval, the last one before
# --end-time, then the run ends by itself (unpaced: no 5 s waits).
run() { # run OUT EXTRA...: one lp backfill, 1 cycle per 5 s of data
	local out=$1
	shift
	"$TSLOAD" ingest -q --host-scale 1 --seed 42 --target "file:$T_TMP/$out?format=lp" \
		--results "$T_TMP/results" "$@" >"$out.stdout" 2>"$out.stderr"
}
stamps() { awk '{ print $NF }' "$1" | sort -u | tr '\n' ' '; }
run a.lp -p 1 -c 1 --start-time 1767225600 --end-time 2026-01-01T00:00:20.001Z
check_eq "backfill exits 0" 0 $?
check_eq "backfill: cycles at start + k x 5 s, up to the end" \
	"1767225600000000000 1767225605000000000 1767225610000000000 1767225615000000000 1767225620000000000 " \
	"$(stamps a.lp)"
check_eq "backfill: 26000 series in each of 5 cycles" 130000 "$(wc -l <a.lp)"
check_eq "backfill: stderr is empty" "" "$(cat a.lp.stderr)"
check_eq "backfill: Records written" 130000 "$(records_written a.lp.stdout)"

# -p 2 -c 2 writes the same series at the same times as -p 1 -c 1; cpu_user
# differs (the seed draws the high/low CPU hosts per process), so only the
# keys (series, field, time) are compared.
keys() { awk '{ split($2, f, "="); print $1, f[1], $3 }' "$1" | sort | sha256sum; }
run b.lp -p 2 -c 2 --start-time 1767225600 --end-time 2026-01-01T00:00:20.001Z
check_eq "-p 2 -c 2 exits 0" 0 $?
check_eq "-p 2 -c 2: the same series and times as -p 1 -c 1" "$(keys a.lp)" "$(keys b.lp)"
# Values are a function of (seed, series, time, measure): -p 1 -c 3 (one
# process, so the same high/low CPU hosts) writes the very same lines.
run d.lp -p 1 -c 3 --start-time 1767225600 --end-time 2026-01-01T00:00:20.001Z
check_eq "-p 1 -c 3 exits 0" 0 $?
check_eq "-p 1 -c 3: the same lines, values included, as -p 1 -c 1" \
	"$(sort a.lp | sha256sum)" "$(sort d.lp | sha256sum)"

# Paced with --start-time: the wall clock paces, the virtual one stamps.
run c.lp -p 1 -c 1 --interval-millis 200 --start-time 2026-01-01T00:00:00Z --duration 1
check_eq "paced run exits 0" 0 $?
first=$(awk '{ print $NF }' c.lp | sort -n | head -1)
check_eq "paced: the first cycle is stamped --start-time" 1767225600000000000 "$first"
off_grid=0
for ts in $(awk '{ print $NF }' c.lp | sort -u); do
	[ $(((ts - 1767225600000000000) % 200000000)) -eq 0 ] || off_grid=$((off_grid + 1))
done
check_eq "paced: every stamp is start + k x 200 ms" 0 "$off_grid"
check "paced: more than one cycle" test "$(awk '{ print $NF }' c.lp | sort -u | wc -l)" -ge 2

# Bad times: one line naming the option, exit 2.
bad_time() { # bad_time NAME WANT-IN-MESSAGE OPTION...
	local name=$1 want=$2
	shift 2
	"$TSLOAD" ingest --target null: "$@" >bad.out 2>bad.err
	check_eq "$name: exit 2" 2 $?
	check "$name: says \"$want\"" grep -qF -- "$want" bad.err
	check_eq "$name: one line" 1 "$(wc -l <bad.err)"
}
bad_time "end before start" "--end-time: 2025-01-01T00:00:00Z is not after --start-time 2026-01-01T00:00:00Z" \
	--start-time 2026-01-01T00:00:00Z --end-time 2025-01-01T00:00:00Z
bad_time "end without start" "--end-time needs --start-time" --end-time 1767225600
bad_time "not a time" '--start-time: invalid value "yesterday" (expected RFC 3339 (2026-01-01T00:00:00Z), epoch seconds or milliseconds, or relative: now, -3d, now-90m)' \
	--start-time yesterday
bad_time "no such day" '--start-time: invalid value "2026-02-29T00:00:00Z"' --start-time 2026-02-29T00:00:00Z

finish
