// The weighted-mean kernel every engine combines children with (chiso/detail/weighted_mean.hpp),
// against hand computations.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "chiso/detail/weighted_mean.hpp"

using chiso::detail::mean_kind;
using chiso::detail::weighted_mean;

namespace {
constexpr double NA = std::numeric_limits<double>::quiet_NaN();

// Three children over three units; weights 1, 3, 5.
//   unit 0: 1, 4, missing  → the third child drops out, weights 1 and 3 remain
//   unit 1: all missing    → NaN
//   unit 2: 2, 2, 2        → every mean is 2
const std::vector<double> child_a = {1, NA, 2}, child_b = {4, NA, 2}, child_c = {NA, NA, 2};
const double* const children[] = {child_a.data(), child_b.data(), child_c.data()};
const double weights[] = {1, 3, 5};

std::vector<double> mean_of(mean_kind kind, double power = 1, bool* in_domain = nullptr) {
  std::vector<double> out(3), wsum(3);
  const bool ok = weighted_mean(kind, children, weights, 3, 3, out.data(), wsum.data(), false, power);
  if (in_domain) *in_domain = ok;
  return out;
}
}  // namespace

TEST_CASE("each mean over the present children, weights renormalised, by hand") {
  struct expected {
    mean_kind kind;
    double power, unit0;
  };
  // unit 0, children 1 (w 1) and 4 (w 3), Σw = 4:
  const expected cases[] = {
      {mean_kind::arithmetic, 1, 3.25},                // (1·1 + 3·4) / 4 = 13/4
      {mean_kind::geometric, 1, 2.8284271247461903},   // exp((ln 1 + 3 ln 4) / 4) = 4^(3/4) = 2√2
      {mean_kind::harmonic, 1, 16.0 / 7.0},            // 4 / (1/1 + 3/4) = 16/7
      {mean_kind::power, 2, 3.5},                      // √((1 + 3·16) / 4) = √(49/4)
      {mean_kind::power, -1, 16.0 / 7.0},              // p = −1 is the harmonic mean
      {mean_kind::minimum, 1, 1},                      // weights ignored
      {mean_kind::maximum, 1, 4},
  };
  for (const expected& e : cases) {
    CAPTURE(static_cast<int>(e.kind));
    CAPTURE(e.power);
    bool ok = false;
    const auto m = mean_of(e.kind, e.power, &ok);
    CHECK(ok);
    CHECK(m[0] == doctest::Approx(e.unit0).epsilon(1e-15));
    CHECK(std::isnan(m[1]));  // nothing present
    CHECK(m[2] == doctest::Approx(2).epsilon(1e-15));
  }
}

TEST_CASE("weights of the present children summing to 0 give NaN; min and max ignore weights") {
  const double zero_weights[] = {0, 0, 0};
  std::vector<double> out(3), wsum(3);
  CHECK(weighted_mean(mean_kind::arithmetic, children, zero_weights, 3, 3, out.data(), wsum.data()));
  CHECK(std::isnan(out[0]));
  CHECK(weighted_mean(mean_kind::minimum, children, zero_weights, 3, 3, out.data(), wsum.data()));
  CHECK(out[0] == 1);
}

TEST_CASE("complete data takes the fast arithmetic path, with the same bits") {
  // 0.1, 0.2, 0.7 with weights 0.3, 0.3, 0.5 (Σw = 1.1): neither order of operations is exact,
  // so the two paths agree only if they compute the same thing.
  const std::vector<double> a = {0.1, 0.3}, b = {0.2, 0.6}, c = {0.7, 0.9};
  const double* const columns[] = {a.data(), b.data(), c.data()};
  for (const std::vector<double>& w : {std::vector<double>{0.3, 0.3, 0.5}, std::vector<double>{0.25, 0.25, 0.5}}) {
    std::vector<double> fast(2), general(2), wsum(2);
    weighted_mean(mean_kind::arithmetic, columns, w.data(), 3, 2, fast.data(), wsum.data(), true);
    weighted_mean(mean_kind::arithmetic, columns, w.data(), 3, 2, general.data(), wsum.data(), false);
    const double total = w[0] + w[1] + w[2];
    for (int u = 0; u < 2; ++u) {
      CHECK(fast[u] == general[u]);
      CHECK(fast[u] == doctest::Approx((w[0] * a[u] + w[1] * b[u] + w[2] * c[u]) / total).epsilon(1e-15));
    }
  }
}

