// Outlier treatment as COINr's Treat() defaults (R/treat.R, v1.1.x):
//  * an indicator passes when |skewness| < skew_threshold OR kurtosis < kurt_threshold, with
//    skewness and kurtosis as e1071 type 2 (Excel's SKEW and KURT, sample-adjusted);
//  * if it fails, winsorise: while failing and fewer than `winmax` points are treated, if
//    skewness ≥ 0 every point equal to the maximum takes the largest other value, else every
//    point equal to the minimum takes the smallest other value; re-test after each step;
//  * if it still fails, the original (untreated) values become log(x − min + 0.01·(max − min))
//    ("log_CT"), when log_fallback is on.
// Missing values are ignored and stay missing. Fewer than 4 present values is a data_error.
#pragma once

#include <string>
#include <vector>

#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

// e1071 type 2 (G1, G2) of the present values; NaN when the variance is zero.
double skewness(const double* x, std::ptrdiff_t n);
double kurtosis(const double* x, std::ptrdiff_t n);

struct treat_options {
  int winmax = 5;               // COINr default; < 0 means no limit
  double skew_threshold = 2.0;
  double kurt_threshold = 3.5;
  bool log_fallback = true;     // COINr f2 = "log_CT"
};

enum class treatment { none, winsorised, log_transformed };
const char* to_string(treatment t);

struct indicator_treatment {
  std::ptrdiff_t indicator;
  treatment applied = treatment::none;
  double skew_before, kurt_before;  // of the input
  double skew_after, kurt_after;    // of the output
  int n_winsorised = 0;             // COINr's nwin (points changed by winsorisation)
  bool passes_after = true;         // the output passes the test
};

struct treated_point {
  std::ptrdiff_t unit, indicator;
  double before, after;
  std::string kind;  // "winhi", "winlo" or "log_CT" (COINr's labels)
};

struct treat_result {
  matrix data;
  std::vector<indicator_treatment> indicators;
  std::vector<treated_point> points;
  treat_options options;
};

treat_result treat(const matrix_ref& x, const treat_options& options,
                   const std::vector<std::string>& indicator_codes = {});

// One column, in place (the kernel of treat(); exposed for re-runs). Returns the summary;
// appends treated points to `points` when not null.
indicator_treatment treat_column(double* x, std::ptrdiff_t n, std::ptrdiff_t indicator,
                                 const treat_options& options, std::vector<treated_point>* points,
                                 const std::string& code = {});

}  // namespace chiso::analysis
