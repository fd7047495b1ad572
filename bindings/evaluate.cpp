// Evaluation: numpy arrays in (read where they are when they are float64, whatever their
// layout), numpy views of the results out. The GIL is released while the plan runs.
#include <algorithm>
#include <cmath>
#include <memory>

#include <chiso/chiso.hpp>
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "register.hpp"

namespace py = pybind11;

namespace chiso::bindings {

namespace {

struct python_evaluation {
  evaluation result;
  std::vector<std::string> node_ids;
  std::uintptr_t input_address = 0;  // where the inputs were read: shows when nothing was copied
  std::vector<std::string> percent_typed_as_fraction;  // see percent_columns_in_fractions
};

// Input columns of leaves taking a rate in percent (tiers, proportional) whose every finite value
// lies in [0, 1], not all 0 or 1: percentages typed as fractions (0.96 for 96 %), which score as
// under 1 % without any error. A column is usually cleared by its first value above 1.
std::vector<std::string> percent_columns_in_fractions(const plan& p, const unit_table& table) {
  std::vector<std::string> suspects;
  const chiso::model& m = p.compiled_model();
  for (std::size_t leaf = 0; leaf < m.leaves().size(); ++leaf) {
    const node* n = m.leaves()[leaf];
    if (n->rule->unit != rate_unit::percent || (n->rule->kind != rule_kind::tiers && n->rule->kind != rule_kind::proportional))
      continue;
    const auto i = static_cast<std::ptrdiff_t>(m.first_input(leaf));  // its one input column
    const std::ptrdiff_t column = table.columns ? table.columns[i] : i;
    const std::ptrdiff_t stride = table.input_strides ? table.input_strides[i] : 1;
    bool cleared = false, fractional = false;
    for (std::ptrdiff_t u = 0; u < table.rows() && !cleared; ++u) {
      const double v = table.input_arrays ? table.input_arrays[i][u * stride] : table.values(u, column);
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
  py::array matrix;
  std::vector<py::array> arrays;
  std::vector<const double*> array_data;
  std::vector<std::ptrdiff_t> array_strides;
  std::vector<std::ptrdiff_t> column_of_input, mask_column_of_leaf;

  std::uintptr_t address() const {
    return reinterpret_cast<std::uintptr_t>(table.input_arrays ? (array_data.empty() ? nullptr : array_data[0])
                                                               : table.values.data);
  }
};

// One 1-D array per input column: float64 ones are read where they are.
void read_input_columns(const plan& p, const py::sequence& list, python_inputs& in) {
  if (static_cast<std::ptrdiff_t>(list.size()) != p.input_count())
    throw data_error("data.shape", "", "",
                     std::to_string(list.size()) + " input arrays for " + std::to_string(p.input_count()) + " input columns");
  std::ptrdiff_t rows = -1;
  const auto& names = p.input_columns();
  for (std::size_t i = 0; i < list.size(); ++i) {
    py::array a = py::array::ensure(list[i]);
    if (!a) throw data_error("data.type", "", names[i], "input column '" + names[i] + "' is not an array");
    if (!a.dtype().is(py::dtype::of<double>())) a = py::array_t<double, py::array::forcecast>::ensure(a);
    if (!a) throw data_error("data.type", "", names[i], "input column '" + names[i] + "' must hold numbers");
    if (a.ndim() != 1)
      throw data_error("data.shape", "", names[i],
                       "input column '" + names[i] + "' must be 1-D, got " + std::to_string(a.ndim()) + "-D");
    if (rows >= 0 && a.shape(0) != rows)
      throw data_error("data.shape", "", names[i],
                       "input column '" + names[i] + "' has " + std::to_string(a.shape(0)) + " values, '" + names[0] +
                           "' has " + std::to_string(rows));
    if (a.strides(0) % static_cast<py::ssize_t>(sizeof(double)) != 0)
      throw data_error("data.shape", "", names[i], "array strides are not whole elements");
    rows = a.shape(0);
    in.array_data.push_back(static_cast<const double*>(a.data()));
    in.array_strides.push_back(a.strides(0) / static_cast<py::ssize_t>(sizeof(double)));
    in.arrays.push_back(std::move(a));
  }
  in.table.input_arrays = in.array_data.data();
  in.table.input_strides = in.array_strides.data();
  in.table.unit_count = std::max<std::ptrdiff_t>(rows, 0);
}

// float64 in any layout is read in place; anything else is converted once.
void read_input_matrix(const py::object& values, python_inputs& in) {
  in.matrix = py::array::ensure(values);
  if (in.matrix && !in.matrix.dtype().is(py::dtype::of<double>()))
    in.matrix = py::array_t<double, py::array::forcecast>::ensure(in.matrix);
  if (!in.matrix) throw data_error("data.type", "", "", "inputs must be numbers");
  in.table.values = view_of_array<double>(in.matrix);
}

std::vector<std::ptrdiff_t> positions(const position_array& given, std::ptrdiff_t count, const char* what) {
  if (given.ndim() != 1 || given.shape(0) != count)
    throw data_error("data.shape", "", "", std::string(what) + " must give " + std::to_string(count) + " positions");
  std::vector<std::ptrdiff_t> out;
  for (py::ssize_t j = 0; j < given.shape(0); ++j) out.push_back(static_cast<std::ptrdiff_t>(given.at(j)));
  return out;
}

// The applicability mask, the groups and where each input and each leaf's mask column are.
void read_layout(const plan& p, const std::optional<py::array>& applicable, const std::optional<group_array>& groups,
                 const std::optional<position_array>& columns, const std::optional<position_array>& applicable_columns,
                 python_inputs& in) {
  if (applicable) {
    if (!applicable->dtype().is(py::dtype::of<bool>()))
      throw data_error("data.type", "", "", "the applicability mask must be an array of booleans");
    in.table.applicable = view_of_array<bool>(*applicable);
  }
  if (groups) {
    if (groups->ndim() != 1 || groups->shape(0) != in.table.rows())
      throw data_error("data.shape", "", "", "groups must give one code per unit");
    in.table.groups = groups->data();
  }
  if (columns) {
    in.column_of_input = positions(*columns, p.input_count(), "columns");
    in.table.columns = in.column_of_input.data();
  }
  if (applicable_columns) {
    in.mask_column_of_leaf = positions(*applicable_columns, p.leaf_count(), "applicable_columns");
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

std::shared_ptr<python_evaluation> evaluate_arrays(const plan& p, py::object values, std::optional<py::array> applicable,
                                                   std::optional<group_array> groups, std::optional<position_array> columns,
                                                   py::object unit_names, const std::string& keep, int threads,
                                                   std::optional<position_array> applicable_columns) {
  python_inputs in;
  if (py::isinstance<py::list>(values) || py::isinstance<py::tuple>(values))
    read_input_columns(p, py::reinterpret_borrow<py::sequence>(values), in);
  else
    read_input_matrix(values, in);
  read_layout(p, applicable, groups, columns, applicable_columns, in);
  if (!unit_names.is_none()) in.table.unit_name = unit_names_of(unit_names);
  evaluate_options options;
  options.keep = parse_keep(keep);
  options.threads = threads;
  auto out = std::make_shared<python_evaluation>();
  out->input_address = in.address();
  {
    py::gil_scoped_release release;
    p.evaluate_into(in.table, out->result, options);
    out->percent_typed_as_fraction = percent_columns_in_fractions(p, in.table);
  }
  for (std::ptrdiff_t k : out->result.nodes) out->node_ids.push_back(p.node_at(k).id);
  return out;
}

// Pickled by value (results cross processes with multiprocessing); input_address, which only
// tells where one evaluation read its inputs, is not kept.
auto evaluation_state(const python_evaluation& e) {
  const evaluation& r = e.result;
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
      return column_major_view(self.cast<python_evaluation&>().result.*field, self);
    }, "units × kept nodes (a view of the result's memory)");
  evaluation_class
      .def_readonly("node_ids", &python_evaluation::node_ids)
      .def_readonly("input_address", &python_evaluation::input_address)
      .def_readonly("percent_typed_as_fraction", &python_evaluation::percent_typed_as_fraction,
                    "Percent-rate input columns whose values all lie in [0, 1], not only 0 and 1.")
      .def("losses", [](const python_evaluation& e, const plan& p, std::ptrdiff_t unit) {
        return loss_columns(criterion_losses(p, e.result, unit), false);
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
        "Scores units × input columns (NaN = missing) with a compiled model. `values` is a 2-D array\n"
        "(its column for input column i is columns[i], default i) or a list of 1-D arrays, one per\n"
        "input column in order (float64 ones are read without copying). `applicable` is units × leaves\n"
        "with its own column map: leaf j is its column applicable_columns[j], default j (leaf order),\n"
        "whatever the layout of the inputs.");
  m.def("column_map", &column_map, py::arg("wanted"), py::arg("names"), py::arg("table"),
        "The position in `names` of each of `wanted` (chiso::column_map): columns are matched by name,\n"
        "those not wanted are ignored; a wanted name absent or given twice is a DataError naming it.");
}

}  // namespace chiso::bindings
