#include "dispatch.hpp"

#include <atomic>
#include <cstdlib>
#include <string>

#include "chiso/detail/instruction_set.hpp"

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

namespace {
bool processor_has_avx2() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  return __builtin_cpu_supports("avx2");
#else
  return false;
#endif
}

bool baseline_asked_by_environment() {
  const char* kernels = std::getenv("CHISO_KERNELS");
  return kernels && std::string(kernels) == "baseline";
}

std::atomic<bool>& avx2_in_use() {
  static std::atomic<bool> in_use{processor_has_avx2() && !baseline_asked_by_environment()};
  return in_use;
}
}  // namespace

bool avx2_kernels() { return avx2_in_use().load(std::memory_order_relaxed); }

void use_baseline_kernels(bool baseline) {
  avx2_in_use().store(!baseline && processor_has_avx2(), std::memory_order_relaxed);
}

namespace kernels {

namespace {
bool has_avx2() {
#if defined(CHISO_HAVE_AVX2_KERNELS)
  return avx2_kernels();
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
