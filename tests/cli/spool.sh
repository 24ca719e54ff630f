#!/usr/bin/env bash
# --spool-*: bad values are one line and exit 2; a spool directory that
# an earlier run with other settings (or more threads, or another number
# of targets) left is refused
# before anything starts; a run whose target never fails keeps nothing,
# and its closing lines add up. (Runs with a server going down:
# tests/fault/spool.sh; the segment format: tests/unit/test_spool.c.)
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

# one_line_exit2 NAME REGEX ARGS...: tsload ingest ARGS (exit2_line)
one_line_exit2() { exit2_line "$1" "$2" ingest "${@:3}"; }
one_line_exit2 "bad --spool-full" '^tsload: error: --spool-full: invalid value "sometimes" \(expected block, drop-oldest or drop-new\)$' \
	--spool-full sometimes --target null:
one_line_exit2 "bad --spool-max" '^tsload: error: --spool-max: invalid value "10Q"' \
	--spool-max 10Q --target null:
one_line_exit2 "--spool-max too small for the threads" '^tsload: error: --spool-max: 102400 bytes leave 51200 to each of the 2 threads, less than the 65536' \
	--spool-dir sp --spool-max 100K -c 2 --host-scale 1 --target null:

# a segment whose header says another run made it
mkdir -p foreign/w0-t0 more/w1-t0 fan/w0-t0-k1 single/w0-t0
python3 - <<'PY'
import struct
def crc32c(data, crc=0):
    crc ^= 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xffffffff
assert crc32c(b"123456789") == 0xE3069283
ident = b"tsload spool 1 le; model=perf-scale host-scale=7"
h = b"TSLSPL01" + struct.pack("<I", len(ident)) + ident
h += struct.pack("<I", crc32c(h))
for d in ("foreign/w0-t0", "more/w1-t0", "fan/w0-t0-k1", "single/w0-t0"):
    open(d + "/0000000000000001.seg", "wb").write(h)
PY
one_line_exit2 "spool of other settings" '^tsload: error: --spool-dir: foreign/w0-t0 was written by a run with other settings \("...host-scale=7", this run: "...host-scale=1 .*"\): run with that run.s options, or move it away$' \
	--spool-dir foreign --host-scale 1 --duration 1 --target null:
one_line_exit2 "spool of more workers" '^tsload: error: --spool-dir: more/w1-t0 holds what a run with more workers or threads left \(-p 1 -c 1 here\)' \
	--spool-dir more --host-scale 1 --duration 1 --target null:
one_line_exit2 "spool of a fan-out, one target here" '^tsload: error: --spool-dir: fan/w0-t0-k1 holds what a run with more targets \(fan-out\) left \(1 --target here\)' \
	--spool-dir fan --host-scale 1 --duration 1 --target null:
one_line_exit2 "spool of one target, a fan-out here" '^tsload: error: --spool-dir: single/w0-t0 holds what a run with one target left \(2 --target here\)' \
	--spool-dir single --host-scale 1 --duration 1 --target null: --target null:
one_line_exit2 "--spool-max too small for the targets" '^tsload: error: --spool-max: 204800 bytes leave 51200 to each of the 4 spools \(threads times 2 targets\), less than the 65536' \
	--spool-dir sp --spool-max 200K -c 2 --host-scale 1 --target null: --target null:

# the spool's identity names its target: a fan-out whose unreachable
# target 2 spooled, run again with the targets the other way round, is
# refused (the spool would go to the wrong target); the same order is not
down=http://127.0.0.1:9/x
"$TSLOAD" ingest --spool-dir order --host-scale 1 --interval-millis 0 --duration 1 \
	--target null: --target "$down" >out 2>err
check_eq "an unreachable fan-out target: exit 0" 0 "$?"
check "an unreachable fan-out target: its lane spooled" test -n "$(find order/w0-t0-k1 -name '*.seg')"
one_line_exit2 "a fan-out spool, targets in another order" '^tsload: error: --spool-dir: order/w0-t0-k[01] was written by a run with other settings \("\.\.\.target=(null:|http://127\.0\.0\.1:9/x)", this run: "\.\.\.target=(http://127\.0\.0\.1:9/x|null:)"\): run' \
	--spool-dir order --host-scale 1 --interval-millis 0 --duration 1 --target "$down" --target null:
