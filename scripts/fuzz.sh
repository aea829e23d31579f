#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan+UBSan, into build-fuzz/) and
# runs them on their seed corpora (fuzz/corpus/<target>/).
#   scripts/fuzz.sh TARGET SECONDS   one target (fuzz_TARGET), SECONDS long
#   scripts/fuzz.sh all SECONDS      every target in turn, SECONDS each
#   scripts/fuzz.sh ci               what CI runs: every target 20 s, two at a
#                                    time (about 100 s for the set)
#   scripts/fuzz.sh build            only build
# New inputs go to build-fuzz/corpus/<target>/ (the committed seeds stay as
# they are); a crash leaves build-fuzz/crash-* and fails the script.
# Extra libFuzzer flags: FUZZ_FLAGS="-max_len=4096".
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-$(nproc)}"
export CCACHE_DIR="${CCACHE_DIR:-$HOME/.cache/ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
BUILD=build-fuzz

targets() { sed -n 's/^crmsync_fuzz_target(\([a-z_]*\) .*/\1/p' fuzz/CMakeLists.txt; }

build() {
  if [[ ! -f $BUILD/CMakeCache.txt ]]; then
    CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCRMSYNC_FUZZ=ON -DCRMSYNC_WERROR=ON -DCMAKE_UNITY_BUILD=ON >/dev/null
  fi
  cmake --build "$BUILD" -j"$JOBS"
}

run() {
  local name=$1 secs=$2
  local work=$BUILD/corpus/$name
  mkdir -p "$work"
  echo "fuzz: $name for ${secs}s"
  # -rss_limit_mb: ASan's shadow memory counts; 2 GB as OSS-Fuzz allows.
  # Inputs found go to $work; the seeds are read, never written.
  (cd "$BUILD" && "./fuzz_$name" -max_total_time="$secs" -rss_limit_mb=2560 -timeout=25 \
    -print_final_stats=1 -artifact_prefix="$PWD/crash-$name-" ${FUZZ_FLAGS:-} \
    "corpus/$name" "../fuzz/corpus/$name")
}

case "${1:-}" in
  build) build ;;
  all)
    build
    for t in $(targets); do run "$t" "${2:-10}"; done
    ;;
  ci)
    build
    # Two at a time (CI has 2 cores); every target runs even after a crash,
    # then the script fails naming the ones that crashed.
    failed=()
    set -- $(targets)
    while (($#)); do
      pids=()
      names=()
      for t in "$1" "${2:-}"; do
        [[ -n $t ]] || continue
        run "$t" "${CI_SECONDS:-20}" >"$BUILD/fuzz-$t.log" 2>&1 &
        pids+=($!)
        names+=("$t")
      done
      shift $((${#names[@]}))
      for i in "${!pids[@]}"; do
        if wait "${pids[$i]}"; then
          echo "fuzz: ${names[$i]}: $(grep -o 'cov: [0-9]* ft: [0-9]*' "$BUILD/fuzz-${names[$i]}.log" | tail -1)"
        else
          failed+=("${names[$i]}")
          tail -n 60 "$BUILD/fuzz-${names[$i]}.log" >&2
        fi
      done
    done
    if ((${#failed[@]})); then
      echo "fuzz: crashed: ${failed[*]} (inputs in $BUILD/crash-*)" >&2
      exit 1
    fi
    ;;
  "" | -h | --help)
    sed -n '2,12p' "$0"
    echo "targets: $(targets | tr '\n' ' ')"
    ;;
  *)
    targets | grep -qx "$1" || { echo "fuzz: no target $1 (targets: $(targets | tr '\n' ' '))" >&2; exit 2; }
    build
    run "$1" "${2:-60}"
    ;;
esac
