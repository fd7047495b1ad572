#include "chiso/describe.hpp"

#include <cmath>
#include <vector>

#include "chiso/detail/format_number.hpp"
#include "chiso/rule.hpp"

namespace chiso {

using detail::format_number;

std::string describe_rule(const node& leaf) {
  if (!leaf.rule) return "";
  const rule& r = *leaf.rule;
  const std::string unit = r.unit == rate_unit::percent ? "%" : "";
  switch (r.kind) {
    case rule_kind::points: {
      std::string text = "points 0–" + format_number(leaf.max);
      if (r.step) text += ", step " + format_number(*r.step);
      if (!r.values.empty()) {
        text += ", one of ";
        for (std::size_t k = 0; k < r.values.size(); ++k) text += (k ? ", " : "") + format_number(r.values[k]);
      }
      return text;
    }
    case rule_kind::yes_no: return "yes → " + format_number(leaf.max) + ", no → 0";
    case rule_kind::tiers: {
      const bool higher = r.dir == direction::higher_is_better;
      std::string text = "tiers: ";
      for (const tier& t : r.tiers)
        text += std::string(higher ? (t.exclusive ? "> " : "≥ ") : (t.exclusive ? "< " : "≤ ")) +
                format_number(t.bound) + unit + " → " + format_number(t.points) + "; ";
      return text + "else 0";
    }
    case rule_kind::linear:
      return "linear " + format_number(r.lower) + "–" + format_number(r.upper) + " → 0–" + format_number(leaf.max) +
             (r.dir == direction::lower_is_better ? " (lower is better)" : "");
    case rule_kind::proportional:
      return format_number(leaf.max) + " × rate" + (r.unit == rate_unit::percent ? " (percent)" : "") +
             (r.dir == direction::lower_is_better ? " (lower is better)" : "");
    case rule_kind::deduction:
      return "−" + format_number(r.per) + " per occurrence, at most −" + format_number(r.cap);
    case rule_kind::bonus:
      return "+" + format_number(r.per) + " per occurrence, at most +" + format_number(r.cap);
    case rule_kind::formula:
      return "formula " + r.expr + " → 0–" + format_number(leaf.max) + (r.clamp ? " (clamped)" : "");
    case rule_kind::indicator: {
      std::string text = std::string("indicator, ") +
                         (r.dir == direction::lower_is_better ? "lower is better" : "higher is better");
      if (!std::isnan(r.target)) text += ", target " + format_number(r.target);
      if (!r.denominator.empty()) text += ", divided by " + r.denominator;
      return text;
    }
  }
  return "";
}

std::string describe_node(const node& n) {
  std::vector<std::string> parts;
  if (n.is_leaf()) {
    parts.push_back(describe_rule(n));
    if (n.source != leaf_source::appraisal) parts.push_back(to_string(n.source));
  } else {
    parts.push_back(std::string(to_string(n.combine)) + (n.declared_max ? ", max " + format_number(*n.declared_max) : ""));
    if (n.points_min || n.points_max)
      parts.push_back("points within [" + (n.points_min ? format_number(*n.points_min) : "") + ", " +
                      (n.points_max ? format_number(*n.points_max) : "") + "]");
  }
  if (n.round_digits) parts.push_back("rounded to " + std::to_string(*n.round_digits) + " decimals");
  if (n.weight != 1) parts.push_back("weight " + format_number(n.weight));
  std::string text;
  for (std::size_t k = 0; k < parts.size(); ++k) text += (k ? ", " : "") + parts[k];
  return text;
}

}  // namespace chiso
