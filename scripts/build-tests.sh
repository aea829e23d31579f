#!/usr/bin/env bash
# Configures and builds the test build into build/ (binary: build/crmsync):
# RelWithDebInfo with AddressSanitizer and UBSan on, and every test. The
# optimized binary users and the demo run is scripts/build.sh (build-release/).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths relative to the checkout, so that other checkouts (git worktrees) hit the same cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
# The build directory's path is in the debug info; without this every new
# checkout (CI's fresh clone) would miss the cache.
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
# A unity build (8 sources a unit): every source in a unit shares one parse
# of the headers and one compile of the templates they instantiate, which
# halves a cold build under the sanitizers. CRMSYNC_UNITY=OFF for
# file-by-file rebuilds while editing.
# -Werror: CI fails on any compiler warning (issue 17).
# The install prefix is the .deb's (/usr): the packaging test builds its
# .deb from this tree (tests/integration/package).
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCRMSYNC_SANITIZE=ON -DCRMSYNC_WERROR=ON \
  -DCMAKE_INSTALL_PREFIX=/usr \
  -DCMAKE_UNITY_BUILD="${CRMSYNC_UNITY:-ON}" >/dev/null
cmake --build build -j"$JOBS"
