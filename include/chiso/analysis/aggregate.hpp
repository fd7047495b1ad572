// Aggregation of a node's children into the node's score, over the whole hierarchy.
// Weights are relative: each node's children weights are rescaled to sum to 1 over the
// children that are present for the unit (missing children are dropped, COINr a_amean).
//   arithmetic  Σ w x / Σ w                                                       [a_amean]
//   geometric   exp(Σ w ln x / Σ w)                                               [a_gmean]
//   harmonic    Σ w / Σ (w / x)                                                   [a_hmean]
//   generalised (Σ w x^p / Σ w)^(1/p), p ≠ 0 (`power`)                            [a_genmean]
//   minimum     min x, maximum max x (weights ignored)
// These five are chiso/detail/weighted_mean.hpp, the kernel every engine shares: geometric,
// harmonic and generalised with p < 0 need every present value > 0, generalised with p > 0
// values ≥ 0, else a data_error naming the unit and the node (normalise to a positive range
// first, e.g. min-max to [1, 100]).
//   copeland    outranking e_ij = Σ_k w_k [x_ik > x_jk] + ½ Σ_k w_k [x_ik = x_jk] (w summing
//               to 1); score_i = Σ_{j≠i} s(e_ij), s = +1 if e > ½, −1 if e < ½, 0 if e = ½
//               [a_copeland]. e_ij − ½ = ½ Σ_k w_k sign(x_ik − x_jk), and chiso takes the sign
//               of that sum exactly (error-free summation), so exact ties score exactly 0.
//               A missing value neither wins nor ties. (COINr computes e_ij for i < j only and
//               sets e_ji = 1 − e_ij, so with missing values its result depends on the order
//               of the units; without missing values the two agree.)
//   topsis      closeness D⁻ / (D⁺ + D⁻) to the ideal (column max) and anti-ideal (column min)
//               of weighted, normalised children (vector, min-max or none, see below)
//   vikor       1 − Q, Q = v (S − S*)/(S⁻ − S*) + (1 − v)(R − R*)/(R⁻ − R*), so that higher
//               is better in the tree (Q itself is in vikor_result)
// Copeland, TOPSIS and VIKOR compare units with each other: a unit's score depends on the
// others. In TOPSIS and VIKOR a unit with a missing child gets NaN.
#pragma once

#include <string>
#include <vector>

#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

enum class aggregation { arithmetic, geometric, harmonic, generalised, minimum, maximum, copeland, topsis, vikor };
// The method of a model's `aggregate` (sum: arithmetic, its children weighted by their max).
aggregation aggregation_of(chiso::aggregate combine);
const char* to_string(aggregation a);
aggregation aggregation_from_string(const std::string& s);
// A node with children holding points outside the max (a scored model's bonus, deduction) adds
// them to its children's arithmetic mean: with another method, parameter_error
// analysis.model_adjustments naming the node. The toolkit's aggregation and the uncertainty
// engine both ask.
void require_place_for_points_outside_max(const hierarchy& h, std::ptrdiff_t node, aggregation method);

// TOPSIS' own normalisation of the decision matrix: vector r = x / sqrt(Σ x²) (Hwang & Yoon),
// min-max r = (x − min)/(max − min) (cost: (max − x)/(max − min)), or none (x as given).
enum class topsis_normalisation { vector, min_max, none };
const char* to_string(topsis_normalisation t);
topsis_normalisation topsis_normalisation_from_string(const std::string& s);

struct aggregation_spec {
  aggregation method = aggregation::arithmetic;
  topsis_normalisation topsis_norm = topsis_normalisation::vector;
  double vikor_v = 0.5;  // weight of the "group utility" S against the "regret" R, in [0, 1]
  double power = 2;      // generalised mean exponent p (≠ 0)
};
// Throws parameter_error naming the field for vikor_v outside [0, 1] or power 0 / not finite.
void validate(const aggregation_spec& spec);

// ---- multi-criteria methods on a decision matrix (units × criteria) -------------------------
// `directions`: +1 benefit, −1 cost, one per criterion (may be empty: all benefit); weights:
// one per criterion, finite, ≥ 0, not all 0 (relative: rescaled to sum to 1). The matrix must
// have no missing or infinite values. Anything else is a parameter_error / data_error naming
// the argument, the criterion (column) and the alternative (row).
// Constant criteria get the peers' defined values (scikit-criteria, pyDecision), not an error:
// a criterion on which every alternative is equal cannot discriminate, so it contributes 0 to
// every distance (TOPSIS) and to every regret (VIKOR), whatever the normalisation. When every
// criterion is constant all alternatives tie: TOPSIS closeness ½, VIKOR S = R = Q = 0. The same
// holds in the tree (aggregation::topsis / vikor).
// Ranks: 1 = best, ties share the lowest rank (R's ties = "min").
struct topsis_result {
  vector closeness, d_plus, d_minus, ranks;  // ranks by closeness, descending
  topsis_normalisation normalisation;
};
topsis_result topsis(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions = {},
                     topsis_normalisation norm = topsis_normalisation::vector);

