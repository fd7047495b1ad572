// Denominate, impute, screen, treat and normalise on small inputs checked by hand.
#include <doctest/doctest.h>

#include <chiso/analysis.hpp>

#include "helpers.hpp"

using namespace chiso::analysis;
using namespace analysis_test;

namespace {
const double NA = chiso::analysis::nan;
}  // namespace

TEST_CASE("denominate: x / (denominator / scale), zero denominators are errors") {
  matrix x(2, 2), d(2, 1);
  x << 10, 1, 20, 2;
  d << 2, 0.5;
  const auto r = denominate(x, d, {0, -1}, {10, 1});
  CHECK(r.data(0, 0) == doctest::Approx(50));
  CHECK(r.data(1, 0) == doctest::Approx(400));
  CHECK(r.data(1, 1) == 2);
  d(1, 0) = 0;
  CHECK_THROWS_WITH_AS(denominate(x, d, {0, -1}, {}, {"A", "B"}, {"gdp", "x"}), doctest::Contains("unit 'B'"), chiso::data_error);
}

TEST_CASE("impute: means, medians, groups, parent mean; every imputed cell reported") {
  matrix x(4, 1);
  x << 1, NA, 3, 10;
  auto r = impute(x, {impute_method::indicator_mean, {}});
  CHECK(r.data(1, 0) == doctest::Approx(14.0 / 3));
  REQUIRE(r.imputed.size() == 1);
  CHECK(r.imputed[0].unit == 1);
  CHECK(impute(x, {impute_method::indicator_median, {}}).data(1, 0) == 3);
  CHECK(impute(x, {impute_method::group_mean, {0, 0, 1, 0}}).data(1, 0) == doctest::Approx(5.5));
  CHECK(impute(x, {impute_method::group_median, {0, 0, 1, 0}}).data(1, 0) == doctest::Approx(5.5));
  const auto g = impute(x, {impute_method::group_mean, {0, 1, 0, 0}});  // group 1 has no value
  CHECK(g.still_missing.size() == 1);
  CHECK_THROWS_AS(impute(x, {impute_method::group_mean, {0}}), chiso::parameter_error);

  // parent mean: b (direction −1) is missing for unit 1; a's normalised value there is 0.5, so b
  // gets the value whose normalised (reversed) score is 0.5: midway between 2 and 6 → 4.
  hierarchy h({row("a", 1, "P", 1, 1), row("b", 1, "P", 1, -1), row("P", 2, "", 1, 1)});
  matrix y(3, 2);
  y << 0, 6, 5, NA, 10, 2;
  CHECK(impute(y, {impute_method::parent_mean, {}}, &h).data(1, 1) == doctest::Approx(4));
}

TEST_CASE("screen: availability < threshold removed, with the reason") {
  matrix x(3, 4);
  x << 1, 2, 3, 4, 1, NA, 3, 4, NA, NA, 3, 4;
  const auto r = screen_units(x, 0.75);
  CHECK(r.kept == std::vector<std::ptrdiff_t>{0, 1});
  REQUIRE(r.removed.size() == 1);
  CHECK(r.removed[0].unit == 2);
  CHECK(r.removed[0].availability == 0.5);
}

TEST_CASE("treat: skewness and kurtosis as e1071 type 2; winsorise, else log of the original") {
  // Expected skewness/kurtosis from scipy.stats.skew/kurtosis(bias=False) (the same G1, G2);
  // expected treatments from tests/python/reference/coinr_asem.py's transcription of R/treat.R.
  const double v[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 30, 100};
  CHECK(skewness(v, 12) == doctest::Approx(3.0632410342394993).epsilon(1e-12));
  CHECK(kurtosis(v, 12) == doctest::Approx(9.741390834569144).epsilon(1e-12));
  matrix x = Eigen::Map<const vector>(v, 12);
  const auto r = treat(x, treat_options{});
  CHECK(r.indicators[0].applied == treatment::winsorised);  // 100 → 30, then it passes
  CHECK(r.indicators[0].n_winsorised == 1);
  CHECK(r.data(11, 0) == 30);
  REQUIRE(r.points.size() == 1);
  CHECK(r.points[0].kind == "winhi");
  CHECK(r.points[0].before == 100);

  vector y(23);
  for (int i = 0; i < 20; ++i) y[i] = i + 1;
  y[20] = 50; y[21] = 100; y[22] = 1000;
  const auto five = treat(y, treat_options{});  // 1000 → 100, then both → 50
  CHECK(five.indicators[0].n_winsorised == 2);
  CHECK(five.data(22, 0) == 50);
  CHECK(five.data(21, 0) == 50);
  treat_options one;
  one.winmax = 1;  // not enough: log(x − min + 0.01 (max − min)) of the original values
  const auto l = treat(y, one);
  CHECK(l.indicators[0].applied == treatment::log_transformed);
  CHECK(l.data(0, 0) == doctest::Approx(2.301584592660462).epsilon(1e-14));
  CHECK(l.data(22, 0) == doctest::Approx(6.916705109501722).epsilon(1e-14));
  CHECK(l.points.size() == 23);
}

TEST_CASE("normalise: every method by hand, with direction") {
  matrix x(4, 1);
  x << 2, 4, 6, 10;
  auto one = [&](normalise_spec s, int d) { return normalise(x, {d}, s).col(0).eval(); };
  normalise_spec s;
  CHECK(one(s, 1)[1] == doctest::Approx(25));
  CHECK(one(s, -1)[1] == doctest::Approx(75));
  s.method = normalise_method::z_score;
  CHECK(one(s, 1)[3] == doctest::Approx((10 - 5.5) / std::sqrt(35.0 / 3)));
  s.method = normalise_method::rank;
  CHECK(one(s, -1)[0] == 4);
  s.method = normalise_method::percentile_rank;
  CHECK(one(s, 1)[1] == doctest::Approx(1.0 / 3));
  s.method = normalise_method::borda;
  CHECK(one(s, 1)[3] == 3);
  s.method = normalise_method::distance_to_max;
  CHECK(one(s, 1)[2] == doctest::Approx(0.5));
  s.method = normalise_method::distance_to_target;
  s.target = 8;
  CHECK(one(s, 1)[2] == doctest::Approx(4.0 / 6));
  CHECK(one(s, 1)[3] == 1);  // capped
  CHECK(one(s, -1)[3] == doctest::Approx(0));  // (max − x)/(max − target)
  CHECK(one(s, -1)[0] == 1);
  s.method = normalise_method::goalposts;
  s.goal_low = 4;
  s.goal_high = 8;
  s.scale = 100;
  CHECK(one(s, 1)[2] == doctest::Approx(50));
  CHECK(one(s, 1)[0] == 0);
  CHECK(one(s, -1)[0] == 100);
  s.method = normalise_method::ratio_to_mean;
  s.scale = 1;
  CHECK(one(s, 1)[1] == doctest::Approx(4 / 5.5));
  s.method = normalise_method::none;
  CHECK(one(s, -1)[1] == 4);
}
