#include "chiso/analysis/aggregate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "chiso/detail/format_number.hpp"
#include "chiso/detail/weighted_mean.hpp"

namespace chiso::analysis {

const char* to_string(aggregation a) {
  switch (a) {
    case aggregation::arithmetic: return "arithmetic";
    case aggregation::geometric: return "geometric";
    case aggregation::harmonic: return "harmonic";
    case aggregation::generalised: return "generalised";
    case aggregation::minimum: return "minimum";
    case aggregation::maximum: return "maximum";
    case aggregation::copeland: return "copeland";
    case aggregation::topsis: return "topsis";
    case aggregation::vikor: return "vikor";
  }
  return "?";
}
aggregation aggregation_from_string(const std::string& s) {
  for (auto a : {aggregation::arithmetic, aggregation::geometric, aggregation::harmonic, aggregation::generalised,
                 aggregation::minimum, aggregation::maximum, aggregation::copeland, aggregation::topsis,
                 aggregation::vikor})
    if (s == to_string(a)) return a;
  // COINr's names (a_amean, a_gmean, a_hmean, a_genmean) and their short forms.
  if (s == "a_amean" || s == "amean" || s == "mean") return aggregation::arithmetic;
  if (s == "a_gmean" || s == "gmean") return aggregation::geometric;
  if (s == "a_hmean" || s == "hmean") return aggregation::harmonic;
  if (s == "a_genmean") return aggregation::generalised;
  throw parameter_error("analysis.aggregation", "aggregate: unknown method '" + s +
                                                    "' (arithmetic, geometric, harmonic, generalised, minimum, maximum, "
                                                    "copeland, topsis, vikor)");
}

void validate(const aggregation_spec& spec) {
  if (!(spec.vikor_v >= 0 && spec.vikor_v <= 1))
    throw parameter_error("analysis.vikor_v", "aggregate: vikor_v must be in [0, 1], not " + std::to_string(spec.vikor_v));
  if (!std::isfinite(spec.power) || spec.power == 0)
    throw parameter_error("analysis.power", "aggregate: the generalised mean needs a finite power p ≠ 0 (p → 0 is the "
                                            "geometric mean: use 'geometric'), not " + std::to_string(spec.power));
}
const char* to_string(topsis_normalisation t) {
  switch (t) {
    case topsis_normalisation::vector: return "vector";
    case topsis_normalisation::min_max: return "min_max";
    case topsis_normalisation::none: return "none";
  }
  return "?";
}
topsis_normalisation topsis_normalisation_from_string(const std::string& s) {
  for (auto t : {topsis_normalisation::vector, topsis_normalisation::min_max, topsis_normalisation::none})
    if (s == to_string(t)) return t;
  throw parameter_error("analysis.topsis_normalisation", "topsis: unknown normalisation '" + s + "' (vector, min_max, none)");
}

aggregation aggregation_of(chiso::aggregate combine) {
  switch (combine) {
    case chiso::aggregate::geomean: return aggregation::geometric;
    case chiso::aggregate::harmonic: return aggregation::harmonic;
    case chiso::aggregate::min: return aggregation::minimum;
    case chiso::aggregate::max: return aggregation::maximum;
    case chiso::aggregate::sum:
    case chiso::aggregate::mean: break;
  }
  return aggregation::arithmetic;
}

namespace {
chiso::detail::mean_kind mean_kind_of(aggregation a) {
  switch (a) {
    case aggregation::geometric: return chiso::detail::mean_kind::geometric;
    case aggregation::harmonic: return chiso::detail::mean_kind::harmonic;
    case aggregation::generalised: return chiso::detail::mean_kind::power;
    case aggregation::minimum: return chiso::detail::mean_kind::minimum;
    case aggregation::maximum: return chiso::detail::mean_kind::maximum;
    default: return chiso::detail::mean_kind::arithmetic;
  }
}
std::string unit_name(const std::vector<std::string>* codes, std::ptrdiff_t i) {
  if (codes && i >= 0 && static_cast<std::size_t>(i) < codes->size()) return (*codes)[static_cast<std::size_t>(i)];
  return "row " + std::to_string(i);
}
int direction_of(const int* dirs, std::ptrdiff_t c) { return dirs ? dirs[c] : 1; }
// −1, 0, +1 as i is worse than, equal to or better than j on column c (0 when either is missing).
int compare(const double* const* cols, const int* dirs, std::ptrdiff_t c, std::ptrdiff_t i, std::ptrdiff_t j) {
  const double a = cols[c][i], b = cols[c][j];
  if (std::isnan(a) || std::isnan(b)) return 0;
  return direction_of(dirs, c) * ((a > b) - (a < b));
}
// Outranking e_ij = (Σ w[i beats j] + ½ Σ w[tie]) / wsum.
double outrank(const double* const* cols, const double* w, const int* dirs, std::ptrdiff_t k, double wsum, std::ptrdiff_t i,
               std::ptrdiff_t j) {
  double e = 0;
  for (std::ptrdiff_t c = 0; c < k; ++c) {
    if (std::isnan(cols[c][i]) || std::isnan(cols[c][j])) continue;
    const int s = compare(cols, dirs, c, i, j);
    if (s > 0) e += w[c] / wsum;
    else if (s == 0) e += w[c] / wsum / 2;
  }
  return e;
}
// Exact sign of Σ_c w_c sign_c(i, j) (= 2 e_ij − 1 up to the scale): a plain sum when it is far
// from 0, else Shewchuk's error-free expansion (grow-expansion with zero elimination), whose
// largest component carries the sign of the exact sum. `expansion` holds k doubles.
int copeland_sign(const double* const* cols, const double* w, const int* dirs, std::ptrdiff_t k, std::ptrdiff_t i,
                  std::ptrdiff_t j, double* expansion) {
  double sum = 0, magnitude = 0;
  for (std::ptrdiff_t c = 0; c < k; ++c) {
    const int s = compare(cols, dirs, c, i, j);
    sum += s * w[c];
    magnitude += s != 0 ? w[c] : 0;
  }
  if (std::abs(sum) > 4 * static_cast<double>(k) * std::numeric_limits<double>::epsilon() * magnitude) return (sum > 0) - (sum < 0);
  std::ptrdiff_t len = 0;
  for (std::ptrdiff_t c = 0; c < k; ++c) {
    const int s = compare(cols, dirs, c, i, j);
    if (s == 0) continue;
    double q = s * w[c];
    std::ptrdiff_t next = 0;
    for (std::ptrdiff_t e = 0; e < len; ++e) {
      const double a = q, b = expansion[e], x = a + b, bv = x - a, err = (a - (x - bv)) + (b - bv);
      if (err != 0) expansion[next++] = err;
      q = x;
    }
    if (q != 0) expansion[next++] = q;
    len = next;
  }
  return len == 0 ? 0 : (expansion[len - 1] > 0 ? 1 : -1);
}
// Contribution of a criterion with range `range`: 0 when it is constant (it cannot discriminate);
// a missing value stays missing.
double share(double num, double range) { return range > 0 || std::isnan(num) ? num / range : 0.0; }

// The children (criteria) of one aggregation, n units each, as aggregate_columns receives them.
struct criteria {
  const double* const* cols;
  const double* w;
  const int* dirs;  // nullptr: every criterion is a benefit
  std::ptrdiff_t k, n;
};

double weight_sum(const double* w, std::ptrdiff_t k) {
  double sum = 0;
  for (std::ptrdiff_t c = 0; c < k; ++c) sum += w[c];
  return sum;
}

struct value_range {
  double min = INFINITY, max = -INFINITY;
};
value_range range_of_present(const double* x, std::ptrdiff_t n) {
  value_range r;
  for (std::ptrdiff_t i = 0; i < n; ++i)
    if (!std::isnan(x[i])) {
      r.min = std::min(r.min, x[i]);
      r.max = std::max(r.max, x[i]);
    }
  return r;
}

[[noreturn]] void throw_outside_domain(const aggregation_spec& spec, const std::string& unit, const std::string& node,
                                       const std::string& value) {
  if (spec.method == aggregation::geometric)
    throw data_error("analysis.geometric_nonpositive", unit, node,
                     "aggregate: the geometric mean needs values > 0 (a child is " + value + ")");
  if (spec.method == aggregation::harmonic)
    throw data_error("analysis.harmonic_nonpositive", unit, node,
                     "aggregate: the harmonic mean needs values > 0 (a child is " + value + ")");
  throw data_error("analysis.genmean_nonpositive", unit, node,
                   std::string("aggregate: the generalised mean with p ") + (spec.power < 0 ? "< 0 needs values > 0" : "> 0 needs values ≥ 0") +
                       " (a child is " + value + ")");
}

// The shared kernel (chiso/detail/weighted_mean.hpp); `scratch` holds the weight sums.
void weighted_means(const aggregation_spec& spec, const criteria& x, double* out, double* scratch,
                    const std::vector<std::string>* unit_codes, const std::string& node) {
  const chiso::detail::mean_kind kind = mean_kind_of(spec.method);
  if (chiso::detail::weighted_mean(kind, x.cols, x.w, x.k, x.n, out, scratch, false, spec.power)) return;
  std::ptrdiff_t unit = 0, child = 0;
  chiso::detail::first_outside_domain(kind, x.cols, x.k, x.n, unit, child, spec.power, x.w);
  throw_outside_domain(spec, unit_name(unit_codes, unit), node, chiso::detail::format_number(x.cols[child][unit]));
}

// Wins minus losses over every other unit; `expansion` holds k doubles (see copeland_sign).
void copeland_scores(const criteria& x, double* out, double* expansion) {
  for (std::ptrdiff_t i = 0; i < x.n; ++i) out[i] = 0;
  for (std::ptrdiff_t i = 0; i < x.n; ++i)
    for (std::ptrdiff_t j = i + 1; j < x.n; ++j) {
      const int s = copeland_sign(x.cols, x.w, x.dirs, x.k, i, j, expansion);
      out[i] += s;
      out[j] -= s;
    }
}

// weighted(i, c) = TOPSIS' normalised value times w_c / Σw (column-major n × k).
void topsis_weighted_matrix(const criteria& x, topsis_normalisation norm, double* weighted) {
  const double wsum = weight_sum(x.w, x.k);
  for (std::ptrdiff_t c = 0; c < x.k; ++c) {
    const double* col = x.cols[c];
    const int d = direction_of(x.dirs, c);
    const auto [mn, mx] = range_of_present(col, x.n);
    double ss = 0;
    for (std::ptrdiff_t i = 0; i < x.n; ++i)
      if (!std::isnan(col[i])) ss += col[i] * col[i];
    double* r = weighted + c * x.n;
    for (std::ptrdiff_t i = 0; i < x.n; ++i) {
      double v = col[i];
      if (!(mx > mn)) v = std::isnan(col[i]) ? col[i] : 0;  // constant: no distance to the ideal or the anti-ideal
      else if (norm == topsis_normalisation::vector) v = col[i] / std::sqrt(ss);
      else if (norm == topsis_normalisation::min_max) v = d == 1 ? (col[i] - mn) / (mx - mn) : (mx - col[i]) / (mx - mn);
      r[i] = v * x.w[c] / wsum;
    }
  }
}

// D⁺ and D⁻ (the distances to the ideal and the anti-ideal, in `distances`: 2n) and the
// closeness D⁻ / (D⁺ + D⁻) in `out`.
void topsis_closeness(const criteria& x, topsis_normalisation norm, const double* weighted, double* distances, double* out) {
  const std::ptrdiff_t n = x.n;
  double* dp = distances;
  double* dm = distances + n;
  for (std::ptrdiff_t i = 0; i < n; ++i) dp[i] = dm[i] = 0;
  for (std::ptrdiff_t c = 0; c < x.k; ++c) {
    const double* r = weighted + c * n;
    // After min-max the cost criteria are already turned; otherwise the cost ideal is the min.
    const bool benefit = direction_of(x.dirs, c) == 1 || norm == topsis_normalisation::min_max;
    const auto [mn, mx] = range_of_present(r, n);
    const double ideal = benefit ? mx : mn, anti = benefit ? mn : mx;
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      dp[i] += (r[i] - ideal) * (r[i] - ideal);
      dm[i] += (r[i] - anti) * (r[i] - anti);
    }
  }
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    dp[i] = std::sqrt(dp[i]);
    dm[i] = std::sqrt(dm[i]);
    // D⁺ = D⁻ = 0 only when every criterion is constant: every alternative ties.
    out[i] = dp[i] + dm[i] > 0 ? dm[i] / (dp[i] + dm[i]) : (std::isnan(dp[i]) ? nan : 0.5);
  }
}

