// The kernels for the baseline instruction set of the target.
#define CHISO_KERNEL_NAMESPACE kernels_generic
#include "leaf_kernels.hpp"
#include "formula_kernels.hpp"
#include "kernel_set.hpp"
