#include "chiso/analysis/correlation.hpp"

#include <cmath>

namespace chiso::analysis {

const char* to_string(correlation_method m) { return m == correlation_method::pearson ? "pearson" : "spearman"; }
correlation_method correlation_method_from_string(const std::string& s) {
  if (s == "pearson") return correlation_method::pearson;
  if (s == "spearman") return correlation_method::spearman;
  throw parameter_error("analysis.correlation_method", "correlation: unknown method '" + s + "' (pearson, spearman)");
}

double correlation(const double* a, const double* b, std::ptrdiff_t n, correlation_method m) {
  vector x(n), y(n);
  std::ptrdiff_t k = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i)
    if (!std::isnan(a[i]) && !std::isnan(b[i])) { x[k] = a[i]; y[k] = b[i]; ++k; }
  if (k < 2) return nan;
  x.conservativeResize(k);
  y.conservativeResize(k);
  if (m == correlation_method::spearman) {
    x = rank_values(x, true, tie_rule::average);
    y = rank_values(y, true, tie_rule::average);
  }
  const double mx = x.mean(), my = y.mean();
  const auto dx = x.array() - mx, dy = y.array() - my;
  return (dx * dy).sum() / std::sqrt(dx.square().sum() * dy.square().sum());
}

matrix correlation_matrix(const matrix_ref& x, correlation_method m) {
  matrix r(x.cols(), x.cols());
  for (std::ptrdiff_t i = 0; i < x.cols(); ++i) {
    r(i, i) = 1;
    for (std::ptrdiff_t j = i + 1; j < x.cols(); ++j) r(i, j) = r(j, i) = correlation(x.col(i).data(), x.col(j).data(), x.rows(), m);
  }
  return r;
}

namespace {
void check_scores(const hierarchy& h, const matrix_ref& s) {
  if (s.cols() != h.n_nodes())
    throw parameter_error("analysis.correlation_shape", "correlation: scores need one column per node (" + std::to_string(h.n_nodes()) + ")");
}
matrix children_of(const hierarchy& h, const matrix_ref& s, std::ptrdiff_t node) {
  const auto& ch = h.node(node).children;
  matrix out(s.rows(), static_cast<std::ptrdiff_t>(ch.size()));
  for (std::size_t k = 0; k < ch.size(); ++k) out.col(static_cast<std::ptrdiff_t>(k)) = s.col(ch[k]);
  return out;
}
}  // namespace

vector parent_correlations(const hierarchy& h, const matrix_ref& s, correlation_method m) {
  check_scores(h, s);
  vector out(h.n_nodes());
  for (std::ptrdiff_t i = 0; i < h.n_nodes(); ++i) {
    const auto p = h.node(i).parent;
    out[i] = p < 0 ? nan : correlation(s.col(i).data(), s.col(p).data(), s.rows(), m);
  }
  return out;
}

matrix within_node_correlations(const hierarchy& h, const matrix_ref& s, std::ptrdiff_t node, correlation_method m) {
  check_scores(h, s);
  if (node < h.first_aggregate() || node >= h.n_nodes())
    throw parameter_error("analysis.aggregation_node", "within-node correlations: node " +
                                                           (node >= 0 && node < h.n_nodes() ? "'" + h.node(node).code + "'"
                                                                                             : std::to_string(node)) +
                                                           " is not an aggregate (an indicator has no children)");
  return correlation_matrix(children_of(h, s, node), m);
}

namespace {
// Sample covariance over the rows where both columns are present (R's cov(use =
// "pairwise.complete.obs")); NaN with fewer than 2 such rows.
double pairwise_covariance(const double* a, const double* b, std::ptrdiff_t n) {
  std::ptrdiff_t m = 0;
  double ma = 0, mb = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i)
    if (!std::isnan(a[i]) && !std::isnan(b[i])) { ma += a[i]; mb += b[i]; ++m; }
  if (m < 2) return nan;
  ma /= static_cast<double>(m);
  mb /= static_cast<double>(m);
  double s = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i)
    if (!std::isnan(a[i]) && !std::isnan(b[i])) s += (a[i] - ma) * (b[i] - mb);
  return s / static_cast<double>(m - 1);
}
}  // namespace

double cronbach_alpha(const matrix_ref& x) {
  const auto k = x.cols();
  if (k < 2) return nan;
  double all = 0, diagonal = 0;  // sums of the covariance matrix's entries (NA entries dropped)
  for (std::ptrdiff_t i = 0; i < k; ++i)
    for (std::ptrdiff_t j = 0; j < k; ++j) {
      const double c = pairwise_covariance(x.col(i).data(), x.col(j).data(), x.rows());
      if (std::isnan(c)) continue;
      all += c;
      if (i == j) diagonal += c;
    }
  const double kk = static_cast<double>(k);
  const double mean_off_diagonal = (all - diagonal) / (kk * (kk - 1));
  return all != 0 ? kk * kk * mean_off_diagonal / all : nan;
}

vector cronbach_alphas(const hierarchy& h, const matrix_ref& s) {
  check_scores(h, s);
  vector out = vector::Constant(h.n_nodes(), nan);
  for (std::ptrdiff_t i = h.first_aggregate(); i < h.n_nodes(); ++i) out[i] = cronbach_alpha(children_of(h, s, i));
  return out;
}

}  // namespace chiso::analysis
