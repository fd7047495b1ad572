// The uncertainty engine's arithmetic means at the width of every kernel set (two, four or eight
// units to a vector: chiso/detail/weighted_mean.hpp, src/sensitivity/arithmetic_mean_kernels.cpp)
// against one unit at a time, child after child, on awkward values: the same bits.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "chiso/detail/weighted_mean.hpp"
#include "kernel_sets.hpp"

namespace {
constexpr double NA = std::numeric_limits<double>::quiet_NaN();
constexpr double subnormal = 4.9406564584124654e-324, small_subnormal = 1.2e-310;

std::uint64_t bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

// The definition, one unit at a time: Σ w·x over the present children in child order, over the
// weight of those children (NaN when it is not > 0); with `complete`, over the sum of all the
// weights, not divided when that is 1. Each product is stored before it is added, so that no
// compiler fuses them.
std::vector<double> by_definition(const std::vector<std::vector<double>>& columns, const std::vector<double>& w,
                                  std::size_t n, bool complete) {
  std::vector<double> mean(n);
  for (std::size_t u = 0; u < n; ++u) {
    double sum = 0.0, weight = 0.0, total = 0.0;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      total += w[c];
      const double x = columns[c][u];
      if (x != x) continue;
      volatile double product = w[c] * x;
      sum += product;
      weight += w[c];
    }
    if (complete)
      mean[u] = total == 1.0 ? sum : total > 0.0 ? sum / total : NA;
    else
      mean[u] = weight > 0.0 ? sum / weight : NA;
  }
  return mean;
}

// Children × units of awkward values (subnormals, ±0, negatives, values whose weighted sums
// overflow, thirds that round), NaN among them unless `complete`.
std::vector<std::vector<double>> awkward_columns(std::size_t children, std::size_t n, bool complete) {
  const double pool[] = {0.1,   -0.3,  subnormal, -small_subnormal, 1.0 / 3.0, 1.7e308, -1.7e308, -0.0, 0.0,
                         2e-300, 7.25, -1e-5,     NA,               12345.678, 1e308,   -2.0 / 3.0, NA};
  constexpr std::size_t pool_size = sizeof pool / sizeof pool[0];
  std::vector<std::vector<double>> columns(children, std::vector<double>(n));
  std::size_t k = 0;
  for (std::size_t c = 0; c < children; ++c)
    for (std::size_t u = 0; u < n; ++u) {
      double x = pool[(k += 7) % pool_size];
      if (complete && x != x) x = 0.55;
      columns[c][u] = x;
    }
  // A unit of tiny values only (a subnormal mean), and some with every child missing.
  if (n > 3)
    for (auto& column : columns) column[3] = -small_subnormal;
  if (!complete)
    for (std::size_t u = 5; u < n; u += 23)
      for (auto& column : columns) column[u] = NA;
  return columns;
}

// The kernel of the set in use against the definition, and against the two-lane kernel every
// engine uses, for 0 to 80 units (every mix of blocks of 4 vectors, single vectors, pairs, units).
void check_every_length(const std::vector<double>& w, bool complete) {
  CAPTURE(complete);
  const std::size_t max_units = 80;
  const auto columns = awkward_columns(w.size(), max_units, complete);
  std::vector<const double*> values;
  for (const auto& column : columns) values.push_back(column.data());
  const chiso::detail::arithmetic_mean_kernel kernel = chiso::detail::arithmetic_mean_in_use();
  for (std::size_t n = 0; n <= max_units; ++n) {
    CAPTURE(n);
    const auto n_units = static_cast<std::ptrdiff_t>(n);
    const auto children = static_cast<std::ptrdiff_t>(w.size());
    std::vector<double> vector_mean(n + 1, -99.0), two_lanes(n + 1, -99.0), wsum(n + 1);
    kernel(values.data(), w.data(), children, n_units, vector_mean.data(), complete);
    chiso::detail::weighted_mean<chiso::detail::mean_kind::arithmetic>(values.data(), w.data(), children, n_units,
                                                                        two_lanes.data(), wsum.data(), complete);
    const std::vector<double> expected = by_definition(columns, w, n, complete);
    for (std::size_t u = 0; u < n; ++u) {
      CAPTURE(u);
      CHECK(bits(vector_mean[u]) == bits(expected[u]));
      CHECK(bits(two_lanes[u]) == bits(expected[u]));
    }
    CHECK(vector_mean[n] == -99.0);  // nothing written past the units
  }
}
}  // namespace

TEST_CASE("the arithmetic mean gives the same bits at every vector width, on awkward values") {
  // Weights with zeros and a subnormal; one set summing to exactly 1 (no division when complete);
  // one summing to 0 (NaN everywhere).
  const std::vector<std::vector<double>> weight_sets = {
      {0.3, 0.0, 2.5, small_subnormal, 0.7, 1.0 / 7.0, 0.0},
      {0.5, 0.25, 0.125, 0.125},
      {0.0, 0.0, 0.0},
      {subnormal},
  };
  // The expected values must hold something of each kind: a NaN, a subnormal mean, an infinite one.
  const auto columns = awkward_columns(weight_sets[0].size(), 80, false);
  const auto reference = by_definition(columns, weight_sets[0], 80, false);
  bool nan_mean = false, subnormal_mean = false, infinite_mean = false;
  for (double m : reference) {
    nan_mean |= m != m;
    subnormal_mean |= m != 0.0 && std::abs(m) < std::numeric_limits<double>::min();
    infinite_mean |= std::abs(m) == std::numeric_limits<double>::infinity();
  }
  CHECK(nan_mean);
  CHECK(subnormal_mean);
  CHECK(infinite_mean);

  for_each_kernel_set([&] {
    for (const auto& w : weight_sets) {
      CAPTURE(w.size());
      check_every_length(w, false);
      check_every_length(w, true);
    }
  });
}
