// Denomination: an extensive indicator (trade, flights...) divided by a size (GDP, population,
// area...) as the metadata says, so that units of different size compare (COINr Denominate).
#pragma once

#include <string>
#include <vector>

#include "chiso/analysis/data.hpp"

namespace chiso::analysis {

struct denominated_cell {  // a cell that became missing because its denominator was missing
  std::ptrdiff_t unit, indicator;
};

struct denominate_result {
  matrix data;
  std::vector<std::ptrdiff_t> denominated;  // indicators divided
  std::vector<denominated_cell> lost;       // cells made missing (denominator missing)
};

// x(:, j) / (denominators(:, by[j]) / scale[j]) for every j with by[j] ≥ 0 (COINr:
// x / (denom / ScaleFactor)); by[j] = -1 leaves column j. `scale` may be empty (all 1). A zero
// denominator is a data_error naming the unit and indicator, never a silent infinity.
denominate_result denominate(const matrix_ref& x, const matrix_ref& denominators,
                             const std::vector<std::ptrdiff_t>& by,
                             const std::vector<double>& scale = {},
                             const std::vector<std::string>& unit_codes = {},
                             const std::vector<std::string>& indicator_codes = {});

// Column of each indicator's denominator (by name, from the hierarchy's `denominator` field)
// in `denominator_codes`, -1 when none.
std::vector<std::ptrdiff_t> denominator_columns(const hierarchy& h,
                                                const std::vector<std::string>& denominator_codes);

}  // namespace chiso::analysis
