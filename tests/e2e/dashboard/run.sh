#!/usr/bin/env bash
# e2e: the dashboard in Debian's headless Chromium against a real
# `crmsync serve` (sqlite to sqlite: customers, a large table to cancel, and
# leads of which some fail). Usage: run.sh PATH/TO/crmsync OUT_DIR
# Installs the locked puppeteer-core and axe-core when node_modules is
# missing; saves a screenshot of every page under OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")"
binary="$1"
out="${2:-$PWD/out}"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
chromium="${CRMSYNC_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
[ -n "$chromium" ] || { echo "e2e: no chromium (scripts/setup.sh installs Debian's)"; exit 1; }
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

project="$work/project"
mkdir -p "$project" "$out"
{
  echo "CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, updated_at TIMESTAMP);"
  echo "CREATE TABLE contacts (id TEXT PRIMARY KEY, name TEXT, customer_id TEXT);"
  echo "CREATE TABLE leads (id TEXT PRIMARY KEY, email TEXT);"
  echo "CREATE TABLE events (id TEXT PRIMARY KEY, kind TEXT);"
  echo "INSERT INTO leads VALUES ('L1', 'ok@example.com'), ('L2', 'bad-2'), ('L3', 'bad-3');"
  echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1234)"
  echo "  INSERT INTO customers SELECT printf('C%05d', i), 'Customer ' || i, '2026-12-01T10:00:00Z' FROM n;"
  echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 321)"
  echo "  INSERT INTO contacts SELECT printf('P%05d', i), 'Contact ' || i, printf('C%05d', i) FROM n;"
  echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200000)"
  echo "  INSERT INTO events SELECT printf('E%07d', i), 'kind ' || (i % 7) FROM n;"
} | sqlite3 "$project/crm.db"
sqlite3 "$project/warehouse.db" \
  "CREATE TABLE leads (id INTEGER PRIMARY KEY, crm_id TEXT UNIQUE, email TEXT CHECK (email LIKE '%@%'));"
cat >"$project/crmsync.yaml" <<'YAML'
connections:
  crm: {type: sqlite, path: crm.db}
  warehouse: {type: sqlite, path: warehouse.db}
flows:
  customers:
    source: {connection: crm, object: customers, id_field: id, cursor_field: updated_at, batch_size: 100}
    target: {connection: warehouse, object: customers, id_field: id}
    match: {target_field: crm_id}
    mapping: {crm_id: id, name: name}
  contacts:
    source: {connection: crm, object: contacts, id_field: id, batch_size: 50}
    target: {connection: warehouse, object: contacts, id_field: id}
    match: {target_field: crm_id}
    mapping: {crm_id: id, name: name, customer_id: {ref: customers, from: customer_id}}
  leads:
    source: {connection: crm, object: leads, id_field: id}
    target: {connection: warehouse, object: leads, id_field: id}
    match: {target_field: crm_id}
    mapping: {crm_id: id, email: email}
  events:
    source: {connection: crm, object: events, id_field: id, batch_size: 200}
    target: {connection: warehouse, object: events, id_field: id}
    match: {target_field: crm_id}
    mapping: {crm_id: id, kind: kind}
YAML
# The canary: the API token is the secret no answer the browser gets may hold.
token="e2e-canary-token-$(date +%s%N)"
CRMSYNC_API_TOKEN="$token" "$binary" serve -c "$project/crmsync.yaml" --listen 127.0.0.1:0 \
  2>"$work/serve.log" &
pid=$!
port=""
for _ in $(seq 600); do
  port="$(sed -n 's/.*"event":"listen".*"port":\([0-9]*\).*/\1/p' "$work/serve.log" | head -1)"
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log"; exit 1; }
  sleep 0.05
done
[ -n "$port" ] || { echo "serve did not start:"; cat "$work/serve.log"; exit 1; }

status=0
E2E_URL="http://127.0.0.1:$port" E2E_TOKEN="$token" E2E_OUT="$out" E2E_CHROMIUM="$chromium" \
  E2E_CRM_DB="$project/crm.db" node --test --test-concurrency=1 dashboard.test.mjs || status=$?
[ "$status" = 0 ] || tail -40 "$work/serve.log"
exit "$status"