// regrets(i, c) = w_c / Σw · (f*_c − x_ic)/(f*_c − f⁻_c), f* the best value, f⁻ the worst
// (column-major n × k).
void vikor_regrets(const criteria& x, double* regrets) {
  const double wsum = weight_sum(x.w, x.k);
  for (std::ptrdiff_t c = 0; c < x.k; ++c) {
    const double* col = x.cols[c];
    const auto [mn, mx] = range_of_present(col, x.n);
    const double best = direction_of(x.dirs, c) == 1 ? mx : mn;
    double* r = regrets + c * x.n;
    for (std::ptrdiff_t i = 0; i < x.n; ++i) r[i] = x.w[c] / wsum * share(std::abs(best - col[i]), mx - mn);
  }
}

// S (group utility: the sum of the regrets), R (the largest regret) and Q = v·S' + (1 − v)·R'
// (S, R rescaled over the units) in `srq` (3n); the score 1 − Q in `out`.
void vikor_scores(const double* regrets, std::ptrdiff_t n, std::ptrdiff_t k, double v, double* srq, double* out) {
  double* S = srq;
  double* R = srq + n;
  double* Q = srq + 2 * n;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    S[i] = 0; R[i] = -INFINITY;
    for (std::ptrdiff_t c = 0; c < k; ++c) {
      const double regret = regrets[c * n + i];
      S[i] += regret;
      R[i] = std::isnan(regret) || std::isnan(R[i]) ? nan : std::max(R[i], regret);
    }
  }
  double s0 = INFINITY, s1 = -INFINITY, r0 = INFINITY, r1 = -INFINITY;
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    if (std::isnan(S[i])) continue;
    s0 = std::min(s0, S[i]); s1 = std::max(s1, S[i]); r0 = std::min(r0, R[i]); r1 = std::max(r1, R[i]);
  }
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    Q[i] = std::isnan(S[i]) ? nan : v * share(S[i] - s0, s1 - s0) + (1 - v) * share(R[i] - r0, r1 - r0);
    out[i] = 1 - Q[i];
  }
}
}  // namespace

