// Weights: equal, by hand (relative, per node), AHP from a pairwise-comparison matrix with
// Saaty's consistency ratio, entropy, CRITIC, PCA (first-component loadings, as COINr's
// get_PCA), and the hierarchy's local and effective weights.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "chiso/analysis/aggregate.hpp"
#include "chiso/analysis/correlation.hpp"
#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

// ---- AHP ---------------------------------------------------------------------------------------
// Priority vector of a positive reciprocal matrix A (a_ji = 1 / a_ij):
//   eigenvector      principal right eigenvector (Eigen's EigenSolver), λmax its eigenvalue
//   power_iteration  A^k e normalised until the change is < 1e-14 (≤ 10000 steps)
//   geometric_mean   row geometric means (Crawford & Williams' logarithmic least squares)
// For the last two λmax = mean_i (A w)_i / w_i. CI = (λmax − n)/(n − 1), CR = CI / RI(n).
enum class ahp_method { eigenvector, power_iteration, geometric_mean };
const char* to_string(ahp_method m);
ahp_method ahp_method_from_string(const std::string& s);

// Saaty's random indices, from Saaty, T. L. (1980), The Analytic Hierarchy Process, McGraw-Hill
// (simulations at Oak Ridge National Laboratory and Wharton; n ≤ 10 reprinted in Saaty 1990,
// "How to make a decision", EJOR 48(1) 9–26): n = 1..15 → 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32,
// 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59. The dip at n = 12 is in the source (smaller
// samples for n > 10). Other published tables (e.g. Tummala & Ling 1998, which pymcdm uses:
// 0.5799, 0.8921, ...) can be passed as ahp_options::random_index with their name.
const std::vector<double>& saaty_random_index();
// Beyond the table (n > 15), Saaty's definition computed: the mean CI = (λmax − n)/(n − 1) of
// `samples` random reciprocal matrices whose upper entries are drawn uniformly from the 17
// values 1/9 … 1/2, 1, 2 … 9 (as Alonso & Lamata 2006 and Donegan & Dodd 1991 simulate it).
// Deterministic for a seed; with 10,000 samples its standard error is below 0.002. ahp() uses
// it for n > 15 with the default table and reports random_index_name = "simulated".
double simulated_random_index(std::ptrdiff_t n, int samples = 10000, std::uint64_t seed = 20061);

enum class inconsistency_policy { warn, error };

struct ahp_options {
  ahp_method method = ahp_method::eigenvector;
  std::vector<double> random_index = {};  // empty = saaty_random_index() (simulated for n > 15); entry n−1 for size n
  std::string random_index_name = "saaty";
  double max_cr = 0.1;                    // Saaty's threshold
  inconsistency_policy on_inconsistent = inconsistency_policy::warn;
  double reciprocal_tolerance = 1e-6;     // |a_ij · a_ji − 1| allowed
};

struct ahp_result {
  vector weights;  // sum to 1
  double lambda_max, ci, ri, cr;
  bool consistent;       // cr ≤ max_cr (always true for n ≤ 2)
  std::string warning;   // non-empty when not consistent
  ahp_method method;
  std::string random_index_name;
};
// Throws parameter_error for a non-square, non-positive or non-reciprocal matrix (naming the
// cell), and for CR > max_cr when on_inconsistent = error.
ahp_result ahp(const matrix_ref& pairwise, const ahp_options& options = {});

// ---- objective weights from a decision matrix (units × criteria, no missing values) -------------
// entropy: p_ij = x_ij / Σ_i x_ij (x ≥ 0), E_j = −Σ_i p_ij ln p_ij / ln m (0 ln 0 = 0),
//          w_j = (1 − E_j) / Σ_k (1 − E_k).
vector entropy_weights(const matrix_ref& x);
// CRITIC (Diakoulaki et al. 1995): r_ij min-max normalised ((x − min)/(max − min), cost:
// (max − x)/(max − min)), C_j = σ_j Σ_k (1 − ρ_jk) with σ the sample sd and ρ Pearson's
// correlation of the normalised columns, w_j = C_j / Σ C.
vector critic_weights(const matrix_ref& x, const std::vector<int>& directions = {});
// PCA: loadings of the first principal component of the standardised complete rows
// (stats::prcomp(center = TRUE, scale = TRUE)$rotation[, 1], as COINr get_PCA), i.e. the
// eigenvector of the correlation matrix with the largest eigenvalue, unit length. Its sign is
// arbitrary in prcomp; chiso makes the sum positive. Loadings may be negative (COINr warns).
struct pca_result {
  vector loadings;
  double variance_share;    // λ1 / Σλ
  std::ptrdiff_t rows_used; // complete rows
};
pca_result pca_weights(const matrix_ref& x);

