// Aggregation of a node's children into the node's score, over the whole hierarchy.
// Weights are relative: each node's children weights are rescaled to sum to 1 over the
// children that are present for the unit (missing children are dropped, COINr a_amean).
//   arithmetic  Σ w x / Σ w                                                       [a_amean]
//   geometric   exp(Σ w ln x / Σ w); a value ≤ 0 is a data_error (ln undefined; normalise
//               to a positive range first, e.g. min-max to [1, 100])            [a_gmean]
//   harmonic    Σ w / Σ (w / x); a zero value is a data_error (1/x), negatives are
//               allowed as in COINr but make little sense                        [a_hmean]
//   minimum     min x (weights ignored)
//   copeland    outranking e_ij = Σ_k w_k [x_ik > x_jk] + ½ Σ_k w_k [x_ik = x_jk] (w summing
//               to 1; a missing value neither wins nor ties); score_i = Σ_{j≠i} s(e_ij), with
//               s = +1 if e > ½, −1 if e < ½, 0 if e = ½                         [a_copeland]
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

enum class aggregation { arithmetic, geometric, harmonic, minimum, copeland, topsis, vikor };
const char* to_string(aggregation a);
aggregation aggregation_from_string(const std::string& s);

// TOPSIS' own normalisation of the decision matrix: vector r = x / sqrt(Σ x²) (Hwang & Yoon),
// min-max r = (x − min)/(max − min) (cost: (max − x)/(max − min)), or none (x as given).
enum class topsis_normalisation { vector, min_max, none };
const char* to_string(topsis_normalisation t);
topsis_normalisation topsis_normalisation_from_string(const std::string& s);

struct aggregation_spec {
  aggregation method = aggregation::arithmetic;
  topsis_normalisation topsis_norm = topsis_normalisation::vector;
  double vikor_v = 0.5;  // weight of the "group utility" S against the "regret" R
};

// ---- multi-criteria methods on a decision matrix (units × criteria) -------------------------
// `directions`: +1 benefit, −1 cost (may be empty: all benefit). Weights are relative.
struct topsis_result {
  vector closeness, d_plus, d_minus;
  topsis_normalisation normalisation;
};
topsis_result topsis(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions = {},
                     topsis_normalisation norm = topsis_normalisation::vector);

struct vikor_result {
  vector s, r, q;
  double v;
};
vikor_result vikor(const matrix_ref& x, const std::vector<double>& w, const std::vector<int>& directions = {}, double v = 0.5);

// Copeland scores and the outranking matrix (units × units).
struct copeland_result {
  vector scores;
  matrix outranking;
};
copeland_result copeland(const matrix_ref& x, const std::vector<double>& w);

// ---- the tree ---------------------------------------------------------------------------------
// Scratch memory for aggregate_into; one per thread. Sized by aggregation_plan::workspace().
struct aggregation_workspace {
  std::vector<const double*> columns;  // children columns of the node being computed
  std::vector<double> weights;         // their weights
  std::vector<double> scratch;         // units × max children (TOPSIS / VIKOR)
  std::vector<double> scratch2;        // units × 4
};

// The compiled aggregation over a hierarchy: per aggregate node, its children and method.
// Immutable after construction, so one plan serves any number of threads.
class aggregation_plan {
 public:
  // `per_level`: one spec for every level, or one per aggregate level (level 2, 3, ...).
  aggregation_plan(const hierarchy& h, std::vector<aggregation_spec> per_level = {aggregation_spec{}});
  // Set the method of one aggregate node (by node index), overriding its level's.
  void set_node(std::ptrdiff_t node, const aggregation_spec& spec);

  std::ptrdiff_t n_nodes() const noexcept { return n_nodes_; }
  std::ptrdiff_t n_indicators() const noexcept { return n_indicators_; }
  const aggregation_spec& spec_of(std::ptrdiff_t node) const { return specs_.at(static_cast<std::size_t>(node - n_indicators_)); }
  aggregation_workspace workspace(std::ptrdiff_t units) const;

  // out (units × nodes) ← indicators copied, then every aggregate bottom-up, with `weights` one
  // per node (relative to siblings; the root's is unused). No allocation once `ws` is sized for
  // these units; throws data_error (geometric ≤ 0, harmonic 0) naming the unit and node.
  void aggregate_into(const matrix_ref& normalised, const Eigen::Ref<const vector>& weights,
                      aggregation_workspace& ws, Eigen::Ref<matrix> out,
                      const std::vector<std::string>* unit_codes = nullptr) const;
  matrix aggregate(const matrix_ref& normalised, const Eigen::Ref<const vector>& weights,
                   const std::vector<std::string>* unit_codes = nullptr) const;

 private:
  std::ptrdiff_t n_nodes_ = 0, n_indicators_ = 0, max_children_ = 0;
  std::vector<std::vector<std::ptrdiff_t>> children_;  // per aggregate
  std::vector<aggregation_spec> specs_;                // per aggregate
  std::vector<std::string> codes_;
};

// The kernel shared by the tree and by the functions above: score `n` units over `k` columns.
void aggregate_columns(const aggregation_spec& spec, const double* const* cols, const double* w, std::ptrdiff_t k,
                       const int* directions, std::ptrdiff_t n, double* out, double* scratch, double* scratch2,
                       const std::vector<std::string>* unit_codes = nullptr, const std::string& node = {});

}  // namespace chiso::analysis