void aggregate_columns(const aggregation_spec& spec, const double* const* cols, const double* w, std::ptrdiff_t k,
                       const int* dirs, std::ptrdiff_t n, double* out, double* scratch, double* scratch2,
                       const std::vector<std::string>* unit_codes, const std::string& node) {
  const criteria x{cols, w, dirs, k, n};
  switch (spec.method) {
    case aggregation::arithmetic:
    case aggregation::geometric:
    case aggregation::harmonic:
    case aggregation::generalised:
    case aggregation::minimum:
    case aggregation::maximum:
      weighted_means(spec, x, out, scratch, unit_codes, node);
      return;
    case aggregation::copeland:
      copeland_scores(x, out, scratch);
      return;
    case aggregation::topsis:
      topsis_weighted_matrix(x, spec.topsis_norm, scratch);
      topsis_closeness(x, spec.topsis_norm, scratch, scratch2, out);
      return;
    case aggregation::vikor:
      vikor_regrets(x, scratch);
      vikor_scores(scratch, n, k, spec.vikor_v, scratch2, out);
      return;
  }
}

void check_decision_weights(const std::vector<double>& w, std::ptrdiff_t k, const char* method) {
  const std::string m(method);
  if (static_cast<std::ptrdiff_t>(w.size()) != k)
    throw parameter_error("analysis.weights_length", m + ": weights has " + std::to_string(w.size()) + " entries for " +
                                                         std::to_string(k) + " criteria");
  double sum = 0;
  for (std::size_t c = 0; c < w.size(); ++c) {
    if (!std::isfinite(w[c]) || w[c] < 0)
      throw parameter_error("analysis.weights_value", m + ": weights[" + std::to_string(c) + "] is " + std::to_string(w[c]) +
                                                          " (weights must be finite and ≥ 0)");
    sum += w[c];
  }
  if (k > 0 && !(sum > 0)) throw parameter_error("analysis.weights_value", m + ": weights are all 0");
}

