// The kernels of one instruction set: included by kernels_<set>.cpp after it defines
// CHISO_KERNEL_NAMESPACE, compiled with that set's options (CMakeLists.txt).
#pragma once

#include "dispatch.hpp"

namespace chiso::detail::CHISO_KERNEL_NAMESPACE {

extern const kernels::kernel_set entry_points;
const kernels::kernel_set entry_points = {score_leaf_block, write_node_output, score_formula_leaf_block,
                                          score_unit_leaves, sum_children, write_index};

}  // namespace chiso::detail::CHISO_KERNEL_NAMESPACE
