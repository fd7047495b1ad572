// chiso._core.sensitivity: counter-based sampling, Sobol estimators and the composite UA/SA
// engine. Thin: converts, releases the GIL around the runs, calls the C++ API.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "chiso/error.hpp"
#include "chiso/sensitivity.hpp"
#include "chiso/sensitivity/uncertainty.hpp"
#include "chiso/sensitivity/whatif.hpp"
#include "columns.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace chiso::bindings {
namespace {

namespace sa = chiso::sensitivity;
namespace ua = chiso::uncertainty;

// A numpy array that takes over the vector (no element-wise conversion to a Python list).
template <class T>
py::array_t<T> to_array(std::vector<T>&& v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(heap->size()), heap->data(), owner);
}

py::dict indices_to_dict(const sa::sobol_indices& s) {
  py::dict d;
  d["N"] = s.N;
  d["d"] = s.d;
  d["variance"] = s.variance;
  d["first"] = s.first;
  d["total"] = s.total;
  d["bootstrap"] = s.bootstrap;
  d["lower_p"] = s.lower_p;
  d["upper_p"] = s.upper_p;
  d["first_lower"] = s.first_lower;
  d["first_upper"] = s.first_upper;
  d["total_lower"] = s.total_lower;
  d["total_upper"] = s.total_upper;
  return d;
}

ua::assumption assumption_from_dict(const py::dict& a) {
  auto get_str = [&a](const char* key, const std::string& fallback) {
    return a.contains(key) ? py::cast<std::string>(a[key]) : fallback;
  };
  const std::string name = get_str("name", "");
  const std::string type = get_str("type", "");
  const std::size_t nominal =
      type != "data_range" && a.contains("nominal") ? py::cast<std::size_t>(a["nominal"]) : 0;
  if (type == "noisy_weights") {
    std::vector<std::pair<int, double>> noise;
    for (auto item : py::cast<py::dict>(a["noise"]))
      noise.emplace_back(py::cast<int>(item.first), py::cast<double>(item.second));
    return ua::assumption::noisy_weights(name, noise);
  }
  if (type == "weight_sets")
    return ua::assumption::alternative_weights(name, py::cast<std::vector<std::vector<double>>>(a["sets"]), nominal);
  if (type == "aggregation") {
    std::vector<ua::aggregation> methods;
    for (auto m : py::cast<std::vector<std::string>>(a["methods"])) methods.push_back(analysis::aggregation_from_string(m));
    std::vector<int> levels;
    if (a.contains("levels") && !a["levels"].is_none()) levels = py::cast<std::vector<int>>(a["levels"]);
    return ua::assumption::aggregation_methods(name, methods, levels, nominal);
  }
  if (type == "data_choice")
    return ua::assumption::data_choice(name, py::cast<std::vector<std::string>>(a["labels"]), nominal);
  if (type == "data_range")
    return ua::assumption::data_range(name, py::cast<double>(a["lower"]), py::cast<double>(a["upper"]),
                                      py::cast<double>(a["nominal"]));
  throw parameter_error("uncertainty.assumption_type",
                        "assumption '" + name + "': type '" + type +
                            "' is not noisy_weights, weight_sets, aggregation, data_choice or data_range");
}

}  // namespace

// Why each replication failed, as columns: replication, node (code), method, unit (id), child
// (code) and its value.
py::dict failures_to_dict(const ua::result& r, const analysis::hierarchy& tree) {
  auto code = [&tree](std::size_t node) { return tree.node(static_cast<std::ptrdiff_t>(node)).code; };
  using failure = ua::failure;
  return columns(r.failures, {"replication", "node", "method", "unit", "child", "value"},
                 [](const failure& f) { return f.replication; }, [&code](const failure& f) { return code(f.node); },
                 [](const failure& f) { return analysis::to_string(f.method); },
                 [&r](const failure& f) { return r.units[f.unit]; }, [&code](const failure& f) { return code(f.child); },
                 [](const failure& f) { return f.value; });
}

