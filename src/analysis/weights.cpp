#include "chiso/analysis/weights.hpp"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <random>

#include "chiso/analysis/correlation.hpp"

namespace chiso::analysis {

const char* to_string(ahp_method m) {
  switch (m) {
    case ahp_method::eigenvector: return "eigenvector";
    case ahp_method::power_iteration: return "power_iteration";
    case ahp_method::geometric_mean: return "geometric_mean";
  }
  return "?";
}
ahp_method ahp_method_from_string(const std::string& s) {
  for (auto m : {ahp_method::eigenvector, ahp_method::power_iteration, ahp_method::geometric_mean})
    if (s == to_string(m)) return m;
  throw parameter_error("analysis.ahp_method", "ahp: unknown method '" + s + "' (eigenvector, power_iteration, geometric_mean)");
}

const std::vector<double>& saaty_random_index() {
  static const std::vector<double> ri = {0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59};
  return ri;
}

double simulated_random_index(std::ptrdiff_t n, int samples, std::uint64_t seed) {
  if (n < 1 || samples < 1) throw parameter_error("analysis.ahp_ri", "ahp: the simulated random index needs n ≥ 1 and samples ≥ 1");
  if (n <= 2) return 0;
  // The 17 values of Saaty's 1–9 scale; mt19937_64's output is fixed by the standard, so the
  // draws (and the index) are the same on every platform.
  static const double scale[17] = {1.0 / 9, 1.0 / 8, 1.0 / 7, 1.0 / 6, 1.0 / 5, 1.0 / 4, 1.0 / 3, 1.0 / 2, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::mt19937_64 draw(seed);
  matrix a(n, n);
  vector w(n), next(n);
  double sum_ci = 0;
  for (int s = 0; s < samples; ++s) {
    for (std::ptrdiff_t i = 0; i < n; ++i) {
      a(i, i) = 1;
      for (std::ptrdiff_t j = i + 1; j < n; ++j) {
        a(i, j) = scale[draw() % 17];
        a(j, i) = 1 / a(i, j);
      }
    }
    // λmax of a positive matrix by power iteration (Perron–Frobenius: it converges).
    w.setConstant(1.0 / static_cast<double>(n));
    double lambda = 0;
    for (int it = 0; it < 1000; ++it) {
      next.noalias() = a * w;
      lambda = next.sum();  // w sums to 1
      next /= lambda;
      const double change = (next - w).cwiseAbs().maxCoeff();
      w.swap(next);
      if (change < 1e-12) break;
    }
    sum_ci += (lambda - static_cast<double>(n)) / static_cast<double>(n - 1);
  }
  return sum_ci / samples;
}

namespace {
// Saaty's table, then simulated values (cached) beyond it.
double random_index_for(std::ptrdiff_t n, std::string& name) {
  const auto& table = saaty_random_index();
  if (n <= static_cast<std::ptrdiff_t>(table.size())) return table[static_cast<std::size_t>(n - 1)];
  static std::mutex guard;
  static std::map<std::ptrdiff_t, double> cache;
  std::lock_guard<std::mutex> lock(guard);
  auto it = cache.find(n);
  if (it == cache.end()) it = cache.emplace(n, simulated_random_index(n)).first;
  name = "simulated";
  return it->second;
}
}  // namespace

ahp_result ahp(const matrix_ref& a, const ahp_options& o) {
  const auto n = a.rows();
  if (n == 0 || a.cols() != n) throw parameter_error("analysis.ahp_shape", "ahp: the pairwise matrix must be square and non-empty");
  for (std::ptrdiff_t i = 0; i < n; ++i)
    for (std::ptrdiff_t j = 0; j < n; ++j) {
      const std::string cell = "(" + std::to_string(i + 1) + ", " + std::to_string(j + 1) + ")";
      if (!(a(i, j) > 0) || !std::isfinite(a(i, j)))
        throw parameter_error("analysis.ahp_positive", "ahp: entry " + cell + " must be positive and finite");
      if (std::abs(a(i, j) * a(j, i) - 1) > o.reciprocal_tolerance)
        throw parameter_error("analysis.ahp_reciprocal", "ahp: entry " + cell + " is not the reciprocal of its mirror");
    }
  ahp_result r;
  r.method = o.method;
  r.random_index_name = o.random_index.empty() ? "saaty" : o.random_index_name;
  if (!o.random_index.empty() && static_cast<std::ptrdiff_t>(o.random_index.size()) < n)
    throw parameter_error("analysis.ahp_ri", "ahp: the random index table '" + o.random_index_name + "' has no entry for n = " +
                                                 std::to_string(n) + " (pass a longer table, or none: Saaty's, simulated beyond 15)");
  r.ri = o.random_index.empty() ? random_index_for(n, r.random_index_name) : o.random_index[static_cast<std::size_t>(n - 1)];
  vector w(n);
  if (o.method == ahp_method::eigenvector) {
    Eigen::EigenSolver<matrix> es(a);
    std::ptrdiff_t best = 0;
    for (std::ptrdiff_t k = 1; k < n; ++k)
      if (es.eigenvalues()[k].real() > es.eigenvalues()[best].real()) best = k;
    r.lambda_max = es.eigenvalues()[best].real();
    w = es.eigenvectors().col(best).real();
  } else if (o.method == ahp_method::power_iteration) {
    w = vector::Constant(n, 1.0 / static_cast<double>(n));
    for (int it = 0; it < 10000; ++it) {
      vector next = a * w;
      next /= next.sum();
      const double change = (next - w).cwiseAbs().maxCoeff();
      w = next;
      if (change < 1e-14) break;
    }
  } else {
    for (std::ptrdiff_t i = 0; i < n; ++i) w[i] = std::exp(a.row(i).array().log().mean());
  }
  w /= w.sum();
  if (o.method != ahp_method::eigenvector) r.lambda_max = ((a * w).array() / w.array()).mean();
  r.weights = w;
  r.ci = n > 2 ? (r.lambda_max - static_cast<double>(n)) / static_cast<double>(n - 1) : 0.0;
  r.cr = r.ri > 0 ? r.ci / r.ri : 0.0;
  r.consistent = r.cr <= o.max_cr;
  if (!r.consistent) {
    r.warning = "ahp: consistency ratio " + std::to_string(r.cr) + " exceeds " + std::to_string(o.max_cr) +
                " (random index '" + r.random_index_name + "'); revise the comparisons";
    if (o.on_inconsistent == inconsistency_policy::error) throw parameter_error("analysis.ahp_inconsistent", r.warning);
  }
  return r;
}

namespace {
void require_complete(const matrix_ref& x, const char* step) {
  if (x.rows() < 2 || x.cols() < 1) throw parameter_error("analysis.weights_shape", std::string(step) + ": need at least 2 rows and 1 column");
  if (x.hasNaN()) throw data_error("analysis.weights_missing", "", "", std::string(step) + ": the decision matrix has missing values (impute first)");
}
}  // namespace

vector entropy_weights(const matrix_ref& x) {
  require_complete(x, "entropy weights");
  const auto m = x.rows();
  vector d(x.cols());
  for (std::ptrdiff_t j = 0; j < x.cols(); ++j) {
    if ((x.col(j).array() < 0).any()) throw data_error("analysis.entropy_negative", "", "column " + std::to_string(j), "entropy weights: values must be ≥ 0");
    const double s = x.col(j).sum();
    double e = 0;
    for (std::ptrdiff_t i = 0; i < m; ++i) {
      const double p = x(i, j) / s;
      if (p > 0) e -= p * std::log(p);
    }
    d[j] = 1 - e / std::log(static_cast<double>(m));
  }
  return d / d.sum();
}

vector critic_weights(const matrix_ref& x, const std::vector<int>& dirs) {
  require_complete(x, "CRITIC weights");
  if (!dirs.empty() && static_cast<std::ptrdiff_t>(dirs.size()) != x.cols())
    throw parameter_error("analysis.critic_directions", "CRITIC weights: one direction per criterion");
  matrix r(x.rows(), x.cols());
  for (std::ptrdiff_t j = 0; j < x.cols(); ++j) {
    const double mn = x.col(j).minCoeff(), mx = x.col(j).maxCoeff();
    const bool cost = !dirs.empty() && dirs[static_cast<std::size_t>(j)] == -1;
    if (cost) r.col(j) = ((mx - x.col(j).array()) / (mx - mn)).matrix();
    else r.col(j) = ((x.col(j).array() - mn) / (mx - mn)).matrix();
  }
  const matrix rho = correlation_matrix(r, correlation_method::pearson);
  vector c(x.cols());
  for (std::ptrdiff_t j = 0; j < x.cols(); ++j) {
    const double mu = r.col(j).mean();
    const double sd = std::sqrt((r.col(j).array() - mu).square().sum() / static_cast<double>(x.rows() - 1));
    c[j] = sd * (1 - rho.row(j).array()).sum();
  }
  return c / c.sum();
}

pca_result pca_weights(const matrix_ref& x) {
  if (x.cols() < 1) throw parameter_error("analysis.weights_shape", "PCA weights: need at least 1 column");
  std::vector<std::ptrdiff_t> rows;
  for (std::ptrdiff_t i = 0; i < x.rows(); ++i)
    if (!x.row(i).hasNaN()) rows.push_back(i);
  if (rows.size() < 2) throw data_error("analysis.pca_rows", "", "", "PCA weights: fewer than 2 complete rows");
  matrix c(static_cast<std::ptrdiff_t>(rows.size()), x.cols());
  for (std::size_t k = 0; k < rows.size(); ++k) c.row(static_cast<std::ptrdiff_t>(k)) = x.row(rows[k]);
  const matrix rho = correlation_matrix(c, correlation_method::pearson);
  Eigen::SelfAdjointEigenSolver<matrix> es(rho);
  const auto k = x.cols() - 1;  // eigenvalues ascending
  pca_result r;
  r.loadings = es.eigenvectors().col(k);
  if (r.loadings.sum() < 0) r.loadings = -r.loadings;
  r.variance_share = es.eigenvalues()[k] / es.eigenvalues().sum();
  r.rows_used = static_cast<std::ptrdiff_t>(rows.size());
  return r;
}

vector local_weights(const hierarchy& h, const Eigen::Ref<const vector>& w) {
  if (w.size() != h.n_nodes())
    throw parameter_error("analysis.weights_length", "weights: " + std::to_string(w.size()) + " weights for " + std::to_string(h.n_nodes()) + " nodes");
  vector out = vector::Ones(h.n_nodes());
  for (std::ptrdiff_t p = h.first_aggregate(); p < h.n_nodes(); ++p) {
    double s = 0;
    for (auto c : h.node(p).children) s += w[c];
    if (!(s > 0)) throw parameter_error("analysis.weights_zero", "weights: the children of '" + h.node(p).code + "' have zero total weight");
    for (auto c : h.node(p).children) out[c] = w[c] / s;
  }
  return out;
}

vector effective_weights(const hierarchy& h, const Eigen::Ref<const vector>& w) {
  const vector local = local_weights(h, w);
  vector out(h.n_nodes());
  for (std::ptrdiff_t i = h.n_nodes() - 1; i >= 0; --i) {  // parents come after children
    const auto p = h.node(i).parent;
    out[i] = p < 0 ? 1.0 : local[i] * out[p];
  }
  return out;
}

vector with_children_weights(const hierarchy& h, const Eigen::Ref<const vector>& w, std::ptrdiff_t node,
                             const Eigen::Ref<const vector>& cw) {
  if (w.size() != h.n_nodes())
    throw parameter_error("analysis.weights_length", "weights: " + std::to_string(w.size()) + " weights for " + std::to_string(h.n_nodes()) + " nodes");
  const auto& ch = h.node(node).children;
  if (static_cast<std::ptrdiff_t>(ch.size()) != cw.size())
    throw parameter_error("analysis.weights_children", "weights: '" + h.node(node).code + "' has " + std::to_string(ch.size()) +
                                                           " children, " + std::to_string(cw.size()) + " weights given");
  vector out = w;
  for (std::size_t k = 0; k < ch.size(); ++k) out[ch[k]] = cw[static_cast<std::ptrdiff_t>(k)];
  return out;
}

}  // namespace chiso::analysis

namespace chiso::analysis {

namespace {

// A port of R's nmmin (src/appl/optim.c): p holds the simplex in columns 0..n (coordinates in
// rows 0..n−1, f in row n) and the centroid in column n + 1. `low` and `high` index the lowest
// and the highest vertex; the comparisons, the order of the updates and the stopping rules are
// R's, so every step below does R's arithmetic in R's order.
class nelder_mead_search {
 public:
  nelder_mead_search(const std::function<double(const vector&)>& fn, const nelder_mead_options& o, nelder_mead_result& r,
                     const vector& start, double f_start)
      : fn_(fn), o_(o), r_(r), n_(start.size()), centre_(n_ + 1), convtol_(o.reltol * (std::abs(f_start) + o.reltol)),
        p_(n_ + 1, n_ + 2), b_(start) {
    oldsize_ = build_first_simplex(f_start);
  }

