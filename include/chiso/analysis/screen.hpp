// Screening of units by data availability (COINr Screen, unit_screen = "byNA"): a unit is kept
// when its share of present indicators is ≥ the threshold.
#pragma once

#include <vector>

#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

struct screened_unit {
  std::ptrdiff_t unit;
  double availability;  // share of present indicators
  std::ptrdiff_t missing;
};

struct screen_result {
  matrix data;                      // kept rows, in their order
  std::vector<std::ptrdiff_t> kept; // row of each kept unit in the input
  std::vector<screened_unit> removed;
  std::vector<double> availability; // of every input unit
  double threshold;
};

// threshold in [0, 1]; COINr's default is 2/3, its ASEM example uses 0.9.
screen_result screen_units(const matrix_ref& x, double threshold);

}  // namespace chiso::analysis
