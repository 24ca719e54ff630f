#!/usr/bin/env bash
# make install into a temporary PREFIX, then the installed tsload from a
# directory outside the checkout: ingest, query, model, the man page; the
# defaults found next to the binary, not in the current directory;
# DESTDIR; make uninstall.
. "$(dirname "$0")/../lib.sh"
build=$(cd "$(dirname "$TSLOAD")/.." && pwd)
prefix=$T_TMP/prefix
bin=$prefix/bin/tsload
data=$prefix/share/tsload/configs
cd "$T_TMP" || exit 1

make -C "$T_SRC" --no-print-directory BUILD="$build" PREFIX="$prefix" \
	install >install.out 2>&1
check_eq "make install: exit 0" 0 $?
check "installed: PREFIX/bin/tsload" test -x "$bin"
check "installed: config.ini" test -f "$data/config.ini"
check "installed: query templates" test -f "$data/queries/sqlite/do-q1.sql"
check "installed: man page" test -f "$prefix/share/man/man1/tsload.1"

# from a directory outside the checkout, with no configs/ of its own
mkdir elsewhere && cd elsewhere || exit 1
"$bin" ingest --host-scale 1 --duration 2 -q >ingest.out 2>&1
check_eq "installed ingest: exit 0" 0 $?
check "installed ingest: results/ made in the current directory" \
	test -s results/tsload.db
"$bin" query --repetitions 3 --think-time-milliseconds 0 -q >query.out 2>&1
check_eq "installed query: exit 0" 0 $?
check "installed query: the installed config.ini" \
	grep -q "\"config\": \"$data/config.ini\"" results/*-query-*/run.json
check "installed query: the installed templates" \
	grep -q "\"queries-dir\": \"$data/queries\"" results/*-query-*/run.json
check_eq "installed query: 3 queries ok" 3 "$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["queries"]["totals"]["ok"])' results/*-query-*/run.json)"
"$bin" model --host-scale 1 >model.out 2>&1
check_eq "installed model: exit 0" 0 $?
check "installed model: the summary" grep -q "Number of timeseries: 26,000" model.out
man=$(MANWIDTH=80 man --warnings -l "$prefix/share/man/man1/tsload.1" 2>man.err)
check_eq "man -l: exit 0" 0 $?
check_eq "man -l: no warning" "" "$(cat man.err)"
for sub in ingest query run model cleanup worker version help; do
	check "man page: a section for $sub" grep -qE "^   $sub\$" <<<"$man"
done

# a --config given is taken as given, relative to the current directory
err=$("$bin" query --config configs/config.ini 2>&1)
check_eq "explicit relative --config: exit 2" 2 $?
check_eq "explicit relative --config: relative to the current directory" \
	"tsload: error: configs/config.ini: cannot open: No such file or directory" "$err"
# a binary without its data says which default it looked for, and where
mkdir -p "$T_TMP/lone/bin" && cp "$bin" "$T_TMP/lone/bin/"
err=$("$T_TMP/lone/bin/tsload" query 2>&1)
check_eq "no installed config.ini: exit 2" 2 $?
check "no installed config.ini: names the default and where it looked" grep -qF \
	"tsload: error: --config not given, and its default configs/config.ini is not installed next to the binary: neither $T_TMP/lone/share/tsload/configs/config.ini nor $T_TMP/lone/../configs/config.ini (give --config FILE)" <<<"$err"
cd "$T_TMP" || exit 1

# DESTDIR: staged under DESTDIR/PREFIX, and it runs from there
make -C "$T_SRC" --no-print-directory BUILD="$build" PREFIX=/opt/tsload \
	DESTDIR="$T_TMP/stage" install >stage.out 2>&1
check_eq "make install DESTDIR=: exit 0" 0 $?
check "DESTDIR: the binary" test -x "$T_TMP/stage/opt/tsload/bin/tsload"
check "DESTDIR: the man page" test -f "$T_TMP/stage/opt/tsload/share/man/man1/tsload.1"
(cd elsewhere && "$T_TMP/stage/opt/tsload/bin/tsload" query --repetitions 1 \
	--think-time-milliseconds 0 -q >stage-query.out 2>&1)
check_eq "DESTDIR: the staged query finds its config" 0 $?

make -C "$T_SRC" --no-print-directory BUILD="$build" PREFIX="$prefix" \
	uninstall >uninstall.out 2>&1
check_eq "make uninstall: exit 0" 0 $?
check "uninstalled: binary" test ! -e "$bin"
check "uninstalled: data" test ! -e "$prefix/share/tsload"
check "uninstalled: man page" test ! -e "$prefix/share/man/man1/tsload.1"
finish
