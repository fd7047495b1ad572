// Imputation of missing values, reporting every value imputed (COINr Impute with i_mean,
// i_median, i_mean_grp, i_median_grp, and row-wise means of min-max normalised indicators
// within a parent: impute_by = "row", normalise_first = TRUE, group_level = 2).
#pragma once

#include <string>
#include <vector>

#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

enum class impute_method {
  indicator_mean,    // mean of the indicator's present values
  indicator_median,  // median (R's: mean of the two middle values for even n)
  group_mean,        // mean within the unit's group (units grouped by a column)
  group_median,      // median within the unit's group
  parent_mean,       // mean of the unit's min-max normalised values (direction applied) of the
                     // other indicators with the same parent, mapped back to the indicator's scale
  none
};
const char* to_string(impute_method m);
impute_method impute_method_from_string(const std::string& s);

struct impute_options {
  impute_method method = impute_method::indicator_mean;
  // group_mean / group_median: group id of each unit (≥ 0), -1 = no group (COINr skip_f_na:
  // the unit is left as it is). A group with no present value leaves its cells missing.
  std::vector<int> groups;
};

struct imputed_cell {
  std::ptrdiff_t unit, indicator;
  double value;
};

struct impute_result {
  matrix data;
  std::vector<imputed_cell> imputed;
  std::vector<imputed_cell> still_missing;  // value NaN: could not be imputed
  impute_method method;
};

// `h` is needed for parent_mean only (parents and directions); may be null otherwise.
impute_result impute(const matrix_ref& x, const impute_options& options, const hierarchy* h = nullptr);

}  // namespace chiso::analysis
