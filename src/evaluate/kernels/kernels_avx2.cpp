// The kernels compiled for AVX2 (x86-64 only; CMake adds -mavx2 to this file), used when the
// processor has it: twice as many doubles per instruction, the same results.
#if defined(__x86_64__) && defined(__AVX2__)
#define CHISO_KERNEL_NAMESPACE kernels_avx2
#include "leaf_kernels.hpp"
#include "formula_kernels.hpp"
#include "kernel_set.hpp"
#endif
