#!/usr/bin/env bash
# check-layers.sh - fails on an #include that points up a layer.
#
# Layers, lowest first (docs/architecture.md):
#   0 common/base     knows nothing of time series
#   1 common/net      http, aws, sigv4, ipc, proto
#   2 common/data     statistics and what travels between processes
#   3 plug-ins        common/models, formats, pacers, stages, targets
#   4 common/cli, query/
#   5 worker/, coordinator/   (peers: neither includes the other, but for
#                              the binary's dispatch in coordinator/main.c)
# A file may include headers of its own layer or below. Headers are found
# as the compiler finds them: its own folder first, then the -I folders.
#
#   scripts/check-layers.sh [ROOT]   prints each violation, exits 1 if any
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2

search="common/base common/net common/data common/models common/formats
common/pacers common/stages common/targets common/cli common coordinator
worker query"

level() {
	case $1 in
	common/base/*) echo 0 ;;
	common/net/*) echo 1 ;;
	common/data/*) echo 2 ;;
	common/models/* | common/formats/* | common/pacers/* | common/stages/* | common/targets/*) echo 3 ;;
	common/cli/* | query/*) echo 4 ;;
	worker/* | coordinator/*) echo 5 ;;
	common/*) echo x ;; # a file left at the top of common/: not allowed
	*) echo 9 ;;
	esac
}

# Known includes against the rule, "FILE HEADER" per line, each with the
# reason it is still there. Keep this list short.
allowed='
'

# Where the compiler finds header h included from file f.
resolve() {
	local f=$1 h=$2 d
	if [ -f "$(dirname "$f")/$h" ]; then
		echo "$(dirname "$f")/$h"
		return
	fi
	for d in $search; do
		[ -f "$d/$h" ] && { echo "$d/$h"; return; }
	done
}

bad=0
files=$(find common query worker coordinator -name '*.[ch]' | sort)
for f in $files; do
	lf=$(level "$f")
	if [ "$lf" = x ]; then
		echo "$f: at the top of common/; put it in the folder of its layer"
		bad=$((bad + 1))
		continue
	fi
	while IFS= read -r h; do
		[ -n "$h" ] || continue
		p=$(resolve "$f" "$h")
		[ -n "$p" ] || continue # generated (gitversion.h) or system
		lh=$(level "$p")
		[ "$lh" = x ] && continue # reported for the file itself
		case "$allowed" in *"
$f $p
"*) continue ;; esac
		if [ "$lh" -gt "$lf" ]; then
			echo "$f includes $p: a layer up"
			bad=$((bad + 1))
		elif [ "$lf" = 5 ] && [ "$lh" = 5 ] && [ "${f%%/*}" != "${p%%/*}" ] &&
			! { [ "$f" = coordinator/main.c ] && [ "$p" = worker/worker.h ]; }; then
			echo "$f includes $p: worker/ and coordinator/ are peers"
			bad=$((bad + 1))
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
if [ "$bad" -gt 0 ]; then
	echo "check-layers: $bad include(s) against the layer rule"
	exit 1
fi
echo "check-layers: every include points down a layer"