void check_directions(const std::vector<int>& d, std::ptrdiff_t k, const char* method) {
  const std::string m(method);
  if (!d.empty() && static_cast<std::ptrdiff_t>(d.size()) != k)
    throw parameter_error("analysis.directions_length", m + ": directions has " + std::to_string(d.size()) + " entries for " +
                                                            std::to_string(k) + " criteria (or give none: all benefit)");
  for (std::size_t c = 0; c < d.size(); ++c)
    if (d[c] != 1 && d[c] != -1)
      throw parameter_error("analysis.directions_value", m + ": directions[" + std::to_string(c) + "] is " + std::to_string(d[c]) +
                                                             " (expected +1 = benefit or -1 = cost)");
}

void check_decision_matrix(const matrix_ref& x, const char* method) {
  if (x.rows() < 1 || x.cols() < 1)
    throw parameter_error("analysis.decision_matrix_shape", std::string(method) + ": the decision matrix is empty (" +
                                                                std::to_string(x.rows()) + " × " + std::to_string(x.cols()) + ")");
  for (std::ptrdiff_t c = 0; c < x.cols(); ++c)
    for (std::ptrdiff_t i = 0; i < x.rows(); ++i)
      if (!std::isfinite(x(i, c)))
        throw data_error("analysis.decision_matrix_value", "row " + std::to_string(i), "criterion " + std::to_string(c),
                         std::string(method) + ": the decision matrix needs finite values (row " + std::to_string(i) +
                             ", criterion " + std::to_string(c) + " is " + std::to_string(x(i, c)) + ")");
}

