// The arithmetic weighted mean (chiso/detail/weighted_mean.hpp) compiled for two, four and eight
// units to a vector, for the uncertainty engine's replications. This file is compiled without
// floating-point contraction (CMakeLists.txt): for AVX-512 GCC would otherwise fuse the products
// and sums, and the bits would differ from the baseline's. Lane by lane, IEEE division and
// multiplication are correctly rounded and each unit's sum keeps its child order, so every width
// gives the same bits.
#include "chiso/detail/instruction_set.hpp"
#include "chiso/detail/weighted_mean.hpp"

namespace chiso::detail {

namespace {
void arithmetic_mean_baseline(const double* const* values, const double* weights, std::ptrdiff_t children,
                              std::ptrdiff_t n, double* out, bool complete) {
  weighted_arithmetic_mean<2>(values, weights, children, n, out, complete);
}
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CHISO_ARITHMETIC_MEAN_AVX 1
__attribute__((target("avx2"))) void arithmetic_mean_avx2(const double* const* values, const double* weights,
                                                          std::ptrdiff_t children, std::ptrdiff_t n, double* out,
                                                          bool complete) {
  weighted_arithmetic_mean<4>(values, weights, children, n, out, complete);
}
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))) void arithmetic_mean_avx512(
    const double* const* values, const double* weights, std::ptrdiff_t children, std::ptrdiff_t n, double* out,
    bool complete) {
  weighted_arithmetic_mean<8>(values, weights, children, n, out, complete);
}
#endif
}  // namespace

arithmetic_mean_kernel arithmetic_mean_in_use() {
#if defined(CHISO_ARITHMETIC_MEAN_AVX)
  switch (kernels_instruction_set()) {
    case instruction_set::avx512: return arithmetic_mean_avx512;
    case instruction_set::avx2: return arithmetic_mean_avx2;
    case instruction_set::baseline: break;
  }
#endif
  return arithmetic_mean_baseline;
}

}  // namespace chiso::detail
