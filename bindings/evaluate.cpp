// Evaluation: numpy arrays in (read where they are when they are float64 or float32, whatever
// their layout), numpy views of the results out. The GIL is released while the plan runs.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>

#include <chiso/chiso.hpp>
#include <chiso/detail/huge_pages.hpp>
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "register.hpp"

namespace py = pybind11;

namespace chiso::bindings {

namespace {

// What scores the kept nodes when they are first read: a copy of the inputs (the caller's arrays
// may change after the call; float32 inputs are copied as float32, half the bytes) and of the
// mask, in plan order; or, when the inputs are an array chiso converted them into (nobody else
// holds it), that array, read where it is.
struct deferred_nodes {
  std::shared_ptr<const plan> scorer;
  evaluate_options options;
  Eigen::MatrixXd inputs;                     // units × input columns; unused when `converted` is
  Eigen::MatrixXf inputs_f32;                 // instead of `inputs` when every input was float32
  bool narrow = false;                        // the copy is inputs_f32
  std::optional<matrix_view<double>> converted;  // kept alive by python_evaluation::converted_inputs
  std::vector<std::ptrdiff_t> converted_columns;  // column of input column i in `converted`; empty: i
  Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> applicable;  // units × leaves; empty: all apply
};

// An evaluation of many units keeping more than the root is scored for the root first (index,
// ranks, bands): writing every node's points, max and score for 10⁶ units costs 5 times the
// scoring itself, and most callers only read the scores. The nodes' matrices are scored from the
// kept inputs when first read (the same plan on the same values: the same bits).
struct python_evaluation {
  evaluation result;
  std::vector<std::string> node_ids;
  std::uintptr_t input_address = 0;  // where the inputs were read: shows when nothing was copied
  std::uintptr_t kept_inputs_address = 0;  // where the inputs the nodes are scored from are kept; 0: none
  std::vector<std::string> percent_typed_as_fraction;  // see percent_columns_in_fractions
  std::unique_ptr<deferred_nodes> deferred;  // null once the kept nodes are in `result`
  py::object converted_inputs;               // what deferred->converted views, while it may be read
  std::once_flag scored_once;
  std::atomic<bool> nodes_scored{true};

  // The result with its kept nodes' points, max and score. Called with the GIL, which is released
  // while they are scored (another thread reading them meanwhile waits for the same scoring).
  const evaluation& with_nodes() {
    if (nodes_scored.load(std::memory_order_acquire)) return result;
    {
      py::gil_scoped_release release;
      std::call_once(scored_once, [this] { score_deferred_nodes(); });
    }
    converted_inputs = py::object();
    return result;
  }

