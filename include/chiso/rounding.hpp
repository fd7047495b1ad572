// Rounding of indices on their decimal value, as a spreadsheet's ROUND does: 51.385 → 51.39 and
// 1.005 → 1.01, although the doubles nearest to them are 51.38499999999999801… and 1.00499999….
// The decimal value of a double is taken to 15 significant digits (what a spreadsheet shows), so
// that a computed 51.384999999999998 (205.54 / 4) rounds like the 51.385 it stands for.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "chiso/model.hpp"

namespace chiso {

namespace detail {

inline double power_of_ten(int digits) {
  static const double table[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
  return table[digits];
}

// Near a halfway point: read the 15 significant decimal digits and round those.
inline double round_decimal_digits(double x, int digits, rounding_mode mode) {
  char text[40];
  std::snprintf(text, sizeof text, "%.14e", x);  // "-d.dddddddddddddde±XX"
  const bool negative = text[0] == '-';
  const char* p = text + (negative ? 1 : 0);
  std::string mantissa;  // 15 digits
  for (; *p != 'e'; ++p)
    if (*p != '.') mantissa += *p;
  const int exponent = std::atoi(p + 1);
  // Keep the digits before the rounding position: value = 0.mantissa × 10^(exponent + 1).
  const int keep = exponent + 1 + digits;
  if (keep >= static_cast<int>(mantissa.size())) return x;  // nothing beyond the last digit
  if (keep < 0) return negative ? -0.0 : 0.0;
  long long kept = keep == 0 ? 0 : std::stoll(mantissa.substr(0, static_cast<std::size_t>(keep)));
  const char next = mantissa[static_cast<std::size_t>(keep)];
  const bool rest_zero = mantissa.find_first_not_of('0', static_cast<std::size_t>(keep) + 1) == std::string::npos;
  const bool tie = next == '5' && rest_zero;
  const bool up = next > '5' || (next == '5' && !rest_zero) ||
                  (tie && (mode == rounding_mode::half_up || kept % 2 == 1));
  if (up) ++kept;
  // kept × 10^-digits, read back as a decimal so the result is the double nearest to it.
  char result[48];
  std::snprintf(result, sizeof result, "%s%llde-%d", negative ? "-" : "", kept, digits);
  return std::strtod(result, nullptr);
}

}  // namespace detail

// Half up rounds halves away from zero (−2.5 → −3), as ROUND does.
inline double round_decimal(double x, int digits, rounding_mode mode) {
  if (mode == rounding_mode::none || !std::isfinite(x)) return x;
  const double scale = detail::power_of_ten(digits);
  const double y = x * scale;
  const double whole = std::floor(y);
  const double fraction = y - whole;
  // Far from a halfway point, rounding the binary value gives the decimal answer; this fast path
  // keeps rounding a million indices cheap. 1e-6 is far wider than the error of x * scale.
  if (std::fabs(fraction - 0.5) > 1e-6 && std::fabs(y) < 1e15)
    return (fraction > 0.5 ? whole + 1.0 : whole) / scale;
  return detail::round_decimal_digits(x, digits, mode);
}

}  // namespace chiso
