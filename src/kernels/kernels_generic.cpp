// The leaf kernels for the baseline instruction set of the target.
#define CHISO_KERNEL_NAMESPACE kernels_generic
#include "leaf_kernels.hpp"

namespace chiso::detail::kernels_generic {
void run_leaf_kernel(const kernels::leaf_block& b, const kernels::leaf_params& q) { score_leaf_block(b, q); }
}  // namespace chiso::detail::kernels_generic
