#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, in the sanitizer build build/sanitize) and runs each
# for SECONDS (default 60), CHISO_JOBS (default 2) at a time:
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
fuzz_one() {  # fuzz_one TARGET: one fuzzer for SECONDS; prints one report, fails on a finding
  local target=$1 corpus=build/fuzz/corpus/$1 log=build/fuzz/$1.log runs
  mkdir -p "$corpus"
  local options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
                 -artifact_prefix="build/fuzz/artifacts/$target-")
  [ -f "tests/fuzz/$target.dict" ] && options+=(-dict="tests/fuzz/$target.dict")
  if ! "build/sanitize/tests/fuzz/$target" "${options[@]}" "$corpus" "tests/fuzz/corpus/$target" >"$log" 2>&1; then
    # One write, so that the reports of fuzzers running side by side do not interleave.
    printf '%s\nfuzz: %s FAILED (reproducer in build/fuzz/artifacts/%s-*, full log %s)\n' \
      "$(grep -v '^#\|^INFO\|^Done\|^stat::' "$log" | tail -n 40)" "$target" "$target" "$log" >&2
    return 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  echo "fuzz: $target ok — $runs executions in ${seconds} s, corpus $(ls "$corpus" | wc -l) inputs"
}

# Each fuzzer is one process on one core: CHISO_JOBS (default 2) of them run side by side.
failed=()
declare -A running=()  # process id → target
reap_one() {
  local pid status=0
  wait -n -p pid || status=$?
  [ "$status" -ne 0 ] && failed+=("${running[$pid]}")
  unset "running[$pid]"
}
for target in "${targets[@]}"; do
  [ ${#running[@]} -ge "${CHISO_JOBS:-2}" ] && reap_one
  fuzz_one "$target" &
  running[$!]=$target
done
while [ ${#running[@]} -gt 0 ]; do reap_one; done
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
