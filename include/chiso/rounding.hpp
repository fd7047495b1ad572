// Rounding of indices on their decimal value, as a spreadsheet's ROUND does: 51.385 → 51.39 and
// 1.005 → 1.01, although the doubles nearest to them are 51.38499999999999801… and 1.00499999….
// The decimal value of a double is taken to 15 significant digits (what a spreadsheet shows), so
// that a computed 51.384999999999998 (205.54 / 4) rounds like the 51.385 it stands for; where
// `digits` asks for more than 15 significant digits, to the shortest decimal that reads back as
// the double. Every `digits` from 0 to 12 rounds decimal ties exactly.
#pragma once

#include <charconv>
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

// The significant decimal digits of |x| ("12345") and the power of ten of the first one.
struct decimal_digits {
  std::string mantissa;
  int exponent = 0;
};

// `text` is "-d.ddde±XX" or "d.ddde±XX" (printf's %e or to_chars' scientific form).
inline decimal_digits read_scientific(const char* text) {
  decimal_digits out;
  const char* p = text + (text[0] == '-' ? 1 : 0);
  for (; *p != 'e'; ++p)
    if (*p != '.') out.mantissa += *p;
  out.exponent = std::atoi(p + 1);
  return out;
}

// Near a halfway point: round the decimal digits of x. These are its 15 significant digits (what
// a spreadsheet shows, which hides the noise of arithmetic: 51.384999999999998 is 51.385) when
// the rounding position lies within them; beyond the 15th digit, the shortest decimal that reads
// back as x (so 100.1234567890125 rounds at 12 decimals as the tie it is).
inline double round_decimal_digits(double x, int digits, rounding_mode mode) {
  const bool negative = std::signbit(x);
  char text[48];
  std::snprintf(text, sizeof text, "%.14e", x);
  decimal_digits decimal = read_scientific(text);
  int keep = decimal.exponent + 1 + digits;  // digits before the rounding position
  const bool fifteen_digits = keep < static_cast<int>(decimal.mantissa.size());
  if (!fifteen_digits) {
    const auto written = std::to_chars(text, text + sizeof text - 1, x, std::chars_format::scientific);
    *written.ptr = '\0';
    decimal = read_scientific(text);
    keep = decimal.exponent + 1 + digits;
    if (keep >= static_cast<int>(decimal.mantissa.size())) return x;  // nothing beyond the last digit
  }
  if (keep < 0) return negative ? -0.0 : 0.0;
  const std::string& mantissa = decimal.mantissa;
  long long kept = keep == 0 ? 0 : std::stoll(mantissa.substr(0, static_cast<std::size_t>(keep)));
  const char next = mantissa[static_cast<std::size_t>(keep)];
  const bool rest_zero = mantissa.find_first_not_of('0', static_cast<std::size_t>(keep) + 1) == std::string::npos;
  bool tie = next == '5' && rest_zero;
  bool above_tie = next > '5' || (next == '5' && !rest_zero);
  if (tie && fifteen_digits && keep == 14) {
    // The 15th digit is the one after the rounding position: it may itself be 4 rounded up
    // (10500 / 11 = 954.54545454545|4545… reads 954.545454545455). Its 16th and 17th digits
    // tell: a tie computed with a few units of noise lies within 10 units of the 17th digit of
    // …500; a value further away is not a tie.
    std::snprintf(text, sizeof text, "%.16e", x);
    const std::string digits = read_scientific(text).mantissa;
    const int tail = std::stoi(digits.substr(14, 3));  // digits 15 to 17, "450" … "549"
    tie = tail >= 490 && tail <= 510;
    above_tie = tail > 510;
  }
  const bool up = above_tie || (tie && (mode == rounding_mode::half_up || kept % 2 == 1));
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
  // keeps rounding a million indices cheap. The margin is far wider than the error of x * scale
  // and than the distance from x to its 15 significant digits (5e-15 of |y|), whatever `digits`.
  const double margin = 1e-6 + 1e-14 * std::fabs(y);
  if (std::fabs(fraction - 0.5) > margin && std::fabs(y) < 1e15)
    return (fraction > 0.5 ? whole + 1.0 : whole) / scale;
  return detail::round_decimal_digits(x, digits, mode);
}

}  // namespace chiso