 private:
  void score_deferred_nodes() {
    const deferred_nodes& d = *deferred;
    unit_table table;
    if (d.narrow)
      table.values_f32 = view_of(d.inputs_f32);
    else
      table.values = d.converted ? *d.converted : view_of(d.inputs);
    if (!d.converted_columns.empty()) table.columns = d.converted_columns.data();
    if (d.applicable.size() > 0) table.applicable = view_of(d.applicable);
    evaluation all;
    d.scorer->evaluate_into(table, all, d.options);
    // The index, ranks and bands stay those of the first evaluation (computed from the same values).
    result.nodes = std::move(all.nodes);
    result.points = std::move(all.points);
    result.max = std::move(all.max);
    result.score = std::move(all.score);
    deferred.reset();  // converted_inputs is let go with the GIL, by with_nodes
    nodes_scored.store(true, std::memory_order_release);
  }
};

// Where input column i of a table is: a float64 or a float32 array, strided.
struct input_column {
  const double* wide = nullptr;
  const float* narrow = nullptr;  // when `wide` is null
  std::ptrdiff_t stride = 1;
  double value(std::ptrdiff_t u) const {
    return wide ? wide[u * stride] : static_cast<double>(narrow[u * stride]);
  }
};

input_column input_column_of(const unit_table& t, std::ptrdiff_t i) {
  input_column c;
  if (t.has_input_arrays()) {
    c.wide = t.input_arrays ? t.input_arrays[i] : nullptr;
    c.narrow = t.input_arrays_f32 && !c.wide ? t.input_arrays_f32[i] : nullptr;
    c.stride = t.input_strides ? t.input_strides[i] : 1;
  } else if (t.values_f32.empty()) {
    c.wide = &t.values(0, t.columns ? t.columns[i] : i);
    c.stride = t.values.row_stride;
  } else {
    c.narrow = &t.values_f32(0, t.columns ? t.columns[i] : i);
    c.stride = t.values_f32.row_stride;
  }
  return c;
}

// Input columns of leaves taking a rate in percent (tiers, proportional) whose every finite value
// lies in [0, 1], not all 0 or 1: percentages typed as fractions (0.96 for 96 %), which score as
// under 1 % without any error. A column is usually cleared by its first value above 1.
//
// The leaves to look at are found once per plan (and thread): going through every leaf of a
// 102-criterion model costs a unit scored in a loop a tenth of a microsecond.
std::vector<std::string> percent_columns_in_fractions(const std::shared_ptr<plan>& scorer, const unit_table& table) {
  struct percent_leaf {
    const node* leaf;
    std::ptrdiff_t input;  // its one input column
  };
  thread_local std::weak_ptr<const plan> found_for;  // compared by owner: a later plan is never taken for it
  thread_local std::vector<percent_leaf> found;
  if (found_for.owner_before(scorer) || scorer.owner_before(found_for) || found_for.expired()) {
    found.clear();
    const chiso::model& m = scorer->compiled_model();
    for (std::size_t leaf = 0; leaf < m.leaves().size(); ++leaf) {
      const node* n = m.leaves()[leaf];
      if (n->rule->unit == rate_unit::percent && (n->rule->kind == rule_kind::tiers || n->rule->kind == rule_kind::proportional))
        found.push_back({n, static_cast<std::ptrdiff_t>(m.first_input(leaf))});
    }
    found_for = scorer;
  }
  std::vector<std::string> suspects;
  for (const auto& [n, i] : found) {
    const input_column column = input_column_of(table, i);
    bool cleared = false, fractional = false;
    for (std::ptrdiff_t u = 0; u < table.rows() && !cleared; ++u) {
      const double v = column.value(u);
      if (!std::isfinite(v)) continue;
      cleared = v < 0 || v > 1;
      fractional = fractional || (v != 0 && v != 1);
    }
    if (!cleared && fractional) suspects.push_back(n->id);
  }
  return suspects;
}

template <class T>
matrix_view<T> view_of_array(const py::array& a) {
  if (a.ndim() != 2)
    throw data_error("data.shape", "", "", "expected a 2-D array (units × criteria), got " + std::to_string(a.ndim()) + "-D");
  const auto item = static_cast<py::ssize_t>(sizeof(T));
  if (a.strides(0) % item != 0 || a.strides(1) % item != 0)
    throw data_error("data.shape", "", "", "array strides are not whole elements");
  return {static_cast<const T*>(a.data()), a.shape(0), a.shape(1), a.strides(0) / item, a.strides(1) / item};
}

// A view of a results matrix (units × kept nodes, column-major) whose memory stays owned by
// the evaluation object.
py::array column_major_view(const Eigen::MatrixXd& m, py::handle owner) {
  const auto item = static_cast<py::ssize_t>(sizeof(double));
  return py::array(py::dtype::of<double>(), {m.rows(), m.cols()}, {item, item * m.rows()}, m.data(), owner);
}

template <class T>
py::array vector_view(const Eigen::Matrix<T, Eigen::Dynamic, 1>& v, py::handle owner) {
  return py::array(py::dtype::of<T>(), {v.size()}, {static_cast<py::ssize_t>(sizeof(T))}, v.data(), owner);
}

kept_nodes parse_keep(const std::string& keep) {
  if (keep == "all") return kept_nodes::all;
  if (keep == "inner") return kept_nodes::inner;
  if (keep == "root") return kept_nodes::root;
  throw parameter_error("parameter.keep", "keep must be \"all\", \"inner\" or \"root\", got \"" + keep + "\"");
}

using group_array = py::array_t<std::int32_t, py::array::c_style | py::array::forcecast>;
using position_array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

// The unit_table of one call and what it points into, kept alive until the evaluation ends:
// converted copies and the per-column pointers. Filled in place (the table points into it).
struct python_inputs {
  unit_table table;
  // Objects, not arrays: a default-made pybind11 array is an empty numpy array (a unit scored in a
  // loop would make and free one per argument).
  py::object matrix, groups;
  bool matrix_is_chisos = false;  // made by a conversion (here or in Python): nobody else can change it
  std::vector<py::array> arrays;
  std::vector<const double*> array_data;
  std::vector<const float*> array_data_f32;  // a float32 column's (its array_data is then null)
  std::vector<std::ptrdiff_t> array_strides;
  std::vector<std::ptrdiff_t> column_of_input, mask_column_of_leaf;

