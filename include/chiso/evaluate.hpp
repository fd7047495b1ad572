// Evaluating a plan (plan.hpp): the units × inputs table it scores and the evaluation it returns,
// in one pass over the units.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chiso/model.hpp"
#include "chiso/plan.hpp"
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
// input of a leaf, "<id>.<input>"), given either as one matrix in any layout (`values`, or
// `values_f32` for float32, with `columns` saying where each input column is) or as one array per
// input column (`input_arrays`, e.g. Arrow or pandas columns held separately; a float32 column in
// `input_arrays_f32` instead). float32 inputs are read where they are, a block of units at a time
// converted to double (exact): the results are those of the same table converted to float64.
// Applicability is per leaf.
struct unit_table {
  matrix_view<double> values;        // units × input columns; NaN = missing
  matrix_view<float> values_f32;     // instead of `values`: a float32 matrix
  const std::ptrdiff_t* columns = nullptr;  // column of input column i in the matrix; null = column i
  // Instead of a matrix: one array of `unit_count` values per input column, in plan order, either
  // input_arrays[i] (float64) or input_arrays_f32[i] (float32; input_arrays[i] is then null or
  // input_arrays is). Either list may be null when every column is in the other.
  const double* const* input_arrays = nullptr;
  const float* const* input_arrays_f32 = nullptr;
  const std::ptrdiff_t* input_strides = nullptr;  // elements from one unit to the next; null = 1
  std::ptrdiff_t unit_count = 0;                  // with input_arrays or input_arrays_f32
  // units × leaves; empty = everything applies. The mask has its own column map, whatever the
  // inputs' layout: leaf j (in plan order) is its column applicable_columns[j], or column j when
  // null. Its rows are the inputs' rows.
  matrix_view<bool> applicable;
  const std::ptrdiff_t* applicable_columns = nullptr;
  const std::int32_t* groups = nullptr;    // group code ≥ 0 per unit; null = one group
  unit_namer unit_name;              // for messages and ordinal ties; empty = "row N"

  bool has_input_arrays() const noexcept { return input_arrays || input_arrays_f32; }
  std::ptrdiff_t rows() const noexcept {
    return has_input_arrays() ? unit_count : values_f32.empty() ? values.rows : values_f32.rows;
  }
};

// A column map from names (data, mask and groups are matched by name, FORMAT.md 0.3): the
// position in `names` (a table's column names) of each of `wanted` (plan::input_columns() for the
// inputs, the model's leaf_ids() for the mask). Columns not wanted are ignored. A wanted name
// absent, or a name given twice, is a data_error "data.columns" naming it and `table`.
std::vector<std::ptrdiff_t> column_map(const std::vector<std::string>& wanted, const std::vector<std::string>& names,
                                       const std::string& table);

// Results, units × kept nodes, column-major (one node's values are contiguous).
struct evaluation {
  std::vector<std::ptrdiff_t> nodes;  // plan position of each kept node (column)
  Eigen::MatrixXd points, max, score;
  Eigen::VectorXd raw_index;          // before rounding (and after clamping)
  Eigen::VectorXd index;              // rounded as the model says; NaN when nothing applies
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> rank;  // 1 = best; 0 = not ranked
  Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1> band;  // into model.info().bands; -1 = none
};

// Convenience for C++ callers with everything in Eigen: inputs units × input columns (column i =
// input column i), the mask units × leaves.
evaluation evaluate(const plan& p, const Eigen::Ref<const Eigen::MatrixXd>& values,
                    const std::vector<std::string>& unit_ids = {},
                    const std::vector<std::int32_t>& groups = {},
                    const Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>* applicable = nullptr,
                    const evaluate_options& options = {});

}  // namespace chiso