"$TSLOAD" ingest --spool-dir order --host-scale 1 --interval-millis 0 --duration 1 \
	--target null: --target "$down" >out 2>err
check_eq "a fan-out spool, targets in the same order: exit 0" 0 "$?"
# one target: a spool of another target, and one written before the
# identity named the target, are refused
"$TSLOAD" ingest --spool-dir one --host-scale 1 --interval-millis 0 --duration 1 \
	--target "$down" >out 2>err
check_eq "an unreachable target: exit 0" 0 "$?"
one_line_exit2 "a spool of another target" '^tsload: error: --spool-dir: one/w0-t0 was written by a run with other settings \("\.\.\.target=http://127\.0\.0\.1:9/x", this run: "\.\.\.target=http://127\.0\.0\.1:8/x"\): run' \
	--spool-dir one --host-scale 1 --interval-millis 0 --duration 1 --target http://127.0.0.1:8/x
python3 - one/w0-t0 <<'PY'
import glob, struct, sys
# rewrite the header of the oldest segment without " target=...", as
# spools were written before the identity named the target
p = sorted(glob.glob(sys.argv[1] + "/*.seg"))[0]
b = open(p, "rb").read()
il = struct.unpack("<I", b[8:12])[0]
ident = b[12:12 + il].split(b" target=")[0]
def crc32c(data, crc=0):
    crc ^= 0xffffffff
    for x in data:
        crc ^= x
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xffffffff
h = b"TSLSPL01" + struct.pack("<I", len(ident)) + ident
h += struct.pack("<I", crc32c(h))
open(p, "wb").write(h + b[12 + il + 4:])
PY
one_line_exit2 "a spool from before the identity named the target" '^tsload: error: --spool-dir: one/w0-t0 was written by a run with other settings \("\.\.\.hosts=0\+0\.\.1000", this run: "\.\.\.hosts=0\+0\.\.1000 target=http://127\.0\.0\.1:9/x"\): run' \
	--spool-dir one --host-scale 1 --interval-millis 0 --duration 1 --target "$down"

# nothing goes wrong: nothing kept, no spool line, the records add up
"$TSLOAD" ingest --spool-dir ok -p 2 -c 2 --host-scale 1 --interval-millis 0 --duration 1 \
	--batch-writes --target null: --results res >out 2>err
check_eq "a healthy run: exit 0" 0 "$?"
check "a healthy run: no spool line" not grep -q '^Spool:' out
check "a healthy run: the records add up" not grep -q 'do not add up' out
check_eq "a healthy run: no segment" "" "$(find ok -name '*.seg')"
check "a healthy run: run.json totals: generated = records, nothing lost" \
	python3 -c 'import json, sys; t = json.load(open(sys.argv[1]))["totals"]; sys.exit(not (t["generated"] == t["records"] > 0 and t["lost"] == 0 and "spool" not in t))' "$(ls res/*/run.json)"
# fan-out: each target its own spool directory, a healthy run keeps
# nothing and adds up
"$TSLOAD" ingest --spool-dir fanok -p 1 -c 2 --host-scale 1 --interval-millis 0 --duration 1 \
	--batch-writes --target null: --target null: --results resf >out 2>err
check_eq "a healthy fan-out: exit 0" 0 "$?"
check "a healthy fan-out: a spool per thread and target" \
	test -d fanok/w0-t0-k0 -a -d fanok/w0-t0-k1 -a -d fanok/w0-t1-k0 -a -d fanok/w0-t1-k1 -a ! -e fanok/w0-t0
check "a healthy fan-out: the records add up" not grep -q 'do not add up' out
check "a healthy fan-out: no spool lines" not grep -qE '^(Target [0-9]+ )?[Ss]pool:' out
finish
