#include "chiso/analysis/mcda.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "chiso/analysis/aggregate.hpp"

namespace chiso::analysis {

namespace {
int direction_at(const std::vector<int>& d, std::ptrdiff_t c) { return d.empty() ? 1 : d[static_cast<std::size_t>(c)]; }

void require_positive(const matrix_ref& x, const char* method) {
  for (std::ptrdiff_t c = 0; c < x.cols(); ++c)
    for (std::ptrdiff_t i = 0; i < x.rows(); ++i)
      if (!(x(i, c) > 0))
        throw data_error("analysis.decision_matrix_value", "row " + std::to_string(i), "criterion " + std::to_string(c),
                         std::string(method) + ": needs positive values (row " + std::to_string(i) + ", criterion " +
                             std::to_string(c) + " is " + std::to_string(x(i, c)) + ")");
}

vector normalised_weights(const vector& e, const char* method) {
  const double total = e.sum();
  if (!(total > 0))
    throw data_error("analysis.weights_degenerate", "", "", std::string(method) + ": every criterion is constant, no weights can be derived");
  return e / total;
}

void check_ranks(const Eigen::Ref<const vector>& x, const Eigen::Ref<const vector>& y, const char* method) {
  if (x.size() != y.size() || x.size() < 2)
    throw parameter_error("analysis.rank_similarity", std::string(method) + ": needs two rankings of the same n ≥ 2 items (got " +
                                                          std::to_string(x.size()) + " and " + std::to_string(y.size()) + ")");
  for (std::ptrdiff_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]) || !std::isfinite(y[i]))
      throw parameter_error("analysis.rank_similarity", std::string(method) + ": rank " + std::to_string(i) + " is not finite");
}
}  // namespace

waspas_result waspas(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& dirs, double lambda) {
  check_decision_problem(x, w, dirs, "waspas");
  if (!(lambda >= 0 && lambda <= 1)) throw parameter_error("analysis.waspas_lambda", "waspas: lambda must be in [0, 1]");
  require_positive(x, "waspas");
  const auto n = x.rows();
  double wsum = 0;
  for (double wi : w) wsum += wi;
  waspas_result r{vector::Constant(n, 0), vector::Zero(n), vector::Zero(n), vector(), lambda};
  vector log_wpm = vector::Zero(n);
  for (std::ptrdiff_t c = 0; c < x.cols(); ++c) {
    const double wc = w[static_cast<std::size_t>(c)] / wsum;
    const double mx = x.col(c).maxCoeff(), mn = x.col(c).minCoeff();
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const double rij = direction_at(dirs, c) == 1 ? x(i, c) / mx : mn / x(i, c);
      r.wsm[i] += wc * rij;
      log_wpm[i] += wc * std::log(rij);
    }
  }
  r.wpm = log_wpm.array().exp();
  r.q = lambda * r.wsm + (1 - lambda) * r.wpm;
  r.ranks = rank_values(r.q, false, tie_rule::competition);
  return r;
}

vector merec_weights(const matrix_ref& x, const std::vector<int>& dirs) {
  check_decision_matrix(x, "merec");
  check_directions(dirs, x.cols(), "merec");
  require_positive(x, "merec");
  const auto n = x.rows(), m = x.cols();
  matrix a(n, m);  // |ln n_ij|
  for (std::ptrdiff_t c = 0; c < m; ++c) {
    const double mx = x.col(c).maxCoeff(), mn = x.col(c).minCoeff();
    for (std::ptrdiff_t i = 0; i < n; ++i) a(i, c) = std::abs(std::log(direction_at(dirs, c) == 1 ? mn / x(i, c) : x(i, c) / mx));
  }
  const double mm = static_cast<double>(m);
  vector e = vector::Zero(m);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    const double total = a.row(i).sum();
    const double s = std::log(1 + total / mm);
    for (std::ptrdiff_t c = 0; c < m; ++c) e[c] += std::abs(std::log(1 + (total - a(i, c)) / mm) - s);
  }
  return normalised_weights(e, "merec");
}

vector std_weights(const matrix_ref& x) {
  check_decision_matrix(x, "std_weights");
  vector s(x.cols());
  for (std::ptrdiff_t c = 0; c < x.cols(); ++c) {
    const double mean = x.col(c).mean();
    s[c] = std::sqrt((x.col(c).array() - mean).square().mean());
  }
  return normalised_weights(s, "std_weights");
}

