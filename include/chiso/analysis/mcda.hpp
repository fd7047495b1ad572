// More decision-matrix methods (units × criteria, the argument rules of aggregate.hpp: weights
// finite, ≥ 0, not all 0, one per criterion; directions +1 benefit / −1 cost or empty; no
// missing values), objective weights and rank-similarity coefficients.
//
//   waspas       Zavadskas et al. (2012): r = x / max (benefit), min / x (cost), x > 0;
//                Q1 = Σ w r (weighted sum, WSM), Q2 = Π r^w (weighted product, WPM),
//                Q = λ Q1 + (1 − λ) Q2; λ = 1 is the weighted sum, λ = 0 the weighted product.
//   merec        Keshavarz-Ghorabaee et al. (2021): n = min / x (benefit), x / max (cost), x > 0;
//                S_i = ln(1 + (1/m) Σ_j |ln n_ij|), S'_ij the same without criterion j,
//                E_j = Σ_i |S'_ij − S_i|, w = E / Σ E (m = number of criteria).
//   std weights  w_j = σ_j / Σ σ, σ the sd of column j (the n or n − 1 divisor cancels).
//   gini weights w_j = G_j / Σ G, G_j = Σ_i Σ_k |x_ij − x_kj| / (2 n² mean_j) (as pymcdm).
//   rank similarity of two rankings x, y of n items (1 = best):
//     r_w  (Pinto da Costa & Soares 2005) 1 − 6 Σ (x − y)² ((n − x + 1) + (n − y + 1)) / (n⁴ + n³ − n² − n)
//     WS   (Sałabun & Urbaniak 2020) 1 − Σ 2^(−x_i) |x_i − y_i| / max(|x_i − 1|, |x_i − n|)
// A constant criterion: WASPAS gives it r = 1 for everyone (it adds the same to every Q),
// MEREC gives it weight 0 (removing it changes nothing), std and Gini weights 0; all criteria
// constant is a data_error for the weights (no criterion carries information).
//   promethee_ii Brans & Vincke (1985): d_j(a, b) = g_j(a) − g_j(b) (cost: g_j(b) − g_j(a)),
//                P_j = F_j(d_j) by the criterion's preference function (below), π(a, b) =
//                Σ w_j P_j / Σ w; φ⁺(a) = Σ_b π(a, b)/(n − 1), φ⁻(a) = Σ_b π(b, a)/(n − 1),
//                net flow φ = φ⁺ − φ⁻ (higher is better; n = 1: every flow 0).
//   edas         Keshavarz Ghorabaee et al. (2015): AV_j = column mean (≠ 0); PDA = max(0, x − AV)/AV,
//                NDA = max(0, AV − x)/AV (cost: the two swapped); SP = Σ w PDA, SN = Σ w NDA;
//                AS = (SP/max SP + 1 − SN/max SN)/2 (higher is better).
//   mabac        Pamučar & Ćirović (2015): t = (x − min)/(max − min) (cost: (x − max)/(min − max)),
//                v = w (t + 1), border g_j = (Π_i v_ij)^(1/n), S = Σ_j (v_ij − g_j) (higher is better).
//   spotis       Dezert et al. (2020): bounds [lo_j, hi_j] per criterion, ideal point hi (benefit) or
//                lo (cost), d = Σ_j w_j |x_ij − ideal_j| / (hi_j − lo_j) (lower is better).
// Weights are relative (rescaled to sum to 1). Constant criteria: PROMETHEE II, EDAS and MABAC
// give them no influence (every d is 0; every x equals the average; every v equals the border
// g), so the result equals that without the criterion; SPOTIS scales by the bounds, not by the
// data, so a constant criterion is an ordinary one there. Degenerate wholes, never NaN: EDAS with
// max SP = 0 (nobody above average) takes SP/max SP = 0, with max SN = 0 takes SN/max SN = 0, so
// all criteria constant gives AS = ½ for everyone; MABAC and PROMETHEE give 0.
#pragma once

#include <string>
#include <vector>

#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

struct waspas_result {
  vector q, wsm, wpm, ranks;  // ranks by q, descending
  double lambda;
};
waspas_result waspas(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions = {},
                     double lambda = 0.5);

vector merec_weights(const matrix_ref& x, const std::vector<int>& directions = {});
vector std_weights(const matrix_ref& x);
vector gini_weights(const matrix_ref& x);

// PROMETHEE II's preference functions of the difference d (Brans & Vincke 1985, types I–VI):
//   usual     1 if d > 0                                  (no parameter)
//   u_shape   1 if d > q                                  (q ≥ 0)
//   v_shape   d/p for 0 < d ≤ p, 1 above                  (p > 0)
//   level     ½ for q < d ≤ p, 1 above                    (0 ≤ q < p)
//   linear    (d − q)/(p − q) for q < d ≤ p, 1 above      (0 ≤ q < p; "V-shape with indifference")
//   gaussian  1 − exp(−d²/(2 s²)) for d > 0               (s > 0)
// and 0 otherwise. pymcdm's names ushape, vshape, vshape_2 are accepted as aliases.
enum class preference_function { usual, u_shape, v_shape, level, linear, gaussian };
const char* to_string(preference_function f);
preference_function preference_function_from_string(const std::string& s);

struct promethee_options {
  std::vector<preference_function> functions;  // empty: usual; one: for every criterion; else one per criterion
  std::vector<double> q, p, s;                 // empty, or one per criterion (only the entries a function needs are read)
};
struct promethee_result {
  vector net_flow, positive_flow, negative_flow, ranks;  // ranks by net flow, descending
  matrix preference;                                     // π(a, b), 0 on the diagonal
};
// A parameter a criterion's function needs and lacks, or out of its range, is a parameter_error
// naming the criterion.
promethee_result promethee_ii(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions = {},
                              const promethee_options& options = {});

struct edas_result {
  vector score, sp, sn, nsp, nsn, ranks;  // score = AS; ranks by score, descending
};
// A criterion with average 0 is a data_error naming it.
edas_result edas(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions = {});

struct mabac_result {
  vector score, border, ranks;  // border g_j per criterion; ranks by score, descending
};
mabac_result mabac(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions = {});

struct spotis_result {
  vector score, ranks;  // score = distance to the ideal point; ranks by score, ascending
};
// `lower`, `upper`: one bound each per criterion, lower < upper, finite; a value outside its
// criterion's bounds is a data_error naming the criterion and the row.
spotis_result spotis(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions,
                     const std::vector<double>& lower, const std::vector<double>& upper);

double weighted_spearman(const Eigen::Ref<const vector>& x, const Eigen::Ref<const vector>& y);
double ws_similarity(const Eigen::Ref<const vector>& x, const Eigen::Ref<const vector>& y);

}  // namespace chiso::analysis