  // Moves the simplex until a stopping rule holds and leaves its lowest vertex in the result.
  void run() {
    bool calcvert = true;
    do {
      if (calcvert) {
        evaluate_vertices_but_low();
        calcvert = false;
      }
      const vertex_order v = order_vertices();
      if (v.f_high <= v.f_low + convtol_ || v.f_low <= o_.abstol) break;
      centroid_without(v.high);
      reflect_through_centroid(v.high);
      const double vr = eval(b_);
      if (vr < v.f_low) {
        extend(v.high, vr);
        continue;
      }
      if (vr < v.f_high) replace(v.high, b_, vr);
      contract_towards_centroid(v.high);
      const double f = eval(b_);
      if (f < p_(n_, v.high)) {
        replace(v.high, b_, f);
      } else if (vr >= v.f_high) {
        if (!shrink_towards_low()) {
          r_.convergence = 10;
          break;
        }
        calcvert = true;
      }
    } while (r_.evaluations <= o_.max_evaluations);
    r_.value = p_(n_, low_);
    r_.x = p_.col(low_).head(n_);
  }

 private:
  struct vertex_order {
    std::ptrdiff_t high;
    double f_low, f_high;
  };

  // A non-finite value counts as 1e35 (R's `big`), so the search moves away from it.
  double eval(const vector& x) {
    const double f = fn_(x);
    ++r_.evaluations;
    return std::isfinite(f) ? f : 1.0e+35;
  }

