// chiso._core.analysis: the composite-indicator toolkit. Converts and calls; no logic here.
// Specs travel as JSON strings (the same JSON the C++ pipeline saves), results as dicts of numpy
// arrays; python/chiso/analysis.py turns them into pandas objects.
#include <pybind11/eigen.h>
#include <pybind11/stl.h>

#include <chiso/analysis.hpp>
#include <chiso/evaluate.hpp>

#include "register.hpp"

namespace py = pybind11;
using namespace chiso::analysis;

namespace chiso::bindings {

namespace {

// A hierarchy row from a dict (code, level, parent, weight, direction, target, denominator).
hierarchy_row hierarchy_row_from(const py::handle& row) {
  const auto r = py::reinterpret_borrow<py::dict>(row);
  auto given = [&r](const char* key) { return r.contains(key) && !r[key].is_none(); };
  hierarchy_row h;
  h.code = r["code"].cast<std::string>();
  h.level = r["level"].cast<int>();
  if (given("parent")) h.parent = r["parent"].cast<std::string>();
  if (given("weight")) h.weight = r["weight"].cast<double>();
  if (given("direction")) h.direction = r["direction"].cast<int>();
  if (given("target")) h.target = r["target"].cast<double>();
  if (given("denominator")) h.denominator = r["denominator"].cast<std::string>();
  return h;
}

std::vector<hierarchy_row> rows_from(const std::vector<py::dict>& rows) {
  std::vector<hierarchy_row> out;
  for (const auto& r : rows) out.push_back(hierarchy_row_from(r));
  return out;
}

py::dict result_dict(const pipeline_result& r) {
  py::dict d;
  d["units"] = r.units;
  d["nodes"] = r.nodes;
  d["unit_rows"] = r.unit_rows;
  d["normalised"] = r.normalised;
  d["scores"] = r.scores;
  d["index"] = r.index;
  d["ranks"] = r.ranks;
  d["log"] = r.log.dump();
  if (r.denominated) d["denominated"] = r.denominated->data;
  if (r.imputed) {
    d["imputed"] = r.imputed->data;
    py::list cells;
    for (const auto& c : r.imputed->imputed) cells.append(py::make_tuple(c.unit, c.indicator, c.value));
    d["imputed_cells"] = cells;
  }
  if (r.screened) {
    py::list removed;
    for (const auto& u : r.screened->removed)
      removed.append(py::make_tuple(u.unit, u.availability, u.missing, u.nonzero, u.zeros));
    d["screen_removed"] = removed;
    d["availability"] = r.screened->availability;
    d["nonzero"] = r.screened->nonzero;
  }
  if (r.treated) {
    d["treated"] = r.treated->data;
    py::list pts;
    for (const auto& p : r.treated->points) pts.append(py::make_tuple(p.unit, p.indicator, p.before, p.after, p.kind));
    d["treated_points"] = pts;
    py::list ind;
    for (const auto& t : r.treated->indicators)
      ind.append(py::make_tuple(t.indicator, to_string(t.applied), t.skew_before, t.kurt_before, t.skew_after, t.kurt_after,
                                t.n_winsorised, t.passes_after));
    d["treatment"] = ind;
  }
  return d;
}

pipeline_input make_input(const matrix& data, std::vector<std::string> units, const matrix& denominators,
                          std::vector<std::string> denominator_codes, std::map<std::string, std::vector<std::string>> groups) {
  pipeline_input in;
  in.data = data;
  in.units = std::move(units);
  in.denominators = denominators.size() ? denominators : matrix(data.rows(), 0);
  in.denominator_codes = std::move(denominator_codes);
  in.groups = std::move(groups);
  return in;
}

// The aggregation a toolkit call names (the pipeline spec's "aggregate" entry, as JSON).
aggregation_plan aggregation_plan_from(const hierarchy& h, const std::string& methods_json) {
  const pipeline_spec s = pipeline_spec::from_json({{"aggregate", nlohmann::json::parse(methods_json)}});
  return aggregation_plan(h, s.aggregation);
}

py::dict ahp_result_to(const ahp_result& r) {
  py::dict d;
  d["weights"] = r.weights; d["lambda_max"] = r.lambda_max; d["ci"] = r.ci; d["ri"] = r.ri; d["cr"] = r.cr;
  d["consistent"] = r.consistent; d["warning"] = r.warning; d["method"] = to_string(r.method);
  d["random_index"] = r.random_index_name;
  return d;
}

py::dict opt_weights_result_to(const opt_weights_result& r) {
  py::dict d;
  d["nodes"] = r.nodes; d["level_weights"] = r.level_weights; d["weights"] = r.weights; d["desired"] = r.desired;
  d["obtained"] = r.obtained; d["objective"] = r.objective; d["evaluations"] = r.evaluations;
  d["convergence"] = r.convergence;
  return d;
}

void register_hierarchy(py::module_& m) {
  py::class_<hierarchy>(m, "Hierarchy")
      .def(py::init([](const plan& model) { return hierarchy(model.compiled_model()); }), py::arg("model"),
           "The composite view of a model (chiso::analysis::hierarchy(const model&)).")
      .def(py::init([](const std::vector<py::dict>& rows) { return hierarchy(rows_from(rows)); }),
           py::arg("rows"))
      .def_property_readonly("model", [](const hierarchy& h) -> std::shared_ptr<plan> {
        if (!h.source_model()) return nullptr;
        return std::make_shared<plan>(*h.source_model());
      }, "The model this is the view of (None for a hierarchy built from rows).")
      .def("level", [](const hierarchy& h, std::ptrdiff_t i) { return h.node(i).level; })
      .def_property_readonly("outside_max", &hierarchy::outside_max,
                             "Per node: holds points outside the max (a scored model's bonus or deduction).")
      .def_property_readonly("codes", &hierarchy::codes)
      .def_property_readonly("indicator_codes", &hierarchy::indicator_codes)
      .def_property_readonly("n_nodes", &hierarchy::n_nodes)
      .def_property_readonly("n_indicators", &hierarchy::n_indicators)
      .def_property_readonly("root", &hierarchy::root)
      .def_property_readonly("weights", &hierarchy::weights)
      .def_property_readonly("directions", &hierarchy::directions)
      .def("parent", [](const hierarchy& h, std::ptrdiff_t i) { return h.node(i).parent; })
      .def("children", [](const hierarchy& h, std::ptrdiff_t i) { return h.node(i).children; })
      .def("to_json", [](const hierarchy& h) { return to_json(h).dump(); })
      .def_static("from_json", [](const std::string& s) { return hierarchy_from_json(nlohmann::json::parse(s)); });

  m.def("composite_model", [](const std::vector<py::dict>& rows, const std::string& id) {
    return std::make_shared<plan>(composite_model(rows_from(rows), id));
  }, py::arg("rows"), py::arg("id") = "composite", "The composite-index model of iMeta rows.");
}

void register_pipeline(py::module_& m) {
  py::class_<pipeline>(m, "Pipeline")
      .def(py::init([](const hierarchy& h, const std::string& spec) {
             return pipeline(h, pipeline_spec::from_json(nlohmann::json::parse(spec)));
           }),
           py::arg("hierarchy"), py::arg("spec_json"))
      .def_static("coinr_example_spec", [](const std::string& g) { return pipeline_spec::coinr_example(g).to_json().dump(); },
                  py::arg("group") = "EurAsia_group")
      .def_property_readonly("hierarchy", &pipeline::tree)
      .def_property_readonly("spec_json", [](const pipeline& p) { return p.spec().to_json().dump(); })
      .def("to_json", [](const pipeline& p) { return p.to_json().dump(); })
      .def_static("from_json", [](const std::string& s) { return pipeline::from_json(nlohmann::json::parse(s)); })
      .def("run",
           [](const pipeline& p, const matrix& data, std::vector<std::string> units, const matrix& denominators,
              std::vector<std::string> denominator_codes, std::map<std::string, std::vector<std::string>> groups) {
             auto in = make_input(data, std::move(units), denominators, std::move(denominator_codes), std::move(groups));
             pipeline_result r;
             {
               py::gil_scoped_release release;
               r = p.run(in);
             }
             return result_dict(r);
           },
           py::arg("data"), py::arg("units"), py::arg("denominators"), py::arg("denominator_codes"), py::arg("groups"));
}

// The pipeline's steps called alone: denominate, impute, treat, normalise and aggregate. Report
// rows come back as tuples of positions (unit, indicator), which analysis.py names.
void register_pipeline_steps(py::module_& m) {
  m.def("denominate",
        [](const matrix& x, const matrix& denominators, const std::vector<std::ptrdiff_t>& by,
           const std::vector<double>& scale, const std::vector<std::string>& unit_codes,
           const std::vector<std::string>& indicator_codes) {
          const denominate_result r = denominate(x, denominators, by, scale, unit_codes, indicator_codes);
          py::list lost;
          for (const auto& c : r.lost) lost.append(py::make_tuple(c.unit, c.indicator));
          return py::make_tuple(r.data, r.denominated, lost);
        },
        py::arg("x"), py::arg("denominators"), py::arg("by"), py::arg("scale") = std::vector<double>{},
        py::arg("unit_codes") = std::vector<std::string>{}, py::arg("indicator_codes") = std::vector<std::string>{});
  m.def("denominator_columns", &denominator_columns, py::arg("hierarchy"), py::arg("denominator_codes"),
        "Column of each indicator's denominator among denominator_codes, -1 when it has none.");
  m.def("impute",
        [](const matrix& x, const std::string& method, const std::vector<int>& groups, const hierarchy* h) {
          impute_options o;
          o.method = impute_method_from_string(method);
          o.groups = groups;
          const impute_result r = impute(x, o, h);
          py::list imputed, still_missing;
          for (const auto& c : r.imputed) imputed.append(py::make_tuple(c.unit, c.indicator, c.value));
          for (const auto& c : r.still_missing) still_missing.append(py::make_tuple(c.unit, c.indicator));
          return py::make_tuple(r.data, imputed, still_missing);
        },
        py::arg("x"), py::arg("method") = "indicator_mean", py::arg("groups") = std::vector<int>{},
        py::arg("hierarchy") = nullptr);
  m.def("treat",
        [](const matrix& x, int winmax, double skew_threshold, double kurt_threshold, bool log_fallback,
           const std::vector<std::string>& indicator_codes) {
          const treat_result r = treat(x, treat_options{winmax, skew_threshold, kurt_threshold, log_fallback}, indicator_codes);
          py::list indicators, points;
          for (const auto& t : r.indicators)
            indicators.append(py::make_tuple(t.indicator, to_string(t.applied), t.skew_before, t.kurt_before, t.skew_after,
                                             t.kurt_after, t.n_winsorised, t.passes_after));
          for (const auto& p : r.points) points.append(py::make_tuple(p.unit, p.indicator, p.before, p.after, p.kind));
          return py::make_tuple(r.data, indicators, points);
        },
        py::arg("x"), py::arg("winmax") = treat_options{}.winmax, py::arg("skew_threshold") = treat_options{}.skew_threshold,
        py::arg("kurt_threshold") = treat_options{}.kurt_threshold, py::arg("log_fallback") = treat_options{}.log_fallback,
        py::arg("indicator_codes") = std::vector<std::string>{});
  m.def("normalise",
        [](const matrix& x, const std::vector<int>& directions, const std::string& spec, const std::vector<double>& targets,
           const std::vector<std::string>& codes) {
          nlohmann::json j = nlohmann::json::parse(spec);
          pipeline_spec s = pipeline_spec::from_json({{"normalise", j}});
          return normalise(x, directions, s.normalise, targets, codes);
        },
        py::arg("x"), py::arg("directions"), py::arg("spec_json"), py::arg("targets") = std::vector<double>{},
        py::arg("codes") = std::vector<std::string>{});
  m.def("aggregate",
        [](const hierarchy& h, const matrix& normalised, const vector& weights, const std::string& methods_json,
           const std::vector<std::string>& unit_codes) {
          const aggregation_plan plan = aggregation_plan_from(h, methods_json);
          py::gil_scoped_release release;
          return plan.aggregate(normalised, weights, &unit_codes);
        },
        py::arg("hierarchy"), py::arg("normalised"), py::arg("weights"), py::arg("methods_json") = "[]",
        py::arg("unit_codes") = std::vector<std::string>{});
}

// Weights: AHP, the objective methods, a tree's effective and local weights, and the optimised
// weights of one level.
void register_weights(py::module_& m) {
  m.def("ahp",
        [](const matrix& a, const std::string& method, const std::vector<double>& random_index, const std::string& ri_name,
           double max_cr, bool raise_if_inconsistent, double reciprocal_tolerance) {
          ahp_options o;
          o.reciprocal_tolerance = reciprocal_tolerance;
          o.method = ahp_method_from_string(method);
          o.random_index = random_index;
          o.random_index_name = ri_name;
          o.max_cr = max_cr;
          o.on_inconsistent = raise_if_inconsistent ? inconsistency_policy::error : inconsistency_policy::warn;
          return ahp_result_to(ahp(a, o));
        },
        py::arg("pairwise"), py::arg("method") = "eigenvector", py::arg("random_index") = std::vector<double>{},
        py::arg("random_index_name") = "custom", py::arg("max_cr") = 0.1, py::arg("raise_if_inconsistent") = false,
        py::arg("reciprocal_tolerance") = ahp_options{}.reciprocal_tolerance);
  m.def("saaty_random_index", &saaty_random_index);
  m.def("simulated_random_index", &simulated_random_index, py::arg("n"), py::arg("samples") = 10000,
        py::arg("seed") = std::uint64_t{20061});
  m.def("entropy_weights", [](const matrix& x) { return entropy_weights(x); });
  m.def("critic_weights", [](const matrix& x, const std::vector<int>& d) { return critic_weights(x, d); }, py::arg("x"),
        py::arg("directions") = std::vector<int>{});
  m.def("pca_weights", [](const matrix& x) {
    const auto r = pca_weights(x);
    return py::make_tuple(r.loadings, r.variance_share, r.rows_used);
  });
  m.def("merec_weights", [](const matrix& x, const std::vector<int>& d) { return merec_weights(x, d); }, py::arg("x"),
        py::arg("directions") = std::vector<int>{});
  m.def("std_weights", [](const matrix& x) { return std_weights(x); });
  m.def("gini_weights", [](const matrix& x) { return gini_weights(x); });
  m.def("effective_weights", [](const hierarchy& h, const vector& w) { return effective_weights(h, w); });
  m.def("local_weights", [](const hierarchy& h, const vector& w) { return local_weights(h, w); });
  m.def("with_children_weights",
        [](const hierarchy& h, const vector& w, const std::string& node, const vector& children_weights) {
          return with_children_weights(h, w, h.at(node, "with_children_weights"), children_weights);
        },
        py::arg("hierarchy"), py::arg("weights"), py::arg("node"), py::arg("children_weights"));
  m.def("optimise_weights",
        [](const hierarchy& h, const matrix& normalised, const vector& weights, int level, const std::string& methods_json,
           const std::string& goal, const std::vector<double>& targets, const std::string& correlation, double tolerance,
           int max_iterations) {
          const aggregation_plan plan = aggregation_plan_from(h, methods_json);
          opt_weights_options o;
          o.goal = opt_weights_goal_from_string(goal);
          o.targets = targets;
          o.correlation = correlation_method_from_string(correlation);
          o.tolerance = tolerance;
          o.max_iterations = max_iterations;
          opt_weights_result r;
          {
            py::gil_scoped_release release;
            r = optimise_weights(h, plan, normalised, weights, level, o);
          }
          return opt_weights_result_to(r);
        },
        py::arg("hierarchy"), py::arg("normalised"), py::arg("weights"), py::arg("level"),
        py::arg("methods_json") = "[]", py::arg("goal") = "balance",
        py::arg("targets") = std::vector<double>{}, py::arg("correlation") = "pearson",
        py::arg("tolerance") = opt_weights_options{}.tolerance, py::arg("max_iterations") = opt_weights_options{}.max_iterations);
}

// Decision-matrix methods: tuples of numpy arrays (the Python layer wraps them), so that a
// small call stays cheap.
void register_decision_methods(py::module_& m) {
  m.def("topsis",
        [](const matrix& x, const std::vector<double>& w, const std::vector<int>& d, const std::string& norm) {
          const auto r = topsis(x, w, d, topsis_normalisation_from_string(norm));
          return py::make_tuple(r.closeness, r.d_plus, r.d_minus, r.ranks);
        },
        py::arg("x"), py::arg("weights"), py::arg("directions") = std::vector<int>{}, py::arg("normalisation") = "vector");
  m.def("vikor",
        [](const matrix& x, const std::vector<double>& w, const std::vector<int>& d, double v) {
          const auto r = vikor(x, w, d, v);
          return py::make_tuple(r.s, r.r, r.q, r.ranks, r.compromise, r.acceptable_advantage, r.acceptable_stability);
        },
        py::arg("x"), py::arg("weights"), py::arg("directions") = std::vector<int>{}, py::arg("v") = 0.5);
  m.def("copeland",
        [](const matrix& x, const std::vector<double>& w, const std::vector<int>& d) {
          const auto r = copeland(x, w, d);
          return py::make_tuple(r.scores, r.ranks, r.outranking);
        },
        py::arg("x"), py::arg("weights"), py::arg("directions") = std::vector<int>{});
  m.def("waspas",
        [](const matrix& x, const std::vector<double>& w, const std::vector<int>& d, double lambda) {
          const auto r = waspas(x, w, d, lambda);
          return py::make_tuple(r.q, r.wsm, r.wpm, r.ranks);
        },
        py::arg("x"), py::arg("weights"), py::arg("directions") = std::vector<int>{}, py::arg("lambda_") = 0.5);
  m.def("promethee_ii",
        [](const matrix& x, const std::vector<double>& w, const std::vector<int>& d, const std::vector<std::string>& functions,
           const std::vector<double>& q, const std::vector<double>& p, const std::vector<double>& s) {
          promethee_options o;
          for (const auto& f : functions) o.functions.push_back(preference_function_from_string(f));
          o.q = q; o.p = p; o.s = s;
          const auto r = promethee_ii(x, w, d, o);
          return py::make_tuple(r.net_flow, r.positive_flow, r.negative_flow, r.ranks, r.preference);
        },
        py::arg("x"), py::arg("weights"), py::arg("directions") = std::vector<int>{},
        py::arg("functions") = std::vector<std::string>{}, py::arg("q") = std::vector<double>{},
        py::arg("p") = std::vector<double>{}, py::arg("s") = std::vector<double>{});
  m.def("edas",
        [](const matrix& x, const std::vector<double>& w, const std::vector<int>& d) {
          const auto r = edas(x, w, d);
          return py::make_tuple(r.score, r.sp, r.sn, r.nsp, r.nsn, r.ranks);
        },
        py::arg("x"), py::arg("weights"), py::arg("directions") = std::vector<int>{});
  m.def("mabac",
        [](const matrix& x, const std::vector<double>& w, const std::vector<int>& d) {
          const auto r = mabac(x, w, d);
          return py::make_tuple(r.score, r.ranks, r.border);
        },
        py::arg("x"), py::arg("weights"), py::arg("directions") = std::vector<int>{});
  m.def("spotis",
        [](const matrix& x, const std::vector<double>& w, const std::vector<int>& d, const std::vector<double>& lower,
           const std::vector<double>& upper) {
          const auto r = spotis(x, w, d, lower, upper);
          return py::make_tuple(r.score, r.ranks);
        },
        py::arg("x"), py::arg("weights"), py::arg("directions"), py::arg("lower"), py::arg("upper"));
  m.def("weighted_spearman", [](const vector& x, const vector& y) { return weighted_spearman(x, y); });
  m.def("ws_similarity", [](const vector& x, const vector& y) { return ws_similarity(x, y); });
}

// Statistics of the data and of the scores: shape, screening, correlations, reliability.
void register_statistics(py::module_& m) {
  m.def("skewness", [](const vector& x) { return skewness(x.data(), x.size()); });
  m.def("kurtosis", [](const vector& x) { return kurtosis(x.data(), x.size()); });
  m.def("screen_units",
        [](const matrix& x, const std::string& rule, double threshold, double nonzero_threshold) {
          const auto r = screen_units(x, screen_options{screen_rule_from_string(rule), threshold, nonzero_threshold});
          return py::make_tuple(r.kept, r.availability, r.nonzero);
        },
        py::arg("x"), py::arg("rule") = "byNA", py::arg("threshold") = screen_options{}.threshold,
        py::arg("nonzero_threshold") = screen_options{}.nonzero_threshold);
  m.def("correlation_matrix", [](const matrix& x, const std::string& method) {
    return correlation_matrix(x, correlation_method_from_string(method));
  }, py::arg("x"), py::arg("method") = "pearson");
  m.def("parent_correlations", [](const hierarchy& h, const matrix& s, const std::string& method) {
    return parent_correlations(h, s, correlation_method_from_string(method));
  }, py::arg("hierarchy"), py::arg("scores"), py::arg("method") = "pearson");
  // (codes of the node's children, their correlation matrix)
  m.def("within_node_correlations",
        [](const hierarchy& h, const matrix& scores, const std::string& node, const std::string& method) {
          const std::ptrdiff_t i = h.at(node, "within_correlations");
          matrix r = within_node_correlations(h, scores, i, correlation_method_from_string(method));
          std::vector<std::string> children;
          for (std::ptrdiff_t c : h.node(i).children) children.push_back(h.node(c).code);
          return py::make_tuple(children, r);
        },
        py::arg("hierarchy"), py::arg("scores"), py::arg("node"), py::arg("method") = "pearson");
  m.def("cronbach_alphas", [](const hierarchy& h, const matrix& s) { return cronbach_alphas(h, s); });
  m.def("cronbach_alpha", [](const matrix& x) { return cronbach_alpha(x); });
}

}  // namespace

void register_analysis(py::module_& root) {
  auto m = root.def_submodule("analysis", "Composite-indicator toolkit (COINr scope)");
  register_hierarchy(m);
  register_pipeline(m);
  register_pipeline_steps(m);
  register_weights(m);
  register_decision_methods(m);
  register_statistics(m);
}

}  // namespace chiso::bindings
