// Every leaf rule, through the batch evaluation and through the scalar definition
// (chiso::leaf_points). Expected points are worked out by hand beside each check.
#include "helpers.hpp"

using namespace chiso_test;
using doctest::Approx;

namespace {

// Points a one-criterion model gives input x (batch path), the leaf being "a".
double batch_points(const json& rule, double max, double x) {
  run r(document(inner("R", "sum", {leaf("a", max, rule)})), {{x}});
  return r.points("a");
}

// Both paths must agree; returns the batch answer.
double points_of(const json& rule, double max, double x) {
  const chiso::model m = load(document(inner("R", "sum", {leaf("a", max, rule)})));
  const chiso::node& a = *m.find("a");
  REQUIRE_FALSE(chiso::check_leaf_input(*a.rule, a.max, x).has_value());
  const double scalar = chiso::leaf_points(*a.rule, a.max, x);
  const double batch = batch_points(rule, max, x);
  CHECK(scalar == batch);
  return batch;
}

// The data_error the batch path throws for input x, and the scalar check agrees it is invalid.
chiso::data_error rejected(const json& rule, double max, double x) {
  const chiso::model m = load(document(inner("R", "sum", {leaf("a", max, rule)})));
  const chiso::node& a = *m.find("a");
  CHECK(chiso::check_leaf_input(*a.rule, a.max, x).has_value());
  return caught<chiso::data_error>([&] { batch_points(rule, max, x); });
}

}  // namespace

TEST_CASE("points with step 0.25") {
  const json rule = {{"kind", "points"}, {"step", 0.25}};
  CHECK(points_of(rule, 2, 0) == 0);
  CHECK(points_of(rule, 2, 0.75) == 0.75);
  CHECK(points_of(rule, 2, 1.25) == 1.25);
  CHECK(points_of(rule, 2, 2) == 2);  // the max itself
  // 0.8 / 0.25 = 3.2 steps: not a multiple.
  chiso::data_error e = rejected(rule, 2, 0.8);
  CHECK(e.id() == "data.range");
  CHECK(contains(e.what(), "multiple of 0.25"));
  CHECK(rejected(rule, 2, 2.25).id() == "data.range");   // above max, although a multiple
  CHECK(rejected(rule, 2, -0.25).id() == "data.range");  // negative
}

TEST_CASE("points with step 0.1: decimal inputs that are not exact in binary are accepted") {
  const json rule = {{"kind", "points"}, {"step", 0.1}};
  // 0.3 / 0.1 = 2.9999999999999996 in binary, within the tolerance of 3 steps.
  CHECK(points_of(rule, 1, 0.3) == 0.3);
  CHECK(points_of(rule, 1, 0.7) == 0.7);
  CHECK(rejected(rule, 1, 0.35).id() == "data.range");
}

TEST_CASE("points with a set of values") {
  const json rule = {{"kind", "points"}, {"values", {0, 0.5, 1.5}}};
  CHECK(points_of(rule, 1.5, 0) == 0);
  CHECK(points_of(rule, 1.5, 0.5) == 0.5);
  CHECK(points_of(rule, 1.5, 1.5) == 1.5);
  chiso::data_error e = rejected(rule, 1.5, 1);  // 1 is within [0, 1.5] but not listed
  CHECK(contains(e.what(), "one of 0, 0.5, 1.5"));
}

TEST_CASE("points without step or values: any number in [0, max]") {
  const json rule = {{"kind", "points"}};
  CHECK(points_of(rule, 3, 2.345) == 2.345);
  CHECK(rejected(rule, 3, 3.0001).id() == "data.range");
}

TEST_CASE("yes_no") {
  const json rule = {{"kind", "yes_no"}};
  CHECK(points_of(rule, 2, 1) == 2);  // yes: the max
  CHECK(points_of(rule, 2, 0) == 0);
  CHECK(rejected(rule, 2, 2).id() == "data.range");
  CHECK(rejected(rule, 2, 0.5).id() == "data.range");
  CHECK(rejected(rule, 2, -1).id() == "data.range");
}

TEST_CASE("tiers, percent, inclusive bounds") {
  // 100% → 1 point; 90% to under 100% → 0.5; under 90% → 0.
  const json rule = {{"kind", "tiers"}, {"unit", "percent"},
                     {"tiers", {{{"min", 100}, {"points", 1}}, {{"min", 90}, {"points", 0.5}}}}};
  CHECK(points_of(rule, 1, 100) == 1);
  CHECK(points_of(rule, 1, 99.99) == 0.5);
  CHECK(points_of(rule, 1, 90) == 0.5);  // inclusive: 90 ≥ 90
  CHECK(points_of(rule, 1, 89.99) == 0);  // no tier matched
  CHECK(points_of(rule, 1, 0) == 0);
  chiso::data_error e = rejected(rule, 1, 120);  // a rate of 120% is not a share
  CHECK(e.id() == "data.range");
  CHECK(contains(e.what(), "100"));
  CHECK(rejected(rule, 1, -1).id() == "data.range");
}

