#!/usr/bin/env bash
# The dashboard's benchmark (issue 20), printed, never asserted:
# - first load of the overview: every asset, cold cache, gzip, bytes on the
#   wire and time to the rendered page in headless Chromium;
# - the history page with 100,000 runs in the state store: the API's first
#   page (and a day's, and the worst case: a span before every run) and
#   the page rendered in Chromium (first page, one day, an old page).
# Usage: bench/dashboard_bench.sh PATH/TO/crmsync   (build/crmsync by default)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${1:-$root/build/crmsync}"
e2e="$root/tests/e2e/dashboard"
[ -d "$e2e/node_modules" ] || (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error)
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
sqlite3 crm.db "CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT);"
cat >crmsync.yaml <<'YAML'
state: {path: state.db}
connections:
  crm: {type: sqlite, path: crm.db}
  warehouse: {type: sqlite, path: warehouse.db}
flows:
  customers:
    source: {connection: crm, object: customers, id_field: id}
    target: {connection: warehouse, object: customers, id_field: id}
    match: {target_field: crm_id}
    mapping: {crm_id: id, name: name}
YAML
token="bench-token-$(date +%s%N)"
start_serve() {
  : >serve.log
  CRMSYNC_API_TOKEN="$token" "$binary" serve -c crmsync.yaml --listen 127.0.0.1:0 2>serve.log &
  pid=$!
  port=""
  for _ in $(seq 600); do
    port="$(sed -n 's/.*"event":"listen".*"port":\([0-9]*\).*/\1/p' serve.log | head -1)"
    [ -n "$port" ] && return
    sleep 0.05
  done
  echo "serve did not start"; cat serve.log; exit 1
}
stop_serve() { kill "$pid"; wait "$pid" || true; pid=""; }

# A first start creates the state store; 100,000 ended runs go in beside it.
start_serve
stop_serve
sqlite3 state.db <<'SQL'
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO runs (started_at, ended_at, queued_at, status, trigger, flows)
  SELECT 1764990000000000 + i * 60000000, 1764990000000000 + i * 60000000 + 5000000,
         1764990000000000 + i * 60000000,
         CASE i % 10 WHEN 0 THEN 'partial' WHEN 7 THEN 'failed' ELSE 'succeeded' END,
         'schedule', '["customers"]' FROM n;
INSERT INTO run_flows (run_id, flow, read, created, updated, skipped, failed)
  SELECT id, 'customers', 1200, 10, 20, 1170, CASE status WHEN 'partial' THEN 3 ELSE 0 END FROM runs;
SQL
start_serve
url="http://127.0.0.1:$port"
api_first_page="$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url/api/v1/runs?limit=50")"
echo "dashboard bench ($(date -u +%FT%TZ), $binary)"
printf 'GET /api/v1/runs?limit=50 with 100,000 runs: %.1f ms\n' "$(echo "$api_first_page * 1000" | bc -l)"
# A span before every run: the query walks all 100,000 (the worst case).
for q in "from=2026-01-10T00:00:00Z&to=2026-01-11T00:00:00Z" "from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z"; do
  t="$(curl -s -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url/api/v1/runs?limit=50&$q")"
  printf 'GET /api/v1/runs?limit=50&%s: %.1f ms\n' "$q" "$(echo "$t * 1000" | bc -l)"
done
total=0
for asset in / /assets/app.js /assets/app.css; do
  # The page itself needs a session: log in for the cookie first.
  if [ "$asset" = / ]; then
    curl -s -c cookies -H 'Content-Type: application/json' -d "{\"token\":\"$token\"}" "$url/login" >/dev/null
  fi
  bytes="$(curl -s -b cookies -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$url$asset")"
  printf '  %-16s %7d bytes gzip\n' "$asset" "$bytes"
  total=$((total + bytes))
done
printf 'first load, all assets, gzip: %d bytes (%.1f KB; budget 150 KB)\n' "$total" "$(echo "$total / 1024" | bc -l)"
E2E_URL="$url" E2E_TOKEN="$token" E2E_CHROMIUM="$(command -v chromium)" \
  NODE_PATH="$e2e/node_modules" node "$root/bench/dashboard_bench.mjs"
