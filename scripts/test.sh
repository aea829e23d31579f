#!/usr/bin/env bash
# Sets up, builds and runs every test (unit, integration, conformance,
# scenario, e2e) through CTest. Usage: scripts/test.sh [ctest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build-tests.sh
# Every fuzz target briefly on its corpus (the set in under 3 minutes); a
# crash fails CI (scripts/fuzz.sh, fuzz/README.md).
bash scripts/fuzz.sh ci
cd build
ctest --output-on-failure -j"${JOBS:-$(nproc)}" --timeout 900 "$@"
