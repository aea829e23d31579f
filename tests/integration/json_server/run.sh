#!/usr/bin/env bash
# Integration: crmsync's rest connector against json-server 0.17.4 (npm),
# a plain CRUD API: `_page`/`_limit` pages with Link headers, `?field=value`
# filters, POST/PATCH/DELETE. Usage: run.sh PATH/TO/crmsync. Installs the
# locked json-server when node_modules is missing, serves a copy of db.json
# from a temporary directory on a free loopback port, runs the sync tests.
set -euo pipefail
binary="$(realpath "$1")"
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
work="$(mktemp -d)"
cp db.json "$work/db.json"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
node node_modules/json-server/lib/cli/bin.js --host 127.0.0.1 --port "$port" --quiet \
  "$work/db.json" >"$work/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 200); do
  curl -sf "http://127.0.0.1:$port/customers?_limit=1" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 0.05
done
CRMSYNC_BINARY="$binary" JSON_SERVER_URL="http://127.0.0.1:$port" WORK_DIR="$work" \
  node --test --test-concurrency=1 sync.test.js
