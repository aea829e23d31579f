#!/usr/bin/env bash
# Builds an optimized (no sanitizer) copy into build-bench/ and runs the
# benchmarks. Usage: bench/run.sh [records...]   (default 10000 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DCRMSYNC_SANITIZE=OFF -DCRMSYNC_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" --target bench_pipeline bench_sql bench_sandbox_pipedrive bench_sandbox_salesforce \
  bench_pipedrive_connector bench_salesforce_connector bench_http_server bench_serve \
  bench_webhook_ingest
sizes=("$@")
((${#sizes[@]})) || sizes=(10000 100000 1000000)
for n in "${sizes[@]}"; do
  # One process per size: peak RSS is then that size's own.
  build-bench/bench/bench_pipeline "$n" ${header:+--no-header}
  header=no
done
# The same after an untimed first pass in the process: without its one-time
# costs (first touches of memory), which are most of a 10k run.
for n in "${sizes[@]}"; do
  build-bench/bench/bench_pipeline "$n" --no-header --warm
done

# SQL connectors against throwaway PostgreSQL and MariaDB servers (and
# through ODBC: psqlODBC, SQLite3 ODBC on a temp file), 100k rows.
echo
sql_rows="${SQL_BENCH_ROWS:-100000}"
build-bench/bench/bench_sql postgres "$sql_rows"
build-bench/bench/bench_sql mariadb "$sql_rows" --no-header
build-bench/bench/bench_sql odbc-postgres "$sql_rows" --no-header
build-bench/bench/bench_sql odbc-sqlite "$sql_rows" --no-header

echo
build-bench/bench/bench_sandbox_pipedrive
echo
build-bench/bench/bench_pipedrive_connector
echo
build-bench/bench/bench_sandbox_salesforce
echo
build-bench/bench/bench_salesforce_connector
echo
build-bench/bench/bench_http_server

# crmsync serve: idle CPU over 10 minutes as the goal states (SERVE_IDLE_SECS to shorten)
echo
build-bench/bench/bench_serve --idle-secs "${SERVE_IDLE_SECS:-600}"

# Webhook ingest into serve's inbox: 16 senders (issue 19).
echo
build-bench/bench/bench_webhook_ingest
