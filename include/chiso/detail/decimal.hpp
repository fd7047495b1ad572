// The decimal value of a computed double (docs/format.md, "Decimal arithmetic"). Inputs, literals
// and results are decimals; arithmetic runs on doubles, whose binary error (0.1 + 0.2 gives
// 0.30000000000000004, 1.005 − 1 gives 0.00499999999999989) would otherwise decide a rounding, a
// comparison or a range check. A result is put back on the decimal grid of 15 significant digits
// of `magnitude` — the larger operand for a sum or a difference (so that 1.005 − 1 keeps the 14
// decimals of 1.005), the result itself for a product or a quotient — and becomes the double
// nearest to that decimal, the one its text would be read as (docs/format.md says where).
//
// The evaluation kernels (src/evaluate/kernels/) do the same in vector lanes with this table and
// the same IEEE operations, so results are bit for bit those of `decimal_value`.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

namespace chiso::detail {

namespace decimal_grid {

// Binary exponents of the magnitudes put on the grid: from 2^-26 (about 1.5e-8, whose grid of
// 10^-22 is the finest exact power of ten) to 2^49 (about 1.1e15, beyond which doubles are whole
// numbers with 15 or more digits). Outside, a value is left as it is.
constexpr int first_exponent = -26;
constexpr int last_exponent = 48;
constexpr int count = last_exponent - first_exponent + 1;

// Per binary exponent e (magnitudes in [2^e, 2^(e+1)), d the decimal exponent of 2^e): the scale
// 10^(14 − d) that brings a magnitude of that decimal exponent to 15 digits, and 10^(13 − d) for
// the magnitudes of the range from the next power of ten on (the same when the range holds none).
// A magnitude m takes the second where m × 10^(13 − d) ≥ 10^14. Every scale is an exact double.
struct table {
  double scale_below[count] = {};
  double scale_from[count] = {};
};

constexpr double power_of_ten(int k) {  // exact for 0 ≤ k ≤ 22; nearest double of 10^k for k < 0
  double p = 1.0;
  for (int i = 0; i < (k < 0 ? -k : k); ++i) p *= 10.0;
  return k < 0 ? 1.0 / p : p;
}

constexpr table make_table() {
  table t;
  for (int i = 0; i < count; ++i) {
    const int e = first_exponent + i;
    double low = 1.0;
    for (int k = 0; k < (e < 0 ? -e : e); ++k) low = e < 0 ? low / 2.0 : low * 2.0;
    int d = -30;  // the decimal exponent of `low`: 10^d ≤ low < 10^(d+1)
    while (power_of_ten(d + 1) <= low) ++d;
    t.scale_below[i] = power_of_ten(14 - d);
    const bool reaches_next_power = power_of_ten(d + 1) < 2.0 * low;
    t.scale_from[i] = reaches_next_power ? power_of_ten(13 - d) : t.scale_below[i];
  }
  return t;
}

inline constexpr table grid = make_table();
inline constexpr double next_power_scaled = 1e14;  // 10^(d+1) × 10^(13 − d)

}  // namespace decimal_grid

// x on the decimal grid of 15 significant digits of `magnitude` (≥ 0), as the double nearest to
// that decimal; x unchanged when the magnitude is outside the grid's range (or not finite).
inline double decimal_value(double x, double magnitude) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &magnitude, sizeof bits);
  const std::int64_t index = static_cast<std::int64_t>((bits >> 52) & 0x7ff) - 1023 - decimal_grid::first_exponent;
  if (index < 0 || index >= decimal_grid::count) return x;
  const auto i = static_cast<std::size_t>(index);
  const double from = decimal_grid::grid.scale_from[i];
  const double scale = magnitude * from < decimal_grid::next_power_scaled ? decimal_grid::grid.scale_below[i] : from;
  // |x × scale| < 2^51: nearbyint is exact and rounds as the kernels' (x + 1.5·2^52) − 1.5·2^52
  // does; k / scale, scale an exact power of ten, is the double nearest the decimal k·10^-(…).
  const double scaled = x * scale;
  return std::nearbyint(scaled) / scale;
}

}  // namespace chiso::detail
