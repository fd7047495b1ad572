// Ranks from a reduction (chiso._core.ranking), for scoring partition by partition (chiso.dask):
// a group's ranks under competition and dense ties depend only on how many units have each
// rounded index value, so partitions send value counts and get ranks back. The tie rule is
// rank_units' own: it ranks the distinct values, and the counts turn those into unit ranks.
#include <chiso/error.hpp>
#include <chiso/evaluate.hpp>
#include <chiso/model.hpp>
#include <chiso/ranking.hpp>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <numeric>

#include "register.hpp"

namespace py = pybind11;

namespace chiso::bindings {

namespace {

using doubles = py::array_t<double, py::array::c_style | py::array::forcecast>;
using counts_array = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;

// The rank of the first unit holding each distinct value of one group, given how many units of
// the group hold each value. Competition: 1 + units with a higher value; dense: 1 + distinct
// higher values; ordinal: as competition, the caller adding each unit's place among the tied
// (ordinal_places). A NaN value gets 0 ("not ranked").
py::array_t<std::int32_t> rank_value_counts(const plan& p, const doubles& values, const counts_array& counts) {
  const auto n = static_cast<std::ptrdiff_t>(values.size());
  if (counts.size() != values.size())
    throw parameter_error("ranking.counts", "values and counts differ in length");
  const double* v = values.data();
  const std::int64_t* c = counts.data();
  for (std::ptrdiff_t k = 0; k < n; ++k)
    if (c[k] < 0) throw parameter_error("ranking.counts", "a negative count");
  // Distinct values ranked by rank_units, densely: the position of each value, highest first.
  std::vector<std::int32_t> dense(static_cast<std::size_t>(n));
  rank_units(v, n, nullptr, tie_rule::dense, -1, {}, dense.data());
  std::vector<std::ptrdiff_t> by_rank(static_cast<std::size_t>(n));
  std::iota(by_rank.begin(), by_rank.end(), 0);
  std::sort(by_rank.begin(), by_rank.end(), [&](std::ptrdiff_t a, std::ptrdiff_t b) { return dense[a] < dense[b]; });
  for (std::size_t k = 1; k < by_rank.size(); ++k)
    if (dense[by_rank[k]] > 0 && dense[by_rank[k]] == dense[by_rank[k - 1]])
      throw parameter_error("ranking.values", "the value " + std::to_string(v[by_rank[k]]) + " is listed twice");
  py::array_t<std::int32_t> out(n);
  std::int32_t* rank = out.mutable_data();
  if (p.compiled_model().info().ties == tie_rule::dense) {
    std::copy(dense.begin(), dense.end(), rank);
    return out;
  }
  std::int64_t higher = 0;
  for (std::ptrdiff_t k : by_rank) {
    if (dense[static_cast<std::size_t>(k)] == 0) {
      rank[k] = 0;
      continue;
    }
    rank[k] = static_cast<std::int32_t>(higher + 1);
    higher += c[k];
  }
  return out;
}

// Places 1…n of units tied on the same index, in ordinal order (by unit name): rank_units on
// equal indices.
py::array_t<std::int32_t> ordinal_places(const std::vector<std::string>& names) {
  const auto n = static_cast<std::ptrdiff_t>(names.size());
  std::vector<double> equal(names.size(), 0.0);
  py::array_t<std::int32_t> out(n);
  rank_units(equal.data(), n, nullptr, tie_rule::ordinal, -1,
             [&names](std::ptrdiff_t row) { return names[static_cast<std::size_t>(row)]; }, out.mutable_data());
  return out;
}

}  // namespace

void register_ranking(py::module_& root) {
  py::module_ m = root.def_submodule("ranking", "Ranks from per-group value counts (chiso.dask)");
  m.def("rank_value_counts", &rank_value_counts, py::arg("model"), py::arg("values"), py::arg("counts"),
        "Rank of the first unit holding each distinct value of one group, under the model's tie rule\n"
        "(ordinal: the competition rank; add ordinal_places - 1 within the tied units).");
  m.def("ordinal_places", &ordinal_places, py::arg("names"),
        "Places 1…n of tied units in the ordinal order (by name, then position).");
  m.def("tie_rule", [](const plan& p) { return to_string(p.compiled_model().info().ties); }, py::arg("model"));
  m.def("rounding_digits", [](const plan& p) {
    const model_info& info = p.compiled_model().info();
    return info.rounding == rounding_mode::none ? -1 : info.rounding_digits;
  }, py::arg("model"));
}

}  // namespace chiso::bindings