// Failed replications per assumption (and alternative), as columns: assumption, alternative,
// replications, failed.
py::dict failure_counts_to_dict(const ua::result& r) {
  using count = ua::failure_count;
  return columns(r.failure_counts, {"assumption", "alternative", "replications", "failed"},
                 [](const count& c) { return c.assumption; }, [](const count& c) { return c.alternative; },
                 [](const count& c) { return c.replications; }, [](const count& c) { return c.failed; });
}

namespace {

py::dict result_to_dict(ua::result&& r, const analysis::hierarchy& tree) {
  py::dict d;
  d["units"] = r.units;
  d["assumptions"] = r.assumptions;
  d["replications"] = r.replications;
  d["statistics_replications"] = r.statistics_replications;
  d["lower_p"] = r.lower_p;
  d["upper_p"] = r.upper_p;
  d["nominal_score"] = to_array(std::move(r.stats.nominal_score));
  d["nominal_rank"] = to_array(std::move(r.stats.nominal_rank));
  d["rank_mean"] = to_array(std::move(r.stats.rank_mean));
  d["rank_median"] = to_array(std::move(r.stats.rank_median));
  d["rank_lower"] = to_array(std::move(r.stats.rank_lower));
  d["rank_upper"] = to_array(std::move(r.stats.rank_upper));
  d["score_mean"] = to_array(std::move(r.stats.score_mean));
  d["score_sd"] = to_array(std::move(r.stats.score_sd));
  d["score_lower"] = to_array(std::move(r.stats.score_lower));
  d["score_median"] = to_array(std::move(r.stats.score_median));
  d["score_upper"] = to_array(std::move(r.stats.score_upper));
  d["sample"] = std::move(r.sample);
  d["parameters"] = std::move(r.parameters);
  d["output"] = to_array(std::move(r.output));
  d["failed"] = to_array(std::move(r.failed));
  d["failures"] = failures_to_dict(r, tree);
  d["failure_counts"] = failure_counts_to_dict(r);
  if (r.scores.size() > 0) {
    d["scores"] = std::move(r.scores);
    d["ranks"] = std::move(r.ranks);
  }
  if (r.has_indices) d["indices"] = indices_to_dict(r.indices);
  return d;
}

whatif::inputs whatif_inputs(Eigen::MatrixXd values, std::vector<std::string> unit_ids,
                             std::optional<std::vector<std::int32_t>> groups,
                             std::optional<Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>> applicable) {
  whatif::inputs in;
  in.values = std::move(values);
  in.unit_ids = std::move(unit_ids);
  if (groups) in.groups = std::move(*groups);
  in.applicable = std::move(applicable);
  return in;
}

py::dict gain_to_dict(const whatif::criterion_gain& g) {
  py::dict d;
  d["criterion"] = g.id;
  d["leaf"] = g.leaf;
  d["input_before"] = g.input_before;
  d["input_after"] = g.input_after;
  d["index_before"] = g.index_before;
  d["index_after"] = g.index_after;
  d["rank_before"] = g.rank_before;
  d["rank_after"] = g.rank_after;
  d["rank_gain"] = g.rank_gain;
  d["band_before"] = g.band_before;
  d["band_after"] = g.band_after;
  return d;
}

}  // namespace

ua::options options_from(std::uint64_t seed, int threads, const std::string& target, bool keep, bool score_stats,
                         const std::string& output, const std::string& output_unit, std::size_t bootstrap,
                         double lower_p, double upper_p) {
  ua::options o;
  o.seed = seed;
  o.threads = threads;
  o.target = target;
  o.keep_replications = keep;
  o.score_statistics = score_stats;
  o.output = ua::output_kind_from_string(output);
  o.output_unit = output_unit;
  o.bootstrap = bootstrap;
  o.lower_p = lower_p;
  o.upper_p = upper_p;
  return o;
}