TEST_CASE("values ≤ 0: geometric, harmonic and power means fail without throwing; the others do not") {
  // p > 0 accepts 0 (0² = 0): √((0 + 3²) / 2)
  const std::vector<double> zero_three = {0}, three = {3};
  const double* const zero_and_three[] = {zero_three.data(), three.data()};
  const double equal[] = {1, 1};
  double power_out = 0, power_wsum = 0;
  CHECK(weighted_mean(mean_kind::power, zero_and_three, equal, 2, 1, &power_out, &power_wsum, false, 2.0));
  CHECK(power_out == doctest::Approx(std::sqrt(4.5)).epsilon(1e-15));
  CHECK_FALSE(weighted_mean(mean_kind::power, zero_and_three, equal, 2, 1, &power_out, &power_wsum, false, -1.0));
  const std::vector<double> x = {2, 3}, y = {-1, 3};  // unit 0 has a negative child
  const double* const columns[] = {x.data(), y.data()};
  const double w[] = {1, 1};
  std::vector<double> out(2), wsum(2);
  for (mean_kind kind : {mean_kind::geometric, mean_kind::harmonic, mean_kind::power}) {
    CAPTURE(static_cast<int>(kind));
    CHECK_FALSE(weighted_mean(kind, columns, w, 2, 2, out.data(), wsum.data(), false, 2.0));
    std::ptrdiff_t unit = -1, child = -1;
    REQUIRE(chiso::detail::first_outside_domain(kind, columns, 2, 2, unit, child, 2.0));
    CHECK(unit == 0);
    CHECK(child == 1);
  }
  CHECK(weighted_mean(mean_kind::arithmetic, columns, w, 2, 2, out.data(), wsum.data()));
  CHECK(out[0] == 0.5);  // (2 − 1) / 2
  CHECK(weighted_mean(mean_kind::minimum, columns, w, 2, 2, out.data(), wsum.data()));
  CHECK(out[0] == -1);
  // Zero fails too: ln 0 and 1/0 are not numbers.
  const std::vector<double> z = {0, 3};
  const double* const with_zero[] = {x.data(), z.data()};
  CHECK_FALSE(weighted_mean(mean_kind::harmonic, with_zero, w, 2, 2, out.data(), wsum.data()));
}

TEST_CASE("a child of weight 0 does not enter the weighted means, even at 0 or below") {
  // Scores 0 (weight 0) and 0.25, 1 (weights 1, 1): geometric √(0.25 × 1) = 0.5, harmonic
  // 2 / (4 + 1) = 0.4, arithmetic 0.625; the zero-weight 0 is no domain error.
  const double zero[] = {0}, quarter[] = {0.25}, one[] = {1};
  const double* columns[] = {zero, quarter, one};
  const double w[] = {0, 1, 1};
  double out = 0, wsum = 0;
  CHECK(weighted_mean(mean_kind::geometric, columns, w, 3, 1, &out, &wsum));
  CHECK(out == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(weighted_mean(mean_kind::harmonic, columns, w, 3, 1, &out, &wsum));
  CHECK(out == doctest::Approx(0.4).epsilon(1e-15));
  CHECK(weighted_mean(mean_kind::arithmetic, columns, w, 3, 1, &out, &wsum));
  CHECK(out == 0.625);
  // A weighted child at 0 is still outside the domain, and is the one named.
  const double w_first[] = {1, 0, 1};
  CHECK_FALSE(weighted_mean(mean_kind::geometric, columns, w_first, 3, 1, &out, &wsum));
  std::ptrdiff_t unit = -1, child = -1;
  const double* zero_weight_at_zero[] = {quarter, zero, one};
  const double w_middle[] = {1, 0, 1};
  CHECK_FALSE(chiso::detail::first_outside_domain(mean_kind::geometric, zero_weight_at_zero, 3, 1, unit, child, 1.0,
                                                  w_middle));
  CHECK(chiso::detail::first_outside_domain(mean_kind::geometric, columns, 3, 1, unit, child, 1.0, w_first));
  CHECK(child == 0);
}
