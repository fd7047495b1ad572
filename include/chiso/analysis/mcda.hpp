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
#pragma once

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

double weighted_spearman(const Eigen::Ref<const vector>& x, const Eigen::Ref<const vector>& y);
double ws_similarity(const Eigen::Ref<const vector>& x, const Eigen::Ref<const vector>& y);

}  // namespace chiso::analysis
