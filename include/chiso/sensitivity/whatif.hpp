// What-if analysis for one unit of a scored criteria tree: which criteria would gain it the most
// rank if raised, and the smallest set of criteria that lifts it to a target rank or band.
//
// A criterion is "raised" by replacing the unit's input with the best input its rule accepts
// (full points: the max of a points rule, "yes", a 100% rate, the upper goalpost, no deduction,
// the capped bonus), or — with a step — with the input that gives `step` more points (points,
// linear and proportional rules exactly; tiers: the lowest tier reaching that many points;
// yes/no: yes). Everything else (other units, other criteria, applicability, groups, rounding,
// tie rule) stays as the model says, and every candidate is scored by the compiled plan itself,
// so ranks are exactly those a real re-evaluation would give.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chiso/evaluate.hpp"

namespace chiso::whatif {

struct inputs {
  Eigen::MatrixXd values;                                          // units × leaves (plan order)
  std::vector<std::string> unit_ids;                               // may be empty
  std::vector<std::int32_t> groups;                                // may be empty: one group
  std::optional<Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>> applicable;  // units × leaves
};

struct raise_options {
  std::optional<double> step;  // points to add; none = raise to full points
  bool include_adjustments = true;  // deductions (to none) and bonuses (to the cap)
};

struct criterion_gain {
  std::ptrdiff_t leaf = -1;  // plan leaf column
  std::string id;
  double input_before = 0, input_after = 0;
  double index_before = 0, index_after = 0;  // the rounded index, as ranked
  std::int32_t rank_before = 0, rank_after = 0;
  std::int32_t rank_gain = 0;  // rank_before − rank_after (positive = better)
  std::int32_t band_before = -1, band_after = -1;
};

// Gain of raising each criterion of `unit` (row) on its own, sorted by rank gain, then index
// gain (largest first), then leaf order. Criteria already at their best input, or not
// applicable to the unit, are left out.
std::vector<criterion_gain> rank_gains(const plan& p, const inputs& in, std::ptrdiff_t unit,
                                       const raise_options& options = {});

struct lift_target {
  std::optional<std::int32_t> rank;  // reach this rank or better
  std::optional<std::string> band;   // or reach this band (label) or a better one
};

struct lift_result {
  bool reachable = false;         // false: even raising every candidate does not reach the target
  bool already = false;           // the unit is already there
  std::vector<std::string> criteria;  // ids of the criteria to raise, in the order chosen
  std::vector<std::ptrdiff_t> leaves;
  double index_after = 0;
  std::int32_t rank_after = 0, band_after = -1;
};

// The smallest set of criteria whose raising lifts `unit` to the target. Greedy on the index
// gain, re-evaluated after each pick: exact (minimum cardinality) when the index is additive in
// its criteria (sum trees, the PAR index) since then the k largest single gains are the best k;
// for non-additive trees it is a heuristic. Throws parameter_error when no target is given.
lift_result smallest_lift(const plan& p, const inputs& in, std::ptrdiff_t unit, const lift_target& target,
                          const raise_options& options = {});

// The input of a rule that gives full points (or `current` points + step when `step` is set);
// nullopt when the rule cannot be raised that way.
std::optional<double> raised_input(const rule& r, double max, double current_input, std::optional<double> step);

}  // namespace chiso::whatif
