// Rounding on the decimal value (as a spreadsheet's ROUND): the double nearest 51.385 is
// 51.38499999999999801…, yet 51.385 written by a person rounds half up to 51.39.
// Also: sums of 0.25 and 0.01 points are exact.
#include "helpers.hpp"

#include <cstdio>

using namespace chiso_test;
using chiso::round_decimal;
using chiso::rounding_mode;

namespace {
double half_up(double x, int digits = 2) { return round_decimal(x, digits, rounding_mode::half_up); }
double half_even(double x, int digits = 2) { return round_decimal(x, digits, rounding_mode::half_even); }
std::string printf2(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", x);
  return text;
}
}  // namespace

TEST_CASE("half up on the decimal value") {
  CHECK(half_up(51.385) == 51.39);
  CHECK(half_up(1.005) == 1.01);
  CHECK(half_up(0.125) == 0.13);
  CHECK(half_up(2.675) == 2.68);
  CHECK(half_up(0.005) == 0.01);
  CHECK(half_up(1.0005, 3) == 1.001);
  CHECK(half_up(0.5, 0) == 1);
  CHECK(half_up(2.5, 0) == 3);
  CHECK(half_up(9.995) == 10);      // the carry goes through
  CHECK(half_up(99.995) == 100);
}

TEST_CASE("a computed 205.54 / 4 rounds like the 51.385 it stands for") {
  volatile double total = 205.54;  // not folded by the compiler: computed at run time
  const double mean = total / 4;   // 51.384999999999998…
  CHECK(half_up(mean) == 51.39);
  volatile double points = 205.54, max = 400, scale = 100;
  CHECK(half_up(points / max * scale) == 51.39);
}

TEST_CASE("far from halves, nearest") {
  CHECK(half_up(51.384) == 51.38);
  CHECK(half_up(51.3849) == 51.38);
  CHECK(half_up(51.386) == 51.39);
  CHECK(half_up(83.33333333333333) == 83.33);
  CHECK(half_up(66.66666666666667) == 66.67);
  CHECK(half_up(100) == 100);
  CHECK(half_up(0) == 0);
  CHECK(half_up(1234567.891) == 1234567.89);
}

TEST_CASE("half even") {
  CHECK(half_even(0.125) == 0.12);  // 2 is even: stays
  CHECK(half_even(0.135) == 0.14);  // 3 is odd: up
  CHECK(half_even(2.665) == 2.66);
  CHECK(half_even(2.675) == 2.68);
  CHECK(half_even(51.385) == 51.38);  // the decimal tie, to even
  CHECK(half_even(51.395) == 51.4);
  CHECK(half_even(0.5, 0) == 0);
  CHECK(half_even(1.5, 0) == 2);
  CHECK(half_even(2.5, 0) == 2);
  CHECK(half_even(51.3851) == 51.39);  // not a tie
}

TEST_CASE("negative halves: half up is away from zero") {
  CHECK(half_up(-2.5, 0) == -3);
  CHECK(half_up(-0.5, 0) == -1);
  CHECK(half_up(-51.385) == -51.39);
  CHECK(half_up(-1.005) == -1.01);
  CHECK(half_up(-0.125) == -0.13);
  CHECK(half_even(-2.5, 0) == -2);
  CHECK(half_even(-3.5, 0) == -4);
  CHECK(half_even(-0.125) == -0.12);
  CHECK(half_up(-1.234) == -1.23);  // not halves
  CHECK(half_up(-1.236) == -1.24);
}

TEST_CASE("none, NaN and infinity are left as they are") {
  CHECK(round_decimal(51.385, 2, rounding_mode::none) == 51.385);
  CHECK(std::isnan(half_up(nan_value)));
  CHECK(half_up(inf_value) == inf_value);
  CHECK(half_up(-inf_value) == -inf_value);
}

TEST_CASE("naive binary rounding fails where chiso gives the decimal answer") {
  // The double nearest 1.005 is 1.00499999999999989…; × 100 gives 100.49999999999999 → 100.
  CHECK(std::round(1.005 * 100) / 100 == 1.0);
  CHECK(half_up(1.005) == 1.01);
  // printf rounds the binary value: 51.38499999999999801… → "51.38".
  CHECK(printf2(51.385) == "51.38");
  CHECK(printf2(half_up(51.385)) == "51.39");
  CHECK(printf2(2.675) == "2.67");
  CHECK(half_up(2.675) == 2.68);
  // And a computed index.
  volatile double total = 205.54;
  CHECK(printf2(total / 4) == "51.38");  // 51.384999999999998… in binary
  CHECK(half_up(total / 4) == 51.39);
}

