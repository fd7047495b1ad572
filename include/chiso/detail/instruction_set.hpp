// Which instruction set chiso's vector kernels run (leaf scoring, formulas, node outputs, the
// counting ranks of the replication loops): AVX-512 where the processor has it (F, DQ, VL and
// BW), else AVX2, else the baseline of the target. All give the same bits; the switch is there
// to show it (tests) and to compare their speed. The environment variable CHISO_KERNELS
// (baseline, avx2 or avx512), read once at the first use, caps the set the kernels start with.
#pragma once

namespace chiso::detail {

enum class instruction_set { baseline, avx2, avx512 };

const char* to_string(instruction_set set) noexcept;

// The instruction set the kernels run now.
instruction_set kernels_instruction_set();
// True when the kernels run AVX2 or wider.
inline bool avx2_kernels() { return kernels_instruction_set() >= instruction_set::avx2; }
// From now on, the best kernels this processor runs of at most `most` (the best it has: a wider
// set than it runs). Call it while no evaluation runs.
void limit_kernels(instruction_set most);

}  // namespace chiso::detail
