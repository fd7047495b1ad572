#!/usr/bin/env bash
# Every test: the C++ tests (doctest, through ctest, including the C++ consumer built against the
# installed CMake package), the core's tests again under ASan/UBSan, a small smoke run of each
# benchmark, and the Python tests (pytest, against the installed package).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh

jobs=${CHISO_JOBS:-2}
echo "== C++: configure, build, test"
cmake -S . -B build/tests -DCMAKE_BUILD_TYPE=Release -DCHISO_BUILD_TESTS=ON -DCHISO_BUILD_BENCHMARKS=ON >/dev/null
cmake --build build/tests --parallel "$jobs"
ctest --test-dir build/tests --output-on-failure

echo "== C++ under AddressSanitizer and UndefinedBehaviorSanitizer: the parsers and the evaluation"
cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHISO_SANITIZE=ON -DCHISO_BUILD_TESTS=ON \
  -DCHISO_BUILD_BENCHMARKS=OFF -DCHISO_INSTALL=OFF >/dev/null
cmake --build build/sanitize --parallel "$jobs" --target chiso_tests_core chiso_tests_assessment
build/sanitize/tests/chiso_tests_core
build/sanitize/tests/chiso_tests_assessment

echo "== benchmarks (smoke size)"
for bench in build/tests/tests/benchmarks/bench_*; do
  [ -x "$bench" ] || continue
  "$bench" --smoke
done
for bench in tests/benchmarks/bench_*.py; do
  [ -f "$bench" ] || continue
  .venv/bin/python "$bench" --smoke
done

echo "== Python"
# From a directory without python/ on the path, so that the installed package is what is tested.
(cd build && ../.venv/bin/python -m pytest ../tests/python -q -p no:cacheprovider)