vector gini_weights(const matrix_ref& x) {
  check_decision_matrix(x, "gini_weights");
  const auto n = x.rows();
  vector g(x.cols());
  for (std::ptrdiff_t c = 0; c < x.cols(); ++c) {
    const double mean = x.col(c).mean();
    if (mean == 0)
      throw data_error("analysis.decision_matrix_value", "", "criterion " + std::to_string(c),
                       "gini_weights: criterion " + std::to_string(c) + " has mean 0 (the Gini coefficient divides by it)");
    double s = 0;
    for (std::ptrdiff_t i = 0; i < n; ++i)
      for (std::ptrdiff_t k = 0; k < n; ++k) s += std::abs(x(i, c) - x(k, c));
    g[c] = s / (2.0 * static_cast<double>(n) * static_cast<double>(n) * mean);
  }
  return normalised_weights(g, "gini_weights");
}

namespace {
constexpr std::pair<preference_function, const char*> preference_names[] = {
    {preference_function::usual, "usual"},   {preference_function::u_shape, "u_shape"},
    {preference_function::v_shape, "v_shape"}, {preference_function::level, "level"},
    {preference_function::linear, "linear"}, {preference_function::gaussian, "gaussian"}};

std::string criterion_name(std::ptrdiff_t c) { return "criterion " + std::to_string(c); }

// Weights rescaled to sum to 1 (the callers have checked them).
std::vector<double> relative(const std::vector<double>& w) {
  double total = 0;
  for (double v : w) total += v;
  std::vector<double> out(w);
  for (double& v : out) v /= total;
  return out;
}

// One criterion's preference function with its parameters checked.
struct preference {
  preference_function f;
  double q = 0, p = 0, s = 0;
  double operator()(double d) const {
    switch (f) {
      case preference_function::usual: return d > 0 ? 1 : 0;
      case preference_function::u_shape: return d > q ? 1 : 0;
      case preference_function::v_shape: return d <= 0 ? 0 : (d <= p ? d / p : 1);
      case preference_function::level: return d <= q ? 0 : (d <= p ? 0.5 : 1);
      case preference_function::linear: return d <= q ? 0 : (d <= p ? (d - q) / (p - q) : 1);
      case preference_function::gaussian: return d <= 0 ? 0 : 1 - std::exp(-d * d / (2 * s * s));
    }
    return 0;
  }
};

double parameter_of(const std::vector<double>& values, const char* name, std::ptrdiff_t c, std::ptrdiff_t k, preference_function f) {
  const std::string what = "promethee_ii: " + criterion_name(c) + " uses '" + to_string(f) + "', which needs " + name;
  if (values.empty()) throw parameter_error("analysis.promethee_parameter", what + " (give " + name + ", one per criterion)");
  if (static_cast<std::ptrdiff_t>(values.size()) != k)
    throw parameter_error("analysis.promethee_parameter", "promethee_ii: " + std::string(name) + " has " + std::to_string(values.size()) +
                                                              " entries for " + std::to_string(k) + " criteria");
  const double v = values[static_cast<std::size_t>(c)];
  if (!std::isfinite(v)) throw parameter_error("analysis.promethee_parameter", what + " (it is not finite)");
  return v;
}

std::vector<preference> preferences_of(const promethee_options& o, std::ptrdiff_t k) {
  const auto nf = static_cast<std::ptrdiff_t>(o.functions.size());
  if (nf > 1 && nf != k)
    throw parameter_error("analysis.promethee_functions", "promethee_ii: functions has " + std::to_string(nf) + " entries for " +
                                                              std::to_string(k) + " criteria (give one for all, or one per criterion)");
  std::vector<preference> out;
  for (std::ptrdiff_t c = 0; c < k; ++c) {
    preference pf{nf == 0 ? preference_function::usual : o.functions[static_cast<std::size_t>(nf == 1 ? 0 : c)]};
    const std::string where = "promethee_ii: " + criterion_name(c) + " ('" + to_string(pf.f) + "')";
    switch (pf.f) {
      case preference_function::usual: break;
      case preference_function::u_shape:
        pf.q = parameter_of(o.q, "q", c, k, pf.f);
        if (pf.q < 0) throw parameter_error("analysis.promethee_parameter", where + ": q must be ≥ 0");
        break;
      case preference_function::v_shape:
        pf.p = parameter_of(o.p, "p", c, k, pf.f);
        if (!(pf.p > 0)) throw parameter_error("analysis.promethee_parameter", where + ": p must be > 0");
        break;
      case preference_function::level:
      case preference_function::linear:
        pf.q = parameter_of(o.q, "q", c, k, pf.f);
        pf.p = parameter_of(o.p, "p", c, k, pf.f);
        if (pf.q < 0 || !(pf.p > pf.q)) throw parameter_error("analysis.promethee_parameter", where + ": needs 0 ≤ q < p");
        break;
      case preference_function::gaussian:
        pf.s = parameter_of(o.s, "s", c, k, pf.f);
        if (!(pf.s > 0)) throw parameter_error("analysis.promethee_parameter", where + ": s must be > 0");
        break;
    }
    out.push_back(pf);
  }
  return out;
}
}  // namespace

