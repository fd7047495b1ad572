// Compile once, evaluate many times: a model becomes a flat plan (leaves as input columns, inner
// nodes in bottom-up order), and the plan scores a units × leaves table of inputs (evaluate.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "chiso/model.hpp"

namespace chiso {

struct unit_table;  // evaluate.hpp
struct evaluation;  // evaluate.hpp

enum class kept_nodes { all, inner, root };

struct evaluate_options {
  kept_nodes keep = kept_nodes::all;  // whose points, max and score the result holds
  int threads = 0;                    // 0: as many as the machine has, for large batches
};

class plan {
 public:
  explicit plan(chiso::model m);

  const chiso::model& compiled_model() const noexcept { return model_; }
  std::ptrdiff_t leaf_count() const noexcept { return static_cast<std::ptrdiff_t>(leaves_.size()); }
  // Input columns in order ("<leaf id>" or "<leaf id>.<input>"): the columns of the inputs.
  const std::vector<std::string>& input_columns() const noexcept { return model_.input_columns(); }
  std::ptrdiff_t input_count() const noexcept { return static_cast<std::ptrdiff_t>(model_.input_columns().size()); }
  std::ptrdiff_t node_count() const noexcept { return static_cast<std::ptrdiff_t>(node_model_index_.size()); }
  // Node `k` of the plan (bottom-up: every child before its parent; the root last).
  const node& node_at(std::ptrdiff_t k) const noexcept { return *model_.nodes()[node_model_index_[k]]; }
  std::ptrdiff_t plan_position(std::string_view id) const;  // throws data_error when unknown
  std::ptrdiff_t leaf_column(std::string_view id) const;    // position among the leaves; throws data_error when unknown
  std::ptrdiff_t input_column(std::string_view name) const;  // position among the input columns; throws when unknown

  // Scores every unit. Throws data_error naming the unit and the criterion for an input out of
  // its rule's range, a missing input under `missing: error`, or a geometric or harmonic mean
  // meeting a score ≤ 0; model_error model.composite for a composite index (its indicators are
  // normalised across units by chiso::analysis::pipeline). Const and thread-safe; large batches
  // use several threads.
  evaluation evaluate(const unit_table& units, const evaluate_options& options = {}) const;
  // Throws model_error model.composite for a composite index, which a plan does not score.
  void require_scorable() const;
  // The same into a result whose buffers are reused when the shape has not changed.
  void evaluate_into(const unit_table& units, evaluation& out, const evaluate_options& options = {}) const;

  struct leaf_step;
  struct inner_step;
  struct layout;
  class block_evaluator;

 private:
  // Throws the error of the first unit (then leaf) in these rows whose input is out of range.
  void report_first_input_error(const unit_table& units, const layout& where, std::ptrdiff_t first_row,
                                std::ptrdiff_t rows) const;
  // Where each input column and each leaf's applicability are, into `where` (its vectors reused);
  // throws data_error data.shape.
  void locate_inputs(const unit_table& units, layout& where) const;
  void locate_mask_columns(const unit_table& units, std::vector<std::ptrdiff_t>& mask_column) const;
  // Sizes the result for the kept nodes; gives each plan node's column in it (−1: not kept).
  void prepare_result(std::ptrdiff_t rows, kept_nodes keep, evaluation& out, std::vector<std::ptrdiff_t>& out_column) const;

  chiso::model model_;
  std::vector<std::size_t> node_model_index_;  // plan position → position in model.nodes()
  std::vector<std::shared_ptr<const leaf_step>> leaves_;
  std::vector<std::shared_ptr<const inner_step>> inners_;
  // Scratch the formula leaves need: registers, stack slots and inputs of the largest.
  std::ptrdiff_t formula_registers_ = 0, formula_slots_ = 0, formula_inputs_ = 0;
  // Tells compiled plans apart (copies share it: they share their steps), for the scratch an
  // evaluation of a few units keeps between calls.
  std::uint64_t identity_;
};

}  // namespace chiso
