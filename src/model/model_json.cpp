#include "chiso/model_json.hpp"

#include <cmath>
#include <fstream>
#include <initializer_list>
#include <sstream>

#include "chiso/error.hpp"
#include "chiso/detail/format_number.hpp"
#include "chiso/detail/text_check.hpp"
#include "chiso/detail/write_file.hpp"
#include "json_text.hpp"

namespace chiso {

namespace {

using json = nlohmann::json;

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::string: return "a string";
    case json::value_t::array: return "a list";
    case json::value_t::object: return "an object";
    case json::value_t::discarded: return "nothing";
    default: return "a number";
  }
}

[[noreturn]] void fail(const char* id, const std::string& path, const std::string& what) {
  throw model_error(id, path, what);
}

// Reads the fields of one JSON object, each checked for type, and rejects fields it does not
// know: a misspelt field ("agregate") is an error, never silently ignored.
class object_reader {
 public:
  object_reader(const json& value, std::string path) : value_(value), path_(std::move(path)) {
    if (!value_.is_object())
      fail("model.type", path_, std::string("expected an object, got ") + type_name(value_));
  }

  void allow(std::initializer_list<const char*> keys) const {
    for (auto it = value_.begin(); it != value_.end(); ++it) {
      bool known = false;
      for (const char* key : keys) known = known || it.key() == key;
      if (!known) {
        std::string list;
        for (const char* key : keys) list += (list.empty() ? "`" : ", `") + std::string(key) + "`";
        fail("model.unknown_field", at(it.key()), "unknown field \"" + it.key() + "\" (expected one of " + list + ")");
      }
    }
  }

  bool has(const char* key) const { return value_.contains(key); }
  std::string at(const std::string& key) const { return path_ + "/" + escape(key); }
  const json& raw(const char* key) const { return value_.at(key); }
  const std::string& path() const { return path_; }

  std::string string(const char* key, std::optional<std::string> fallback = std::nullopt) const {
    if (!has(key)) return required(key, fallback);
    const json& v = value_.at(key);
    if (!v.is_string()) fail("model.type", at(key), std::string("expected a string, got ") + type_name(v));
    if (auto problem = detail::text_problem(v.get_ref<const std::string&>())) fail("model.text", at(key), "the text " + *problem);
    return v.get<std::string>();
  }

  double number(const char* key, std::optional<double> fallback = std::nullopt) const {
    if (!has(key)) return required(key, fallback);
    const json& v = value_.at(key);
    if (!v.is_number()) fail("model.type", at(key), std::string("expected a number, got ") + type_name(v));
    return v.get<double>();
  }

  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    const json& v = value_.at(key);
    if (!v.is_boolean()) fail("model.type", at(key), std::string("expected true or false, got ") + type_name(v));
    return v.get<bool>();
  }

  const json& list(const char* key) const {
    const json& v = value_.at(key);
    if (!v.is_array()) fail("model.type", at(key), std::string("expected a list, got ") + type_name(v));
    return v;
  }

  template <class Enum, std::size_t N>
  Enum choice(const char* key, const std::pair<const char*, Enum> (&options)[N], std::optional<Enum> fallback = std::nullopt) const {
    if (!has(key)) return required(key, fallback);
    const std::string text = string(key);
    std::string names;
    for (const auto& [name, value] : options) {
      if (text == name) return value;
      names += (names.empty() ? "\"" : ", \"") + std::string(name) + "\"";
    }
    fail("model.unknown_value", at(key), "unknown value \"" + text + "\" (expected one of " + names + ")");
  }

 private:
  template <class T>
  T required(const char* key, const std::optional<T>& fallback) const {
    if (!fallback) fail("model.missing_field", at(key), "required field is missing");
    return *fallback;
  }
  static std::string escape(const std::string& key) {  // RFC 6901
    std::string out;
    for (char c : key) out += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
    return out;
  }

  const json& value_;
  std::string path_;
};

