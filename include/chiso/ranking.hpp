// Ranks within unit groups and bands, on the rounded index.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "chiso/model.hpp"

namespace chiso {

// Name of the unit in row `row` (for messages and ordinal ties).
using unit_namer = std::function<std::string(std::ptrdiff_t row)>;

// Ranks units by `index` (higher first) within each group (`groups` may be null: one group).
// A NaN index (nothing applicable) gets rank 0, meaning "not ranked". Ties: competition
// (1, 2, 2, 4), dense (1, 2, 2, 3) or ordinal (equal indices ordered by unit name in natural
// order, digit runs as numbers: "9" before "10"; by row when there are no names).
// When the index is rounded to `digits` (digits ≥ 0) the ranks take linear time (counts, or a
// counting sort for ordinal ties).
void rank_units(const double* index, std::ptrdiff_t units, const std::int32_t* groups,
                tie_rule ties, int digits, const unit_namer& names, std::int32_t* ranks);

// Position of the first band whose min ≤ index, or -1 (no band, or a NaN index).
inline std::int32_t band_of(const std::vector<band>& bands, double index) {
  for (std::size_t b = 0; b < bands.size(); ++b)
    if (bands[b].min <= index) return static_cast<std::int32_t>(b);
  return -1;
}

}  // namespace chiso
