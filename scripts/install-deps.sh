#!/usr/bin/env bash
# Installs the Debian packages tsload needs to build and test, only those
# that are missing, so a second run costs one dpkg-query.
set -euo pipefail

pkgs=(
	gcc make pkg-config
	libnng-dev libiniparser-dev libcmocka-dev
	libcurl4-openssl-dev libssl-dev libsqlite3-dev libpq-dev zlib1g-dev
	librdkafka-dev libzstd-dev kcat
	sqlite3 procps curl iproute2 python3 python3-yaml
	clang-format
	gnuplot-nox chromium
	clickhouse-server clickhouse-client influxdb victoria-metrics
	postgresql-15
	prometheus graphite-carbon libsnappy-dev libprotobuf-c-dev protobuf-c-compiler
)

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $st == ii* ]] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
