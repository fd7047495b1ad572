// The kernels compiled for AVX-512 (x86-64 only; CMake adds -mavx512f, dq, vl and bw to this
// file), used when the processor has them: eight doubles per instruction, the same results.
#if defined(__x86_64__) && defined(__AVX512F__)
#define CHISO_KERNEL_NAMESPACE kernels_avx512
#include "leaf_kernels.hpp"
#include "formula_kernels.hpp"
#include "kernel_set.hpp"
#endif
