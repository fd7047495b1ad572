#!/usr/bin/env bash
# Every test: the C++ tests (doctest, through ctest) built once with AddressSanitizer and
# UndefinedBehaviorSanitizer, the C++ consumer built against the installed CMake package and as a
# subdirectory, a smoke run of each benchmark, and the Python tests (pytest, against the
# installed package).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/ccache-env.sh

jobs=${CHISO_JOBS:-2}
echo "== C++ tests under AddressSanitizer and UndefinedBehaviorSanitizer"
cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCHISO_SANITIZE=ON -DCHISO_BUILD_TESTS=ON \
  -DCHISO_BUILD_BENCHMARKS=OFF -DCHISO_INSTALL=OFF >/dev/null
cmake --build build/sanitize --parallel "$jobs"
ctest --test-dir build/sanitize --output-on-failure

echo "== C++ release build: benchmarks and the CMake package consumer"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCHISO_BUILD_TESTS=OFF -DCHISO_BUILD_BENCHMARKS=ON \
  -DCHISO_INSTALL=ON >/dev/null
cmake --build build/release --parallel "$jobs"
cmake -DBUILD_DIR=build/release -DSOURCE_DIR="$PWD" -DWORK_DIR="$PWD/build/consumer" \
  -P tests/cmake/consumer.cmake

echo "== benchmarks (smoke size)"
for bench in build/release/tests/benchmarks/bench_*; do
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