  // Vertex 0 is the start; vertex j steps coordinate j − 1 by 0.1 · max|start| (0.1 if the start
  // is 0), ten times more until the step shows in floating point. Returns the simplex's size.
  double build_first_simplex(double f_start) {
    p_(n_, 0) = f_start;
    p_.col(0).head(n_) = b_;
    double step = 0;
    for (std::ptrdiff_t i = 0; i < n_; ++i) step = std::max(step, 0.1 * std::abs(b_[i]));
    if (step == 0) step = 0.1;
    double size = 0;
    for (std::ptrdiff_t j = 1; j < n_ + 1; ++j) {
      p_.col(j).head(n_) = b_;
      double trystep = step;
      while (p_(j - 1, j) == b_[j - 1]) {
        p_(j - 1, j) = b_[j - 1] + trystep;
        trystep *= 10;
      }
      size += trystep;
    }
    return size;
  }

  void evaluate_vertices_but_low() {
    for (std::ptrdiff_t j = 0; j < n_ + 1; ++j)
      if (j != low_) {
        b_ = p_.col(j).head(n_);
        p_(n_, j) = eval(b_);
      }
  }

  // Finds the highest vertex and moves `low` to the lowest (on a tie the one found first stays).
  vertex_order order_vertices() {
    vertex_order v{low_, p_(n_, low_), p_(n_, low_)};
    for (std::ptrdiff_t j = 0; j < n_ + 1; ++j)
      if (j != low_) {
        const double fj = p_(n_, j);
        if (fj < v.f_low) {
          low_ = j;
          v.f_low = fj;
        }
        if (fj > v.f_high) {
          v.high = j;
          v.f_high = fj;
        }
      }
    return v;
  }

