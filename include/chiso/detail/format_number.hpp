#pragma once

#include <cstdio>
#include <string>

namespace chiso::detail {

// A number as a person wrote it: shortest form that reads back the same (0.25, 90, 1e-05).
inline std::string format_number(double v) {
  char buffer[32];
  // Start with enough digits for the whole part, so that 100 is "100" and not "1e+02".
  const double magnitude = v < 0 ? -v : v;
  int precision = 1;
  for (double power = 10; magnitude >= power && precision < 15; power *= 10) ++precision;
  for (; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, v);
    double back = 0;
    if (std::sscanf(buffer, "%lf", &back) == 1 && back == v) break;
  }
  return buffer;
}

}  // namespace chiso::detail
