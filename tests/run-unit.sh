#!/usr/bin/env bash
# Runs the cmocka unit-test binaries given as arguments and sums up.
set -u
pass=0 fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	pass=$((pass + ${n:-0}))
	fail=$((fail + ${f:-0}))
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out" | grep -E 'FAILED|ERROR|error|Assert' | head -20
		[ -z "$f" ] && fail=$((fail + 1))
		echo "FAIL unit $(basename "$t")"
	else
		echo "ok   unit $(basename "$t") (${n:-0} tests)"
	fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