TEST_CASE("tiers, exclusive bounds") {
  // above 90% (strictly) → 1; 50% and above → 0.5.
  const json rule = {{"kind", "tiers"}, {"unit", "percent"},
                     {"tiers", {{{"min", 90}, {"points", 1}, {"exclusive", true}}, {{"min", 50}, {"points", 0.5}}}}};
  CHECK(points_of(rule, 1, 90) == 0.5);  // 90 > 90 is false: falls to the next tier
  CHECK(points_of(rule, 1, 90.01) == 1);
  CHECK(points_of(rule, 1, 50) == 0.5);
  CHECK(points_of(rule, 1, 49.9) == 0);
}

TEST_CASE("tiers, fraction unit (the default)") {
  const json rule = {{"kind", "tiers"}, {"tiers", {{{"min", 0.9}, {"points", 2}}, {{"min", 0.5}, {"points", 1}}}}};
  CHECK(points_of(rule, 2, 0.9379) == 2);
  CHECK(points_of(rule, 2, 0.9) == 2);
  CHECK(points_of(rule, 2, 0.5) == 1);
  CHECK(points_of(rule, 2, 0.49) == 0);
  CHECK(points_of(rule, 2, 1) == 2);
  CHECK(rejected(rule, 2, 1.2).id() == "data.range");   // 120% as a fraction
  CHECK(rejected(rule, 2, 93.79).id() == "data.range");  // a percent given to a fraction rule
}

TEST_CASE("tiers, lower_is_better written with `max`") {
  // Overdue dossiers: 0% → 1 point; up to 5% → 0.5; more → 0.
  const json rule = {{"kind", "tiers"}, {"unit", "percent"}, {"direction", "lower_is_better"},
                     {"tiers", {{{"max", 0}, {"points", 1}}, {{"max", 5}, {"points", 0.5}}}}};
  CHECK(points_of(rule, 1, 0) == 1);
  CHECK(points_of(rule, 1, 0.01) == 0.5);
  CHECK(points_of(rule, 1, 5) == 0.5);  // inclusive: 5 ≤ 5
  CHECK(points_of(rule, 1, 6.21) == 0);
  CHECK(points_of(rule, 1, 100) == 0);
  CHECK(rejected(rule, 1, 100.5).id() == "data.range");
}

TEST_CASE("tiers, lower_is_better with an exclusive bound") {
  // under 5% (strictly) → 1; up to 10% → 0.25.
  const json rule = {{"kind", "tiers"}, {"unit", "percent"}, {"direction", "lower_is_better"},
                     {"tiers", {{{"max", 5}, {"points", 1}, {"exclusive", true}}, {{"max", 10}, {"points", 0.25}}}}};
  CHECK(points_of(rule, 1, 4.99) == 1);
  CHECK(points_of(rule, 1, 5) == 0.25);  // 5 < 5 is false
  CHECK(points_of(rule, 1, 10) == 0.25);
  CHECK(points_of(rule, 1, 10.01) == 0);
}

TEST_CASE("linear between goalposts, clamped both directions") {
  // max 10, lower 20, upper 80: points = 10 × clamp((x − 20) / 60, 0, 1).
  const json rule = {{"kind", "linear"}, {"lower", 20}, {"upper", 80}};
  CHECK(points_of(rule, 10, 50) == 5);      // 30/60 = 0.5
  CHECK(points_of(rule, 10, 65) == 7.5);    // 45/60 = 0.75
  CHECK(points_of(rule, 10, 20) == 0);
  CHECK(points_of(rule, 10, 80) == 10);
  CHECK(points_of(rule, 10, 10) == 0);      // below lower: clamped to 0
  CHECK(points_of(rule, 10, 500) == 10);    // above upper: clamped to max
  CHECK(points_of(rule, 10, -1e9) == 0);
  CHECK(points_of(rule, 10, 30) == Approx(10.0 / 6.0));  // 10/60 × 10
}

TEST_CASE("linear, lower_is_better") {
  // points = 10 × clamp((80 − x) / 60, 0, 1).
  const json rule = {{"kind", "linear"}, {"lower", 20}, {"upper", 80}, {"direction", "lower_is_better"}};
  CHECK(points_of(rule, 10, 35) == 7.5);  // 45/60
  CHECK(points_of(rule, 10, 50) == 5);
  CHECK(points_of(rule, 10, 20) == 10);
  CHECK(points_of(rule, 10, 80) == 0);
  CHECK(points_of(rule, 10, 0) == 10);    // clamped
  CHECK(points_of(rule, 10, 100) == 0);   // clamped
}

