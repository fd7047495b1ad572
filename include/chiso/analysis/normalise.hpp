// Normalisation, per indicator, after applying its direction (x · direction, as COINr does:
// a "lower is better" indicator is negated first, so every method rewards higher values).
// Formulas (x' = direction · x; min, max, mean, sd over the present values of x'):
//   min_max            (x' − min) / (max − min) · (upper − lower) + lower        [COINr n_minmax]
//   z_score            (x' − mean) / sd · sd_target + mean_target (sd: n − 1)    [n_zscore]
//   goalposts          (x − lo)/(hi − lo) (direction +1) or (hi − x)/(hi − lo) (−1), truncated
//                      to [0, 1] when cap, times scale                           [n_goalposts]
//   rank               rank of x' (1 = lowest), ties by `ties` (COINr: min)      [n_rank]
//   percentile_rank    (rank − 1) / (n − 1)                                      [n_prank]
//   borda              rank − 1                                                  [n_borda]
//   distance_to_max    1 − (max − x') / (max − min)                              [n_dist2max]
//   distance_to_target 1 − (t' − x') / (t' − min), t' = direction · target; capped at 1 when
//                      cap (for direction −1 this is (max − x)/(max − target))  [n_dist2targ]
//   ratio_to_mean      x / mean(x) · scale (direction +1), mean(x) / x · scale (−1)
//   fraction_of_max    x' / max                                                  [n_fracmax]
//   scaled             (x' − lower) / (upper − lower) · scale_factor             [n_scaled]
//   distance_to_reference  1 − (x'_ref − x') / (x'_ref − min), ref = the row `reference`
//                      (0-based; COINr's iref is 1-based); capped at 1 when cap  [n_dist2ref]
//   none               x unchanged (direction ignored)
// Degenerate columns are a data_error naming the indicator, not NaN: a zero range for min_max,
// distance_to_max, distance_to_target (target = min), distance_to_reference (reference = min,
// or the reference value missing); sd = 0 (z_score); fewer than 2 present values
// (z_score, percentile_rank); max = 0 (fraction_of_max); mean = 0 (ratio_to_mean); no
// present value at all for any method but none. (COINr warns and returns NaN: a constant
// indicator has no position in [lower, upper], so chiso asks for a decision instead — drop
// the indicator, or normalise it with `none` or `goalposts`.) lower = upper (min_max,
// scaled) and goal_low = goal_high (goalposts) are parameter_errors.
#pragma once

#include <string>
#include <vector>

#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

enum class normalise_method {
  min_max, z_score, goalposts, rank, percentile_rank, borda, distance_to_max, distance_to_target,
  ratio_to_mean, fraction_of_max, scaled, distance_to_reference, none
};
const char* to_string(normalise_method m);
normalise_method normalise_method_from_string(const std::string& s);

struct normalise_spec {
  normalise_method method = normalise_method::min_max;
  double lower = 0, upper = 100;           // min_max
  double mean = 0, sd = 1;                 // z_score
  double goal_low = 0, goal_high = 1;      // goalposts (in the indicator's own units)
  double scale = 1;                        // goalposts, ratio_to_mean
  double target = nan;                     // distance_to_target (NaN: take it from the hierarchy)
  bool cap = true;                         // goalposts, distance_to_target, distance_to_reference
  tie_rule ties = tie_rule::competition;   // rank, percentile_rank, borda
  double scale_factor = 100;               // scaled (COINr n_scaled's default)
  std::ptrdiff_t reference = -1;           // distance_to_reference: the reference row (0-based)
};

// One column: `in` and `out` may alias. `indicator` names the column in errors.
void normalise_column(const double* in, double* out, std::ptrdiff_t n, int direction, const normalise_spec& spec,
                      const std::string& indicator = {});

// Every indicator with the same spec (targets, when needed and spec.target is NaN, come from
// `targets`, one per indicator).
// `codes` (one per indicator, may be empty) name the indicators in errors.
matrix normalise(const matrix_ref& x, const std::vector<int>& directions, const normalise_spec& spec,
                 const std::vector<double>& targets = {}, const std::vector<std::string>& codes = {});
// One spec per indicator.
matrix normalise(const matrix_ref& x, const std::vector<int>& directions, const std::vector<normalise_spec>& specs,
                 const std::vector<std::string>& codes = {});

}  // namespace chiso::analysis
