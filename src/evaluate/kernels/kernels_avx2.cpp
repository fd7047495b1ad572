// The leaf and formula kernels compiled for AVX2 (x86-64 only; CMake adds -mavx2 to this file),
// used when the processor has it: twice as many doubles per instruction, the same results.
#if defined(__x86_64__) && defined(__AVX2__)
#define CHISO_KERNEL_NAMESPACE kernels_avx2
#include "leaf_kernels.hpp"
#include "formula_kernels.hpp"

namespace chiso::detail::kernels_avx2 {
double run_leaf_kernel(const kernels::leaf_block& b, const kernels::leaf_params& q) { return score_leaf_block(b, q); }
void run_output_kernel(const kernels::node_output& o) { write_node_output(o); }
void run_formula_kernel(const kernels::formula_block& f) { run_formula_block(f); }
void run_formula_leaf_kernel(const kernels::formula_leaf_block& b) { finish_formula_leaf_block(b); }
}  // namespace chiso::detail::kernels_avx2
#endif
