#!/usr/bin/env bash
# Builds the optimized crmsync that users and the demo run: Release (-O2, no
# sanitizers, no tests) into build-release/ (binary: build-release/crmsync,
# with its man page and shell completions beside it). The test build
# (AddressSanitizer + UBSan, every test) is scripts/build-tests.sh into build/.
#   bash scripts/build.sh && sudo cmake --install build-release   # /usr/local
#   bash scripts/package.sh                                       # a .deb
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
# Paths relative to the checkout, so that other checkouts (git worktrees) hit the same cache.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
# No -Werror here: a user's newer compiler with a new warning must not fail
# the build (the test build, which CI runs, has -Werror and keeps the code
# free of warnings). A unity build: half the cold compile.
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DCRMSYNC_SANITIZE=OFF \
  -DCRMSYNC_WERROR="${CRMSYNC_WERROR:-OFF}" -DCRMSYNC_TESTS=OFF -DCRMSYNC_BENCH=OFF \
  -DCMAKE_INSTALL_PREFIX="${PREFIX:-/usr/local}" \
  -DCMAKE_UNITY_BUILD="${CRMSYNC_UNITY:-ON}" >/dev/null
cmake --build build-release -j"$JOBS" --target crmsync crmsync_docs
