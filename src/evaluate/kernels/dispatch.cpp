#include "dispatch.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>

#include "chiso/detail/instruction_set.hpp"
#include "chiso/error.hpp"

namespace chiso::detail {

namespace kernels_generic {
extern const kernels::kernel_set entry_points;
}
#if defined(CHISO_HAVE_AVX2_KERNELS)
namespace kernels_avx2 {
extern const kernels::kernel_set entry_points;
}
#endif
#if defined(CHISO_HAVE_AVX512_KERNELS)
namespace kernels_avx512 {
extern const kernels::kernel_set entry_points;
}
#endif

const char* to_string(instruction_set set) noexcept {
  switch (set) {
    case instruction_set::avx2: return "avx2";
    case instruction_set::avx512: return "avx512";
    case instruction_set::baseline: break;
  }
  return "baseline";
}

namespace {

// The widest set this build has kernels for and this processor (and its system) runs.
instruction_set best_on_this_processor() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#if defined(CHISO_HAVE_AVX512_KERNELS)
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw"))
    return instruction_set::avx512;
#endif
#if defined(CHISO_HAVE_AVX2_KERNELS)
  if (__builtin_cpu_supports("avx2")) return instruction_set::avx2;
#endif
#endif
  return instruction_set::baseline;
}

instruction_set asked_by_environment() {
  const char* asked = std::getenv("CHISO_KERNELS");
  if (!asked || !*asked) return instruction_set::avx512;
  for (instruction_set set : {instruction_set::baseline, instruction_set::avx2, instruction_set::avx512})
    if (std::string(asked) == to_string(set)) return set;
  throw parameter_error("kernels.environment", "the environment variable CHISO_KERNELS is '" + std::string(asked) +
                                                   "': give baseline, avx2 or avx512 (or leave it unset)");
}

std::atomic<instruction_set>& in_use() {
  static std::atomic<instruction_set> set{std::min(best_on_this_processor(), asked_by_environment())};
  return set;
}

}  // namespace

instruction_set kernels_instruction_set() { return in_use().load(std::memory_order_relaxed); }

void limit_kernels(instruction_set most) {
  in_use().store(std::min(best_on_this_processor(), most), std::memory_order_relaxed);
}

namespace kernels {

const kernel_set& kernels_in_use() {
  switch (kernels_instruction_set()) {
#if defined(CHISO_HAVE_AVX512_KERNELS)
    case instruction_set::avx512: return kernels_avx512::entry_points;
#endif
#if defined(CHISO_HAVE_AVX2_KERNELS)
    case instruction_set::avx2: return kernels_avx2::entry_points;
#endif
    default: break;
  }
  return kernels_generic::entry_points;
}

}  // namespace kernels
}  // namespace chiso::detail
