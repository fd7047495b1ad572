#include "chiso/analysis/mcda.hpp"

#include <algorithm>
#include <cmath>
#include <string>

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
  check_decision_matrix(x, "waspas");
  check_decision_weights(w, x.cols(), "waspas");
  check_directions(dirs, x.cols(), "waspas");
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
