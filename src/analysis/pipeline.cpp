#include "chiso/analysis/pipeline.hpp"

#include <cmath>

#include "chiso/model_json.hpp"

namespace chiso::analysis {

using nlohmann::json;

namespace {
chiso::aggregate aggregate_named(const std::string& name) {
  using chiso::aggregate;
  for (auto a : {aggregate::sum, aggregate::mean, aggregate::geomean, aggregate::harmonic, aggregate::min, aggregate::max})
    if (name == chiso::to_string(a)) return a;
  throw parameter_error("analysis.hierarchy_json",
                        "hierarchy JSON: unknown aggregate '" + name + "' (sum, mean, geomean, harmonic, min, max)");
}
json num(double x) { return std::isnan(x) ? json(nullptr) : json(x); }
double num_of(const json& j, const char* key, double def) {
  if (!j.contains(key) || j.at(key).is_null()) return def;
  return j.at(key).get<double>();
}
// A misspelt key must not be ignored silently.
void check_keys(const json& j, std::initializer_list<const char*> allowed, const std::string& where) {
  if (!j.is_object()) throw parameter_error("analysis.spec_json", where + ": expected an object, got " + j.dump());
  for (const auto& item : j.items()) {
    bool known = false;
    std::string list;
    for (const char* a : allowed) {
      known = known || item.key() == a;
      list += (list.empty() ? "" : ", ") + std::string(a);
    }
    if (!known) throw parameter_error("analysis.spec_key", where + ": unknown key '" + item.key() + "' (expected " + list + ")");
  }
}
json spec_json(const normalise_spec& s) {
  return {{"method", to_string(s.method)}, {"lower", s.lower}, {"upper", s.upper}, {"mean", s.mean}, {"sd", s.sd},
          {"goal_low", s.goal_low}, {"goal_high", s.goal_high}, {"scale", s.scale}, {"target", num(s.target)},
          {"cap", s.cap}, {"ties", r_name(s.ties)}, {"scale_factor", s.scale_factor}, {"reference", s.reference}};
}
normalise_spec normalise_from_json(const json& j) {
  check_keys(j, {"method", "lower", "upper", "mean", "sd", "goal_low", "goal_high", "scale", "target", "cap", "ties",
                 "scale_factor", "reference"}, "normalise");
  normalise_spec s;
  s.method = normalise_method_from_string(j.value("method", std::string("min_max")));
  s.lower = num_of(j, "lower", s.lower); s.upper = num_of(j, "upper", s.upper);
  s.mean = num_of(j, "mean", s.mean); s.sd = num_of(j, "sd", s.sd);
  s.goal_low = num_of(j, "goal_low", s.goal_low); s.goal_high = num_of(j, "goal_high", s.goal_high);
  s.scale = num_of(j, "scale", s.scale); s.target = num_of(j, "target", nan);
  s.cap = j.value("cap", true);
  s.ties = tie_rule_from_r_name(j.value("ties", std::string("min")));
  s.scale_factor = num_of(j, "scale_factor", s.scale_factor);
  s.reference = j.value("reference", s.reference);
  return s;
}
json spec_json(const aggregation_spec& a) {
  return {{"method", to_string(a.method)}, {"topsis_normalisation", to_string(a.topsis_norm)}, {"vikor_v", a.vikor_v},
          {"power", a.power}};
}
aggregation_spec aggregation_from_json(const json& j, std::size_t position) {
  check_keys(j, {"method", "topsis_normalisation", "vikor_v", "power"}, "aggregate[" + std::to_string(position) + "]");
  aggregation_spec a;
  a.method = aggregation_from_string(j.value("method", std::string("arithmetic")));
  a.topsis_norm = topsis_normalisation_from_string(j.value("topsis_normalisation", std::string("vector")));
  a.vikor_v = j.value("vikor_v", 0.5);
  a.power = j.value("power", 2.0);
  validate(a);
  return a;
}
}  // namespace

json pipeline_spec::to_json() const {
  json j;
  j["denominate"] = denominate;
  if (impute) j["impute"] = {{"method", to_string(impute->method)}, {"group", impute_group}};
  else j["impute"] = nullptr;
  j["screen"] = screen_threshold ? json({{"threshold", *screen_threshold}, {"rule", to_string(screen_by)},
                                         {"nonzero_threshold", screen_nonzero_threshold}})
                                 : json(nullptr);
  if (treat)
    j["treat"] = {{"winmax", treat->winmax}, {"skew_threshold", treat->skew_threshold},
                  {"kurt_threshold", treat->kurt_threshold}, {"log_fallback", treat->log_fallback}};
  else j["treat"] = nullptr;
  j["normalise"] = spec_json(normalise);
  j["aggregate"] = json::array();
  for (const auto& a : aggregation) j["aggregate"].push_back(spec_json(a));
  j["weights"] = weights;
  j["rank_ties"] = r_name(rank_ties);
  return j;
}

pipeline_spec pipeline_spec::from_json(const json& j) {
  try {
    check_keys(j, {"denominate", "impute", "screen", "treat", "normalise", "aggregate", "weights", "rank_ties"}, "pipeline spec");
    pipeline_spec s;
    s.denominate = j.value("denominate", false);
    if (j.contains("impute") && !j.at("impute").is_null()) {
      check_keys(j.at("impute"), {"method", "group"}, "impute");
      impute_options o;
      o.method = impute_method_from_string(j.at("impute").at("method").get<std::string>());
      s.impute = o;
      s.impute_group = j.at("impute").value("group", std::string());
    }
    if (j.contains("screen") && !j.at("screen").is_null()) {
      const auto& sc = j.at("screen");
      check_keys(sc, {"threshold", "rule", "nonzero_threshold"}, "screen");
      s.screen_threshold = sc.value("threshold", 2.0 / 3.0);
      s.screen_by = screen_rule_from_string(sc.value("rule", std::string("byNA")));
      s.screen_nonzero_threshold = sc.value("nonzero_threshold", 0.05);
    }
    if (j.contains("treat") && !j.at("treat").is_null()) {
      const auto& t = j.at("treat");
      check_keys(t, {"winmax", "skew_threshold", "kurt_threshold", "log_fallback"}, "treat");
      treat_options o;
      o.winmax = t.value("winmax", 5);
      o.skew_threshold = t.value("skew_threshold", 2.0);
      o.kurt_threshold = t.value("kurt_threshold", 3.5);
      o.log_fallback = t.value("log_fallback", true);
      s.treat = o;
    }
    if (j.contains("normalise")) s.normalise = normalise_from_json(j.at("normalise"));
    if (j.contains("aggregate")) {
      s.aggregation.clear();
      for (const auto& a : j.at("aggregate")) s.aggregation.push_back(aggregation_from_json(a, s.aggregation.size()));
    }
    if (j.contains("weights")) {  // named element by element: the JSON library's own message names no place
      const json& weights = j.at("weights");
      if (!weights.is_array())
        throw parameter_error("analysis.pipeline_json", std::string("pipeline spec /weights: expected a list of numbers "
                                                                    "(one per node), got ") + weights.type_name());
      for (std::size_t k = 0; k < weights.size(); ++k) {
        if (!weights[k].is_number())
          throw parameter_error("analysis.pipeline_json", "pipeline spec /weights/" + std::to_string(k) +
                                                              ": expected a number, got " + weights[k].dump());
        s.weights.push_back(weights[k].get<double>());
      }
    }
    s.rank_ties = tie_rule_from_r_name(j.value("rank_ties", std::string("min")));
    return s;
  } catch (const json::exception& e) {
    throw parameter_error("analysis.pipeline_json", std::string("pipeline spec JSON: ") + e.what());
  }
}

pipeline_spec pipeline_spec::coinr_example(const std::string& group) {
  pipeline_spec s;
  s.denominate = true;
  s.impute = impute_options{impute_method::group_mean, {}};
  s.impute_group = group;
  s.screen_threshold = 0.9;
  s.treat = treat_options{};
  s.treat->winmax = 5;
  s.normalise.method = normalise_method::min_max;
  s.normalise.lower = 0;
  s.normalise.upper = 100;
  s.aggregation = {aggregation_spec{}};
  return s;
}

json to_json(const hierarchy& h) {
  if (h.source_model()) return {{"model", chiso::to_json(*h.source_model())}};
  json rows = json::array();
  for (const auto& n : h.nodes())
    rows.push_back({{"code", n.code}, {"level", n.level}, {"parent", n.parent >= 0 ? h.node(n.parent).code : std::string()},
                    {"weight", n.weight}, {"direction", n.direction}, {"target", num(n.target)}, {"denominator", n.denominator}});
  for (std::size_t i = static_cast<std::size_t>(h.n_indicators()); i < rows.size(); ++i)
    if (h.nodes()[i].combine != chiso::aggregate::mean) rows[i]["aggregate"] = chiso::to_string(h.nodes()[i].combine);
  return rows;
}

hierarchy hierarchy_from_json(const json& j) {
  if (j.is_object() && j.contains("model")) return hierarchy(chiso::model_from_json(j["model"]));
  try {
    std::vector<hierarchy_row> rows;
    for (const auto& r : j) {
      hierarchy_row row;
      row.code = r.at("code").get<std::string>();
      row.level = r.at("level").get<int>();
      row.parent = r.value("parent", std::string());
      row.weight = num_of(r, "weight", 1.0);
      row.direction = r.value("direction", 1);
      row.target = num_of(r, "target", nan);
      row.denominator = r.value("denominator", std::string());
      if (r.contains("aggregate")) row.combine = aggregate_named(r["aggregate"].get<std::string>());
      rows.push_back(row);
    }
    return hierarchy(rows);
  } catch (const json::exception& e) {
    throw parameter_error("analysis.hierarchy_json", std::string("hierarchy JSON: ") + e.what());
  }
}

pipeline::pipeline(analysis::hierarchy h, pipeline_spec spec) : h_(std::move(h)), spec_(std::move(spec)) {
  if (!spec_.weights.empty() && static_cast<std::ptrdiff_t>(spec_.weights.size()) != h_.n_nodes())
    throw parameter_error("analysis.pipeline_weights", "pipeline: " + std::to_string(spec_.weights.size()) + " weights for " +
                                                           std::to_string(h_.n_nodes()) + " nodes");
  aggregation_plan check(h_, spec_.aggregation);  // validates the per-level methods now
  (void)check;
}

vector pipeline::weights() const {
  const auto w = spec_.weights.empty() ? h_.weights() : spec_.weights;
  return Eigen::Map<const vector>(w.data(), static_cast<std::ptrdiff_t>(w.size()));
}

json pipeline::to_json() const { return {{"hierarchy", analysis::to_json(h_)}, {"spec", spec_.to_json()}}; }
pipeline pipeline::from_json(const json& j) {
  if (!j.contains("hierarchy") || !j.contains("spec"))
    throw parameter_error("analysis.pipeline_json", "pipeline JSON: needs 'hierarchy' and 'spec'");
  return pipeline(hierarchy_from_json(j.at("hierarchy")), pipeline_spec::from_json(j.at("spec")));
}

struct pipeline::screened_data {
  matrix data;
  std::vector<std::ptrdiff_t> rows;
};

pipeline::screened_data pipeline::up_to_screen(const pipeline_input& in, pipeline_result* r) const {
  const auto n = in.data.rows();
  if (in.data.cols() != h_.n_indicators())
    throw parameter_error("analysis.pipeline_shape", "pipeline: data has " + std::to_string(in.data.cols()) + " columns, the hierarchy " +
                                                         std::to_string(h_.n_indicators()) + " indicators");
  if (!in.units.empty() && static_cast<std::ptrdiff_t>(in.units.size()) != n)
    throw parameter_error("analysis.pipeline_units", "pipeline: unit codes must be one per row");
  const auto codes = h_.indicator_codes();
  matrix x = in.data;
  if (spec_.denominate) {
    auto d = denominate(x, in.denominators, denominator_columns(h_, in.denominator_codes), {}, in.units, codes);
    x = d.data;
    if (r) {
      r->log["denominate"] = {{"indicators", d.denominated.size()}, {"cells_lost", d.lost.size()}};
      r->denominated = std::move(d);
    }
  }
  if (spec_.impute) {
    impute_options o = *spec_.impute;
    if (o.method == impute_method::group_mean || o.method == impute_method::group_median) {
      auto g = in.groups.find(spec_.impute_group);
      if (g == in.groups.end())
        throw parameter_error("analysis.pipeline_group", "impute: group column '" + spec_.impute_group + "' is not in the input");
      if (static_cast<std::ptrdiff_t>(g->second.size()) != n)
        throw parameter_error("analysis.pipeline_group", "impute: group column '" + spec_.impute_group + "' must have one label per unit");
      std::map<std::string, int> ids;
      o.groups.clear();
      for (const auto& label : g->second) {
        if (label.empty() || label == "NA") { o.groups.push_back(-1); continue; }
        o.groups.push_back(ids.emplace(label, static_cast<int>(ids.size())).first->second);
      }
    }
    auto im = impute(x, o, &h_);
    x = im.data;
    if (r) {
      r->log["impute"] = {{"imputed", im.imputed.size()}, {"still_missing", im.still_missing.size()}};
      r->imputed = std::move(im);
    }
  }
  screened_data s;
  if (spec_.screen_threshold) {
    auto sc = screen_units(x, screen_options{spec_.screen_by, *spec_.screen_threshold, spec_.screen_nonzero_threshold});
    s.data = sc.data;
    s.rows = sc.kept;
    if (r) {
      r->log["screen"] = {{"removed", sc.removed.size()}};
      r->screened = std::move(sc);
    }
  } else {
    s.data = std::move(x);
    for (std::ptrdiff_t i = 0; i < n; ++i) s.rows.push_back(i);
  }
  return s;
}

namespace {
std::vector<double> targets_of(const hierarchy& h) {
  std::vector<double> t;
  for (std::ptrdiff_t j = 0; j < h.n_indicators(); ++j) t.push_back(h.node(j).target);
  return t;
}
std::vector<std::string> pick(const std::vector<std::string>& v, const std::vector<std::ptrdiff_t>& rows) {
  std::vector<std::string> out;
  if (v.empty()) return out;
  for (auto r : rows) out.push_back(v[static_cast<std::size_t>(r)]);
  return out;
}
}  // namespace

pipeline_result pipeline::run(const pipeline_input& in) const {
  pipeline_result r;
  r.log["spec"] = spec_.to_json();
  auto s = up_to_screen(in, &r);
  r.unit_rows = s.rows;
  r.units = pick(in.units, s.rows);
  const auto codes = h_.indicator_codes();
  matrix x = std::move(s.data);
  if (spec_.treat) {
    auto t = treat(x, *spec_.treat, codes);
    x = t.data;
    std::size_t changed = 0;
    for (const auto& it : t.indicators) changed += it.applied != treatment::none ? 1 : 0;
    r.log["treat"] = {{"indicators_treated", changed}, {"points", t.points.size()}};
    r.treated = std::move(t);
  }
  r.normalised = normalise(x, h_.directions(), spec_.normalise, targets_of(h_), codes);
  aggregation_plan plan(h_, spec_.aggregation);
  r.scores = plan.aggregate(r.normalised, weights(), r.units.empty() ? nullptr : &r.units);
  r.nodes = h_.codes();
  const auto root = h_.root();
  r.index = root >= 0 ? vector(r.scores.col(root)) : vector::Constant(r.scores.rows(), nan);
  r.ranks = rank_values(r.index, false, spec_.rank_ties);
  return r;
}

prepared_pipeline pipeline::prepare(const pipeline_input& in, const std::vector<int>& winmax_values,
                                    const std::vector<normalise_spec>& normalisations) const {
  if (winmax_values.empty() || normalisations.empty())
    throw parameter_error("analysis.prepare", "prepare: give at least one winmax and one normalisation");
  prepared_pipeline p;
  p.h_ = h_;
  auto s = up_to_screen(in, nullptr);
  p.units_ = pick(in.units, s.rows);
  if (p.units_.empty())
    for (auto r : s.rows) p.units_.push_back(std::to_string(r));
  p.screened_ = std::move(s.data);
  p.winmax_ = winmax_values;
  p.norms_ = normalisations;
  p.weights_ = weights();
  const auto codes = h_.indicator_codes();
  const auto targets = targets_of(h_);
  for (int wm : winmax_values) {
    if (wm < 0) {
      p.treated_.push_back(p.screened_);
    } else {
      treat_options o = spec_.treat ? *spec_.treat : treat_options{};
      o.winmax = wm;
      p.treated_.push_back(treat(p.screened_, o, codes).data);
    }
    for (const auto& ns : normalisations) p.normalised_.push_back(normalise(p.treated_.back(), h_.directions(), ns, targets, codes));
  }
  return p;
}

}  // namespace chiso::analysis