TEST_CASE("the model's rounding is applied to the index") {
  // Four criteria of max 100 in steps of 0.01: 51.38 + 51.39 + 51.38 + 51.39 = 205.54 of 400
  // → 51.385 → 51.39 (half up), 51.38 (half even), 51.385… (none).
  json root = inner("R", "sum", {});
  for (const char* id : {"a", "b", "c", "d"}) root["children"].push_back(leaf(id, 100, {{"kind", "points"}, {"step", 0.01}}));
  const std::vector<std::vector<double>> inputs = {{51.38, 51.39, 51.38, 51.39}};
  run up(document(root), inputs);
  CHECK(up.points("R") == 205.54);  // exact: a sum of whole hundredths
  CHECK(up.index() == 51.39);
  run even(document(root, {{"rounding", {{"digits", 2}, {"mode", "half_even"}}}}), inputs);
  CHECK(even.index() == 51.38);
  run none(document(root, {{"rounding", {{"mode", "none"}}}}), inputs);
  CHECK(none.index() == doctest::Approx(51.385).epsilon(1e-12));
  CHECK(none.index() == none.e.raw_index(0));
  run one(document(root, {{"rounding", {{"digits", 1}}}}), inputs);
  CHECK(one.index() == 51.4);
  run zero(document(root, {{"rounding", {{"digits", 0}}}}), inputs);
  CHECK(zero.index() == 51);
}

TEST_CASE("sums of 0.1 and 0.25 points are exact") {
  SUBCASE("ten leaves of 0.1 points sum to exactly 1.0") {
    // In binary, 0.1 added ten times is 0.9999999999999999.
    double naive = 0;
    for (int i = 0; i < 10; ++i) naive += 0.1;
    REQUIRE(naive != 1.0);
    json root = inner("R", "sum", {});
    std::vector<double> inputs;
    for (int i = 0; i < 10; ++i) {
      root["children"].push_back(leaf("c" + std::to_string(i), 0.1, {{"kind", "points"}, {"step", 0.01}}));
      inputs.push_back(0.1);
    }
    run r(document(root, {{"rounding", {{"mode", "none"}}}}), {inputs});
    CHECK(r.points("R") == 1.0);
    CHECK(r.max("R") == 1.0);
    CHECK(r.index() == 100);
  }
  SUBCASE("0.1 + 0.2 is 0.3") {
    REQUIRE(0.1 + 0.2 != 0.3);
    json root = inner("R", "sum", {leaf("a", 1, {{"kind", "points"}, {"step", 0.1}}), leaf("b", 1, {{"kind", "points"}, {"step", 0.1}})});
    run r(document(root, {{"rounding", {{"mode", "none"}}}}), {{0.1, 0.2}});
    CHECK(r.points("R") == 0.3);
    CHECK(r.index() == 15);  // 0.3 / 2 × 100
  }
  SUBCASE("quarter points and a nested sum") {
    // (0.25 + 0.75) + (1.5 + 0.25 + 0.01) = 2.76 of 4 + 6 = 10 → 27.6
    json A = inner("A", "sum", {leaf("a1", 2, {{"kind", "points"}, {"step", 0.25}}), leaf("a2", 2, {{"kind", "points"}, {"step", 0.25}})});
    json B = inner("B", "sum", {leaf("b1", 2, {{"kind", "points"}, {"step", 0.25}}), leaf("b2", 2, {{"kind", "points"}, {"step", 0.25}}),
                                leaf("b3", 2, {{"kind", "points"}, {"step", 0.01}})});
    run r(document(inner("R", "sum", {A, B})), {{0.25, 0.75, 1.5, 0.25, 0.01}});
    CHECK(r.points("A") == 1.0);
    CHECK(r.points("B") == 1.76);
    CHECK(r.points("R") == 2.76);
    CHECK(r.index() == 27.6);  // rounded to 2 digits (2.76 / 10 × 100 is 27.599999999999998 in binary)
  }
  SUBCASE("tiers and deductions in whole hundredths are exact too") {
    // tiers 0.1 + yes_no 0.2 − deduction 0.01 × 3 = 0.27
    json root = inner("R", "sum", {leaf("t", 0.1, {{"kind", "tiers"}, {"tiers", {{{"min", 0.5}, {"points", 0.1}}}}}),
                                   leaf("y", 0.2, {{"kind", "yes_no"}}),
                                   adjustment("d", {{"kind", "deduction"}, {"per", 0.01}, {"cap", 1}})});
    run r(document(root, {{"rounding", {{"mode", "none"}}}}), {{0.7, 1, 3}});
    CHECK(r.points("R") == 0.27);
    CHECK(r.max("R") == 0.3);
  }
}