void check_decision_problem(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& dirs, const char* method) {
  check_decision_matrix(x, method);
  check_decision_weights(w, x.cols(), method);
  check_directions(dirs, x.cols(), method);
}

namespace {
std::vector<const double*> columns_of(const matrix_ref& x) {
  std::vector<const double*> cols;
  for (std::ptrdiff_t c = 0; c < x.cols(); ++c) cols.push_back(x.col(c).data());
  return cols;
}
const int* directions_ptr(const std::vector<int>& d) { return d.empty() ? nullptr : d.data(); }
}  // namespace

topsis_result topsis(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& dirs, topsis_normalisation norm) {
  check_decision_problem(x, w, dirs, "topsis");
  const auto n = x.rows();
  std::vector<double> scratch(static_cast<std::size_t>(n * x.cols())), s2(static_cast<std::size_t>(4 * n));
  topsis_result r{vector(n), vector(n), vector(n), vector(n), norm};
  auto cols = columns_of(x);
  aggregate_columns({aggregation::topsis, norm, 0.5}, cols.data(), w.data(), x.cols(), directions_ptr(dirs), n,
                    r.closeness.data(), scratch.data(), s2.data());
  r.d_plus = Eigen::Map<vector>(s2.data(), n);
  r.d_minus = Eigen::Map<vector>(s2.data() + n, n);
  r.ranks = rank_values(r.closeness, false, tie_rule::competition);
  return r;
}