constexpr std::pair<const char*, aggregate> aggregate_names[] = {
    {"sum", aggregate::sum}, {"mean", aggregate::mean}, {"geomean", aggregate::geomean},
    {"harmonic", aggregate::harmonic}, {"min", aggregate::min}, {"max", aggregate::max}};
constexpr std::pair<const char*, rule_kind> rule_names[] = {
    {"points", rule_kind::points}, {"yes_no", rule_kind::yes_no}, {"tiers", rule_kind::tiers},
    {"linear", rule_kind::linear}, {"proportional", rule_kind::proportional},
    {"deduction", rule_kind::deduction}, {"bonus", rule_kind::bonus}, {"formula", rule_kind::formula},
    {"indicator", rule_kind::indicator}};
constexpr std::pair<const char*, leaf_source> source_names[] = {
    {"appraisal", leaf_source::appraisal}, {"survey", leaf_source::survey},
    {"data", leaf_source::data}, {"self", leaf_source::self}};
constexpr std::pair<const char*, rate_unit> unit_names[] = {
    {"fraction", rate_unit::fraction}, {"percent", rate_unit::percent}};
constexpr std::pair<const char*, direction> direction_names[] = {
    {"higher_is_better", direction::higher_is_better}, {"lower_is_better", direction::lower_is_better}};
constexpr std::pair<const char*, missing_policy> missing_names[] = {
    {"error", missing_policy::error}, {"zero", missing_policy::zero}, {"exclude", missing_policy::exclude}};
constexpr std::pair<const char*, rounding_mode> rounding_names[] = {
    {"half_up", rounding_mode::half_up}, {"half_even", rounding_mode::half_even}, {"none", rounding_mode::none}};
constexpr std::pair<const char*, tie_rule> tie_names[] = {
    {"competition", tie_rule::competition}, {"dense", tie_rule::dense}, {"ordinal", tie_rule::ordinal}};
constexpr std::pair<const char*, rank_scope> scope_names[] = {{"group", rank_scope::group}, {"all", rank_scope::all}};

rule read_rule(const object_reader& in) {
  rule r;
  r.kind = in.choice("kind", rule_names);
  switch (r.kind) {
    case rule_kind::points:
      in.allow({"kind", "step", "values"});
      if (in.has("step")) r.step = in.number("step");
      if (in.has("values")) {
        const json& values = in.list("values");
        for (std::size_t i = 0; i < values.size(); ++i) {
          if (!values[i].is_number())
            fail("model.type", in.at("values") + "/" + std::to_string(i), "expected a number");
          r.values.push_back(values[i].get<double>());
        }
      }
      break;
    case rule_kind::yes_no:
      in.allow({"kind"});
      break;
    case rule_kind::tiers: {
      in.allow({"kind", "unit", "direction", "tiers"});
      r.unit = in.choice("unit", unit_names, std::optional(rate_unit::fraction));
      r.dir = in.choice("direction", direction_names, std::optional(direction::higher_is_better));
      if (!in.has("tiers")) fail("model.missing_field", in.at("tiers"), "required field is missing");
      const json& tiers = in.list("tiers");
      const bool higher = r.dir == direction::higher_is_better;
      const char* bound = higher ? "min" : "max";
      for (std::size_t i = 0; i < tiers.size(); ++i) {
        object_reader t(tiers[i], in.at("tiers") + "/" + std::to_string(i));
        t.allow({bound, "points", "exclusive"});
        r.tiers.push_back({t.number(bound), t.number("points"), t.boolean("exclusive", false)});
      }
      break;
    }
    case rule_kind::linear:
      in.allow({"kind", "lower", "upper", "direction"});
      r.lower = in.number("lower");
      r.upper = in.number("upper");
      r.dir = in.choice("direction", direction_names, std::optional(direction::higher_is_better));
      break;
    case rule_kind::proportional:
      in.allow({"kind", "unit", "direction", "clamp"});
      r.unit = in.choice("unit", unit_names, std::optional(rate_unit::fraction));
      r.dir = in.choice("direction", direction_names, std::optional(direction::higher_is_better));
      r.clamp = in.boolean("clamp", false);
      break;
    case rule_kind::deduction:
    case rule_kind::bonus:
      in.allow({"kind", "per", "cap"});
      r.per = in.number("per");
      r.cap = in.number("cap");
      break;
    case rule_kind::formula:
      in.allow({"kind", "expr", "clamp"});
      r.expr = in.string("expr");
      r.clamp = in.boolean("clamp", false);
      break;
    case rule_kind::indicator:
      in.allow({"kind", "direction", "target", "denominator"});
      r.dir = in.choice("direction", direction_names, std::optional(direction::higher_is_better));
      if (in.has("target")) r.target = in.number("target");
      if (in.has("denominator")) r.denominator = in.string("denominator");
      break;
  }
  return r;
}

