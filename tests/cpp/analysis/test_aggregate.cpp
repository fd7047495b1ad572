// Aggregation methods against published values and hand computations.
#include <doctest/doctest.h>

#include <chiso/analysis/aggregate.hpp>

#include "helpers.hpp"

using namespace chiso::analysis;
using namespace analysis_test;

namespace {
const double NA = chiso::analysis::nan;
}  // namespace

TEST_CASE("TOPSIS: Tzeng & Huang (2011), vector normalisation") {
  matrix x(4, 3);
  x << 5, 8, 4, 7, 6, 8, 8, 8, 6, 7, 4, 6;
  const auto r = topsis(x, {0.3, 0.4, 0.3});
  const double expected[] = {0.5037, 0.6581, 0.7482, 0.3340};
  for (int i = 0; i < 4; ++i) CHECK(std::abs(r.closeness[i] - expected[i]) < 5e-5);
  CHECK(r.normalisation == topsis_normalisation::vector);
  const auto ranks = rank_values(r.closeness, false, tie_rule::competition);
  CHECK(ranks[0] == 3);
  CHECK(ranks[1] == 2);
  CHECK(ranks[2] == 1);
  CHECK(ranks[3] == 4);
}

TEST_CASE("TOPSIS and VIKOR: Opricovic & Tzeng (2004)") {
  matrix x(3, 2);
  x << 1, 3000, 2, 3750, 5, 4500;
  const std::vector<int> dirs = {-1, 1};
  const auto t = topsis(x, {0.5, 0.5}, dirs, topsis_normalisation::min_max);
  CHECK(std::abs(t.closeness[0] - 0.500) < 5e-4);
  CHECK(std::abs(t.closeness[1] - 0.617) < 5e-4);
  CHECK(std::abs(t.closeness[2] - 0.500) < 5e-4);
  const auto v = vikor(x, {0.5, 0.5}, dirs, 0.5);
  const double S[] = {0.5, 0.375, 0.5}, R[] = {0.5, 0.25, 0.5}, Q[] = {1, 0, 1};
  for (int i = 0; i < 3; ++i) {
    CHECK(v.s[i] == doctest::Approx(S[i]));
    CHECK(v.r[i] == doctest::Approx(R[i]));
    CHECK(v.q[i] == doctest::Approx(Q[i]));
  }
}

TEST_CASE("Copeland: outranking by hand") {
  // Units a, b, c on three equally weighted criteria.
  matrix x(3, 3);
  x << 3, 3, 1,   // a
       2, 3, 2,   // b
       1, 1, 3;   // c
  const auto r = copeland(x, {1, 1, 1});
  // e_ab = 1/3 (crit 1) + 1/6 (tie on 2) = 1/2 → 0; e_ac = 2/3 → +1; e_bc = 2/3 → +1.
  CHECK(r.outranking(0, 1) == doctest::Approx(0.5));
  CHECK(r.outranking(0, 2) == doctest::Approx(2.0 / 3));
  CHECK(r.scores[0] == 1);
  CHECK(r.scores[1] == 1);
  CHECK(r.scores[2] == -2);
}

TEST_CASE("means in the tree: arithmetic drops missing children, geometric/harmonic by hand, errors name unit and node") {
  hierarchy h({row("a", 1, "I", 1), row("b", 1, "I", 3), row("I", 2, "", 1)});
  matrix x(2, 2);
  x << 10, 40, 20, NA;
  vector w(3);
  w << 1, 3, 1;
  CHECK(aggregation_plan(h).aggregate(x, w)(0, 2) == doctest::Approx(0.25 * 10 + 0.75 * 40));
  CHECK(aggregation_plan(h).aggregate(x, w)(1, 2) == doctest::Approx(20));
  CHECK(aggregation_plan(h, {{aggregation::geometric}}).aggregate(x, w)(0, 2) == doctest::Approx(std::pow(10, 0.25) * std::pow(40, 0.75)));
  CHECK(aggregation_plan(h, {{aggregation::harmonic}}).aggregate(x, w)(0, 2) == doctest::Approx(1 / (0.25 / 10 + 0.75 / 40)));
  CHECK(aggregation_plan(h, {{aggregation::minimum}}).aggregate(x, w)(0, 2) == 10);
  x(0, 0) = 0;
  const std::vector<std::string> units = {"HN", "HCM"};
  CHECK_THROWS_WITH_AS(aggregation_plan(h, {{aggregation::geometric}}).aggregate(x, w, &units),
                       doctest::Contains("unit 'HN', criterion 'I'"), chiso::data_error);
  CHECK_THROWS_AS(aggregation_plan(h, {{aggregation::harmonic}}).aggregate(x, w), chiso::data_error);
}