vikor_result vikor(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& dirs, double v) {
  check_decision_problem(x, w, dirs, "vikor");
  aggregation_spec spec{aggregation::vikor, topsis_normalisation::none, v};
  validate(spec);
  const auto n = x.rows();
  std::vector<double> scratch(static_cast<std::size_t>(n * x.cols())), s2(static_cast<std::size_t>(4 * n));
  vector out(n);
  auto cols = columns_of(x);
  aggregate_columns(spec, cols.data(), w.data(), x.cols(), directions_ptr(dirs), n, out.data(), scratch.data(), s2.data());
  vikor_result r{Eigen::Map<vector>(s2.data(), n), Eigen::Map<vector>(s2.data() + n, n), Eigen::Map<vector>(s2.data() + 2 * n, n),
                 vector(), v, true, true, {}};
  r.ranks = rank_values(r.q, true, tie_rule::competition);
  // Compromise set: order by Q (stable, so ties keep row order).
  std::vector<std::ptrdiff_t> order(static_cast<std::size_t>(n));
  for (std::ptrdiff_t i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return r.q[a] < r.q[b]; });
  const auto a1 = order[0];
  if (n == 1) {
    r.compromise = {a1};
    return r;
  }
  const double dq = 1.0 / static_cast<double>(n - 1);
  r.acceptable_advantage = r.q[order[1]] - r.q[a1] >= dq;
  r.acceptable_stability = r.s[a1] == r.s.minCoeff() || r.r[a1] == r.r.minCoeff();
  if (!r.acceptable_advantage) {
    for (auto a : order)
      if (r.q[a] - r.q[a1] < dq) r.compromise.push_back(a);
  } else if (!r.acceptable_stability) {
    r.compromise = {a1, order[1]};
  } else {
    r.compromise = {a1};
  }
  return r;
}

copeland_result copeland(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& dirs) {
  if (x.rows() < 1 || x.cols() < 1) throw parameter_error("analysis.decision_matrix_shape", "copeland: the decision matrix is empty");
  check_decision_weights(w, x.cols(), "copeland");
  check_directions(dirs, x.cols(), "copeland");
  const auto n = x.rows();
  auto cols = columns_of(x);
  std::vector<double> expansion(static_cast<std::size_t>(x.cols()));
  copeland_result r{vector(n), vector(n), matrix::Zero(n, n)};
  aggregate_columns({aggregation::copeland}, cols.data(), w.data(), x.cols(), directions_ptr(dirs), n, r.scores.data(),
                    expansion.data(), nullptr);
  const double wsum = weight_sum(w.data(), x.cols());
  for (std::ptrdiff_t i = 0; i < n; ++i)
    for (std::ptrdiff_t j = 0; j < n; ++j)
      if (i != j) r.outranking(i, j) = outrank(cols.data(), w.data(), directions_ptr(dirs), x.cols(), wsum, i, j);
  r.ranks = rank_values(r.scores, false, tie_rule::competition);
  return r;
}

aggregation_plan::aggregation_plan(const hierarchy& h, std::vector<aggregation_spec> per_level)
    : n_nodes_(h.n_nodes()), n_indicators_(h.n_indicators()), codes_(h.codes()) {
  const int agg_levels = h.n_levels() - 1;
  if (per_level.size() > 1 && static_cast<int>(per_level.size()) != agg_levels)
    throw parameter_error("analysis.aggregation_levels", "aggregate: give one method, or one per aggregate level (" +
                                                             std::to_string(agg_levels) + "), not " + std::to_string(per_level.size()));
  for (std::ptrdiff_t a = n_indicators_; a < n_nodes_; ++a) {
    const auto& node = h.node(a);
    children_.emplace_back();
    outside_max_.emplace_back();
    for (auto c : node.children) (h.node(c).outside_max ? outside_max_ : children_).back().push_back(c);
    if (per_level.empty()) {
      aggregation_spec own;
      own.method = aggregation_of(node.combine);
      specs_.push_back(own);
    } else {
      specs_.push_back(per_level.size() == 1 ? per_level[0] : per_level[static_cast<std::size_t>(node.level - 2)]);
    }
    validate(specs_.back());
    require_place_for_points_outside_max(h, a, specs_.back().method);
    max_children_ = std::max<std::ptrdiff_t>(max_children_, static_cast<std::ptrdiff_t>(node.children.size()));
  }
}