// `round`: a whole number of decimals (range checked by the model's validator).
std::optional<int> read_round(const object_reader& in) {
  if (!in.has("round")) return std::nullopt;
  const double digits = in.number("round");
  if (digits != std::floor(digits) || digits < 0 || digits > 12)
    fail("model.round", in.at("round"), "expected a whole number of decimals from 0 to 12, got " +
                                            detail::format_number(digits));
  return static_cast<int>(digits);
}

std::vector<std::string> read_inputs(const object_reader& in) {
  std::vector<std::string> names;
  if (!in.has("inputs")) return names;
  const json& list = in.list("inputs");
  if (list.empty()) fail("model.inputs", in.at("inputs"), "expected at least one input name (or no `inputs`)");
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_string())
      fail("model.type", in.at("inputs") + "/" + std::to_string(i), std::string("expected a string, got ") + type_name(list[i]));
    names.push_back(list[i].get<std::string>());
  }
  return names;
}

node read_node(const json& value, const std::string& path, std::size_t depth, const model_limits& limits) {
  if (depth > limits.max_depth)
    fail("model.depth", path, "nesting deeper than the limit of " + std::to_string(limits.max_depth) + " levels");
  object_reader in(value, path);
  node n;
  n.id = in.string("id");
  n.name = in.string("name", std::string());
  n.description = in.string("description", std::string());
  if (in.has("meta")) n.meta = in.raw("meta");
  if (in.has("weight")) {
    n.weight = in.number("weight");
    n.weight_given = true;
  }
  n.round_digits = read_round(in);
  const bool inner = in.has("children") || in.has("aggregate");
  if (inner) {
    in.allow({"id", "name", "description", "meta", "weight", "round", "aggregate", "children", "max", "points_min",
              "points_max"});
    n.combine = in.choice("aggregate", aggregate_names);
    if (!in.has("children")) fail("model.missing_field", in.at("children"), "required field is missing");
    const json& children = in.list("children");
    if (children.empty()) fail("model.node", in.at("children"), "expected at least one child");
    n.children.reserve(children.size());
    for (std::size_t i = 0; i < children.size(); ++i)
      n.children.push_back(read_node(children[i], in.at("children") + "/" + std::to_string(i), depth + 1, limits));
    if (in.has("max")) n.declared_max = in.number("max");
    if (in.has("points_min")) n.points_min = in.number("points_min");
    if (in.has("points_max")) n.points_max = in.number("points_max");
    return n;
  }
  if (!in.has("rule"))
    fail("model.node", path, "a node needs `rule` (a leaf) or `aggregate` and `children` (an inner node)");
  in.allow({"id", "name", "description", "meta", "weight", "round", "max", "source", "inputs", "rule"});
  n.inputs = read_inputs(in);
  n.rule = read_rule(object_reader(in.raw("rule"), in.at("rule")));
  n.max = takes_max(n.rule->kind) ? in.number("max") : in.number("max", 0.0);
  n.source = in.choice("source", source_names, std::optional(leaf_source::appraisal));
  return n;
}

json band_json(const band& b) { return {{"min", b.min}, {"label", b.label}}; }

