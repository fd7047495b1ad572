# Sourced by the set-up and test scripts: route every CMake build through ccache, with paths
# relative to the repository so that builds in different directories share the cache.
if command -v ccache >/dev/null 2>&1; then
  export CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
  export CCACHE_DIR="${CCACHE_DIR:-$PWD/build/ccache}"
fi
