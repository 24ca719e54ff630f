#!/usr/bin/env bash
# make check's dependency test: are the libraries, headers and commands
# that building and the quick tests need already here? Installs nothing
# (make deps does); prints one line naming the missing Debian packages and
# exits 1 when something is missing. CC and CPPFLAGS come from make.
set -u
cc=${CC:-cc}
missing=()
need() { missing+=("$1"); }

# package | probe: pc:MODULE (pkg-config), h:HEADER (preprocessed with
# $CC $CPPFLAGS), c:COMMAND (on PATH) or py:MODULE (python3 imports it)
probes=(
	"gcc|c:${cc%% *}"
	"make|c:make"
	"pkg-config|c:pkg-config"
	"libcurl4-openssl-dev|pc:libcurl"
	"libsqlite3-dev|pc:sqlite3"
	"libssl-dev|pc:openssl"
	"zlib1g-dev|pc:zlib"
	"libpq-dev|pc:libpq"
	"librdkafka-dev|pc:rdkafka"
	"libzstd-dev|pc:libzstd"
	"libnng-dev|h:nng/nng.h"
	"libiniparser-dev|h:iniparser.h"
	"libcmocka-dev|h:stdarg.h stddef.h stdint.h setjmp.h cmocka.h"
	"sqlite3|c:sqlite3"
	"procps|c:pgrep"
	"python3|c:python3"
	"python3-yaml|py:yaml"
	"gnuplot-nox|c:gnuplot"
	"chromium|c:chromium"
)

have_headers() {
	local h
	for h in "$@"; do
		printf '#include <%s>\n' "$h"
	done | $cc ${CPPFLAGS:-} -E -x c - -o /dev/null 2>/dev/null
}

for p in "${probes[@]}"; do
	pkg=${p%%|*}
	probe=${p#*|}
	case $probe in
	pc:*) pkg-config --exists "${probe#pc:}" 2>/dev/null || need "$pkg" ;;
	h:*) have_headers ${probe#h:} || need "$pkg" ;;
	c:*) command -v "${probe#c:}" >/dev/null 2>&1 || need "$pkg" ;;
	py:*) python3 -c "import ${probe#py:}" >/dev/null 2>&1 || need "$pkg" ;;
	esac
done

[ ${#missing[@]} -eq 0 ] && exit 0
echo "missing ${missing[*]}: run \`make deps\` to install them (apt-get), then \`make check\` again" >&2
exit 1