void require_place_for_points_outside_max(const hierarchy& h, std::ptrdiff_t node, aggregation method) {
  const auto& children = h.node(node).children;
  const bool holds_points = std::any_of(children.begin(), children.end(), [&h](std::ptrdiff_t c) { return h.node(c).outside_max; });
  if (holds_points && method != aggregation::arithmetic)
    throw parameter_error("analysis.model_adjustments",
                          "'" + h.node(node).code + "' adds points outside the max (bonus, deduction) to its "
                          "children's mean; only the arithmetic mean has a place for them, not " + to_string(method));
}

aggregation_workspace aggregation_plan::workspace(std::ptrdiff_t units) const {
  aggregation_workspace ws;
  ws.columns.resize(static_cast<std::size_t>(max_children_));
  ws.weights.resize(static_cast<std::size_t>(max_children_));
  ws.outside_columns.reserve(static_cast<std::size_t>(max_children_));
  ws.scratch.resize(static_cast<std::size_t>(units * max_children_));
  ws.scratch2.resize(static_cast<std::size_t>(4 * units));
  return ws;
}

void aggregation_plan::aggregate_into(const matrix_ref& x, const Eigen::Ref<const vector>& weights, aggregation_workspace& ws,
                                      Eigen::Ref<matrix> out, const std::vector<std::string>* unit_codes) const {
  const auto n = x.rows();
  if (x.cols() != n_indicators_ || weights.size() != n_nodes_ || out.rows() != n || out.cols() != n_nodes_)
    throw parameter_error("analysis.aggregate_shape", "aggregate: expected " + std::to_string(n_indicators_) + " indicator columns, " +
                                                          std::to_string(n_nodes_) + " weights and a units × " + std::to_string(n_nodes_) +
                                                          " output");
  if (static_cast<std::ptrdiff_t>(ws.scratch.size()) < n * max_children_ || static_cast<std::ptrdiff_t>(ws.scratch2.size()) < 4 * n ||
      static_cast<std::ptrdiff_t>(ws.columns.size()) < max_children_)
    throw parameter_error("analysis.aggregate_workspace", "aggregate: the workspace was sized for fewer units");
  out.leftCols(n_indicators_) = x;
  for (std::size_t a = 0; a < children_.size(); ++a) {
    const auto& ch = children_[a];
    const auto k = static_cast<std::ptrdiff_t>(ch.size());
    for (std::ptrdiff_t c = 0; c < k; ++c) {
      ws.columns[static_cast<std::size_t>(c)] = out.col(ch[static_cast<std::size_t>(c)]).data();
      ws.weights[static_cast<std::size_t>(c)] = weights[ch[static_cast<std::size_t>(c)]];
    }
    const auto node = n_indicators_ + static_cast<std::ptrdiff_t>(a);
    aggregate_columns(specs_[a], ws.columns.data(), ws.weights.data(), k, nullptr, n, out.col(node).data(), ws.scratch.data(),
                      ws.scratch2.data(), unit_codes, codes_[static_cast<std::size_t>(node)]);
    const auto& outside = outside_max_[a];
    if (outside.empty()) continue;
    std::vector<const double*>& points = ws.outside_columns;
    points.clear();
    for (auto c : outside) points.push_back(out.col(c).data());
    chiso::detail::add_points_outside_max(ws.columns.data(), ws.weights.data(), k, points.data(),
                                          static_cast<std::ptrdiff_t>(points.size()), n, out.col(node).data());
  }
}

matrix aggregation_plan::aggregate(const matrix_ref& x, const Eigen::Ref<const vector>& weights,
                                   const std::vector<std::string>* unit_codes) const {
  matrix out(x.rows(), n_nodes_);
  auto ws = workspace(x.rows());
  aggregate_into(x, weights, ws, out, unit_codes);
  return out;
}

}  // namespace chiso::analysis
