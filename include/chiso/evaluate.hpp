// Compile once, evaluate many times: a model becomes a flat plan (leaves as input columns, inner
// nodes in bottom-up order), and the plan scores a units × leaves table of inputs in one pass.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chiso/model.hpp"
#include "chiso/ranking.hpp"

namespace chiso {

// A read-only view of a units × columns matrix in any layout: element (u, c) is
// data[u * row_stride + c * col_stride]. Row-major, column-major and sliced numpy arrays are all
// read where they are, never copied.
template <class T>
struct matrix_view {
  const T* data = nullptr;
  std::ptrdiff_t rows = 0, cols = 0;
  std::ptrdiff_t row_stride = 0, col_stride = 0;

  bool empty() const noexcept { return data == nullptr; }
  const T& operator()(std::ptrdiff_t u, std::ptrdiff_t c) const noexcept {
    return data[u * row_stride + c * col_stride];
  }
};

// View of any Eigen matrix with direct access (Matrix, Map, Ref, blocks of them).
template <class Derived>
matrix_view<typename Derived::Scalar> view_of(const Eigen::DenseBase<Derived>& m) {
  const Derived& d = m.derived();
  const bool row_major = Derived::IsRowMajor;
  return {d.data(), d.rows(), d.cols(),
          row_major ? d.outerStride() : d.innerStride(),
          row_major ? d.innerStride() : d.outerStride()};
}

// What to score: inputs, which criteria apply, and the units' groups.
//
// Inputs are units × input columns (plan::input_columns(): one per leaf, "<id>", or one per named
// input of a leaf, "<id>.<input>"), given either as one matrix in any layout (`values`, with
// `columns` saying where each input column is) or as one array per input column
// (`input_arrays`, e.g. Arrow or pandas columns held separately). Applicability is per leaf.
struct unit_table {
  matrix_view<double> values;        // units × input columns; NaN = missing
  const std::ptrdiff_t* columns = nullptr;  // column of input column i in `values`; null = column i
  // Instead of `values`: one array of `unit_count` values per input column, in plan order.
  const double* const* input_arrays = nullptr;
  const std::ptrdiff_t* input_strides = nullptr;  // elements from one unit to the next; null = 1
  std::ptrdiff_t unit_count = 0;                  // with input_arrays
  // units × leaves; empty = everything applies. The column of leaf j is applicable_columns[j]
  // when given; else, when every leaf takes one input and `columns` is given, columns[j] (a mask
  // laid out like the inputs); else j.
  matrix_view<bool> applicable;
  const std::ptrdiff_t* applicable_columns = nullptr;
  const std::int32_t* groups = nullptr;    // group code ≥ 0 per unit; null = one group
  unit_namer unit_name;              // for messages and ordinal ties; empty = "row N"

  std::ptrdiff_t rows() const noexcept { return input_arrays ? unit_count : values.rows; }
};

enum class kept_nodes { all, inner, root };

struct evaluate_options {
  kept_nodes keep = kept_nodes::all;  // whose points, max and score the result holds
  int threads = 0;                    // 0: as many as the machine has, for large batches
};

// Results, units × kept nodes, column-major (one node's values are contiguous).
struct evaluation {
  std::vector<std::ptrdiff_t> nodes;  // plan position of each kept node (column)
  Eigen::MatrixXd points, max, score;
  Eigen::VectorXd raw_index;          // before rounding (and after clamping)
  Eigen::VectorXd index;              // rounded as the model says; NaN when nothing applies
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> rank;  // 1 = best; 0 = not ranked
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> band;  // into model.info().bands; -1 = none
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
  // The same into a result whose buffers are reused when the shape has not changed.
  void evaluate_into(const unit_table& units, evaluation& out, const evaluate_options& options = {}) const;

  struct leaf_step;
  struct inner_step;
  struct layout;

 private:
  // Throws the error of the first unit (then leaf) in these rows whose input is out of range.
  void report_first_input_error(const unit_table& units, const layout& where, std::ptrdiff_t first_row,
                                std::ptrdiff_t rows) const;
  void evaluate_rows(const unit_table& units, const layout& where, std::ptrdiff_t begin, std::ptrdiff_t end,
                     evaluation& out, const std::vector<std::ptrdiff_t>& out_column) const;

  chiso::model model_;
  std::vector<std::size_t> node_model_index_;  // plan position → position in model.nodes()
  std::vector<std::shared_ptr<const leaf_step>> leaves_;
  std::vector<std::shared_ptr<const inner_step>> inners_;
  // Scratch the formula leaves need: registers, stack slots and inputs of the largest.
  std::ptrdiff_t formula_registers_ = 0, formula_slots_ = 0, formula_inputs_ = 0;
};

// Convenience for C++ callers with everything in Eigen: inputs units × input columns (column i =
// input column i), the mask units × leaves.
evaluation evaluate(const plan& p, const Eigen::Ref<const Eigen::MatrixXd>& values,
                    const std::vector<std::string>& unit_ids = {},
                    const std::vector<std::int32_t>& groups = {},
                    const Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>* applicable = nullptr,
                    const evaluate_options& options = {});

}  // namespace chiso
