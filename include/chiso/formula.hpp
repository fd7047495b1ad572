// The expression of a `formula` rule (docs/format.md, "Named inputs and formulas"): parsed and checked
// once, when the model is built, and compiled into a register program that the plan runs over
// blocks of units (src/evaluate/kernels/formula_kernels.hpp). Arithmetic is decimal
// (chiso/detail/decimal.hpp); nesting is bounded (100 levels of parentheses, calls, `-` or `not`;
// a tree 1,000 operations deep).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chiso/rule.hpp"

namespace chiso {

namespace detail {
struct formula_program;
}

class formula {
 public:
  // `inputs` are the names the expression may use (a leaf's `inputs`, or {"x"}). Throws
  // model_error("model.formula", path, "column N: …") for text that does not parse (or is empty),
  // an unknown input or function, a call with the wrong number of arguments, or nesting beyond
  // the limits.
  formula(std::string text, std::vector<std::string> inputs, const std::string& path);

  const std::string& text() const noexcept { return text_; }
  const std::vector<std::string>& inputs() const noexcept { return inputs_; }

  // The value for one unit (one value per input, in order): the definition, which the plan's
  // kernels follow bit for bit. `fault_column` is the 1-based column of a `/` that divided by
  // zero in a branch taken, else 0 (then `value` is meaningless).
  struct outcome {
    double value = 0;
    int fault_column = 0;
  };
  outcome evaluate(const double* inputs) const;

  const detail::formula_program& program() const noexcept { return *program_; }

 private:
  std::string text_;
  std::vector<std::string> inputs_;
  std::shared_ptr<const detail::formula_program> program_;
};

// Why a formula leaf's result cannot be its points (a division by zero, not a finite number,
// outside [0, max] without `clamp`), or nullopt when it is fine.
std::optional<std::string> check_formula_result(const rule& r, double max, const formula::outcome& result);

}  // namespace chiso
