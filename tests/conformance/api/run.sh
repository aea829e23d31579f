#!/usr/bin/env bash
# Conformance: docs/openapi.yaml against the real API.
# Usage: run.sh PATH/TO/crmsync [PATH/TO/test_integration_service]
# Installs the locked validators when node_modules is missing. With the test
# binary, runs the C++ API tests recording every answer and validates them;
# then starts `crmsync serve` on a sqlite-to-sqlite config and validates
# the answers of the live service (openapi.test.js says what it checks).
set -euo pipefail
cd "$(dirname "$0")"
binary="$1"
api_tests="${2:-}"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
work="$(mktemp -d)"
pid=""
pd_pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$pd_pid" ]; then kill "$pd_pid" 2>/dev/null || true; wait "$pd_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if [ -n "$api_tests" ]; then
  if ! CRMSYNC_API_RECORD="$work/answers.jsonl" "$api_tests" --gtest_filter='Api*' \
      >"$work/gtest.log" 2>&1; then
    tail -60 "$work/gtest.log"
    exit 1
  fi
  export CRMSYNC_API_RECORDED="$work/answers.jsonl"
fi

# A sqlite-to-sqlite project: customers sync, leads partly fail (a CHECK
# constraint in the warehouse) so that record errors exist.
project="$work/project"
mkdir -p "$project"
sqlite3 "$project/crm.db" <<'SQL'
CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, updated_at TIMESTAMP);
INSERT INTO customers VALUES ('C1', 'Ada', '2026-12-01T10:00:00Z'), ('C2', 'Bob', '2026-12-01T10:01:00Z'),
  ('C3', 'Cy', '2026-12-01T10:02:00Z');
CREATE TABLE leads (id TEXT PRIMARY KEY, email TEXT);
INSERT INTO leads VALUES ('L1', 'ok@example.com'), ('L2', 'bad-2'), ('L3', 'bad-3');
SQL
sqlite3 "$project/warehouse.db" \
  "CREATE TABLE leads (id INTEGER PRIMARY KEY, crm_id TEXT UNIQUE, email TEXT CHECK (email LIKE '%@%'));"
# The Pipedrive sandbox: Connect and Disconnect go through its OAuth app.
touch "$work/pd.log"
"$binary" sandbox pipedrive >"$work/pd.log" 2>&1 &
pd_pid=$!
pd_url=""
for _ in $(seq 600); do
  pd_url="$(sed -n 's/.*listening on \(http:[^ ]*\).*/\1/p' "$work/pd.log" | head -1)"
  [ -n "$pd_url" ] && break
  kill -0 "$pd_pid" 2>/dev/null || { cat "$work/pd.log"; exit 1; }
  sleep 0.05
done
[ -n "$pd_url" ] || { echo "the pipedrive sandbox did not start:"; cat "$work/pd.log"; exit 1; }
cat >"$project/crmsync.yaml" <<YAML
params:
  company: {default: acme}
connections:
  crm: {type: sqlite, path: crm.db}
  warehouse: {type: sqlite, path: warehouse.db}
  pd:
    type: pipedrive
    auth: web_server
    client_id: demo-client
    client_secret: demo-secret
    oauth_url: $pd_url
    base_url: $pd_url
flows:
  customers:
    source: {connection: crm, object: customers, id_field: id, cursor_field: updated_at}
    target: {connection: warehouse, object: customers, id_field: id}
    match: {target_field: crm_id}
    mapping: {crm_id: id, name: name}
  leads:
    source: {connection: crm, object: leads, id_field: id}
    target: {connection: warehouse, object: leads, id_field: id}
    match: {target_field: crm_id}
    mapping: {crm_id: id, email: email}
YAML
token="conformance-token-$(date +%s%N)"
CRMSYNC_SECRET_KEY="$(head -c 32 /dev/urandom | base64)" \
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
CRMSYNC_API_URL="http://127.0.0.1:$port" CRMSYNC_API_TOKEN="$token" node --test openapi.test.js ||
  status=$?
[ "$status" = 0 ] || tail -40 "$work/serve.log"
exit "$status"
