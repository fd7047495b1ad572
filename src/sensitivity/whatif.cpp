#include "chiso/sensitivity/whatif.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "chiso/error.hpp"

namespace chiso::whatif {

namespace {

double current_points(const rule& r, double max, double x) {
  if (!std::isfinite(x) || check_leaf_input(r, max, x)) return 0.0;  // missing or invalid: no points
  return leaf_points(r, max, x);
}

// The least input (as a decimal of 15 significant digits: what a user would type) from which a
// tier matches: its bound itself, or for an exclusive bound the next such decimal.
double tier_input(const rule& r, const tier& t) {
  const double edge = tier_threshold(r, t);
  return detail::decimal_value(edge, std::fabs(edge));
}

std::optional<double> full_input(const rule& r, double max) {
  switch (r.kind) {
    case rule_kind::points:
      if (!r.values.empty()) return *std::max_element(r.values.begin(), r.values.end());
      return max;
    case rule_kind::yes_no: return 1.0;
    case rule_kind::tiers: {
      if (r.tiers.empty()) return std::nullopt;
      const auto best = std::max_element(r.tiers.begin(), r.tiers.end(),
                                         [](const tier& a, const tier& b) { return a.points < b.points; });
      // The best possible rate (100% or 0%) when the rule accepts it and it reaches the best
      // tier; else just inside that tier.
      const double extreme = r.dir == direction::higher_is_better ? rate_scale(r.unit) : 0.0;
      if (!check_leaf_input(r, max, extreme) && leaf_points(r, max, extreme) == best->points) return extreme;
      return tier_input(r, *best);
    }
    case rule_kind::linear: return r.dir == direction::higher_is_better ? r.upper : r.lower;
    case rule_kind::proportional: return r.dir == direction::higher_is_better ? rate_scale(r.unit) : 0.0;
    case rule_kind::deduction: return 0.0;
    case rule_kind::bonus:
      if (r.per <= 0) return std::nullopt;
      return r.cap / r.per;
    case rule_kind::formula: return std::nullopt;  // a formula is not inverted
    case rule_kind::indicator: return std::nullopt;  // no points (a plan refuses it)
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> raised_input(const rule& r, double max, double x, std::optional<double> step) {
  const auto full = full_input(r, max);
  if (!full) return std::nullopt;
  if (!step) return full;
  if (!(*step > 0)) throw parameter_error("whatif.step", "step (points to add) must be > 0");
  const double best = leaf_points(r, max, *full);
  const double now = current_points(r, max, x);
  const double target = std::min(best, now + *step);
  const bool higher = r.dir == direction::higher_is_better;
  switch (r.kind) {
    case rule_kind::points: {
      if (!r.values.empty()) {
        double pick = *full;
        for (double v : r.values)
          if (v >= target - step_tolerance && v < pick) pick = v;
        return pick;
      }
      if (r.step && *r.step > 0) return std::min(max, std::ceil(target / *r.step - step_tolerance) * *r.step);
      return target;
    }
    case rule_kind::yes_no: return 1.0;
    case rule_kind::tiers: {
      const tier* pick = nullptr;
      for (const tier& t : r.tiers)
        if (t.points >= target && (!pick || t.points < pick->points)) pick = &t;
      return pick ? tier_input(r, *pick) : *full;
    }
    case rule_kind::linear: {
      const double share = max > 0 ? target / max : 1.0;
      return higher ? r.lower + share * (r.upper - r.lower) : r.upper - share * (r.upper - r.lower);
    }
    case rule_kind::proportional: {
      const double rate = max > 0 ? target / max : 1.0;
      return (higher ? rate : 1.0 - rate) * rate_scale(r.unit);
    }
    case rule_kind::deduction:
      if (r.per <= 0) return 0.0;
      return std::max(0.0, (std::isfinite(x) ? x : 0.0) - *step / r.per);
    case rule_kind::bonus:
      return std::min(r.cap / r.per, (std::isfinite(x) ? x : 0.0) + *step / r.per);
    case rule_kind::formula:
    case rule_kind::indicator: return std::nullopt;
  }
  return std::nullopt;
}

namespace {

struct scorer {
  const plan& p;
  const inputs& in;
  std::ptrdiff_t unit;
  Eigen::MatrixXd work;  // the inputs, with the unit's row edited
  evaluate_options opts;

  scorer(const plan& pl, const inputs& i, std::ptrdiff_t u) : p(pl), in(i), unit(u), work(i.values) {
    opts.keep = kept_nodes::root;
  }
  struct outcome {
    double index;
    std::int32_t rank, band;
  };
  outcome score() const {
    const evaluation e = evaluate(p, work, in.unit_ids, in.groups, in.applicable ? &*in.applicable : nullptr, opts);
    return {e.index(unit), e.rank(unit), e.band(unit)};
  }
};

struct candidate {
  std::ptrdiff_t leaf;
  double before, after;
};

std::vector<candidate> candidates(const plan& p, const inputs& in, std::ptrdiff_t unit, const raise_options& o) {
  if (in.values.cols() != p.leaf_count())
    throw parameter_error("whatif.values", "values has " + std::to_string(in.values.cols()) + " columns for " +
                                               std::to_string(p.leaf_count()) + " criteria");
  if (unit < 0 || unit >= in.values.rows())
    throw parameter_error("whatif.unit", "unit row " + std::to_string(unit) + " is outside 0.." +
                                             std::to_string(in.values.rows() - 1));
  std::vector<candidate> out;
  const auto& leaves = p.compiled_model().leaves();
  for (std::ptrdiff_t j = 0; j < p.leaf_count(); ++j) {
    if (in.applicable && !(*in.applicable)(unit, j)) continue;
    const node& leaf = *leaves[static_cast<std::size_t>(j)];
    if (is_adjustment(leaf.rule->kind) && !o.include_adjustments) continue;
    const double x = in.values(unit, j);
    const auto raised = raised_input(*leaf.rule, leaf.max, x, o.step);
    if (!raised || (std::isfinite(x) && *raised == x)) continue;
    if (std::isfinite(x) && !check_leaf_input(*leaf.rule, leaf.max, x) &&
        leaf_points(*leaf.rule, leaf.max, *raised) <= leaf_points(*leaf.rule, leaf.max, x))
      continue;  // already at its best
    out.push_back({j, x, *raised});
  }
  return out;
}

}  // namespace

std::vector<criterion_gain> rank_gains(const plan& p, const inputs& in, std::ptrdiff_t unit,
                                       const raise_options& options) {
  const auto cands = candidates(p, in, unit, options);
  scorer s(p, in, unit);
  const auto base = s.score();
  const auto& leaves = p.compiled_model().leaves();
  std::vector<criterion_gain> out;
  for (const auto& c : cands) {
    s.work(unit, c.leaf) = c.after;
    const auto r = s.score();
    s.work(unit, c.leaf) = c.before;
    criterion_gain g;
    g.leaf = c.leaf;
    g.id = leaves[static_cast<std::size_t>(c.leaf)]->id;
    g.input_before = c.before;
    g.input_after = c.after;
    g.index_before = base.index;
    g.index_after = r.index;
    g.rank_before = base.rank;
    g.rank_after = r.rank;
    g.rank_gain = base.rank - r.rank;
    g.band_before = base.band;
    g.band_after = r.band;
    out.push_back(std::move(g));
  }
  std::stable_sort(out.begin(), out.end(), [](const criterion_gain& a, const criterion_gain& b) {
    if (a.rank_gain != b.rank_gain) return a.rank_gain > b.rank_gain;
    return (a.index_after - a.index_before) > (b.index_after - b.index_before);
  });
  return out;
}

lift_result smallest_lift(const plan& p, const inputs& in, std::ptrdiff_t unit, const lift_target& target,
                          const raise_options& options) {
  if (!target.rank && !target.band)
    throw parameter_error("whatif.target", "give a target rank or a target band");
  if (target.rank && *target.rank < 1) throw parameter_error("whatif.target", "target rank must be >= 1");
  std::int32_t band_goal = -1;
  if (target.band) {
    const auto& bands = p.compiled_model().info().bands;
    for (std::size_t b = 0; b < bands.size(); ++b)
      if (bands[b].label == *target.band) band_goal = static_cast<std::int32_t>(b);
    if (band_goal < 0) throw parameter_error("whatif.target", "band '" + *target.band + "' is not a band of the model");
  }
  auto reached = [&](const scorer::outcome& o) {
    if (target.rank && !(o.rank > 0 && o.rank <= *target.rank)) return false;
    if (target.band && !(o.band >= 0 && o.band <= band_goal)) return false;
    return true;
  };

  auto cands = candidates(p, in, unit, options);
  scorer s(p, in, unit);
  lift_result res;
  auto current = s.score();
  if (reached(current)) {
    res.reachable = res.already = true;
    res.index_after = current.index;
    res.rank_after = current.rank;
    res.band_after = current.band;
    return res;
  }
  // Reachable at all?
  for (const auto& c : cands) s.work(unit, c.leaf) = c.after;
  const auto all = s.score();
  for (const auto& c : cands) s.work(unit, c.leaf) = c.before;
  if (!reached(all)) {
    res.index_after = all.index;
    res.rank_after = all.rank;
    res.band_after = all.band;
    return res;
  }
  res.reachable = true;
  const auto& leaves = p.compiled_model().leaves();
  std::vector<bool> used(cands.size(), false);
  while (true) {
    // Pick a candidate that reaches the target now if any (the one with the highest index),
    // else the one with the largest index gain.
    std::ptrdiff_t best = -1;
    bool best_reaches = false;
    scorer::outcome best_outcome{};
    for (std::size_t k = 0; k < cands.size(); ++k) {
      if (used[k]) continue;
      s.work(unit, cands[k].leaf) = cands[k].after;
      const auto o = s.score();
      s.work(unit, cands[k].leaf) = cands[k].before;
      const bool reaches = reached(o);
      const bool better = best < 0 || (reaches && !best_reaches) ||
                          (reaches == best_reaches && o.index > best_outcome.index);
      if (better) {
        best = static_cast<std::ptrdiff_t>(k);
        best_reaches = reaches;
        best_outcome = o;
      }
    }
    if (best < 0) break;  // cannot happen: raising everything reaches the target
    used[static_cast<std::size_t>(best)] = true;
    const auto& c = cands[static_cast<std::size_t>(best)];
    s.work(unit, c.leaf) = c.after;
    res.leaves.push_back(c.leaf);
    res.criteria.push_back(leaves[static_cast<std::size_t>(c.leaf)]->id);
    current = best_outcome;
    if (best_reaches) break;
  }
  res.index_after = current.index;
  res.rank_after = current.rank;
  res.band_after = current.band;
  return res;
}

}  // namespace chiso::whatif
