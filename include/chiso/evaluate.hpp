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

// What to score: inputs, which of them apply, and the units' groups.
struct unit_table {
  matrix_view<double> values;        // units × leaf columns; NaN = missing
  matrix_view<bool> applicable;      // same shape; empty = everything applies
  const std::int32_t* groups = nullptr;    // group code ≥ 0 per unit; null = one group
  const std::ptrdiff_t* columns = nullptr;  // column of leaf j in `values`; null = column j
  unit_namer unit_name;              // for messages and ordinal ties; empty = "row N"
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
  std::ptrdiff_t node_count() const noexcept { return static_cast<std::ptrdiff_t>(node_model_index_.size()); }
  // Node `k` of the plan (bottom-up: every child before its parent; the root last).
  const node& node_at(std::ptrdiff_t k) const noexcept { return *model_.nodes()[node_model_index_[k]]; }
  std::ptrdiff_t plan_position(std::string_view id) const;  // throws data_error when unknown
  std::ptrdiff_t leaf_column(std::string_view id) const;    // throws data_error when unknown

  // Scores every unit. Throws data_error naming the unit and the criterion for an input out of
  // its rule's range, a missing input under `missing: error`, or a geometric or harmonic mean
  // meeting a score ≤ 0. Const and thread-safe; large batches use several threads.
  evaluation evaluate(const unit_table& units, const evaluate_options& options = {}) const;
  // The same into a result whose buffers are reused when the shape has not changed.
  void evaluate_into(const unit_table& units, evaluation& out, const evaluate_options& options = {}) const;

  struct leaf_step;
  struct inner_step;

 private:
  // Throws the error of the first unit (then leaf) in these rows whose input is out of range.
  void report_first_input_error(const unit_table& units, std::ptrdiff_t first_row, std::ptrdiff_t rows) const;
  void evaluate_rows(const unit_table& units, std::ptrdiff_t begin, std::ptrdiff_t end,
                     evaluation& out, const std::vector<std::ptrdiff_t>& out_column) const;

  chiso::model model_;
  std::vector<std::size_t> node_model_index_;  // plan position → position in model.nodes()
  std::vector<std::shared_ptr<const leaf_step>> leaves_;
  std::vector<std::shared_ptr<const inner_step>> inners_;
};

// Convenience for C++ callers with everything in Eigen: inputs units × leaves (column j = leaf j).
evaluation evaluate(const plan& p, const Eigen::Ref<const Eigen::MatrixXd>& values,
                    const std::vector<std::string>& unit_ids = {},
                    const std::vector<std::int32_t>& groups = {},
                    const Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>* applicable = nullptr,
                    const evaluate_options& options = {});

}  // namespace chiso
