#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, in the sanitizer build build/sanitize) and runs each
# for SECONDS (default 60), one after the other:
#   scripts/fuzz.sh [SECONDS] [TARGET…]        e.g. scripts/fuzz.sh 600 fuzz_model
# Each starts from its seeds (tests/fuzz/corpus/<target>) and the inputs earlier runs found
# (build/fuzz/corpus/<target>). A crash, sanitizer report, leak, hang (> 10 s) or non-chiso
# exception fails the script (after the other targets ran) with the reproducer saved in
# build/fuzz/artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ccache-env.sh
source scripts/sanitize-build.sh

seconds=${1:-60}
[ $# -gt 0 ] && shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi

configure_sanitize_build
cmake --build build/sanitize --parallel "${CHISO_JOBS:-2}" --target "${targets[@]}"

mkdir -p build/fuzz/artifacts
failed=()
for target in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$target
  mkdir -p "$corpus"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
           -artifact_prefix="build/fuzz/artifacts/$target-")
  [ -f "tests/fuzz/$target.dict" ] && options+=(-dict="tests/fuzz/$target.dict")
  log=build/fuzz/$target.log
  if ! "build/sanitize/tests/fuzz/$target" "${options[@]}" "$corpus" "tests/fuzz/corpus/$target" >"$log" 2>&1; then
    grep -v '^#\|^INFO\|^Done\|^stat::' "$log" | tail -n 40
    echo "fuzz: $target FAILED (reproducer in build/fuzz/artifacts/$target-*, full log $log)" >&2
    failed+=("$target")
    continue
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz: $target ok — $runs executions in ${seconds} s, corpus $(ls "$corpus" | wc -l) inputs"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
