// The kernels this processor runs best (AVX2 when it has it, else the baseline ones); results are
// the same with either.
#pragma once

#include "formula_kernels.hpp"
#include "leaf_kernels.hpp"

namespace chiso::detail::kernels {

leaf_kernel best_leaf_kernel();
output_kernel best_output_kernel();
formula_kernel best_formula_kernel();
formula_leaf_kernel best_formula_leaf_kernel();

}  // namespace chiso::detail::kernels
