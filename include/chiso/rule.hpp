// Leaf rules: how one criterion's raw input becomes points out of its max (docs/format.md, "Leaves").
// The scalar form here (`leaf_points`, `check_leaf_input`) is the definition; the batch kernels in
// src/evaluate/kernels/leaf_kernels.hpp apply exactly these formulas to blocks of units.
#pragma once

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chiso/detail/decimal.hpp"

namespace chiso {

class formula;

// `indicator`: a composite index's raw indicator (docs/format.md, "Composite indices"). It has no
// points of its own: the composite pipeline normalises it across units, so a plan refuses it.
enum class rule_kind { points, yes_no, tiers, linear, proportional, deduction, bonus, formula, indicator };
enum class rate_unit { fraction, percent };
enum class direction { higher_is_better, lower_is_better };

// One tier of a `tiers` rule. With direction higher_is_better the tier matches a rate ≥ `bound`
// (> when exclusive) and tiers are listed with strictly decreasing bounds (docs/format.md: `min`);
// with lower_is_better it matches a rate ≤ `bound` (< when exclusive), bounds strictly increasing
// (written `max` in the file). The first tier that matches gives its points.
struct tier {
  double bound = 0;
  double points = 0;
  bool exclusive = false;
};

struct rule {
  rule_kind kind = rule_kind::points;
  // points: the input must be a multiple of `step` (when set) or one of `values` (when not empty).
  std::optional<double> step;
  std::vector<double> values;
  // tiers, proportional: how the rate is written.
  rate_unit unit = rate_unit::fraction;
  std::vector<tier> tiers;
  // linear: goalposts; proportional and linear honour the direction.
  double lower = 0;
  double upper = 1;
  direction dir = direction::higher_is_better;
  // proportional: clamp a rate outside [0, 1] instead of rejecting it; formula: bound the points
  // to [0, max] instead of rejecting them.
  bool clamp = false;
  // deduction, bonus: points per occurrence, and the cap on their total.
  double per = 0;
  double cap = 0;
  // formula: the expression as written, and its program (compiled when the model is built).
  std::string expr;
  std::shared_ptr<const chiso::formula> compiled;
  // indicator: the goal of distance-to-target normalisation (NaN: none) and the column of the
  // denominators table it is divided by (empty: none); its direction is `dir`.
  double target = std::numeric_limits<double>::quiet_NaN();
  std::string denominator;
};

const char* to_string(rule_kind kind) noexcept;
const char* to_string(rate_unit unit) noexcept;
const char* to_string(direction dir) noexcept;

// Deductions and bonuses add (or take) points outside the criterion's max.
inline bool is_adjustment(rule_kind kind) noexcept {
  return kind == rule_kind::deduction || kind == rule_kind::bonus;
}

// Leaves scored out of a max; deductions, bonuses and raw indicators have none.
inline bool takes_max(rule_kind kind) noexcept { return !is_adjustment(kind) && kind != rule_kind::indicator; }

inline double rate_scale(rate_unit unit) noexcept { return unit == rate_unit::percent ? 100.0 : 1.0; }

// Tolerance for "is a multiple of step" and "is one of values": inputs typed as decimals
// (0.75, 0.1) are not exact in binary.
inline constexpr double step_tolerance = 1e-9;

// Why an input is outside its rule's range, or nullopt when it is fine. `x` is finite.
std::optional<std::string> check_leaf_input(const rule& r, double max, double x);

// A formula rule's points for a criterion with one input (its `x`); a data_error for a formula
// over several inputs, which one value cannot feed.
double formula_points(const rule& r, double max, double x);

// A linear rule's width, upper − lower, on its decimal value.
inline double linear_width(const rule& r) {
  return detail::decimal_value(r.upper - r.lower, std::fmax(std::fabs(r.upper), std::fabs(r.lower)));
}

// A deduction's or bonus's points before the cap: per × count, on its decimal value.
inline double adjustment_total(const rule& r, double count) {
  const double total = r.per * count;
  return detail::decimal_value(total, std::fabs(total));
}

// Whether a rate reaches a tier, both on their decimal values of 15 significant digits
// (docs/format.md, "Decimal arithmetic"): a rate computed as 56.99999999999999 (0.57 × 100) is the
// 57.0000000000000 a spreadsheet shows, and reaches a tier from 57; 0.9000000000000001 is not above 0.9.
// `decimal_rate` is the rate already on its decimal value (decimal_value(rate, |rate|)).
inline bool decimal_reaches_tier(const rule& r, const tier& t, double decimal_rate) {
  const double bound = detail::decimal_value(t.bound, std::fabs(t.bound));
  return r.dir == direction::higher_is_better ? (t.exclusive ? decimal_rate > bound : decimal_rate >= bound)
                                              : (t.exclusive ? decimal_rate < bound : decimal_rate <= bound);
}

inline bool reaches_tier(const rule& r, const tier& t, double rate) {
  return decimal_reaches_tier(r, t, detail::decimal_value(rate, std::fabs(rate)));
}

// The input from which a tier matches: the least double that reaches it (higher is better), or
// the greatest (lower is better). The decimal value grows with the double, so comparing with this
// one double (as the vector kernels do) is reaches_tier.
double tier_threshold(const rule& r, const tier& t);

// Points for an input that passed check_leaf_input (for deduction: a value ≤ 0).
inline double leaf_points(const rule& r, double max, double x) {
  switch (r.kind) {
    case rule_kind::points:
      return x;
    case rule_kind::yes_no:
      return x == 1.0 ? max : 0.0;
    case rule_kind::tiers: {
      const double decimal_rate = detail::decimal_value(x, std::fabs(x));  // once, for every tier
      for (const tier& t : r.tiers)
        if (decimal_reaches_tier(r, t, decimal_rate)) return t.points;
      return 0.0;
    }
    // Differences on their decimal value (chiso/detail/decimal.hpp), so that no cancellation
    // leaves binary noise a `round` would see; products and quotients keep their 15 digits.
    case rule_kind::linear: {
      using detail::decimal_value;
      const double distance = r.dir == direction::lower_is_better
                                  ? decimal_value(r.upper - x, std::fmax(std::fabs(r.upper), std::fabs(x)))
                                  : decimal_value(x - r.lower, std::fmax(std::fabs(x), std::fabs(r.lower)));
      return max * std::fmin(std::fmax(distance / linear_width(r), 0.0), 1.0);
    }
    case rule_kind::proportional: {
      double rate = std::fmin(std::fmax(x / rate_scale(r.unit), 0.0), 1.0);
      if (r.dir == direction::lower_is_better) rate = detail::decimal_value(1.0 - rate, 1.0);
      return max * rate;
    }
    case rule_kind::deduction:
      return -std::fmin(adjustment_total(r, x), r.cap);
    case rule_kind::bonus:
      return std::fmin(adjustment_total(r, x), r.cap);
    case rule_kind::formula:
      return formula_points(r, max, x);
    case rule_kind::indicator:
      break;  // no points: a plan refuses indicator leaves
  }
  return 0.0;
}

}  // namespace chiso
