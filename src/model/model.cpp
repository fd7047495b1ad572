#include "chiso/model.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_map>

#include "chiso/error.hpp"
#include "chiso/detail/format_number.hpp"
#include "chiso/detail/utf8.hpp"
#include "chiso/formula.hpp"

namespace chiso {

const char* to_string(rule_kind kind) noexcept {
  switch (kind) {
    case rule_kind::points: return "points";
    case rule_kind::yes_no: return "yes_no";
    case rule_kind::tiers: return "tiers";
    case rule_kind::linear: return "linear";
    case rule_kind::proportional: return "proportional";
    case rule_kind::deduction: return "deduction";
    case rule_kind::bonus: return "bonus";
    case rule_kind::formula: return "formula";
    case rule_kind::indicator: return "indicator";
  }
  return "?";
}
const char* to_string(rate_unit unit) noexcept {
  return unit == rate_unit::percent ? "percent" : "fraction";
}
const char* to_string(direction dir) noexcept {
  return dir == direction::lower_is_better ? "lower_is_better" : "higher_is_better";
}
const char* to_string(aggregate a) noexcept {
  switch (a) {
    case aggregate::sum: return "sum";
    case aggregate::mean: return "mean";
    case aggregate::geomean: return "geomean";
    case aggregate::harmonic: return "harmonic";
    case aggregate::min: return "min";
    case aggregate::max: return "max";
  }
  return "?";
}
const char* to_string(leaf_source s) noexcept {
  switch (s) {
    case leaf_source::appraisal: return "appraisal";
    case leaf_source::survey: return "survey";
    case leaf_source::data: return "data";
    case leaf_source::self: return "self";
  }
  return "?";
}
const char* to_string(missing_policy p) noexcept {
  switch (p) {
    case missing_policy::error: return "error";
    case missing_policy::zero: return "zero";
    case missing_policy::exclude: return "exclude";
  }
  return "?";
}
const char* to_string(rounding_mode m) noexcept {
  switch (m) {
    case rounding_mode::half_up: return "half_up";
    case rounding_mode::half_even: return "half_even";
    case rounding_mode::none: return "none";
  }
  return "?";
}
const char* to_string(rank_scope s) noexcept { return s == rank_scope::all ? "all" : "group"; }

using detail::format_number;

double tier_threshold(const rule& r, const tier& t) {
  // Steps of one double from the bound: a tier's edge lies within half a unit of the 15th digit
  // of it, a few hundred doubles at most.
  const double outwards = r.dir == direction::higher_is_better ? -INFINITY : INFINITY;
  double edge = t.bound;
  while (!reaches_tier(r, t, edge)) edge = std::nextafter(edge, -outwards);
  for (double next = std::nextafter(edge, outwards); reaches_tier(r, t, next); next = std::nextafter(edge, outwards))
    edge = next;
  return edge;
}

std::optional<std::string> check_leaf_input(const rule& r, double max, double x) {
  auto is_count = [](double v) { return v >= 0 && v == std::floor(v); };
  switch (r.kind) {
    case rule_kind::points: {
      if (x < 0 || x > max) return "points must lie in [0, " + format_number(max) + "]";
      if (r.step) {
        const double steps = x / *r.step;
        if (std::fabs(steps - std::nearbyint(steps)) > step_tolerance * std::fmax(1.0, steps))
          return "points must be a multiple of " + format_number(*r.step);
      }
      if (!r.values.empty() &&
          std::none_of(r.values.begin(), r.values.end(),
                       [x](double v) { return std::fabs(v - x) <= step_tolerance; })) {
        std::string allowed;
        for (double v : r.values) allowed += (allowed.empty() ? "" : ", ") + format_number(v);
        return "points must be one of " + allowed;
      }
      return std::nullopt;
    }
    case rule_kind::yes_no:
      if (x != 0.0 && x != 1.0) return std::string("a yes/no answer must be 1 or 0");
      return std::nullopt;
    case rule_kind::tiers:
    case rule_kind::proportional: {
      const double top = rate_scale(r.unit);
      if (r.kind == rule_kind::proportional && r.clamp) return std::nullopt;
      if (x < 0 || x > top)
        return std::string("a rate must lie in [0, ") + format_number(top) + "] (" +
               to_string(r.unit) + ")";
      return std::nullopt;
    }
    case rule_kind::linear:
      return std::nullopt;
    case rule_kind::deduction:
    case rule_kind::bonus:
      if (!is_count(x)) return std::string("a count of occurrences must be a whole number ≥ 0");
      return std::nullopt;
    case rule_kind::formula:
      if (!r.compiled || r.compiled->inputs().size() != 1)
        return std::string("the formula takes several inputs, not one value");
      return check_formula_result(r, max, r.compiled->evaluate(&x));
    case rule_kind::indicator:
      return std::nullopt;  // any value: a plan refuses a composite index before its inputs
  }
  return std::nullopt;
}

namespace {

// A formula as messages quote it: whole when short, else its beginning.
std::string quoted_formula(const std::string& expr) {
  constexpr std::size_t longest = 80;
  if (expr.size() <= longest) return "`" + expr + "`";
  std::size_t cut = longest;
  while (cut > 0 && (static_cast<unsigned char>(expr[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  return "`" + expr.substr(0, cut) + "…` (" + std::to_string(expr.size()) + " characters)";
}

}  // namespace

std::optional<std::string> check_formula_result(const rule& r, double max, const formula::outcome& result) {
  if (result.fault_column > 0)
    return "division by zero (the '/' at column " + std::to_string(result.fault_column) + " of " +
           quoted_formula(r.expr) + ")";
  if (!std::isfinite(result.value))
    return "the formula " + quoted_formula(r.expr) + " gives " + format_number(result.value) + ", not a finite number";
  if (!r.clamp && !(result.value >= 0 && result.value <= max))
    return "the formula " + quoted_formula(r.expr) + " gives " + format_number(result.value) + ", outside [0, " +
           format_number(max) + "] (give the rule \"clamp\": true to bound it)";
  return std::nullopt;
}

double formula_points(const rule& r, double max, double x) {
  if (!r.compiled || r.compiled->inputs().size() != 1)
    throw data_error("data.inputs", "", "", "a formula over several inputs cannot be scored from one value");
  const double value = r.compiled->evaluate(&x).value;
  return r.clamp ? std::fmin(std::fmax(value, 0.0), max) : value;
}

node node::leaf(std::string id, std::string name, double max, chiso::rule r) {
  node n;
  n.id = std::move(id);
  n.name = std::move(name);
  n.max = takes_max(r.kind) ? max : 0.0;
  n.rule = std::move(r);
  return n;
}

node node::inner(std::string id, std::string name, aggregate combine, std::vector<node> children) {
  node n;
  n.id = std::move(id);
  n.name = std::move(name);
  n.combine = combine;
  n.children = std::move(children);
  return n;
}

bool adjustments_only(const node& n) {
  if (n.is_leaf()) return is_adjustment(n.rule->kind);
  return n.combine == aggregate::sum &&
         std::all_of(n.children.begin(), n.children.end(), [](const node& c) { return adjustments_only(c); });
}

namespace {

bool is_mean_type(aggregate a) { return a != aggregate::sum; }

using detail::valid_utf8;  // names come from files and from code; a model is saved as UTF-8 JSON


// Significant digits of an index that rounding can decide on its decimal value.
constexpr int max_index_digits = 15;

class validator {
 public:
  validator(const model_limits& limits) : limits_(limits) {}

  void info(const model_info& info) {
    if (info.format != "chiso-model/1")
      fail("model.format", "/format", "expected \"chiso-model/1\", got \"" + info.format + "\"");
    if (info.id.empty()) fail("model.id", "/id", "expected a non-empty model id");
    for (const auto& [field, text] : {std::pair<const char*, const std::string*>{"id", &info.id}, {"name", &info.name},
                                      {"description", &info.description}})
      if (!valid_utf8(*text)) fail("model.utf8", std::string("/") + field, "text is not valid UTF-8");
    if (!std::isfinite(info.scale) || info.scale <= 0)
      fail("model.scale", "/scale", "expected a finite number > 0");
    if (info.rounding_digits < 0 || info.rounding_digits > 12)
      fail("model.rounding", "/rounding/digits", "expected a whole number from 0 to 12");
    // The index is rounded on its decimal value, which a double carries to 15 significant digits
    // (docs/format.md, "Decimal arithmetic"): the scale's whole digits and the decimals must fit.
    if (info.rounding != rounding_mode::none) {
      const int scale_digits = whole_digits(info.scale);
      if (scale_digits + info.rounding_digits > max_index_digits)
        fail("model.rounding", "/rounding/digits",
             "an index on a scale of " + format_number(info.scale) + " rounded to " +
                 std::to_string(info.rounding_digits) + " decimals needs " +
                 std::to_string(scale_digits + info.rounding_digits) + " significant digits, more than the " +
                 std::to_string(max_index_digits) + " a double carries exactly: give at most " +
                 std::to_string(std::max(0, max_index_digits - scale_digits)) + " decimals");
    }
    for (std::size_t i = 0; i < info.bands.size(); ++i) {
      const std::string path = "/bands/" + std::to_string(i);
      if (!std::isfinite(info.bands[i].min)) fail("model.bands", path + "/min", "expected a finite number");
      if (info.bands[i].label.empty()) fail("model.bands", path + "/label", "expected a non-empty label");
      if (!valid_utf8(info.bands[i].label)) fail("model.utf8", path + "/label", "text is not valid UTF-8");
      if (i > 0 && !(info.bands[i].min < info.bands[i - 1].min))
        fail("model.bands_order", path + "/min",
             "band minimums must strictly decrease: " + format_number(info.bands[i].min) +
                 " is not below " + format_number(info.bands[i - 1].min));
    }
  }

  // Checks the subtree of `n`; returns the largest |points| it can give (0 when unbounded: an
  // indicator's raw value), which its `round` must fit in 15 significant digits.
  double tree(node& n, const std::string& path, std::size_t depth, const node* parent) {
    if (depth > limits_.max_depth)
      fail("model.depth", path,
           "nesting deeper than the limit of " + std::to_string(limits_.max_depth) + " levels");
    if (++count_ > limits_.max_nodes)
      fail("model.size", path, "more than " + std::to_string(limits_.max_nodes) + " nodes");
    if (n.id.empty()) fail("model.id", path + "/id", "expected a non-empty node id");
    for (const auto& [field, text] : {std::pair<const char*, const std::string*>{"id", &n.id}, {"name", &n.name},
                                      {"description", &n.description}})
      if (!valid_utf8(*text)) fail("model.utf8", path + "/" + field, "text is not valid UTF-8");
    if (auto [first, fresh] = ids_.emplace(n.id, path); !fresh)
      fail("model.duplicate_id", path + "/id",
           "duplicate node id \"" + n.id + "\" (first used at " + first->second + ")");
    if (!std::isfinite(n.weight) || n.weight < 0)
      fail("model.weight", path + "/weight", "expected a finite weight ≥ 0, got " + format_number(n.weight));
    if (parent && parent->combine == aggregate::sum && n.weight != 1.0)
      fail("model.weight_ignored", path + "/weight",
           "a child of a `sum` node is not weighted; weight " + format_number(n.weight) +
               " would be ignored (remove it, or make the parent a mean)");
    if (n.round_digits && (*n.round_digits < 0 || *n.round_digits > 12))
      fail("model.round", path + "/round", "expected a whole number of decimals from 0 to 12, got " +
                                               std::to_string(*n.round_digits));
    limits(n, path);
    if (n.is_leaf()) {
      if (!n.children.empty())
        fail("model.node", path, "a node has either `rule` (a leaf) or `children`, not both");
      leaf(n, path, parent);
      const double largest = is_adjustment(n.rule->kind) ? n.rule->cap : n.max;
      round_fits(n, path, largest);
      return largest;
    }
    if (!n.inputs.empty()) fail("model.inputs", path + "/inputs", "only a leaf takes inputs");
    if (n.children.empty())
      fail("model.node", path, "expected `children` (a non-empty list) or a `rule`");
    if (n.declared_max) {
      if (!is_mean_type(n.combine))
        fail("model.max_ignored", path + "/max",
             "a `sum` node's max is the sum of its children's; this max would be ignored");
      if (!std::isfinite(*n.declared_max) || *n.declared_max <= 0)
        fail("model.max", path + "/max", "expected a finite max > 0");
    }
    if (parent && parent->combine != aggregate::sum && adjustments_only(n))
      fail("model.adjustment_subtotal", path,
           std::string("a subtotal of only `deduction`/`bonus` leaves has max 0 and needs a `sum` parent; under this `") +
               to_string(parent->combine) + "` node its points would have no score to enter");
    double total_weight = 0, largest = 0;
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      largest += tree(n.children[i], path + "/children/" + std::to_string(i), depth + 1, &n);
      total_weight += n.children[i].weight;
    }
    // A mean-type node's points are its score × its max (given, or its children's maxima); a sum's
    // lie within its bounds when it has both.
    if (n.declared_max) largest = *n.declared_max;
    if (n.points_min && n.points_max) largest = std::max(std::fabs(*n.points_min), std::fabs(*n.points_max));
    round_fits(n, path, largest);
    // `min` and `max` ignore weights (a child counts when it applies, whatever its weight).
    const bool weighted = n.combine == aggregate::mean || n.combine == aggregate::geomean ||
                          n.combine == aggregate::harmonic;
    if (weighted && !(total_weight > 0))
      fail("model.weight", path + "/children", "the children's weights sum to 0");
    return largest;
  }

 private:
  [[noreturn]] static void fail(const char* id, const std::string& path, const std::string& what) {
    throw model_error(id, path, what);
  }

  // Whole digits of a magnitude: 1 below 10, 2 below 100, …
  static int whole_digits(double magnitude) {
    int digits = 1;
    for (double ten = 10.0; ten <= magnitude; ten *= 10.0) ++digits;
    return digits;
  }

  // A node's `round` acts on the decimal value of its points, which a double carries to 15
  // significant digits (docs/format.md, "Decimal arithmetic"): its largest points' whole digits
  // and the decimals must fit, as the index's rounding must.
  static void round_fits(const node& n, const std::string& path, double largest) {
    if (!n.round_digits) return;
    const int needed = whole_digits(largest) + *n.round_digits;
    if (needed > max_index_digits)
      fail("model.round", path + "/round",
           "points up to " + format_number(largest) + " rounded to " + std::to_string(*n.round_digits) +
               " decimals need " + std::to_string(needed) + " significant digits, more than the " +
               std::to_string(max_index_digits) + " a double carries exactly: give at most " +
               std::to_string(std::max(0, max_index_digits - whole_digits(largest))) + " decimals");
  }

  static void finite(double v, const std::string& path, const char* what) {
    if (!std::isfinite(v)) fail("model.rule", path, std::string("expected a finite ") + what);
  }

  static void limits(const node& n, const std::string& path) {
    for (const auto& [field, bound] : {std::pair<const char*, const std::optional<double>*>{"points_min", &n.points_min},
                                       {"points_max", &n.points_max}}) {
      if (!*bound) continue;
      if (n.is_leaf() || n.combine != aggregate::sum)
        fail("model.limits", path + "/" + field,
             std::string("`") + field + "` bounds the points of a `sum` node; this node is " +
                 (n.is_leaf() ? "a leaf" : std::string("a `") + to_string(n.combine) + "` node"));
      if (!std::isfinite(**bound)) fail("model.limits", path + "/" + field, "expected a finite number");
    }
    if (n.points_min && n.points_max && !(*n.points_min <= *n.points_max))
      fail("model.limits", path + "/points_min",
           "points_min " + format_number(*n.points_min) + " is above points_max " + format_number(*n.points_max));
  }

  static bool reserved_word(const std::string& name) { return name == "and" || name == "or" || name == "not"; }

  static void inputs(const node& n, const std::string& path) {
    for (std::size_t i = 0; i < n.inputs.size(); ++i) {
      const std::string& name = n.inputs[i];
      const std::string input_path = path + "/inputs/" + std::to_string(i);
      const bool well_formed = !name.empty() && std::isalpha(static_cast<unsigned char>(name[0])) &&
                               std::all_of(name.begin(), name.end(), [](char c) {
                                 return c == '_' || std::isalnum(static_cast<unsigned char>(c));
                               });
      if (!well_formed)
        fail("model.inputs", input_path,
             "an input name is letters, digits and '_', starting with a letter (ASCII), got \"" + name + "\"");
      if (reserved_word(name))
        fail("model.inputs", input_path, "\"" + name + "\" is a word of the formula language, not an input name");
      for (std::size_t k = 0; k < i; ++k)
        if (n.inputs[k] == name)
          fail("model.inputs", input_path,
               "duplicate input name \"" + name + "\" (first at " + path + "/inputs/" + std::to_string(k) + ")");
    }
    if (n.inputs.size() > 1 && n.rule->kind != rule_kind::formula)
      fail("model.inputs", path + "/inputs",
           std::string("only a `formula` rule takes several inputs; a `") + to_string(n.rule->kind) + "` rule takes one");
  }

  void leaf(node& n, const std::string& path, const node* parent) {
    inputs(n, path);
    rule& r = *n.rule;
    const std::string rule_path = path + "/rule";
    if (is_adjustment(r.kind)) {
      if (n.max != 0.0)
        fail("model.max", path + "/max", std::string("a `") + to_string(r.kind) +
                                             "` leaf adds points outside the max: omit `max`");
      if (!parent || parent->combine != aggregate::sum)
        fail("model.rule", rule_path, std::string("a `") + to_string(r.kind) +
                                          "` leaf needs a `sum` parent (a mean has no place for points outside the max)");
      finite(r.per, rule_path + "/per", "number");
      finite(r.cap, rule_path + "/cap", "number");
      if (r.per <= 0) fail("model.rule", rule_path + "/per", "expected points per occurrence > 0");
      if (r.cap <= 0) fail("model.rule", rule_path + "/cap", "expected a cap > 0");
      return;
    }
    if (r.kind == rule_kind::indicator) {
      if (n.max != 0.0)
        fail("model.max", path + "/max",
             "an `indicator` leaf holds a raw value, normalised across units, not points out of a max: omit `max`");
      if (!std::isnan(r.target)) finite(r.target, rule_path + "/target", "target");
      if (!valid_utf8(r.denominator)) fail("model.utf8", rule_path + "/denominator", "text is not valid UTF-8");
      return;
    }
    if (!std::isfinite(n.max) || n.max <= 0)
      fail("model.max", path + "/max", "expected a finite max > 0, got " + format_number(n.max));
    switch (r.kind) {
      case rule_kind::points:
        if (r.step && (!std::isfinite(*r.step) || *r.step <= 0))
          fail("model.rule", rule_path + "/step", "expected a finite step > 0");
        if (r.step && !r.values.empty())
          fail("model.rule", rule_path, "give `step` or `values`, not both");
        for (std::size_t i = 0; i < r.values.size(); ++i)
          if (!(r.values[i] >= 0 && r.values[i] <= n.max))
            fail("model.rule", rule_path + "/values/" + std::to_string(i),
                 "expected points in [0, " + format_number(n.max) + "]");
        break;
      case rule_kind::tiers: {
        if (r.tiers.empty()) fail("model.tiers", rule_path + "/tiers", "expected at least one tier");
        const bool higher = r.dir == direction::higher_is_better;
        const char* bound_name = higher ? "min" : "max";
        for (std::size_t i = 0; i < r.tiers.size(); ++i) {
          const std::string tier_path = rule_path + "/tiers/" + std::to_string(i);
          const tier& t = r.tiers[i];
          if (!(t.bound >= 0 && t.bound <= rate_scale(r.unit)))
            fail("model.tiers", tier_path + "/" + bound_name,
                 std::string("expected a rate in [0, ") + format_number(rate_scale(r.unit)) + "] (" +
                     to_string(r.unit) + "), got " + format_number(t.bound));
          if (!(t.points >= 0 && t.points <= n.max))
            fail("model.tiers", tier_path + "/points",
                 "tier points must lie between 0 and the leaf's max = " + format_number(n.max) + ", got " +
                     format_number(t.points));
          if (i > 0) {
            const double before = r.tiers[i - 1].bound;
            const bool ordered = higher ? t.bound < before : t.bound > before;
            if (!ordered)
              fail("model.tiers_order", tier_path + "/" + bound_name,
                   std::string("tiers must be listed with strictly ") + (higher ? "decreasing" : "increasing") +
                       " `" + bound_name + "` (" + format_number(t.bound) + " after " +
                       format_number(before) + " overlaps or is out of order)");
          }
        }
        break;
      }
      case rule_kind::formula:
        if (!valid_utf8(r.expr)) fail("model.utf8", rule_path + "/expr", "text is not valid UTF-8");
        r.compiled = std::make_shared<const formula>(
            r.expr, n.inputs.empty() ? std::vector<std::string>{"x"} : n.inputs, rule_path + "/expr");
        break;
      case rule_kind::linear:
        finite(r.lower, rule_path + "/lower", "goalpost");
        finite(r.upper, rule_path + "/upper", "goalpost");
        if (!(r.lower < r.upper))
          fail("model.rule", rule_path + "/upper", "expected `upper` > `lower`");
        if (!std::isfinite(r.upper - r.lower))
          fail("model.rule", rule_path + "/upper",
               "the width `upper` − `lower` = " + format_number(r.upper) + " − " + format_number(r.lower) +
                   " is beyond the range of a double (about 1.8e308): narrow the goalposts");
        break;
      default:
        break;
    }
  }


 public:
  // A composite index (its leaves are `indicator`s) is all indicators, combined by means or
  // min/max: a sum of raw values, or a criterion scored by a rule beside them, has no meaning.
  static void composite(const node& root) {
    std::string first_indicator, first_scored, first_sum;
    find_composite_parts(root, "/root", first_indicator, first_scored, first_sum);
    if (first_indicator.empty()) return;
    if (!first_scored.empty())
      fail("model.indicator", first_scored + "/rule",
           "a composite index has only `indicator` leaves (the first is at " + first_indicator +
               "); a criterion scored by a rule cannot stand beside raw indicators");
    if (!first_sum.empty())
      fail("model.indicator", first_sum + "/aggregate",
           "a composite index combines indicators with mean, geomean, harmonic, min or max, not `sum` "
           "(write \"aggregate\": \"mean\")");
  }
  static void find_composite_parts(const node& n, const std::string& path, std::string& first_indicator,
                                   std::string& first_scored, std::string& first_sum) {
    if (n.is_leaf()) {
      std::string& first = n.rule->kind == rule_kind::indicator ? first_indicator : first_scored;
      if (first.empty()) first = path;
      return;
    }
    if (n.combine == aggregate::sum && first_sum.empty()) first_sum = path;
    for (std::size_t i = 0; i < n.children.size(); ++i)
      find_composite_parts(n.children[i], path + "/children/" + std::to_string(i), first_indicator, first_scored,
                           first_sum);
  }

 private:

  const model_limits& limits_;
  std::size_t count_ = 0;
  std::unordered_map<std::string, std::string> ids_;  // id → path of its first use
};

}  // namespace

model::model(model_info info, node root, const model_limits& limits) : info_(std::move(info)) {
  validator check(limits);
  check.info(info_);
  if (root.is_leaf()) throw model_error("model.root", "/root", "the root must be an inner node");
  check.tree(root, "/root", 0, nullptr);  // also compiles the formulas
  validator::composite(root);
  root_ = std::make_shared<const node>(std::move(root));

  struct frame {
    const node* n;
    std::string path;
    std::ptrdiff_t parent;
  };
  std::vector<frame> stack{{root_.get(), "/root", -1}};
  std::unordered_map<std::string, std::string> column_paths;  // input column → path of its leaf
  while (!stack.empty()) {
    frame f = std::move(stack.back());
    stack.pop_back();
    const auto index = static_cast<std::ptrdiff_t>(nodes_.size());
    nodes_.push_back(f.n);
    parents_.push_back(f.parent);
    if (f.n->is_leaf()) {
      leaves_.push_back(f.n);
      first_input_.push_back(input_columns_.size());
      if (f.n->inputs.empty()) input_columns_.push_back(f.n->id);
      for (const std::string& input : f.n->inputs) input_columns_.push_back(f.n->id + "." + input);
      for (std::size_t c = first_input_.back(); c < input_columns_.size(); ++c)
        if (auto [first, fresh] = column_paths.emplace(input_columns_[c], f.path); !fresh)
          throw model_error("model.inputs", f.path,
                            "input column \"" + input_columns_[c] + "\" is also an input column of " + first->second);
    }
    for (std::size_t i = f.n->children.size(); i-- > 0;)
      stack.push_back({&f.n->children[i], f.path + "/children/" + std::to_string(i), index});
    paths_.push_back(std::move(f.path));
  }
  first_input_.push_back(input_columns_.size());
  sorted_ids_.reserve(nodes_.size());
  for (std::size_t i = 0; i < nodes_.size(); ++i) sorted_ids_.emplace_back(nodes_[i]->id, i);
  std::sort(sorted_ids_.begin(), sorted_ids_.end());
}

std::vector<std::string> model::leaf_ids() const {
  std::vector<std::string> ids;
  ids.reserve(leaves_.size());
  for (const node* leaf : leaves_) ids.push_back(leaf->id);
  return ids;
}

const node* model::find(std::string_view id) const noexcept {
  auto it = std::lower_bound(sorted_ids_.begin(), sorted_ids_.end(), id,
                             [](const auto& entry, std::string_view key) { return entry.first < key; });
  return it != sorted_ids_.end() && it->first == id ? nodes_[it->second] : nullptr;
}

std::size_t model::index_of(std::string_view id) const {
  auto it = std::lower_bound(sorted_ids_.begin(), sorted_ids_.end(), id,
                             [](const auto& entry, std::string_view key) { return entry.first < key; });
  if (it == sorted_ids_.end() || it->first != id)
    throw data_error("data.unknown_criterion", "", std::string(id),
                     "no such criterion in model '" + info_.id + "'");
  return it->second;
}

bool operator==(const tier& a, const tier& b) {
  return a.bound == b.bound && a.points == b.points && a.exclusive == b.exclusive;
}
bool operator==(const rule& a, const rule& b) {
  return a.kind == b.kind && a.step == b.step && a.values == b.values && a.unit == b.unit &&
         a.tiers == b.tiers && a.lower == b.lower && a.upper == b.upper && a.dir == b.dir &&
         a.clamp == b.clamp && a.per == b.per && a.cap == b.cap && a.expr == b.expr &&
         (a.target == b.target || (std::isnan(a.target) && std::isnan(b.target))) &&
         a.denominator == b.denominator;
}
bool operator==(const node& a, const node& b) {
  return a.id == b.id && a.name == b.name && a.description == b.description && a.meta == b.meta &&
         a.weight == b.weight && a.weight_given == b.weight_given && a.combine == b.combine &&
         a.children == b.children && a.declared_max == b.declared_max && a.rule == b.rule &&
         a.max == b.max && a.source == b.source && a.inputs == b.inputs && a.round_digits == b.round_digits &&
         a.points_min == b.points_min && a.points_max == b.points_max;
}
bool operator==(const band& a, const band& b) { return a.min == b.min && a.label == b.label; }
bool operator==(const model_info& a, const model_info& b) {
  return a.format == b.format && a.id == b.id && a.name == b.name &&
         a.description == b.description && a.meta == b.meta && a.scale == b.scale &&
         a.rounding_digits == b.rounding_digits && a.rounding == b.rounding && a.ties == b.ties &&
         a.rank_by == b.rank_by && a.missing == b.missing && a.bands == b.bands && a.clamp == b.clamp;
}
bool operator==(const model& a, const model& b) { return a.info() == b.info() && a.root() == b.root(); }

}  // namespace chiso
