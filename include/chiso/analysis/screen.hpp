// Screening of units (COINr Screen, R/screen_units.R), with COINr's rule names:
//   byNA          keep a unit when its share of present indicators 1 − n_NA/n ≥ threshold
//   byzeros       keep it when its share of non-zero present values 1 − n_zero/(n − n_NA) ≥
//                 nonzero_threshold (a unit with no present value has share 0)
//   byNAandzeros  keep it when both hold
#pragma once

#include <string>
#include <vector>

#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

enum class screen_rule { by_missing, by_zeros, by_missing_and_zeros };
const char* to_string(screen_rule r);  // "byNA", "byzeros", "byNAandzeros"
screen_rule screen_rule_from_string(const std::string& s);

struct screen_options {
  screen_rule rule = screen_rule::by_missing;
  double threshold = 2.0 / 3.0;      // COINr dat_thresh default
  double nonzero_threshold = 0.05;   // COINr nonzero_thresh default
};

struct screened_unit {
  std::ptrdiff_t unit;
  double availability;  // share of present indicators
  std::ptrdiff_t missing;
  double nonzero = 1;   // share of non-zero present values
  std::ptrdiff_t zeros = 0;
};

struct screen_result {
  matrix data;                      // kept rows, in their order
  std::vector<std::ptrdiff_t> kept; // row of each kept unit in the input
  std::vector<screened_unit> removed;
  std::vector<double> availability; // of every input unit
  std::vector<double> nonzero;      // of every input unit
  double threshold;
  screen_options options;
};

// Thresholds in [0, 1]; COINr's defaults are 2/3 and 0.05, its ASEM example uses byNA at 0.9.
screen_result screen_units(const matrix_ref& x, const screen_options& options);
screen_result screen_units(const matrix_ref& x, double threshold);  // byNA

}  // namespace chiso::analysis
