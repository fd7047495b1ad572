// The steps of a compiled plan (private to src/): what plan/plan.cpp builds from the model and
// evaluate/evaluate.cpp runs.
#pragma once

#include <cstddef>
#include <vector>

#include "chiso/plan.hpp"
#include "evaluate/kernels/leaf_kernels.hpp"
#include "model/formula_program.hpp"

namespace chiso {

inline bool is_mean_type(const node& n) { return !n.is_leaf() && n.combine != aggregate::sum; }

struct plan::leaf_step {
  const node* source;
  std::ptrdiff_t position;  // in the plan
  bool snap;
  bool needs_score;  // its parent is a mean-type node, which combines scores
  // Plan position of its parent when that is a `sum` node and the leaf's points go to it as they
  // are (not rounded first), else -1.
  std::ptrdiff_t sum_parent;
  detail::kernels::leaf_params params;
  bool vectorised;  // params hold the rule; else the scalar path or a formula program scores it
  std::ptrdiff_t first_input;  // its input columns: first_input … first_input + input_count − 1
  std::ptrdiff_t input_count;
  const detail::formula_program* program;  // formula rules; else null
};

struct plan::inner_step {
  const node* source;
  std::ptrdiff_t position;
  std::vector<std::ptrdiff_t> children;  // plan positions
  std::vector<double> weights;
  bool snap;
  bool needs_score;
  std::ptrdiff_t first_child_score;  // where its children's score blocks start in the block evaluator's table
  // A `sum` node with points_min or points_max: the bonus and deduction leaves below it (leaf
  // indices). The bounds apply where the node applies: its max is > 0 or one of these applies.
  std::vector<std::size_t> adjustments_below;
  // A `sum` node into which deduction points (< 0) flow: its sums can cancel, and are put on the
  // decimal grid of their magnitude (sums of points ≥ 0 keep 15 digits as they are).
  bool cancels = false;
};

}  // namespace chiso
