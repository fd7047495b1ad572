#!/usr/bin/env bash
# Installs what chiso needs on a fresh Debian machine (as root, or with sudo) and the Python
# package, with its test extras, into .venv. Safe to run again: it skips what is already there.
#   scripts/setup.sh [packages|python]    the Debian packages only, the Python package only, or both
set -euo pipefail
cd "$(dirname "$0")/.."
part=${1:-all}
case "$part" in all|packages|python) ;; *) echo "setup: unknown part '$part' (packages, python)" >&2; exit 2 ;; esac

sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
apt_install() {  # apt_install PACKAGE…: one apt call for what is missing
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}

test_tools_job=""
install_packages() {
  missing=()
  for package in libeigen3-dev nlohmann-json3-dev doctest-dev ccache; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  command -v g++ >/dev/null 2>&1 || missing+=(build-essential)
  command -v cmake >/dev/null 2>&1 || missing+=(cmake)
  python_include=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
  python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
  [ -f "$python_include/Python.h" ] || missing+=(python3-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== installing Debian packages: ${missing[*]}"
    apt_install "${missing[@]}"
  fi

  # Only for the tests: clang and its runtimes (the sanitizer build and libFuzzer), Debian's
  # chromium (the HTML report's browser test), LibreOffice and poppler (the reports opened in a
  # real office suite and converted to PDF) and a PostgreSQL server (the record store's tests).
  # With the Python package, they download while it compiles and the script waits for them
  # before it ends; alone (packages), they install at once.
  if [ -n "${CHISO_SETUP_TEST_TOOLS:-}" ]; then
    test_tools=()
    for package in clang libclang-rt-dev postgresql libreoffice-calc libreoffice-writer poppler-utils; do
      dpkg -s "$package" >/dev/null 2>&1 || test_tools+=("$package")
    done
    command -v chromium >/dev/null 2>&1 || test_tools+=(chromium)
    if [ ${#test_tools[@]} -gt 0 ] && [ "$part" = packages ]; then
      echo "== installing the test tools: ${test_tools[*]}"
      apt_install "${test_tools[@]}"
    elif [ ${#test_tools[@]} -gt 0 ]; then
      mkdir -p build
      echo "== installing the test tools in the background: ${test_tools[*]} (log: build/apt-test-tools.log)"
      apt_install "${test_tools[@]}" >build/apt-test-tools.log 2>&1 &
      test_tools_job=$!
    fi
  fi
}
# (In an if, not after &&: a function called in an && list runs without set -e.)
if [ "$part" != python ]; then install_packages; fi
if [ "$part" = packages ]; then exit 0; fi

# One compiler cache for every build of the same sources (the wheel, the C++ tests, the consumer
# test's add_subdirectory build): each file is compiled once per set of flags.
source scripts/ccache-env.sh

if [ ! -x .venv/bin/python ]; then
  echo "== creating .venv"
  python3 -m venv .venv
fi
# Rebuild the package when its sources changed since the last install.
stamp=.venv/.chiso-installed
if [ ! -f "$stamp" ] || [ -n "$(find pyproject.toml CMakeLists.txt include src bindings python -newer "$stamp" -print -quit)" ]; then
  echo "== building and installing chiso into .venv (C++ extension; takes a few minutes)"
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet ".[test]"
  touch "$stamp"
fi

if [ -n "$test_tools_job" ]; then
  if ! wait "$test_tools_job"; then
    cat build/apt-test-tools.log >&2
    echo "setup: installing the test tools failed (log above)" >&2
    exit 1
  fi
  echo "== test tools installed"
fi