  void centroid_without(std::ptrdiff_t high) {
    for (std::ptrdiff_t i = 0; i < n_; ++i) {
      double temp = -p_(i, high);
      for (std::ptrdiff_t j = 0; j < n_ + 1; ++j) temp += p_(i, j);
      p_(i, centre_) = temp / static_cast<double>(n_);
    }
  }

  // b = the highest vertex mirrored through the centroid of the others.
  void reflect_through_centroid(std::ptrdiff_t high) {
    for (std::ptrdiff_t i = 0; i < n_; ++i) b_[i] = (1.0 + o_.alpha) * p_(i, centre_) - o_.alpha * p_(i, high);
  }

  // b = a point between the highest vertex and the centroid.
  void contract_towards_centroid(std::ptrdiff_t high) {
    for (std::ptrdiff_t i = 0; i < n_; ++i) b_[i] = (1 - o_.beta) * p_(i, high) + o_.beta * p_(i, centre_);
  }

  void replace(std::ptrdiff_t vertex, const Eigen::Ref<const vector>& x, double f) {
    p_.col(vertex).head(n_) = x;
    p_(n_, vertex) = f;
  }

  // The reflection (in b, value vr) beat the lowest vertex: try going twice as far. The centroid
  // column keeps the reflection meanwhile, as in R.
  void extend(std::ptrdiff_t high, double vr) {
    p_(n_, centre_) = vr;
    for (std::ptrdiff_t i = 0; i < n_; ++i) {
      const double f = o_.gamma * b_[i] + (1 - o_.gamma) * p_(i, centre_);
      p_(i, centre_) = b_[i];
      b_[i] = f;
    }
    const double f = eval(b_);
    if (f < vr) replace(high, b_, f);
    else replace(high, p_.col(centre_).head(n_), vr);
  }