const char* to_string(preference_function f) {
  for (const auto& [value, name] : preference_names)
    if (value == f) return name;
  return "?";
}

preference_function preference_function_from_string(const std::string& s) {
  for (const auto& [value, name] : preference_names)
    if (s == name) return value;
  if (s == "ushape") return preference_function::u_shape;
  if (s == "vshape") return preference_function::v_shape;
  if (s == "vshape_2") return preference_function::linear;
  throw parameter_error("analysis.promethee_functions",
                        "promethee_ii: unknown preference function '" + s + "' (usual, u_shape, v_shape, level, linear, gaussian)");
}

promethee_result promethee_ii(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& dirs,
                              const promethee_options& o) {
  check_decision_problem(x, w, dirs, "promethee_ii");
  const auto prefs = preferences_of(o, x.cols());
  const auto wr = relative(w);
  const auto n = x.rows();
  promethee_result r{vector::Zero(n), vector::Zero(n), vector::Zero(n), vector(), matrix::Zero(n, n)};
  for (std::ptrdiff_t c = 0; c < x.cols(); ++c) {
    const double wc = wr[static_cast<std::size_t>(c)], sign = direction_at(dirs, c);
    if (wc == 0) continue;
    for (std::ptrdiff_t a = 0; a < n; ++a)
      for (std::ptrdiff_t b = 0; b < n; ++b)
        if (a != b) r.preference(a, b) += wc * prefs[static_cast<std::size_t>(c)](sign * (x(a, c) - x(b, c)));
  }
  if (n > 1) {
    const double others = static_cast<double>(n - 1);
    r.positive_flow = r.preference.rowwise().sum() / others;
    r.negative_flow = r.preference.colwise().sum().transpose() / others;
  }
  r.net_flow = r.positive_flow - r.negative_flow;
  r.ranks = rank_values(r.net_flow, false, tie_rule::competition);
  return r;
}

edas_result edas(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& dirs) {
  check_decision_problem(x, w, dirs, "edas");
  const auto wr = relative(w);
  const auto n = x.rows();
  edas_result r{vector(n), vector::Zero(n), vector::Zero(n), vector(n), vector(n), vector()};
  for (std::ptrdiff_t c = 0; c < x.cols(); ++c) {
    const double av = x.col(c).mean();
    if (av == 0)
      throw data_error("analysis.decision_matrix_value", "", criterion_name(c),
                       "edas: " + criterion_name(c) + " has average 0 (the distances from the average divide by it)");
    const double wc = wr[static_cast<std::size_t>(c)], sign = direction_at(dirs, c);
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const double d = sign * (x(i, c) - av) / av;
      r.sp[i] += wc * std::max(0.0, d);
      r.sn[i] += wc * std::max(0.0, -d);
    }
  }
  // max = 0: nobody lies on that side of the average; the share is 0 for everyone.
  const double sp_max = r.sp.maxCoeff(), sn_max = r.sn.maxCoeff();
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    r.nsp[i] = sp_max > 0 ? r.sp[i] / sp_max : 0;
    r.nsn[i] = 1 - (sn_max > 0 ? r.sn[i] / sn_max : 0);
    r.score[i] = (r.nsp[i] + r.nsn[i]) / 2;
  }
  r.ranks = rank_values(r.score, false, tie_rule::competition);
  return r;
}

