// A compiled formula (private to src/): the program and its registers. Registers are numbered
// inputs first, then constants, then stack slots.
#pragma once

#include <cstddef>
#include <vector>

#include "evaluate/kernels/formula_kernels.hpp"

namespace chiso::detail {

inline constexpr std::ptrdiff_t formula_block_units = 256;  // units per block, as the plan's blocks

struct formula_program {
  std::vector<kernels::instruction> code;
  int input_count = 0;
  std::vector<double> constants;
  std::vector<double> constant_blocks;  // each constant repeated over a block, one block after another
  int stack_size = 0;
  int result = 0;  // register of the value
  bool divides = false;  // has a `/` (whose zero divisors are faults)

  int first_constant() const noexcept { return input_count; }
  int first_slot() const noexcept { return input_count + static_cast<int>(constants.size()); }
  int register_count() const noexcept { return first_slot() + stack_size; }
  const double* constant_block(std::size_t k) const noexcept {
    return constant_blocks.data() + k * static_cast<std::size_t>(formula_block_units);
  }
};

// Rounds each of n values half up to `digits` decimals, on their decimal value (rounding.hpp).
void round_block(double* x, std::ptrdiff_t n, int digits);

}  // namespace chiso::detail
