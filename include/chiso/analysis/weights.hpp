// Weights: equal, by hand (relative, per node), AHP from a pairwise-comparison matrix with
// Saaty's consistency ratio, entropy, CRITIC, PCA (first-component loadings, as COINr's
// get_PCA), and the hierarchy's local and effective weights.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

vector equal_weights(std::ptrdiff_t n);

// ---- AHP ---------------------------------------------------------------------------------------
// Priority vector of a positive reciprocal matrix A (a_ji = 1 / a_ij):
//   eigenvector      principal right eigenvector (Eigen's EigenSolver), λmax its eigenvalue
//   power_iteration  A^k e normalised until the change is < 1e-14 (≤ 10000 steps)
//   geometric_mean   row geometric means (Crawford & Williams' logarithmic least squares)
// For the last two λmax = mean_i (A w)_i / w_i. CI = (λmax − n)/(n − 1), CR = CI / RI(n).
enum class ahp_method { eigenvector, power_iteration, geometric_mean };
const char* to_string(ahp_method m);
ahp_method ahp_method_from_string(const std::string& s);

// Saaty's random indices (Saaty 1980 for n ≤ 10, extended to 15 as commonly tabulated):
// n = 1..15 → 0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59.
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

}  // namespace chiso::analysis
