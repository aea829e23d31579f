#!/usr/bin/env bash
# Installs what building and testing crmsync needs on Debian 12 (run as root).
# Safe to run again: it installs only what is missing.
set -euo pipefail

PACKAGES=(
  build-essential cmake ccache pkg-config git
  libyaml-cpp-dev liblua5.4-dev libsimdjson-dev libxxhash-dev libsqlite3-dev sqlite3
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format
  # The HTTP server: Boost.Asio/Beast (header-only), zlib for gzip answers
  libboost-dev zlib1g-dev libcurl4-openssl-dev
  # OpenSSL's libcrypto: JWT bearer signing/verifying, PKCE, secrets encrypted at rest
  libssl-dev
  # IANA time zones for cron schedules (Google cctz; GCC 12 has no
  # std::chrono zones) and the zone data it reads
  libcctz-dev tzdata
  curl  # the demo edits sandbox records through their HTTP APIs
  bc python3  # bench/s2_import_bench.sh times its steps and builds its rows
  jq iproute2  # bench/soak.sh reads answers with jq and finds free ports with ss
  libpq-dev libmariadb-dev
  # Real servers for the SQL connector tests (started on free loopback
  # ports by tests/support/sql_test_server.h; the packages' own services
  # are not used).
  postgresql mariadb-server
  # ODBC (the `odbc` connector): unixODBC headers and driver manager, and
  # the drivers its tests and docs use: psqlODBC and SQLite3 ODBC (tested
  # against the servers above and temp files), FreeTDS for SQL Server
  # (tsql proves it is installed; there is no SQL Server here).
  unixodbc-dev odbc-postgresql libsqliteodbc tdsodbc freetds-bin
  # promtool (`promtool check metrics`) parses `crmsync serve`'s /metrics in
  # the tests; the Prometheus server it comes with is not used.
  prometheus
  # Packaging and its test (tests/integration/package): the .deb's
  # maintainer scripts (adduser), systemd-analyze verify on the unit,
  # man -l on crmsync(1), and the shells whose completions are loaded.
  adduser dpkg-dev systemd man-db zsh fish ca-certificates
  # The fuzz targets (scripts/fuzz.sh): clang 14 and its libFuzzer and
  # sanitizer runtimes.
  clang-14 libclang-rt-14-dev
  # The dashboard's e2e tests drive Debian's headless Chromium (tests/e2e/).
  chromium
)
# The conformance tests run official npm SDKs. Node may come from elsewhere
# (nodesource bundles npm), so Debian's packages only when none is present.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The dashboard's locked build tools (esbuild, preact): the build runs npm ci
# by itself when they are missing; here so that a first build works offline after setup.
web="$(dirname "$0")/../web"
[ -d "$web/node_modules" ] || (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