TEST_CASE("proportional") {
  // max 4 × rate.
  const json percent = {{"kind", "proportional"}, {"unit", "percent"}};
  CHECK(points_of(percent, 4, 50) == 2);
  CHECK(points_of(percent, 4, 93.79) == Approx(3.7516));  // 4 × 0.9379
  CHECK(points_of(percent, 4, 100) == 4);
  CHECK(points_of(percent, 4, 0) == 0);
  CHECK(rejected(percent, 4, 120).id() == "data.range");  // no clamp: an error
  CHECK(rejected(percent, 4, -5).id() == "data.range");
  const json fraction = {{"kind", "proportional"}};
  CHECK(points_of(fraction, 4, 0.25) == 1);
  CHECK(rejected(fraction, 4, 1.5).id() == "data.range");
}

TEST_CASE("proportional with clamp") {
  const json rule = {{"kind", "proportional"}, {"unit", "percent"}, {"clamp", true}};
  CHECK(points_of(rule, 4, 120) == 4);  // rate 1.2 clamped to 1
  CHECK(points_of(rule, 4, -5) == 0);   // rate −0.05 clamped to 0
  CHECK(points_of(rule, 4, 75) == 3);
}

TEST_CASE("proportional, lower_is_better") {
  // max 4 × (1 − rate): overdue 6.21% → 4 × 0.9379.
  const json rule = {{"kind", "proportional"}, {"unit", "percent"}, {"direction", "lower_is_better"}};
  CHECK(points_of(rule, 4, 6.21) == Approx(3.7516));
  CHECK(points_of(rule, 4, 25) == 3);
  CHECK(points_of(rule, 4, 0) == 4);
  CHECK(points_of(rule, 4, 100) == 0);
  const json clamped = {{"kind", "proportional"}, {"unit", "percent"}, {"direction", "lower_is_better"}, {"clamp", true}};
  CHECK(points_of(clamped, 4, 150) == 0);
  CHECK(points_of(clamped, 4, -10) == 4);
}

namespace {
// A criterion of max 10 scored `given`, plus an adjustment leaf "d" with `count` occurrences.
run with_adjustment(const json& rule, double given, double count, bool clamp = false) {
  json root = inner("R", "sum", {leaf("a", 10, {{"kind", "points"}, {"step", 0.25}}), adjustment("d", rule)});
  return run(document(root, {{"clamp", clamp}}), {{given, count}});
}
}  // namespace

TEST_CASE("deduction: per occurrence, capped, outside the max") {
  const json rule = {{"kind", "deduction"}, {"per", 0.5}, {"cap", 2}};
  {
    run r = with_adjustment(rule, 8, 3);  // −min(0.5 × 3, 2) = −1.5
    CHECK(r.points("d") == -1.5);
    CHECK(r.max("d") == 0);       // contributes nothing to the max
    CHECK(r.points("R") == 6.5);  // 8 − 1.5
    CHECK(r.max("R") == 10);
    CHECK(r.index() == 65);       // 6.5 / 10 × 100
  }
  {
    run r = with_adjustment(rule, 8, 5);  // 0.5 × 5 = 2.5, capped at 2
    CHECK(r.points("d") == -2);
    CHECK(r.index() == 60);
  }
  CHECK(with_adjustment(rule, 8, 0).points("d") == 0);
  CHECK(with_adjustment(rule, 8, 4).points("d") == -2);  // exactly the cap
  // A count is a whole number ≥ 0.
  CHECK(caught<chiso::data_error>([&] { with_adjustment(rule, 8, 1.5); }).id() == "data.range");
  CHECK(caught<chiso::data_error>([&] { with_adjustment(rule, 8, -1); }).id() == "data.range");
}

TEST_CASE("deduction can take the index below 0") {
  // 0.5 of 10 points, deduction 2 (cap): −1.5 / 10 → −15; clamp: 0.
  const json rule = {{"kind", "deduction"}, {"per", 1}, {"cap", 2}};
  CHECK(with_adjustment(rule, 0.5, 2).index() == -15);
  CHECK(with_adjustment(rule, 0.5, 2, true).index() == 0);
}

TEST_CASE("bonus: per occurrence, capped, outside the max") {
  const json rule = {{"kind", "bonus"}, {"per", 1}, {"cap", 2}};
  {
    run r = with_adjustment(rule, 9.5, 1);  // + min(1, 2) = 1 → 10.5 / 10
    CHECK(r.points("d") == 1);
    CHECK(r.max("R") == 10);
    CHECK(r.index() == 105);  // bonuses can leave [0, scale] without clamp
  }
  CHECK(with_adjustment(rule, 9.5, 4).points("d") == 2);  // min(4, 2)
  CHECK(with_adjustment(rule, 9.5, 4, true).index() == 100);  // 11.5/10 clamped to the scale
  CHECK(with_adjustment(rule, 9.5, 4, true).e.raw_index(0) == 100);  // raw_index is after clamping
}
