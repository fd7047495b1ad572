// The shape every analysis step works on: a units × indicators matrix (Eigen, column-major,
// NaN = missing) and a `hierarchy` of indicators and aggregates built from iMeta-like rows.
// Nodes are numbered so that one units × nodes matrix holds every score: indicators first,
// in the order of the data columns, then aggregates bottom-up (level 2, then 3, ...), so a
// single forward pass over the aggregates computes the tree.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "chiso/error.hpp"
#include "chiso/model.hpp"
#include "chiso/ranking.hpp"

namespace chiso::analysis {

using matrix = Eigen::MatrixXd;
using matrix_ref = Eigen::Ref<const Eigen::MatrixXd>;
using vector = Eigen::VectorXd;

inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// One row of indicator metadata (COINr's iMeta): level 1 = indicator, higher = aggregate.
// `combine` is the aggregate's own method (a model's `aggregate`; iMeta rows: mean).
// `weight` is relative to the node's siblings (rescaled within each parent); `direction` is
// +1 (higher is better) or -1. `parent` is empty for the root(s).
struct hierarchy_row {
  std::string code;
  int level = 1;
  std::string parent;
  double weight = 1.0;
  int direction = 1;
  double target = nan;      // for distance-to-target / goalposts normalisation; NaN = none
  std::string denominator;  // column of the denominators table to divide by; empty = none
  chiso::aggregate combine = chiso::aggregate::mean;
  bool outside_max = false;  // see hierarchy_node
};

struct hierarchy_node {
  std::string code;
  int level = 1;
  std::ptrdiff_t parent = -1;  // node index, -1 for a root
  double weight = 1.0;
  int direction = 1;
  double target = nan;
  std::string denominator;
  chiso::aggregate combine = chiso::aggregate::mean;
  // An indicator that holds points outside the max (a scored model's bonus or deduction, or a
  // subtotal of them): added to its `sum` parent, not weighted (chiso/detail/weighted_mean.hpp,
  // add_points_outside_max). Its value is points, not a score.
  bool outside_max = false;
  std::vector<std::ptrdiff_t> children;  // node indices, in the order of the rows
};

class hierarchy {
 public:
  hierarchy() = default;
  // Validates: unique codes, parents exist and are exactly one level up, indicators have no
  // children, aggregates have at least one, directions are ±1, weights finite and ≥ 0.
  explicit hierarchy(const std::vector<hierarchy_row>& rows);
  // The composite view of a model, which is the one description of a tree (model.hpp): its
  // leaves are the indicators (in the order of the model's input columns), its inner nodes the
  // aggregates, with their methods; a node's level is its height (leaves 1, a parent one above
  // its highest child). A composite index (`indicator` leaves) gives each indicator its
  // direction, target and denominator. A scored model (PAR-type) has its criteria's scores
  // (points / max, oriented) as indicators, and a `sum` node becomes the arithmetic mean of
  // its children weighted by their max — the same number, since Σ points / Σ max =
  // Σ max·score / Σ max over the applicable children. Points outside the max (a `deduction` or
  // `bonus` leaf, or a subtotal of only such, bounded or not) are one indicator each whose value
  // is those points (`outside_max`, weight 0), added to the parent's weighted sum. Rounding of
  // points on the way up is not part of the view. Bounds on the points of a node with criteria
  // under it have no weighted form: parameter_error analysis.model_adjustments.
  explicit hierarchy(const chiso::model& m);

  std::ptrdiff_t n_nodes() const noexcept { return static_cast<std::ptrdiff_t>(nodes_.size()); }
  std::ptrdiff_t n_indicators() const noexcept { return n_indicators_; }
  int n_levels() const noexcept { return n_levels_; }
  const hierarchy_node& node(std::ptrdiff_t i) const { return nodes_.at(static_cast<std::size_t>(i)); }
  const std::vector<hierarchy_node>& nodes() const noexcept { return nodes_; }
  // Node index of `code`, or -1.
  std::ptrdiff_t find(const std::string& code) const;
  // Node index of `code`; throws parameter_error naming `step` if absent.
  std::ptrdiff_t at(const std::string& code, const std::string& step) const;
  std::vector<std::string> codes() const;
  std::vector<std::string> indicator_codes() const;
  std::vector<int> directions() const;  // of the indicators
  std::vector<double> weights() const;  // of every node, as given
  // Per node: holds points outside the max (hierarchy_node::outside_max).
  std::vector<bool> outside_max() const;
  // Aggregates (node indices ≥ n_indicators) in evaluation order (bottom-up).
  std::ptrdiff_t first_aggregate() const noexcept { return n_indicators_; }
  // Root of the tree (the index); -1 if there are several roots.
  std::ptrdiff_t root() const noexcept { return root_; }
  // The model this is the view of; nullptr for a hierarchy built from rows.
  const chiso::model* source_model() const noexcept { return source_.get(); }

 private:
  std::shared_ptr<const chiso::model> source_;
  // iMeta rows need each parent exactly one level up (COINr); a model's view only higher.
  void build(const std::vector<hierarchy_row>& rows, bool parent_exactly_one_up);
  std::vector<hierarchy_node> nodes_;
  std::ptrdiff_t n_indicators_ = 0;
  std::ptrdiff_t root_ = -1;
  int n_levels_ = 0;
};

// The model of a composite index described by iMeta rows (validated as the hierarchy of the rows
// is): leaves `indicator` rules with each row's direction, target and denominator, aggregates
// with their `combine`, weights as given. Rows need one root (the index): parameter_error
// analysis.hierarchy_roots otherwise. The model lists each aggregate's children in row order, so
// its indicators come parent by parent.
chiso::model composite_model(const std::vector<hierarchy_row>& rows, const std::string& id = "composite");

// Real-valued ranks (chiso/ranking.hpp): ascending = true gives the smallest value rank 1; NaN
// values are not ranked (NaN).
using chiso::tie_rule;
inline vector rank_values(const Eigen::Ref<const vector>& x, bool ascending, tie_rule ties) {
  vector ranks(x.size());
  const vector values = x;  // contiguous
  chiso::rank_values(values.data(), values.size(), ascending, ties, ranks.data());
  return ranks;
}

namespace detail {
// Sum and mean as R computes them (long double accumulation; mean with R's second pass), so
// that thresholds tested on skewness and kurtosis fall the same way as in COINr.
long double r_sum(const double* x, std::ptrdiff_t n);
double r_mean(const double* x, std::ptrdiff_t n);
// Non-missing values of a column.
std::vector<double> present(const double* x, std::ptrdiff_t n);
}  // namespace detail

}  // namespace chiso::analysis