// Compromise set (Opricovic & Tzeng 2004): a1, a2 the first two by Q; C1 "acceptable
// advantage" Q(a2) − Q(a1) ≥ 1/(m − 1); C2 "acceptable stability" a1 is also first by S or by
// R. Both → {a1}; only C2 fails → {a1, a2}; C1 fails → every a with Q(a) − Q(a1) < 1/(m − 1).
struct vikor_result {
  vector s, r, q, ranks;  // ranks by Q, ascending
  double v;
  bool acceptable_advantage, acceptable_stability;
  std::vector<std::ptrdiff_t> compromise;  // rows, best Q first
};
vikor_result vikor(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions = {}, double v = 0.5);

// Copeland scores and the outranking matrix (units × units, e_ij as above with directions
// applied, 0 on the diagonal); missing values are allowed (they neither win nor tie).
struct copeland_result {
  vector scores, ranks;  // ranks by score, descending
  matrix outranking;
};
copeland_result copeland(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions = {});

// Argument checks shared by every decision-matrix method (and by the bindings' fast paths).
void check_decision_weights(const std::vector<double>& w, std::ptrdiff_t criteria, const char* method);
void check_directions(const std::vector<int>& directions, std::ptrdiff_t criteria, const char* method);
void check_decision_matrix(const matrix_ref& x, const char* method);
// The three above, in that order (a method taking a matrix, weights and directions).
void check_decision_problem(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions,
                            const char* method);

// ---- the tree ---------------------------------------------------------------------------------
// Scratch memory for aggregate_into; one per thread. Sized by aggregation_plan::workspace().
struct aggregation_workspace {
  std::vector<const double*> columns;  // children columns of the node being computed
  std::vector<const double*> outside_columns;  // its children of points outside the max
  std::vector<double> weights;         // their weights
  std::vector<double> scratch;         // units × max children (TOPSIS / VIKOR; the means' weight sums)
  std::vector<double> scratch2;        // units × 4 (and max children + 1 for Copeland's sums)
};

// The compiled aggregation over a hierarchy: per aggregate node, its children and method.
// Immutable after construction, so one plan serves any number of threads.
class aggregation_plan {
 public:
  // `per_level`: one spec for every level, or one per aggregate level (level 2, 3, ...); empty:
  // each node's own method (hierarchy_node::combine, from the model or arithmetic).
  aggregation_plan(const hierarchy& h, std::vector<aggregation_spec> per_level = {});

  std::ptrdiff_t n_nodes() const noexcept { return n_nodes_; }
  std::ptrdiff_t n_indicators() const noexcept { return n_indicators_; }
  const aggregation_spec& spec_of(std::ptrdiff_t node) const { return specs_.at(static_cast<std::size_t>(node - n_indicators_)); }
  aggregation_workspace workspace(std::ptrdiff_t units) const;

  // out (units × nodes) ← indicators copied, then every aggregate bottom-up, with `weights` one
  // per node (relative to siblings; the root's is unused). No allocation once `ws` is sized for
  // these units; throws data_error (a value outside the domain of a geometric, harmonic or
  // generalised mean) naming the unit and node.
  void aggregate_into(const matrix_ref& normalised, const Eigen::Ref<const vector>& weights,
                      aggregation_workspace& ws, Eigen::Ref<matrix> out,
                      const std::vector<std::string>* unit_codes = nullptr) const;
  matrix aggregate(const matrix_ref& normalised, const Eigen::Ref<const vector>& weights,
                   const std::vector<std::string>* unit_codes = nullptr) const;

 private:
  std::ptrdiff_t n_nodes_ = 0, n_indicators_ = 0, max_children_ = 0;
  std::vector<std::vector<std::ptrdiff_t>> children_;  // per aggregate: children weighed by the mean
  std::vector<std::vector<std::ptrdiff_t>> outside_max_;  // per aggregate: children of points outside the max
  std::vector<aggregation_spec> specs_;                // per aggregate
  std::vector<std::string> codes_;
};

// The kernel shared by the tree and by the functions above: score `n` units over `k` columns.
void aggregate_columns(const aggregation_spec& spec, const double* const* cols, const double* w, std::ptrdiff_t k,
                       const int* directions, std::ptrdiff_t n, double* out, double* scratch, double* scratch2,
                       const std::vector<std::string>* unit_codes = nullptr, const std::string& node = {});

}  // namespace chiso::analysis
