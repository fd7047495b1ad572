#include "dispatch.hpp"

namespace chiso::detail {

namespace kernels_generic {
double run_leaf_kernel(const kernels::leaf_block& b, const kernels::leaf_params& q);
void run_output_kernel(const kernels::node_output& o);
void run_formula_kernel(const kernels::formula_block& f);
void run_formula_leaf_kernel(const kernels::formula_leaf_block& b);
}  // namespace kernels_generic
#if defined(CHISO_HAVE_AVX2_KERNELS)
namespace kernels_avx2 {
double run_leaf_kernel(const kernels::leaf_block& b, const kernels::leaf_params& q);
void run_output_kernel(const kernels::node_output& o);
void run_formula_kernel(const kernels::formula_block& f);
void run_formula_leaf_kernel(const kernels::formula_leaf_block& b);
}  // namespace kernels_avx2
#endif

namespace kernels {

namespace {
bool has_avx2() {
#if defined(CHISO_HAVE_AVX2_KERNELS)
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
#else
  return false;
#endif
}
}  // namespace

leaf_kernel best_leaf_kernel() {
#if defined(CHISO_HAVE_AVX2_KERNELS)
  if (has_avx2()) return kernels_avx2::run_leaf_kernel;
#endif
  return kernels_generic::run_leaf_kernel;
}

output_kernel best_output_kernel() {
#if defined(CHISO_HAVE_AVX2_KERNELS)
  if (has_avx2()) return kernels_avx2::run_output_kernel;
#endif
  return kernels_generic::run_output_kernel;
}

formula_kernel best_formula_kernel() {
#if defined(CHISO_HAVE_AVX2_KERNELS)
  if (has_avx2()) return kernels_avx2::run_formula_kernel;
#endif
  return kernels_generic::run_formula_kernel;
}

formula_leaf_kernel best_formula_leaf_kernel() {
#if defined(CHISO_HAVE_AVX2_KERNELS)
  if (has_avx2()) return kernels_avx2::run_formula_leaf_kernel;
#endif
  return kernels_generic::run_formula_leaf_kernel;
}

}  // namespace kernels
}  // namespace chiso::detail