// ---- the hierarchy -------------------------------------------------------------------------------
// Local weights: each node's weight divided by the sum of its siblings' (root: 1).
vector local_weights(const hierarchy& h, const Eigen::Ref<const vector>& w);
// Effective weights: local weight times the parent's effective weight, down from the root (1),
// so the indicators' effective weights sum to 1 and say how much each counts in the index.
vector effective_weights(const hierarchy& h, const Eigen::Ref<const vector>& w);
// Weights of every node with `node`'s children replaced by `children_weights` (in the order of
// hierarchy_node::children); e.g. an AHP result per node gives weights at every level.
vector with_children_weights(const hierarchy& h, const Eigen::Ref<const vector>& w, std::ptrdiff_t node,
                             const Eigen::Ref<const vector>& children_weights);

// ---- weight optimisation (COINr get_opt_weights) -------------------------------------------------
// Nelder–Mead as R's stats::optim(method = "Nelder-Mead") runs it (R's nmmin, after Nash 1990):
// reflection alpha = 1, contraction beta = 0.5, expansion gamma = 2; the first simplex steps
// each coordinate by 0.1 · max|x0| (0.1 if x0 = 0); it stops when f(high) ≤ f(low) + reltol ·
// (|f(x0)| + reltol), or f(low) ≤ abstol, or after more than max_evaluations evaluations
// (convergence 1), or when a shrink does not reduce the simplex (convergence 10). A non-finite
// f counts as 1e35. The same arithmetic in the same order, so it retraces R's path.
struct nelder_mead_options {
  double abstol = -std::numeric_limits<double>::infinity();
  double reltol = 1.490116119384765625e-08;  // sqrt(.Machine$double.eps), optim's default
  int max_evaluations = 500;                 // optim's maxit for Nelder–Mead
  double alpha = 1, beta = 0.5, gamma = 2;
};
struct nelder_mead_result {
  vector x;
  double value;
  int evaluations;
  int convergence;  // 0, 1 (max_evaluations reached), 10 (degenerate simplex)
};
nelder_mead_result nelder_mead(const std::function<double(const vector&)>& f, const vector& start,
                               const nelder_mead_options& options = {});

// get_opt_weights(coin, itarg, dset = "Aggregated", Level, cortype, optype, toler, maxiter):
// the weights of the nodes at `level` that make their correlations with the index (the root)
// agree with target importances (goal balance), or whose correlations sum to the most (infomax).
// For level weights w (Nelder–Mead works on w unconstrained; the tree uses w / Σw at the level,
// the other weights as given), re-aggregate `normalised` with `plan`, take c_k = corr(node k,
// index) (pairwise complete, `correlation`), then minimise
//   balance  log( Σ_k (t_k − c_k/Σc)² / K ),   t = targets / Σ targets (empty: equal), start t
//   infomax  −Σ_k c_k,                          start: the level's given weights
// with nelder_mead(reltol = tolerance, max_evaluations = max_iterations) — COINr's defaults
// 0.1 and 500. Differences from COINr, both deliberate: `obtained` is evaluated at the returned
// weights (COINr reports the correlations of the last evaluation, which need not be the best),
// and targets met exactly at the start (log 0) return the start (R's optim stops with an error).
// COINr pairs itarg with the correlations sorted by node code; chiso pairs them with the level's
// nodes in node order (the same when the codes sort in that order).
enum class opt_weights_goal { balance, infomax };
const char* to_string(opt_weights_goal g);
opt_weights_goal opt_weights_goal_from_string(const std::string& s);

struct opt_weights_options {
  opt_weights_goal goal = opt_weights_goal::balance;
  std::vector<double> targets;  // one per node at the level, ≥ 0, not all 0; empty = equal
  correlation_method correlation = correlation_method::pearson;
  double tolerance = 0.1;
  int max_iterations = 500;
};
struct opt_weights_result {
  std::vector<std::ptrdiff_t> nodes;  // the level's nodes, in node order
  vector level_weights;               // optimised, summing to 1 over the level
  vector weights;                     // every node: the given weights with the level's replaced
  vector desired;                     // t (NaN for infomax)
  vector obtained;                    // c / Σc (balance) or c (infomax) at level_weights
  double objective;
  int evaluations, convergence;       // as nelder_mead_result
};
// Throws parameter_error for a level without nodes or the index's own level, targets of the
// wrong length or not ≥ 0, a tolerance ≤ 0 or max_iterations < 1; data_error when the
// correlations are undefined at the start (a node or the index constant).
opt_weights_result optimise_weights(const hierarchy& h, const aggregation_plan& plan, const matrix_ref& normalised,
                                    const Eigen::Ref<const vector>& weights, int level, const opt_weights_options& options = {});

}  // namespace chiso::analysis
