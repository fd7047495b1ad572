// The kernels of the instruction set in use (chiso/detail/instruction_set.hpp); results are the
// same with every set.
#pragma once

#include "formula_kernels.hpp"
#include "leaf_kernels.hpp"

namespace chiso::detail::kernels {

struct kernel_set {
  leaf_kernel leaf;
  output_kernel output;
  formula_kernel formula;
  unit_leaves_kernel unit_leaves;
  sum_kernel sum_children;
  index_kernel index;
};

const kernel_set& kernels_in_use();

}  // namespace chiso::detail::kernels
