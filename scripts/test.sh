#!/usr/bin/env bash
# Every test: the C++ test programs and the fuzzers in one build with AddressSanitizer and
# UndefinedBehaviorSanitizer (clang), a short smoke run of each fuzzer, the C++ consumer built
# against the installed CMake package and as a subdirectory, a smoke run of each benchmark, and
# the Python tests (pytest, against the installed package). Prints the time of each phase.
set -euo pipefail
cd "$(dirname "$0")/.."

phase_names=() phase_seconds=() phase_cpu_seconds=()
children_cpu_seconds() {  # user + system time of the commands this script ran and waited for
  local stat
  read -ra stat </proc/$$/stat
  echo $(((stat[15] + stat[16]) / $(getconf CLK_TCK)))
}
phase() {  # ends the running phase (if any), starts the next one
  local now=$SECONDS cpu
  cpu=$(children_cpu_seconds)
  if [ -n "${current_phase:-}" ]; then
    phase_names+=("$current_phase") phase_seconds+=($((now - phase_start)))
    phase_cpu_seconds+=($((cpu - phase_cpu_start)))
    echo "== $current_phase: $((now - phase_start)) s (CPU $((cpu - phase_cpu_start)) s)"
  fi
  current_phase=${1:-} phase_start=$now phase_cpu_start=$cpu
  [ -n "$current_phase" ] && echo "== $current_phase ($(date -u +%H:%M:%S) UTC)"
  return 0
}

phase "set-up: Debian packages (the C++ libraries, clang, chromium, PostgreSQL)"
CHISO_SETUP_TEST_TOOLS=1 scripts/setup.sh packages
source scripts/ccache-env.sh
source scripts/sanitize-build.sh
jobs=${CHISO_JOBS:-2}

phase "Python package (its C++ extension) and sanitizer build (library, C++ tests, fuzzers), side by side"
# Two builds at once keep both cores busy while pip downloads and installs; set-up's report
# follows the sanitizer build's. A failure of either fails the command once both have ended.
mkdir -p build
scripts/setup.sh python >build/setup-python.log 2>&1 &
python_setup=$!
sanitize_status=0
{ configure_sanitize_build && cmake --build build/sanitize --parallel "$jobs"; } || sanitize_status=$?
python_status=0
wait "$python_setup" || python_status=$?
cat build/setup-python.log
if [ "$python_status" -ne 0 ]; then echo "== FAILED: the Python package's set-up (log above)" >&2; exit 1; fi
if [ "$sanitize_status" -ne 0 ]; then echo "== FAILED: the sanitizer build (above)" >&2; exit 1; fi

phase "C++ tests under AddressSanitizer and UndefinedBehaviorSanitizer"
ctest --test-dir build/sanitize --output-on-failure --parallel "$jobs"

phase "fuzz smoke (each fuzzer a few seconds)"
# A finding fails the command at the end, after the other phases ran.
fuzz_status=0
scripts/fuzz.sh "${CHISO_FUZZ_SECONDS:-5}" || fuzz_status=$?

phase "release build: benchmarks, and the CMake package consumer"
# With the wheel's compiler (scikit-build-core finds g++ where CMake alone finds c++): ccache,
# which hashes the compiler's name, then serves the library's objects from the wheel build.
wheel_cxx=$(sed -n 's/^CMAKE_CXX_COMPILER:FILEPATH=//p' build/wheel/CMakeCache.txt 2>/dev/null || true)
export CXX=${wheel_cxx:-c++}
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCHISO_BUILD_TESTS=OFF -DCHISO_BUILD_BENCHMARKS=ON \
  -DCHISO_INSTALL=ON >/dev/null
cmake --build build/release --parallel "$jobs"
cmake -DBUILD_DIR=build/release -DSOURCE_DIR="$PWD" -DWORK_DIR="$PWD/build/consumer" \
  -DSUBDIRECTORY_BINARY_DIR="$PWD/build/subdirectory" -P tests/cmake/consumer.cmake

phase "benchmarks (smoke size)"
for bench in build/release/tests/benchmarks/bench_*; do
  [ -x "$bench" ] || continue
  "$bench" --smoke
done
for bench in tests/benchmarks/bench_*.py; do
  [ -f "$bench" ] || continue
  .venv/bin/python "$bench" --smoke
done

phase "Python tests"
# From a directory without python/ on the path, so that the installed package is what is tested;
# in $jobs worker processes (pytest-xdist), each test file whole in one of them.
(cd build && ../.venv/bin/python -m pytest ../tests/python -q -p no:cacheprovider -n "$jobs" --dist loadfile)
phase

echo "== time of each phase (wall, CPU)"
for i in "${!phase_names[@]}"; do
  printf '%6d s %6d s  %s\n' "${phase_seconds[$i]}" "${phase_cpu_seconds[$i]}" "${phase_names[$i]}"
done
printf '%6d s %6d s  total\n' "$SECONDS" "$(children_cpu_seconds)"
if command -v ccache >/dev/null 2>&1; then ccache --show-stats | sed -n '1,8p'; fi
if [ "$fuzz_status" -ne 0 ]; then
  echo "== FAILED: the fuzz smoke found inputs that break chiso (see above, build/fuzz/artifacts/)" >&2
  exit 1
fi
