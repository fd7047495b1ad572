# Sourced by test.sh and fuzz.sh: configures build/sanitize, the one sanitizer build (clang,
# AddressSanitizer + UndefinedBehaviorSanitizer, libFuzzer coverage) of the library, every C++
# test program and the fuzzers. -O1 -g1 keeps compiling quick and stack traces readable; asserts
# stay on.
configure_sanitize_build() {
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
  CXX=clang++ cmake -S . -B build/sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DCHISO_BUILD_FUZZERS=ON -DCHISO_BUILD_TESTS=ON -DCHISO_PRECOMPILE_HEADERS=ON \
    -DCHISO_BUILD_BENCHMARKS=OFF -DCHISO_INSTALL=OFF >/dev/null
}