json rule_json(const rule& r) {
  json out = {{"kind", to_string(r.kind)}};
  switch (r.kind) {
    case rule_kind::points:
      if (r.step) out["step"] = *r.step;
      if (!r.values.empty()) out["values"] = r.values;
      break;
    case rule_kind::yes_no:
      break;
    case rule_kind::tiers: {
      out["unit"] = to_string(r.unit);
      out["direction"] = to_string(r.dir);
      const char* bound = r.dir == direction::higher_is_better ? "min" : "max";
      json tiers = json::array();
      for (const tier& t : r.tiers) {
        json entry = {{bound, t.bound}, {"points", t.points}};
        if (t.exclusive) entry["exclusive"] = true;
        tiers.push_back(std::move(entry));
      }
      out["tiers"] = std::move(tiers);
      break;
    }
    case rule_kind::linear:
      out["lower"] = r.lower;
      out["upper"] = r.upper;
      out["direction"] = to_string(r.dir);
      break;
    case rule_kind::proportional:
      out["unit"] = to_string(r.unit);
      out["direction"] = to_string(r.dir);
      if (r.clamp) out["clamp"] = true;
      break;
    case rule_kind::deduction:
    case rule_kind::bonus:
      out["per"] = r.per;
      out["cap"] = r.cap;
      break;
    case rule_kind::formula:
      out["expr"] = r.expr;
      if (r.clamp) out["clamp"] = true;
      break;
    case rule_kind::indicator:
      out["direction"] = to_string(r.dir);
      if (!std::isnan(r.target)) out["target"] = r.target;
      if (!r.denominator.empty()) out["denominator"] = r.denominator;
      break;
  }
  return out;
}

json node_json(const node& n) {
  json out = {{"id", n.id}, {"name", n.name}};
  if (!n.description.empty()) out["description"] = n.description;
  if (!n.meta.is_null()) out["meta"] = n.meta;
  if (n.weight_given || n.weight != 1.0) out["weight"] = n.weight;
  if (n.round_digits) out["round"] = *n.round_digits;
  if (n.is_leaf()) {
    if (takes_max(n.rule->kind)) out["max"] = n.max;
    out["source"] = to_string(n.source);
    if (!n.inputs.empty()) out["inputs"] = n.inputs;
    out["rule"] = rule_json(*n.rule);
    return out;
  }
  out["aggregate"] = to_string(n.combine);
  if (n.declared_max) out["max"] = *n.declared_max;
  if (n.points_min) out["points_min"] = *n.points_min;
  if (n.points_max) out["points_max"] = *n.points_max;
  json children = json::array();
  for (const node& child : n.children) children.push_back(node_json(child));
  out["children"] = std::move(children);
  return out;
}

}  // namespace

model model_from_json(const json& document, const model_limits& limits) {
  object_reader in(document, "");
  in.allow({"$schema", "format", "id", "name", "description", "meta", "scale", "rounding",
            "ranking", "missing", "bands", "clamp", "root"});
  model_info info;
  info.format = in.string("format");
  if (info.format != "chiso-model/1")
    fail("model.format", "/format", "expected \"chiso-model/1\", got \"" + info.format + "\"");
  info.id = in.string("id");
  info.name = in.string("name", std::string());
  info.description = in.string("description", std::string());
  if (in.has("meta")) info.meta = in.raw("meta");
  info.scale = in.number("scale", 100.0);
  if (in.has("rounding")) {
    object_reader rounding(in.raw("rounding"), "/rounding");
    rounding.allow({"digits", "mode"});
    const double digits = rounding.number("digits", 2.0);
    if (digits != std::floor(digits) || digits < 0 || digits > 12)
      fail("model.rounding", "/rounding/digits", "expected a whole number from 0 to 12");
    info.rounding_digits = static_cast<int>(digits);
    info.rounding = rounding.choice("mode", rounding_names, std::optional(rounding_mode::half_up));
  }
  if (in.has("ranking")) {
    object_reader ranking(in.raw("ranking"), "/ranking");
    ranking.allow({"ties", "by"});
    info.ties = ranking.choice("ties", tie_names, std::optional(tie_rule::competition));
    info.rank_by = ranking.choice("by", scope_names, std::optional(rank_scope::group));
  }
  info.missing = in.choice("missing", missing_names, std::optional(missing_policy::error));
  if (in.has("bands")) {
    const json& bands = in.list("bands");
    for (std::size_t i = 0; i < bands.size(); ++i) {
      object_reader b(bands[i], "/bands/" + std::to_string(i));
      b.allow({"min", "label"});
      info.bands.push_back({b.number("min"), b.string("label")});
    }
  }
  info.clamp = in.boolean("clamp", false);
  if (!in.has("root")) fail("model.missing_field", "/root", "required field is missing");
  node root = read_node(in.raw("root"), "/root", 0, limits);
  return model(std::move(info), std::move(root), limits);
}