  std::uintptr_t address() const {
    if (table.has_input_arrays())
      return arrays.empty() ? 0 : reinterpret_cast<std::uintptr_t>(arrays.front().data());
    return reinterpret_cast<std::uintptr_t>(table.values_f32.empty() ? static_cast<const void*>(table.values.data)
                                                                     : static_cast<const void*>(table.values_f32.data));
  }
  // Every input column is float32 (copied as float32 for the deferred nodes).
  bool all_float32() const {
    if (table.has_input_arrays())
      return std::none_of(array_data.begin(), array_data.end(), [](const double* d) { return d != nullptr; });
    return !table.values_f32.empty();
  }
};

// One 1-D array per input column: float64 and float32 ones are read where they are.
void read_input_columns(const plan& p, const py::sequence& list, python_inputs& in) {
  if (static_cast<std::ptrdiff_t>(list.size()) != p.input_count())
    throw data_error("data.shape", "", "",
                     std::to_string(list.size()) + " input arrays for " + std::to_string(p.input_count()) + " input columns");
  std::ptrdiff_t rows = -1;
  const auto& names = p.input_columns();
  for (std::size_t i = 0; i < list.size(); ++i) {
    py::array a = py::array::ensure(list[i]);
    if (!a) throw data_error("data.type", "", names[i], "input column '" + names[i] + "' is not an array");
    const bool narrow = a.dtype().is(py::dtype::of<float>());
    if (!narrow && !a.dtype().is(py::dtype::of<double>())) a = py::array_t<double, py::array::forcecast>::ensure(a);
    if (!a) throw data_error("data.type", "", names[i], "input column '" + names[i] + "' must hold numbers");
    if (a.ndim() != 1)
      throw data_error("data.shape", "", names[i],
                       "input column '" + names[i] + "' must be 1-D, got " + std::to_string(a.ndim()) + "-D");
    if (rows >= 0 && a.shape(0) != rows)
      throw data_error("data.shape", "", names[i],
                       "input column '" + names[i] + "' has " + std::to_string(a.shape(0)) + " values, '" + names[0] +
                           "' has " + std::to_string(rows));
    const auto item = static_cast<py::ssize_t>(narrow ? sizeof(float) : sizeof(double));
    if (a.strides(0) % item != 0)
      throw data_error("data.shape", "", names[i], "array strides are not whole elements");
    rows = a.shape(0);
    in.array_data.push_back(narrow ? nullptr : static_cast<const double*>(a.data()));
    in.array_data_f32.push_back(narrow ? static_cast<const float*>(a.data()) : nullptr);
    in.array_strides.push_back(a.strides(0) / item);
    in.arrays.push_back(std::move(a));
  }
  in.table.input_arrays = in.array_data.data();
  in.table.input_arrays_f32 = in.array_data_f32.data();
  in.table.input_strides = in.array_strides.data();
  in.table.unit_count = std::max<std::ptrdiff_t>(rows, 0);
}

// float64 and float32 in any layout are read in place; anything else is converted once.
void read_input_matrix(const py::object& values, python_inputs& in) {
  // An array is taken as it is (numpy's conversion of an array to an array costs a unit scored in
  // a loop a tenth of a microsecond).
  py::array matrix = py::isinstance<py::array>(values) ? py::reinterpret_borrow<py::array>(values) : py::array::ensure(values);
  if (matrix && matrix.dtype().is(py::dtype::of<float>())) {
    in.table.values_f32 = view_of_array<float>(matrix);
    in.matrix = std::move(matrix);
    return;
  }
  if (matrix && !matrix.dtype().is(py::dtype::of<double>())) {
    matrix = py::array_t<double, py::array::forcecast>::ensure(matrix);
    in.matrix_is_chisos = true;
  }
  if (!matrix) throw data_error("data.type", "", "", "inputs must be numbers");
  in.table.values = view_of_array<double>(matrix);
  in.matrix = std::move(matrix);
}

std::vector<std::ptrdiff_t> positions(const py::handle& argument, std::ptrdiff_t count, const char* what) {
  const auto given = position_array::ensure(argument);
  if (!given) throw data_error("data.type", "", "", std::string(what) + " must be integer positions");
  if (given.ndim() != 1 || given.shape(0) != count)
    throw data_error("data.shape", "", "", std::string(what) + " must give " + std::to_string(count) + " positions");
  std::vector<std::ptrdiff_t> out;
  for (py::ssize_t j = 0; j < given.shape(0); ++j) out.push_back(static_cast<std::ptrdiff_t>(given.at(j)));
  return out;
}

// The applicability mask, the groups and where each input and each leaf's mask column are.
// None: not given. The mask is read where it is (it outlives the call); the groups are kept in `in`.
void read_layout(const plan& p, const py::object& applicable, const py::object& groups, const py::object& columns,
                 const py::object& applicable_columns, python_inputs& in) {
  if (!applicable.is_none()) {
    if (!py::isinstance<py::array>(applicable) ||
        !py::reinterpret_borrow<py::array>(applicable).dtype().is(py::dtype::of<bool>()))
      throw data_error("data.type", "", "", "the applicability mask must be an array of booleans");
    in.table.applicable = view_of_array<bool>(py::reinterpret_borrow<py::array>(applicable));
  }
  if (!groups.is_none()) {
    const auto codes = group_array::ensure(groups);
    if (!codes) throw data_error("data.type", "", "", "groups must be integer codes");
    if (codes.ndim() != 1 || codes.shape(0) != in.table.rows())
      throw data_error("data.shape", "", "", "groups must give one code per unit");
    in.table.groups = codes.data();
    in.groups = codes;
  }
  if (!columns.is_none()) {
    in.column_of_input = positions(columns, p.input_count(), "columns");
    in.table.columns = in.column_of_input.data();
  }
  if (!applicable_columns.is_none()) {
    in.mask_column_of_leaf = positions(applicable_columns, p.leaf_count(), "applicable_columns");
    in.table.applicable_columns = in.mask_column_of_leaf.data();
  }
}

// Called only for messages and ordinal ties, from threads without the GIL. A borrowed handle:
// the argument outlives the call, and copying the function without the GIL must not touch
// reference counts.
unit_namer unit_names_of(py::handle names) {
  return [names](std::ptrdiff_t row) {
    py::gil_scoped_acquire gil;
    return py::str(names[py::int_(row)]).cast<std::string>();
  };
}

// Up to this many units, the GIL is kept while they are scored.
constexpr std::ptrdiff_t gil_kept_rows_maximum = 16;

// From this many units, the kept nodes of an evaluation are scored when first read (see
// python_evaluation); below it, results fit in the caches and one pass writes them all.
constexpr std::ptrdiff_t deferred_rows_minimum = 4096;

// Whether scoring the kept nodes later saves more than the copy of the inputs and mask costs:
// the matrices to write (points, max, score per kept node) at least twice the copy's bytes. So
// every node of the Hanoi district model (140 nodes, 102 inputs), not its 38 inner ones.
bool worth_deferring(const plan& p, const unit_table& t, std::size_t kept_nodes_count) {
  const std::size_t matrices = kept_nodes_count * 3 * sizeof(double);
  const std::size_t copy = static_cast<std::size_t>(p.input_count()) * sizeof(double) +
                           (t.applicable.empty() ? 0 : static_cast<std::size_t>(p.leaf_count()));
  return matrices > 2 * copy;
}

// Units per band when copying: the band's rows of a C-order array stay in the caches while each
// of their columns is copied.
constexpr std::ptrdiff_t copy_band_rows = 256;

// The inputs in plan order (input column i is column i), units × input columns, as T (float for
// float32 inputs; float64 ones, and float32 ones among them, as double: exact). Contiguous columns
// are copied whole; strided ones (a C-order array's) a band of rows at a time, whose rows stay in
// the caches while each of their columns is copied.
template <class T>
Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> copy_of_inputs(const plan& p, const unit_table& t) {
  const std::ptrdiff_t rows = t.rows(), inputs = p.input_count();
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> copy(rows, inputs);
  detail::ask_for_huge_pages(copy.data(), static_cast<std::size_t>(copy.size()) * sizeof(T));
  std::vector<input_column> columns;
  for (std::ptrdiff_t i = 0; i < inputs; ++i) columns.push_back(input_column_of(t, i));
  for (std::ptrdiff_t i = 0; i < inputs; ++i) {
    const input_column& c = columns[static_cast<std::size_t>(i)];
    if (c.stride != 1) continue;
    if (c.wide)
      std::copy(c.wide, c.wide + rows, &copy(0, i));
    else
      std::copy(c.narrow, c.narrow + rows, &copy(0, i));
  }
  for (std::ptrdiff_t u0 = 0; u0 < rows; u0 += copy_band_rows) {
    const std::ptrdiff_t n = std::min(copy_band_rows, rows - u0);
    for (std::ptrdiff_t i = 0; i < inputs; ++i) {
      const input_column& c = columns[static_cast<std::size_t>(i)];
      if (c.stride == 1) continue;
      for (std::ptrdiff_t u = 0; u < n; ++u) copy(u0 + u, i) = static_cast<T>(c.value(u0 + u));
    }
  }
  return copy;
}

// The applicability mask in leaf order, units × leaves (empty when everything applies).
Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> copy_of_mask(const plan& p, const unit_table& t) {
  Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> copy;
  if (t.applicable.empty()) return copy;
  const std::ptrdiff_t rows = t.rows(), leaves = p.leaf_count();
  copy.resize(rows, leaves);
  detail::ask_for_huge_pages(copy.data(), static_cast<std::size_t>(copy.size()));
  for (std::ptrdiff_t u0 = 0; u0 < rows; u0 += copy_band_rows) {
    const std::ptrdiff_t n = std::min(copy_band_rows, rows - u0);
    for (std::ptrdiff_t j = 0; j < leaves; ++j) {
      const std::ptrdiff_t column = t.applicable_columns ? t.applicable_columns[j] : j;
      for (std::ptrdiff_t u = 0; u < n; ++u) copy(u0 + u, j) = t.applicable(u0 + u, column);
    }
  }
  return copy;
}

// The plan positions of the nodes an evaluation keeps: those of an evaluation of no units.
std::vector<std::ptrdiff_t> kept_node_positions(const plan& p, kept_nodes keep) {
  unit_table none;
  none.values.cols = p.input_count();
  evaluation empty;
  evaluate_options options;
  options.keep = keep;
  p.evaluate_into(none, empty, options);
  return empty.nodes;
}

std::shared_ptr<python_evaluation> evaluate_arrays(const std::shared_ptr<plan>& scorer, py::object values,
                                                   py::object applicable, py::object groups,
                                                   py::object columns, py::object unit_names,
                                                   const std::string& keep, int threads,
                                                   py::object applicable_columns,
                                                   bool inputs_are_chisos) {
  const plan& p = *scorer;
  python_inputs in;
  if (py::isinstance<py::list>(values) || py::isinstance<py::tuple>(values)) {
    read_input_columns(p, py::reinterpret_borrow<py::sequence>(values), in);
  } else {
    read_input_matrix(values, in);
    // Kept unread-by-others only as the float64 matrix the nodes are scored from.
    in.matrix_is_chisos = (in.matrix_is_chisos || inputs_are_chisos) && in.table.values_f32.empty();
  }
  read_layout(p, applicable, groups, columns, applicable_columns, in);
  if (!unit_names.is_none()) in.table.unit_name = unit_names_of(unit_names);
  evaluate_options options;
  options.keep = parse_keep(keep);
  options.threads = threads;
  auto out = std::make_shared<python_evaluation>();
  out->input_address = in.address();
  std::vector<std::ptrdiff_t> kept;
  bool defer_nodes = false;
  {
    // A few units are scored in about a microsecond: not worth releasing the GIL for.
    std::optional<py::gil_scoped_release> release;
    if (in.table.rows() > gil_kept_rows_maximum) release.emplace();
    if (options.keep != kept_nodes::root && in.table.rows() >= deferred_rows_minimum) {
      kept = kept_node_positions(p, options.keep);
      defer_nodes = worth_deferring(p, in.table, kept.size());
    }
    evaluate_options now = options;
    if (defer_nodes) now.keep = kept_nodes::root;
    p.evaluate_into(in.table, out->result, now);
    out->percent_typed_as_fraction = percent_columns_in_fractions(scorer, in.table);
    if (defer_nodes) {
      out->deferred = std::make_unique<deferred_nodes>();
      deferred_nodes& d = *out->deferred;
      d.scorer = scorer;
      d.options = options;
      if (in.matrix_is_chisos) {  // no copy (saves the copy's fresh pages: a second for 10⁶ × 102)
        d.converted = in.table.values;
        d.converted_columns = in.column_of_input;
      } else if (in.all_float32()) {
        d.inputs_f32 = copy_of_inputs<float>(p, in.table);
        d.narrow = true;
      } else {
        d.inputs = copy_of_inputs<double>(p, in.table);
      }
      d.applicable = copy_of_mask(p, in.table);
      out->kept_inputs_address = reinterpret_cast<std::uintptr_t>(
          d.converted ? static_cast<const void*>(d.converted->data)
                      : d.narrow ? static_cast<const void*>(d.inputs_f32.data()) : static_cast<const void*>(d.inputs.data()));
      out->nodes_scored.store(false, std::memory_order_release);
    } else {
      kept = out->result.nodes;
    }
  }
  if (out->deferred && out->deferred->converted) out->converted_inputs = in.matrix;
  for (std::ptrdiff_t k : kept) out->node_ids.push_back(p.node_at(k).id);
  return out;
}

// Pickled by value (results cross processes with multiprocessing); input_address, which only
// tells where one evaluation read its inputs, is not kept.
auto evaluation_state(python_evaluation& e) {
  const evaluation& r = e.with_nodes();
  return py::make_tuple(r.nodes, r.points, r.max, r.score, r.raw_index, r.index, r.rank, r.band, e.node_ids);
}

std::shared_ptr<python_evaluation> evaluation_from_state(const py::tuple& state) {
  if (state.size() != 9)
    throw parameter_error("parameter.pickle", "an Evaluation is unpickled from 9 fields, got " + std::to_string(state.size()));
  auto e = std::make_shared<python_evaluation>();
  evaluation& r = e->result;
  r.nodes = state[0].cast<std::vector<std::ptrdiff_t>>();
  r.points = state[1].cast<Eigen::MatrixXd>();
  r.max = state[2].cast<Eigen::MatrixXd>();
  r.score = state[3].cast<Eigen::MatrixXd>();
  r.raw_index = state[4].cast<Eigen::VectorXd>();
  r.index = state[5].cast<Eigen::VectorXd>();
  r.rank = state[6].cast<Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>>();
  r.band = state[7].cast<Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>>();
  e->node_ids = state[8].cast<std::vector<std::string>>();
  return e;
}

void register_evaluation_class(py::module_& m) {
  py::class_<python_evaluation, std::shared_ptr<python_evaluation>> evaluation_class(m, "Evaluation");
  for (auto [name, field] : {std::pair{"points", &evaluation::points}, std::pair{"max", &evaluation::max},
                             std::pair{"score", &evaluation::score}})
    evaluation_class.def_property_readonly(name, [field = field](py::object self) {
      return column_major_view(self.cast<python_evaluation&>().with_nodes().*field, self);
    }, "units × kept nodes (a view of the result's memory)");
  evaluation_class
      .def_readonly("node_ids", &python_evaluation::node_ids)
      .def_readonly("input_address", &python_evaluation::input_address)
      .def_readonly("kept_inputs_address", &python_evaluation::kept_inputs_address)
      .def_property_readonly("nodes_scored", [](const python_evaluation& e) {
        return e.nodes_scored.load(std::memory_order_acquire);
      }, "Whether the kept nodes' points, max and score are scored yet (they are when first read).")
      .def_property_readonly("percent_typed_as_fraction", [](const python_evaluation& e) {
        const auto& names = e.percent_typed_as_fraction;
        py::tuple suspects(names.size());  // usually () (Python's one empty tuple: nothing made)
        for (std::size_t i = 0; i < names.size(); ++i) suspects[i] = py::str(names[i]);
        return suspects;
      }, "Percent-rate input columns whose values all lie in [0, 1], not only 0 and 1.")
      .def("losses", [](python_evaluation& e, const plan& p, std::ptrdiff_t unit) {
        return loss_columns(criterion_losses(p, e.with_nodes(), unit), false);
      }, py::arg("model"), py::arg("unit_row"), "Why the unit of this row lost points (chiso::criterion_losses).")
      .def_property_readonly("raw_index", [](py::object self) {
        return vector_view(self.cast<python_evaluation&>().result.raw_index, self);
      })
      .def_property_readonly("index", [](py::object self) {
        return vector_view(self.cast<python_evaluation&>().result.index, self);
      })
      .def_property_readonly("rank", [](py::object self) {
        return vector_view(self.cast<python_evaluation&>().result.rank, self);
      })
      .def_property_readonly("band", [](py::object self) {
        return vector_view(self.cast<python_evaluation&>().result.band, self);
      })
      .def(py::pickle(&evaluation_state, &evaluation_from_state));
}

}  // namespace

void register_evaluate(py::module_& m) {
  register_evaluation_class(m);
  m.def("evaluate", &evaluate_arrays, py::arg("model"), py::arg("values"), py::arg("applicable") = py::none(),
        py::arg("groups") = py::none(), py::arg("columns") = py::none(), py::arg("unit_names") = py::none(),
        py::arg("keep") = "all", py::arg("threads") = 0, py::arg("applicable_columns") = py::none(),
        py::arg("inputs_are_chisos") = false,
        "Scores units × input columns (NaN = missing) with a compiled model. `values` is a 2-D array\n"
        "(its column for input column i is columns[i], default i) or a list of 1-D arrays, one per\n"
        "input column in order (float64 and float32 ones are read without copying). `applicable` is units × leaves\n"
        "with its own column map: leaf j is its column applicable_columns[j], default j (leaf order),\n"
        "whatever the layout of the inputs. `inputs_are_chisos`: `values` is an array the caller made\n"
        "(a conversion) and will not change: the nodes of many units are scored from it, not a copy.");
  m.def("column_map", &column_map, py::arg("wanted"), py::arg("names"), py::arg("table"),
        "The position in `names` of each of `wanted` (chiso::column_map): columns are matched by name,\n"
        "those not wanted are ignored; a wanted name absent or given twice is a DataError naming it.");
}

}  // namespace chiso::bindings
