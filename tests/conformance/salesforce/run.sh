#!/usr/bin/env bash
# Conformance: the official jsforce client against `crmsync sandbox
# salesforce`. Usage: run.sh PATH/TO/crmsync. Installs the locked client when
# node_modules is missing, starts the sandbox on a free port, runs the tests.
set -euo pipefail
cd "$(dirname "$0")"
binary="$1"
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
log="$(mktemp)"
"$binary" sandbox salesforce --port 0 --seed-records 5000 --bulk-page-records 2000 >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 600); do
  grep -q "listening on" "$log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.05
done
url="$(head -1 "$log" | sed -n 's/^salesforce sandbox listening on //p')"
[ -n "$url" ] || { echo "sandbox did not start:"; cat "$log"; exit 1; }
SF_SANDBOX_URL="$url" node --test jsforce.test.js seed.test.js
