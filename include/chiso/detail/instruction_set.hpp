// Which instruction set chiso's vector kernels run (leaf scoring, formulas, node outputs, the
// counting ranks of the replication loops): AVX2 where the processor has it, else the baseline
// of the target. Both give the same bits; the switch is there to show it (tests) and to compare
// their speed. The environment variable CHISO_KERNELS=baseline, read once at the first use,
// starts with the baseline kernels.
#pragma once

namespace chiso::detail {

// True when the AVX2 kernels run.
bool avx2_kernels();
// Baseline kernels from now on (true), or the best this processor runs again (false). Call it
// while no evaluation runs.
void use_baseline_kernels(bool baseline);

}  // namespace chiso::detail
