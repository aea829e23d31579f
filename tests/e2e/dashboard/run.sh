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
sf_pid=""
pd_pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$pd_pid" ]; then kill "$pd_pid" 2>/dev/null || true; wait "$pd_pid" 2>/dev/null || true; fi
  if [ -n "$sf_pid" ]; then kill "$sf_pid" 2>/dev/null || true; wait "$sf_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
# Waits for PATTERN's first group in FILE (a server's "listening on" line).
port_in() {
  local file="$1" pattern="$2" p=""
  for _ in $(seq 600); do
    p="$(sed -n "$pattern" "$file" | head -1)"
    [ -n "$p" ] && { echo "$p"; return; }
    sleep 0.05
  done
  cat "$file" >&2
  return 1
}
trap cleanup EXIT

# The Salesforce sandbox: its OAuth login page is what Connect goes through.
# Its client secret is a canary too.
sf_secret="e2e-canary-client-secret-$(date +%s%N)"
touch "$work/sf.log"
"$binary" sandbox salesforce --seed-records 240 --client-id e2e-client --client-secret "$sf_secret" \
  >"$work/sf.log" 2>&1 &
sf_pid=$!
sf_port="$(port_in "$work/sf.log" 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p')"

# The Pipedrive sandbox: its OAuth app's consent page, for Connect pd. Its
# client secret is a canary as well.
pd_secret="e2e-canary-pd-secret-$(date +%s%N)"
touch "$work/pd.log"
"$binary" sandbox pipedrive --oauth-client-id e2e-pd --oauth-client-secret "$pd_secret" \
  >"$work/pd.log" 2>&1 &
pd_pid=$!
pd_url="$(port_in "$work/pd.log" 's/.*listening on \(http:[^ ]*\).*/\1/p')"

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
  sf:
    type: salesforce
    auth: web_server
    login_url: ${SF_URL}
    client_id: e2e-client
    client_secret: ${SF_SECRET}
  pd:
    type: pipedrive
    auth: web_server
    client_id: e2e-pd
    client_secret: ${PD_SECRET}
    oauth_url: ${PD_URL}
    base_url: ${PD_URL}
flows:
  sf_accounts:
    source: {connection: sf, object: Account, id_field: Id}
    target: {connection: warehouse, object: sf_accounts, id_field: id}
    match: {target_field: sf_id}
    mapping: {sf_id: Id, name: Name}
  sf_contacts:
    source: {connection: sf, object: Contact, id_field: Id}
    target: {connection: warehouse, object: sf_contacts, id_field: id}
    match: {target_field: sf_id}
    mapping: {sf_id: Id, last_name: LastName, account_id: {ref: sf_accounts, from: AccountId}}
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
# The logs exist before their servers start: the loops read them at once.
touch "$work/serve.log"
SF_URL="http://127.0.0.1:$sf_port" SF_SECRET="$sf_secret" PD_URL="$pd_url" PD_SECRET="$pd_secret" \
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
E2E_URL="http://127.0.0.1:$port" E2E_TOKEN="$token" E2E_SF_SECRET="$sf_secret" E2E_PD_SECRET="$pd_secret" \
  E2E_OUT="$out" E2E_CHROMIUM="$chromium" \
  E2E_CRM_DB="$project/crm.db" node --test --test-concurrency=1 dashboard.test.mjs || status=$?
[ "$status" = 0 ] || { tail -40 "$work/serve.log"; tail -20 "$work/sf.log"; tail -20 "$work/pd.log"; }
exit "$status"
