#!/usr/bin/env bash
# The dashboard's benchmark (issue 20; never asserted on time): the first
# load of the overview (bytes over the wire, cold cache, and the time until
# its tables show) and the history page over 100,000 runs (the time until
# its first page shows, unfiltered and filtered by a day), in Debian's
# headless Chromium against a local serve.
# Usage: bench.sh PATH/TO/crmsync   (the optimized build: scripts/build.sh ->
# build-release/crmsync). Prints one JSON line of numbers.
set -euo pipefail
cd "$(dirname "$0")"
binary="$1"
runs="${BENCH_RUNS:-100000}"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
chromium="${CRMSYNC_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$chromium" ] || { echo "bench: no chromium"; exit 1; }
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

sqlite3 "$work/crm.db" "CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT);
  INSERT INTO customers VALUES ('C1', 'Ada'), ('C2', 'Bob');"
cat >"$work/crmsync.yaml" <<'YAML'
connections:
  crm: {type: sqlite, path: crm.db}
  warehouse: {type: sqlite, path: warehouse.db}
state: {path: state.db}
flows:
  customers:
    source: {connection: crm, object: customers, id_field: id}
    target: {connection: warehouse, object: customers, id_field: id}
    match: {target_field: crm_id}
    mapping: {crm_id: id, name: name}
  orders:
    source: {connection: crm, object: customers, id_field: id}
    target: {connection: warehouse, object: orders, id_field: id}
    match: {target_field: crm_id}
    mapping: {crm_id: id, name: name}
YAML
"$binary" run -c "$work/crmsync.yaml" >/dev/null
# The one real run copied into `runs` runs, a minute apart, over the last
# days; each with its flows' counts.
sqlite3 "$work/state.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $runs)
INSERT INTO runs (started_at, ended_at, status, trigger, message, queued_at, flows, params)
  SELECT r.started_at - i * 60000000, r.ended_at - i * 60000000,
         CASE WHEN i % 13 = 0 THEN 'partial' ELSE 'succeeded' END, 'schedule', '',
         r.queued_at - i * 60000000, '[]', '{}'
  FROM n, (SELECT * FROM runs ORDER BY id LIMIT 1) r;
INSERT INTO run_flows (run_id, flow, read, created, updated, skipped, deleted, failed, api_calls)
  SELECT r.id, f.flow, 1234, 12, 34, 1188, 0, 0, 3 FROM runs r, (SELECT 'customers' AS flow UNION ALL SELECT 'orders') f
  WHERE r.id > 1;
SQL
count="$(sqlite3 "$work/state.db" 'SELECT count(*) FROM runs')"
token="bench-token-$(date +%s%N)"
CRMSYNC_API_TOKEN="$token" "$binary" serve -c "$work/crmsync.yaml" --listen 127.0.0.1:0 \
  2>"$work/serve.log" &
pid=$!
port=""
for _ in $(seq 600); do
  port="$(sed -n 's/.*"event":"listen".*"port":\([0-9]*\).*/\1/p' "$work/serve.log" | head -1)"
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.05
done
[ -n "$port" ] || { cat "$work/serve.log"; exit 1; }
BENCH_URL="http://127.0.0.1:$port" BENCH_TOKEN="$token" BENCH_CHROMIUM="$chromium" BENCH_COUNT="$count" \
  node bench.mjs
