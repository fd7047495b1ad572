// The leaf kernels compiled for AVX2 (x86-64 only; CMake adds -mavx2 to this file), used when
// the processor has it: twice as many doubles per instruction, the same results.
#if defined(__x86_64__) && defined(__AVX2__)
#define CHISO_KERNEL_NAMESPACE kernels_avx2
#include "leaf_kernels.hpp"

namespace chiso::detail::kernels_avx2 {
void run_leaf_kernel(const kernels::leaf_block& b, const kernels::leaf_params& q) { score_leaf_block(b, q); }
}  // namespace chiso::detail::kernels_avx2
#endif