namespace {

using bool_matrix = Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>;

whatif::raise_options raise_options_from(std::optional<double> step, bool include_adjustments) {
  whatif::raise_options o;
  o.step = step;
  o.include_adjustments = include_adjustments;
  return o;
}

py::dict lift_to_dict(const whatif::lift_result& r) {
  py::dict d;
  d["reachable"] = r.reachable;
  d["already"] = r.already;
  d["criteria"] = r.criteria;
  d["index_after"] = r.index_after;
  d["rank_after"] = r.rank_after;
  d["band_after"] = r.band_after;
  return d;
}

// A Python builder f(choices, values) -> units × indicators array, called with the GIL held (so
// replications with a data_range serialise on it).
ua::data_builder builder_calling(py::function fn, const std::vector<ua::assumption>& as) {
  std::size_t n_choice = 0, n_range = 0;
  for (const auto& a : as) {
    n_choice += a.type == ua::assumption::kind::data_choice;
    n_range += a.type == ua::assumption::kind::data_range;
  }
  return [fn, n_choice, n_range](const std::size_t* choices, const double* values, Eigen::Ref<Eigen::MatrixXd> out) {
    py::gil_scoped_acquire gil;
    py::list c, v;
    for (std::size_t k = 0; k < n_choice; ++k) c.append(choices[k]);
    for (std::size_t k = 0; k < n_range; ++k) v.append(values ? values[k] : std::nan(""));
    const auto m = py::cast<Eigen::MatrixXd>(fn(c, v));
    if (m.rows() != out.rows() || m.cols() != out.cols())
      throw parameter_error("uncertainty.data_builder",
                            "the data builder returned " + std::to_string(m.rows()) + " × " + std::to_string(m.cols()) +
                                "; expected " + std::to_string(out.rows()) + " × " + std::to_string(out.cols()));
    out = m;
  };
}

// Data variants for the data_choice assumptions, in mixed-radix order (the first data_choice
// varies fastest).
ua::composite_analysis analysis_of_variants(analysis::hierarchy tree, const py::object& data, std::vector<std::string> units,
                                            std::vector<ua::assumption> as) {
  auto variants = std::make_shared<std::vector<Eigen::MatrixXd>>(py::cast<std::vector<Eigen::MatrixXd>>(data));
  std::vector<std::size_t> radix;
  for (const auto& a : as)
    if (a.type == ua::assumption::kind::data_choice) radix.push_back(a.alternatives());
  std::size_t combos = 1;
  for (auto r : radix) combos *= r;
  if (variants->size() != combos)
    throw parameter_error("uncertainty.data_variants", "data has " + std::to_string(variants->size()) +
                                                           " variants; the data_choice assumptions make " + std::to_string(combos));
  if (variants->empty()) throw parameter_error("uncertainty.data_variants", "no data");
  const auto rows_n = static_cast<std::size_t>((*variants)[0].rows());
  ua::data_builder b = [variants, radix](const std::size_t* choices, const double*, Eigen::Ref<Eigen::MatrixXd> out) {
    std::size_t combo = 0, scale = 1;
    for (std::size_t k = 0; k < radix.size(); ++k) {
      combo += choices[k] * scale;
      scale *= radix[k];
    }
    const Eigen::MatrixXd& v = (*variants)[combo];
    if (v.rows() != out.rows() || v.cols() != out.cols())
      throw parameter_error("uncertainty.data_variants", "data variants differ in shape");
    out = v;
  };
  return ua::composite_analysis(std::move(tree), std::move(b), rows_n, std::move(units), std::move(as));
}

// `data` is one units × indicators array, a list of variants or a builder function.
ua::composite_analysis composite_analysis_of(analysis::hierarchy tree, const py::object& data, std::vector<std::string> units,
                                             const std::vector<py::dict>& assumptions) {
  std::vector<ua::assumption> as;
  for (const auto& a : assumptions) as.push_back(assumption_from_dict(a));
  if (py::isinstance<py::function>(data)) {
    ua::data_builder b = builder_calling(py::cast<py::function>(data), as);
    const std::size_t n_units = units.size();
    return ua::composite_analysis(std::move(tree), std::move(b), n_units, std::move(units), std::move(as));
  }
  if (py::isinstance<py::list>(data) || py::isinstance<py::tuple>(data))
    return analysis_of_variants(std::move(tree), data, std::move(units), std::move(as));
  return ua::composite_analysis(std::move(tree), py::cast<Eigen::MatrixXd>(data), std::move(units), std::move(as));
}

// The analysis, its units in `groups` (codes ≥ 0; empty: one group) for a scored model that ranks by group.
ua::composite_analysis composite_analysis_from(analysis::hierarchy tree, const py::object& data, std::vector<std::string> units,
                                               const std::vector<py::dict>& assumptions, std::vector<std::int32_t> groups) {
  ua::composite_analysis c = composite_analysis_of(std::move(tree), data, std::move(units), assumptions);
  c.set_groups(std::move(groups));
  return c;
}

// Samples, Sobol estimators, R's rank and quantile: the building blocks, called alone.
void register_sampling(py::module_& s) {
  s.def("random_sample", &sa::random_sample, py::arg("N"), py::arg("d"), py::arg("seed"),
        "N × d uniforms in [0,1); row r from the counter-based stream (seed, r).");
  s.def("saltelli_sample", &sa::saltelli_sample, py::arg("N"), py::arg("d"), py::arg("seed"),
        "The N(d+2) × d design [A; B; A_B^1; …; A_B^d] (COINr's SA_sample).");
  s.def(
      "estimate_sobol",
      [](py::array_t<double, py::array::c_style | py::array::forcecast> y, std::size_t N, std::size_t d,
         std::size_t bootstrap, std::uint64_t seed, double lower_p, double upper_p, int threads) {
        if (static_cast<std::size_t>(y.size()) != N * (d + 2))
          throw parameter_error("sensitivity.y", "y has " + std::to_string(y.size()) +
                                                     " values; the N(d+2) design has " + std::to_string(N * (d + 2)));
        sa::sobol_options o;
        o.bootstrap = bootstrap;
        o.seed = seed;
        o.lower_p = lower_p;
        o.upper_p = upper_p;
        o.threads = threads;
        const double* p = y.data();
        sa::sobol_indices r;
        {
          py::gil_scoped_release release;
          r = sa::estimate_sobol(p, N, d, o);
        }
        return indices_to_dict(r);
      },
      py::arg("y"), py::arg("N"), py::arg("d"), py::arg("bootstrap") = 0, py::arg("seed") = 0,
      py::arg("lower_p") = 0.05, py::arg("upper_p") = 0.95, py::arg("threads") = 0,
      "First-order (Saltelli 2010) and total (Jansen 1999) indices from outputs of the N(d+2) design.");
  s.def(
      "rank_descending_min",
      [](py::array_t<double, py::array::c_style | py::array::forcecast> score) {
        const auto n = static_cast<std::size_t>(score.size());
        py::array_t<std::int32_t> rank(static_cast<py::ssize_t>(n));
        std::vector<std::uint32_t> order(n);
        rank_descending_competition(score.data(), n, rank.mutable_data(), order.data());
        return rank;
      },
      py::arg("score"), "R's rank(-score, ties = 'min'); NaN gets 0 (not ranked).");
  s.def(
      "quantile", [](std::vector<double> v, double p) { return sa::quantile(std::move(v), p); }, py::arg("values"),
      py::arg("p"), "R's type-7 quantile, NaN dropped.");
}

// What a unit gains by raising one criterion, and the smallest raise that reaches a rank or band.
void register_whatif(py::module_& s) {
  s.def(
      "whatif_rank_gains",
      [](const plan& p, Eigen::MatrixXd values, std::ptrdiff_t unit, std::vector<std::string> unit_ids,
         std::optional<std::vector<std::int32_t>> groups, std::optional<bool_matrix> applicable,
         std::optional<double> step, bool include_adjustments) {
        const auto in = whatif_inputs(std::move(values), std::move(unit_ids), std::move(groups), std::move(applicable));
        const whatif::raise_options o = raise_options_from(step, include_adjustments);
        std::vector<whatif::criterion_gain> gains;
        {
          py::gil_scoped_release release;
          gains = whatif::rank_gains(p, in, unit, o);
        }
        py::list out;
        for (const auto& g : gains) out.append(gain_to_dict(g));
        return out;
      },
      py::arg("model"), py::arg("values"), py::arg("unit"), py::arg("unit_ids") = std::vector<std::string>{},
      py::arg("groups") = py::none(), py::arg("applicable") = py::none(), py::arg("step") = py::none(),
      py::arg("include_adjustments") = true);
  s.def(
      "whatif_smallest_lift",
      [](const plan& p, Eigen::MatrixXd values, std::ptrdiff_t unit, std::optional<std::int32_t> rank,
         std::optional<std::string> band, std::vector<std::string> unit_ids,
         std::optional<std::vector<std::int32_t>> groups, std::optional<bool_matrix> applicable,
         std::optional<double> step, bool include_adjustments) {
        const auto in = whatif_inputs(std::move(values), std::move(unit_ids), std::move(groups), std::move(applicable));
        const whatif::raise_options o = raise_options_from(step, include_adjustments);
        whatif::lift_target t;
        t.rank = rank;
        t.band = band;
        whatif::lift_result r;
        {
          py::gil_scoped_release release;
          r = whatif::smallest_lift(p, in, unit, t, o);
        }
        return lift_to_dict(r);
      },
      py::arg("model"), py::arg("values"), py::arg("unit"), py::arg("rank") = py::none(), py::arg("band") = py::none(),
      py::arg("unit_ids") = std::vector<std::string>{}, py::arg("groups") = py::none(),
      py::arg("applicable") = py::none(), py::arg("step") = py::none(), py::arg("include_adjustments") = true);
}

void register_composite_analysis(py::module_& s) {
  py::class_<ua::composite_analysis>(s, "CompositeAnalysis")
      .def(py::init(&composite_analysis_from), py::arg("hierarchy"), py::arg("data"), py::arg("units"),
           py::arg("assumptions"), py::arg("groups") = std::vector<std::int32_t>{})
      .def_property_readonly("units", &ua::composite_analysis::units)
      .def_property_readonly("dimensions", &ua::composite_analysis::dimensions)
      .def_property_readonly("codes", [](const ua::composite_analysis& c) { return c.tree().codes(); })
      .def("nominal_scores", &ua::composite_analysis::nominal_scores)
      .def(
          "uncertainty",
          [](const ua::composite_analysis& c, std::size_t replications, std::uint64_t seed, int threads,
             const std::string& target, bool keep, bool score_stats, const std::string& output,
             const std::string& output_unit, double lower_p, double upper_p) {
            const ua::options o =
                options_from(seed, threads, target, keep, score_stats, output, output_unit, 0, lower_p, upper_p);
            ua::result r;
            {
              py::gil_scoped_release release;
              r = c.uncertainty(replications, o);
            }
            return result_to_dict(std::move(r), c.tree());
          },
          py::arg("replications"), py::arg("seed") = 1, py::arg("threads") = 0, py::arg("target") = "",
          py::arg("keep_replications") = false, py::arg("score_statistics") = true,
          py::arg("output") = "mean_abs_rank_shift", py::arg("output_unit") = "", py::arg("lower_p") = 0.05,
          py::arg("upper_p") = 0.95)
      .def(
          "sensitivity",
          [](const ua::composite_analysis& c, std::size_t N, std::uint64_t seed, int threads,
             const std::string& target, bool keep, bool score_stats, const std::string& output,
             const std::string& output_unit, std::size_t bootstrap, double lower_p, double upper_p) {
            const ua::options o = options_from(seed, threads, target, keep, score_stats, output, output_unit,
                                               bootstrap, lower_p, upper_p);
            ua::result r;
            {
              py::gil_scoped_release release;
              r = c.sensitivity(N, o);
            }
            return result_to_dict(std::move(r), c.tree());
          },
          py::arg("N"), py::arg("seed") = 1, py::arg("threads") = 0, py::arg("target") = "",
          py::arg("keep_replications") = false, py::arg("score_statistics") = true,
          py::arg("output") = "mean_abs_rank_shift", py::arg("output_unit") = "", py::arg("bootstrap") = 0,
          py::arg("lower_p") = 0.05, py::arg("upper_p") = 0.95);
}

}  // namespace

void register_sensitivity(py::module_& m) {
  py::module_ s = m.def_submodule("sensitivity", "Uncertainty and sensitivity analysis (issue 6)");
  register_sampling(s);
  register_whatif(s);
  register_composite_analysis(s);
}

}  // namespace chiso::bindings
