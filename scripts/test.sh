#!/usr/bin/env bash
# Sets up, builds and runs every test (unit, integration, conformance,
# scenario, e2e) through CTest. Usage: scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-tests.sh
cd build
ctest --output-on-failure -j"${JOBS:-$(nproc)}" --timeout 900 "$@"