std::size_t max_json_nesting(const model_limits& limits) {
  // Each level of nodes takes two JSON levels ({"children": [...]}), plus room for rules and meta.
  return 2 * limits.max_depth + 16;
}

model parse_model(std::string_view text, const model_limits& limits) {
  if (text.size() > limits.max_bytes)
    fail("model.size", "/", "model text of " + std::to_string(text.size()) + " bytes is over the limit of " +
                                std::to_string(limits.max_bytes) + " bytes");
  const std::size_t max_nesting = max_json_nesting(limits);
  if (const auto at = detail::find_excess_nesting(text, max_nesting))
    fail("model.depth", "/", "JSON nested deeper than " + std::to_string(max_nesting) + " levels at line " +
                                 std::to_string(at->line) + ", column " + std::to_string(at->column));
  const json document = detail::parse_json_strict(text, [](const detail::json_problem& problem) {
    using kind = detail::json_problem::kind;
    switch (problem.what) {
      case kind::encoding: fail("model.encoding", problem.path, problem.message);
      case kind::duplicate_key: fail("model.duplicate_key", problem.path, problem.message);
      case kind::number_range: fail("model.number_range", problem.path, problem.message);
      case kind::syntax: break;
    }
    // nlohmann's message already gives line and column.
    fail("model.parse", problem.path, problem.message);
  });
  return model_from_json(document, limits);
}

model load_model(const std::string& path, const model_limits& limits) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw error("io.open", "cannot open model file '" + path + "'");
  file.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(file.tellg());
  if (size > limits.max_bytes)
    fail("model.size", "/", "model file '" + path + "' of " + std::to_string(size) +
                                " bytes is over the limit of " + std::to_string(limits.max_bytes) + " bytes");
  file.seekg(0);
  std::string text(size, '\0');
  file.read(text.data(), static_cast<std::streamsize>(size));
  try {
    return parse_model(text, limits);
  } catch (const model_error& e) {
    throw model_error(e.id(), e.path(), e.expectation() + " (in " + path + ")");
  }
}

json to_json(const model& m) {
  const model_info& info = m.info();
  json out = {{"format", info.format}, {"id", info.id}, {"name", info.name}};
  if (!info.description.empty()) out["description"] = info.description;
  if (!info.meta.is_null()) out["meta"] = info.meta;
  out["scale"] = info.scale;
  out["rounding"] = {{"digits", info.rounding_digits}, {"mode", to_string(info.rounding)}};
  out["ranking"] = {{"ties", to_string(info.ties)}, {"by", to_string(info.rank_by)}};
  out["missing"] = to_string(info.missing);
  if (!info.bands.empty()) {
    json bands = json::array();
    for (const band& b : info.bands) bands.push_back(band_json(b));
    out["bands"] = std::move(bands);
  }
  if (info.clamp) out["clamp"] = true;
  out["root"] = node_json(m.root());
  return out;
}

std::string dump_model(const model& m) {
  try {
    return to_json(m).dump(2, ' ', false) + "\n";
  } catch (const json::type_error& e) {  // 316: a string in `meta` that is not UTF-8
    throw model_error("model.utf8", "/", std::string("the model cannot be written as JSON: ") + e.what());
  }
}

void save_model(const model& m, const std::string& path) {
  detail::write_text_file(path, dump_model(m));
}

}  // namespace chiso
