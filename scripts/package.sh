#!/usr/bin/env bash
# Builds the Release binary for /usr and packs it: build-release/crmsync_VERSION_ARCH.deb
# (binary, crmsync(1), bash/zsh/fish completions, the systemd unit, docs;
# packaging/cpack.cmake). Install with: apt-get install ./build-release/crmsync_*.deb
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=/usr bash scripts/build.sh
cd build-release
cpack -G DEB >/dev/null
ls "$PWD"/crmsync_*.deb