mabac_result mabac(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& dirs) {
  check_decision_problem(x, w, dirs, "mabac");
  const auto wr = relative(w);
  const auto n = x.rows();
  mabac_result r{vector::Zero(n), vector::Zero(x.cols()), vector()};
  vector v(n);
  for (std::ptrdiff_t c = 0; c < x.cols(); ++c) {
    const double mn = x.col(c).minCoeff(), mx = x.col(c).maxCoeff(), wc = wr[static_cast<std::size_t>(c)];
    // A constant criterion: every v equals the border, so it adds 0 to every S (t is set to 0).
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      const double t = mx == mn ? 0 : (direction_at(dirs, c) == 1 ? (x(i, c) - mn) / (mx - mn) : (x(i, c) - mx) / (mn - mx));
      v[i] = wc * (t + 1);
    }
    // The border is the geometric mean of v, through logs (a product of many v < 1 underflows);
    // when every v is equal (constant criterion, or weight 0) it is that value exactly.
    r.border[c] = mx == mn || wc == 0 ? v[0] : std::exp(v.array().log().mean());
    r.score += (v.array() - r.border[c]).matrix();
  }
  r.ranks = rank_values(r.score, false, tie_rule::competition);
  return r;
}

spotis_result spotis(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& dirs,
                     const std::vector<double>& lower, const std::vector<double>& upper) {
  check_decision_problem(x, w, dirs, "spotis");
  const auto k = x.cols();
  if (static_cast<std::ptrdiff_t>(lower.size()) != k || static_cast<std::ptrdiff_t>(upper.size()) != k)
    throw parameter_error("analysis.spotis_bounds", "spotis: bounds have " + std::to_string(lower.size()) + " lower and " +
                                                        std::to_string(upper.size()) + " upper entries for " + std::to_string(k) +
                                                        " criteria (one pair per criterion)");
  const auto wr = relative(w);
  const auto n = x.rows();
  spotis_result r{vector::Zero(n), vector()};
  for (std::ptrdiff_t c = 0; c < k; ++c) {
    const double lo = lower[static_cast<std::size_t>(c)], hi = upper[static_cast<std::size_t>(c)];
    if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi))
      throw parameter_error("analysis.spotis_bounds", "spotis: the bounds of " + criterion_name(c) + " are [" + std::to_string(lo) +
                                                          ", " + std::to_string(hi) + "] (need finite lower < upper)");
    const double ideal = direction_at(dirs, c) == 1 ? hi : lo, wc = wr[static_cast<std::size_t>(c)];
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      if (x(i, c) < lo || x(i, c) > hi)
        throw data_error("analysis.spotis_outside", "row " + std::to_string(i), criterion_name(c),
                         "spotis: row " + std::to_string(i) + " has " + std::to_string(x(i, c)) + " on " + criterion_name(c) +
                             ", outside its bounds [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
      r.score[i] += wc * std::abs(x(i, c) - ideal) / (hi - lo);
    }
  }
  r.ranks = rank_values(r.score, true, tie_rule::competition);
  return r;
}

double weighted_spearman(const Eigen::Ref<const vector>& x, const Eigen::Ref<const vector>& y) {
  check_ranks(x, y, "weighted_spearman");
  const double n = static_cast<double>(x.size());
  double s = 0;
  for (std::ptrdiff_t i = 0; i < x.size(); ++i) s += (x[i] - y[i]) * (x[i] - y[i]) * ((n - x[i] + 1) + (n - y[i] + 1));
  return 1 - 6 * s / (n * n * n * n + n * n * n - n * n - n);
}

double ws_similarity(const Eigen::Ref<const vector>& x, const Eigen::Ref<const vector>& y) {
  check_ranks(x, y, "ws_similarity");
  const double n = static_cast<double>(x.size());
  double s = 0;
  for (std::ptrdiff_t i = 0; i < x.size(); ++i)
    s += std::pow(2.0, -x[i]) * std::abs(x[i] - y[i]) / std::max(std::abs(x[i] - 1), std::abs(x[i] - n));
  return 1 - s;
}

}  // namespace chiso::analysis
