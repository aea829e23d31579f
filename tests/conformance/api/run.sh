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
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
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

node --test openapi.test.js
