#!/usr/bin/env bash
# --help of every subcommand: sections, examples, every line under 80
# columns; help CMD; worker --help; the version; unknown commands and
# TSLOAD_* variables.
. "$(dirname "$0")/../lib.sh"
cd "$T_TMP" || exit 1

for sub in ingest query run model cleanup worker compare verify; do
	out=$("$TSLOAD" $sub --help 2>&1)
	check_eq "$sub --help: exit 0" 0 $?
	check "$sub --help: usage line" grep -q "^usage: tsload $sub" <<<"$out"
	check_eq "$sub --help: no line of 80 columns or more" "" \
		"$(awk 'length > 79' <<<"$out")"
	n=$(sed -n '/^examples:/,/^$/p' <<<"$out" | grep -c "^  tsload $sub")
	check "$sub --help: examples ($n)" test "$n" -ge 1
	check_eq "help $sub = $sub --help" "$out" "$("$TSLOAD" help $sub 2>&1)"
done
out=$("$TSLOAD" ingest --help)
for section in target "load shape" pacing output; do
	check "ingest --help: section $section" grep -q "^$section:$" <<<"$out"
done
check "ingest --help: 2 or 3 examples" test \
	"$(sed -n '/^examples:/,/^$/p' <<<"$out" | grep -c '^  tsload')" -ge 2
check "query --help: query workload section" \
	grep -q "^query workload:$" <<<"$("$TSLOAD" query --help)"
check "worker --help: describes --connect" \
	grep -q -- "--connect URL" <<<"$("$TSLOAD" worker --help)"
check_eq "tsload --help: no line of 80 columns or more" "" \
	"$("$TSLOAD" --help | awk 'length > 79')"
check "tsload --help: lists help and version" \
	grep -q "^  help CMD" <<<"$("$TSLOAD" --help)"

# the version: the release, and the git description of a checkout's build
v=$("$TSLOAD" --version)
check_eq "-V = --version" "$v" "$("$TSLOAD" -V)"
check_eq "version = --version" "$v" "$("$TSLOAD" version)"
check "--version: tsload RELEASE (git DESCRIPTION)" \
	grep -qE '^tsload [0-9]+\.[0-9]+\.[0-9]+( \(git [0-9a-zA-Z.-]+\))?$' <<<"$v"
if [ -e "$T_SRC/.git" ]; then
	check "--version: the git description in a checkout" \
		grep -q "(git " <<<"$v"
fi
# a tarball (no .git) unpacked inside another repository: no description,
# not the other repository's
mkdir -p outer/tsload && git -C outer init -q &&
	git -C outer -c user.name=t -c user.email=t@t commit -q --allow-empty -m t
cp "$T_SRC/Makefile" outer/tsload/
make -s -C outer/tsload BUILD="$T_TMP/tarball" "$T_TMP/tarball/gen/gitversion.h" >/dev/null 2>&1
check_eq "tarball inside a repository: no git description" \
	'#define TSLOAD_GIT_DESCRIBE ""' "$(cat "$T_TMP/tarball/gen/gitversion.h" 2>&1)"

# unknown commands
err=$("$TSLOAD" ingset 2>&1)
check_eq "mistyped command: exit 2" 2 $?
check_eq "mistyped command: the nearest" \
	'tsload: error: unknown command "ingset" (did you mean ingest?)' "$err"
err=$("$TSLOAD" help frobnicate 2>&1)
check_eq "help of an unknown command: exit 2" 2 $?

# TSLOAD_* variables that are no option: a warning with the nearest one
err=$(TSLOAD_HOST_SCAL=2 "$TSLOAD" model --host-scale 1 2>&1 >/dev/null)
check_eq "unknown TSLOAD_ variable: still exit 0" 0 $?
check_eq "unknown TSLOAD_ variable: one warning naming the nearest" \
	"tsload: warning: TSLOAD_HOST_SCAL is not an option variable, ignored (did you mean TSLOAD_HOST_SCALE, for --host-scale?)" "$err"
err=$(TSLOAD=/bin/true TSLOADX=1 TSLOAD_SRCDIR=/ "$TSLOAD" model --host-scale 1 2>&1 >/dev/null)
check_eq "TSLOAD, TSLOADX and TSLOAD_SRCDIR: no warning" "" "$err"
finish