  // Halves every vertex's distance to the lowest; false when that did not make the simplex smaller
  // (R's convergence 10: the simplex is degenerate).
  bool shrink_towards_low() {
    double size = 0;
    for (std::ptrdiff_t j = 0; j < n_ + 1; ++j)
      if (j != low_)
        for (std::ptrdiff_t i = 0; i < n_; ++i) {
          p_(i, j) = o_.beta * (p_(i, j) - p_(i, low_)) + p_(i, low_);
          size += std::abs(p_(i, j) - p_(i, low_));
        }
    if (!(size < oldsize_)) return false;
    oldsize_ = size;
    return true;
  }

  const std::function<double(const vector&)>& fn_;
  const nelder_mead_options& o_;
  nelder_mead_result& r_;
  const std::ptrdiff_t n_, centre_;
  const double convtol_;
  matrix p_;
  vector b_;  // the point being tried
  std::ptrdiff_t low_ = 0;
  double oldsize_ = 0;
};

}  // namespace

nelder_mead_result nelder_mead(const std::function<double(const vector&)>& fn, const vector& start, const nelder_mead_options& o) {
  if (start.size() < 1) throw parameter_error("analysis.nelder_mead", "nelder_mead: needs at least one parameter");
  nelder_mead_result r{start, 0, 0, 0};
  if (o.max_evaluations <= 0) {
    r.value = fn(start);
    return r;
  }
  const double f = fn(start);
  if (!std::isfinite(f)) throw data_error("analysis.nelder_mead", "", "", "nelder_mead: the function cannot be evaluated at the start");
  r.evaluations = 1;
  nelder_mead_search(fn, o, r, start, f).run();
  if (r.evaluations > o.max_evaluations) r.convergence = 1;
  return r;
}

const char* to_string(opt_weights_goal g) { return g == opt_weights_goal::balance ? "balance" : "infomax"; }
opt_weights_goal opt_weights_goal_from_string(const std::string& s) {
  if (s == "balance") return opt_weights_goal::balance;
  if (s == "infomax") return opt_weights_goal::infomax;
  throw parameter_error("analysis.opt_weights_goal", "optimise_weights: unknown goal '" + s + "' (balance, infomax)");
}

opt_weights_result optimise_weights(const hierarchy& h, const aggregation_plan& plan, const matrix_ref& normalised,
                                    const Eigen::Ref<const vector>& weights, int level, const opt_weights_options& o) {
  const std::string m = "optimise_weights";
  if (h.root() < 0) throw parameter_error("analysis.opt_weights_level", m + ": the hierarchy needs a single root (the index)");
  if (weights.size() != h.n_nodes())
    throw parameter_error("analysis.weights_length", m + ": " + std::to_string(weights.size()) + " weights for " +
                                                         std::to_string(h.n_nodes()) + " nodes");
  opt_weights_result r;
  for (std::ptrdiff_t i = 0; i < h.n_nodes(); ++i)
    if (h.node(i).level == level) r.nodes.push_back(i);
  const int top = h.node(h.root()).level;
  if (r.nodes.empty() || level >= top)
    throw parameter_error("analysis.opt_weights_level", m + ": level " + std::to_string(level) + " has no nodes below the index (levels 1 to " +
                                                            std::to_string(top - 1) + ")");
  if (!(o.tolerance > 0)) throw parameter_error("analysis.opt_weights_parameter", m + ": tolerance must be > 0");
  if (o.max_iterations < 1) throw parameter_error("analysis.opt_weights_parameter", m + ": max_iterations must be ≥ 1");
  const auto k = static_cast<std::ptrdiff_t>(r.nodes.size());
  const bool balance = o.goal == opt_weights_goal::balance;
  r.desired = vector::Constant(k, nan);
  vector start(k);
  if (balance) {
    if (!o.targets.empty() && static_cast<std::ptrdiff_t>(o.targets.size()) != k)
      throw parameter_error("analysis.opt_weights_targets", m + ": targets has " + std::to_string(o.targets.size()) + " entries for the " +
                                                                std::to_string(k) + " nodes at level " + std::to_string(level));
    for (std::ptrdiff_t j = 0; j < k; ++j) {
      const double t = o.targets.empty() ? 1.0 : o.targets[static_cast<std::size_t>(j)];
      if (!std::isfinite(t) || t < 0)
        throw parameter_error("analysis.opt_weights_targets", m + ": targets[" + std::to_string(j) + "] must be finite and ≥ 0");
      r.desired[j] = t;
    }
    if (!(r.desired.sum() > 0)) throw parameter_error("analysis.opt_weights_targets", m + ": targets are all 0");
    r.desired /= r.desired.sum();
    start = r.desired;
  } else {
    for (std::ptrdiff_t j = 0; j < k; ++j) start[j] = weights[r.nodes[static_cast<std::size_t>(j)]];
  }

  auto ws = plan.workspace(normalised.rows());
  matrix scores(normalised.rows(), h.n_nodes());
  vector full = weights;
  // The correlations with the index for level weights w (rescaled to sum to 1 over the level).
  const auto correlations = [&](const vector& w) {
    const double total = w.sum();
    for (std::ptrdiff_t j = 0; j < k; ++j) full[r.nodes[static_cast<std::size_t>(j)]] = w[j] / total;
    plan.aggregate_into(normalised, full, ws, scores);
    vector c(k);
    for (std::ptrdiff_t j = 0; j < k; ++j)
      c[j] = correlation(scores.col(r.nodes[static_cast<std::size_t>(j)]).data(), scores.col(h.root()).data(), scores.rows(), o.correlation);
    return c;
  };
  const auto objective = [&](const vector& w) {
    const vector c = correlations(w);
    if (!balance) return -c.sum();
    return std::log((r.desired - c / c.sum()).squaredNorm() / static_cast<double>(k));
  };
  const double f0 = objective(start);
  if (std::isnan(f0))
    throw data_error("analysis.opt_weights_correlation", "", "", m + ": the correlations with the index are undefined at the start "
                                                                "(a node at level " + std::to_string(level) + " or the index is constant)");
  nelder_mead_result nm{start, f0, 1, 0};
  if (f0 != -std::numeric_limits<double>::infinity()) {
    nelder_mead_options no;
    no.reltol = o.tolerance;
    no.max_evaluations = o.max_iterations;
    nm = nelder_mead(objective, start, no);
  }
  r.level_weights = nm.x / nm.x.sum();
  const vector c = correlations(r.level_weights);
  r.obtained = balance ? vector(c / c.sum()) : c;
  r.weights = full;
  r.objective = nm.value;
  r.evaluations = nm.evaluations;
  r.convergence = nm.convergence;
  return r;
}

}  // namespace chiso::analysis
