// A compiled formula (private to src/): the program and its registers. Registers are numbered
// inputs first, then constants, then stack slots. The model defines the program and what each
// instruction means (formula::evaluate, one unit); the evaluation's kernels run it over blocks of
// units (src/evaluate/kernels/formula_kernels.hpp), with the same results.
#pragma once

#include <cstddef>
#include <vector>

namespace chiso::detail {

enum class formula_op : int {
  add, sub, mul, div, neg,  // add, sub: the result on the decimal grid of the larger operand (chiso/detail/decimal.hpp)
  lt, le, gt, ge, eq, ne,
  logical_and, logical_or, logical_not,
  select,   // a where c ≠ 0, else b
  minimum, maximum, clamp, absolute,
  ratio,    // a / b where b ≠ 0, else c
  round,    // dst = a rounded half up to `digits` decimals, on its decimal value (chiso/rounding.hpp)
  decimal   // dst = a on the decimal grid of its own 15 significant digits: a product or a quotient
            // before a comparison, and the result
};

struct formula_instruction {
  formula_op code = formula_op::add;
  int dst = 0, a = 0, b = 0, c = 0;
  int active = -1;  // div: register holding where a zero divisor counts; -1: everywhere
  int digits = 0;   // round
  int column = 0;   // div: 1-based column of its `/` in the expression
};

inline constexpr std::ptrdiff_t formula_block_units = 1024;  // units per block, as the plan's blocks

struct formula_program {
  std::vector<formula_instruction> code;
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

}  // namespace chiso::detail
