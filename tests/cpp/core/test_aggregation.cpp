// Every aggregation, worked by hand. Children of the mean-type roots:
//   a: 8 of 10  → s = 0.8,  weight 1
//   b: 10 of 20 → s = 0.5,  weight 2
//   c: 5 of 5   → s = 1.0,  weight 1
#include "helpers.hpp"

using namespace chiso_test;
using doctest::Approx;

namespace {

json weighted(const std::string& aggregate) {
  json root = inner("R", aggregate, {leaf("a", 10, points_rule()), leaf("b", 20, points_rule()), leaf("c", 5, points_rule())});
  root["children"][1]["weight"] = 2;
  return root;
}

run evaluate_abc(const json& root, const json& extra = json::object()) {
  return run(document(root, extra), {{8, 10, 5}});
}

}  // namespace

TEST_CASE("sum: points add, max adds, score = points / max") {
  run r = evaluate_abc(inner("R", "sum", {leaf("a", 10, points_rule()), leaf("b", 20, points_rule()), leaf("c", 5, points_rule())}),
                       {{"rounding", {{"mode", "none"}}}});
  CHECK(r.points("R") == 23);  // 8 + 10 + 5
  CHECK(r.max("R") == 35);     // 10 + 20 + 5
  CHECK(r.score("R") == 23.0 / 35.0);
  CHECK(r.index() == 23.0 / 35.0 * 100);
  CHECK(r.score("b") == 0.5);  // every node has a score, leaves too
}

TEST_CASE("weighted mean") {
  // (1 × 0.8 + 2 × 0.5 + 1 × 1) / (1 + 2 + 1) = 2.8 / 4 = 0.7
  run r = evaluate_abc(weighted("mean"));
  CHECK(r.score("R") == Approx(0.7));
  CHECK(r.max("R") == 35);                   // no declared max: Σ children's max
  CHECK(r.points("R") == Approx(0.7 * 35));  // points = score × max = 24.5
  CHECK(r.index() == 70);
}

TEST_CASE("weighted mean with a declared max") {
  json root = weighted("mean");
  root["max"] = 100;
  run r = evaluate_abc(root);
  CHECK(r.max("R") == 100);
  CHECK(r.points("R") == Approx(70));  // 0.7 × 100
  CHECK(r.index() == 70);              // the index is the score × scale, whatever the max
}

TEST_CASE("unweighted mean differs from the weighted one") {
  // (0.8 + 0.5 + 1) / 3 = 0.766666… → 76.67
  run r = evaluate_abc(inner("R", "mean", {leaf("a", 10, points_rule()), leaf("b", 20, points_rule()), leaf("c", 5, points_rule())}));
  CHECK(r.index() == 76.67);
}

TEST_CASE("weighted geometric mean") {
  // exp((ln 0.8 + 2 ln 0.5 + ln 1) / 4) = (0.8 × 0.25 × 1)^(1/4) = 0.2^0.25 = 0.66874030497…
  run r = evaluate_abc(weighted("geomean"));
  CHECK(r.score("R") == Approx(0.668740304976422));
  CHECK(r.index() == 66.87);
}

TEST_CASE("weighted harmonic mean") {
  // 4 / (1/0.8 + 2/0.5 + 1/1) = 4 / (1.25 + 4 + 1) = 4 / 6.25 = 0.64
  run r = evaluate_abc(weighted("harmonic"));
  CHECK(r.score("R") == Approx(0.64));
  CHECK(r.index() == 64);
}

TEST_CASE("min and max of the children's scores") {
  CHECK(evaluate_abc(weighted("min")).index() == 50);   // min(0.8, 0.5, 1)
  CHECK(evaluate_abc(weighted("max")).index() == 100);  // max(0.8, 0.5, 1)
  run r = evaluate_abc(weighted("min"));
  CHECK(r.points("R") == Approx(0.5 * 35));
}

TEST_CASE("a weight of 0 leaves a child out of the mean") {
  json root = weighted("mean");
  root["children"][2]["weight"] = 0;
  // (0.8 + 2 × 0.5) / 3 = 0.6
  CHECK(evaluate_abc(root).index() == 60);
}

TEST_CASE("a child whose max is 0 is not applicable to its parent") {
  // R = mean of A (a sum of a1, a2; weight 3) and b (6 of 10 → 0.6). For the unit, a1 and a2 do not
  // apply: A's max is 0, so A is left out: R's score is 0.6, not (3 × 0 + 0.6) / 4 = 0.15.
  for (const char* aggregate : {"mean", "geomean", "harmonic", "min", "max"}) {
    CAPTURE(aggregate);
    json A = inner("A", "sum", {leaf("a1", 1, points_rule()), leaf("a2", 1, points_rule())});
    A["weight"] = 3;
    json root = inner("R", aggregate, {A, leaf("b", 10, points_rule())});
    const bool_matrix applicable = mask({{0, 0, 1}});
    run r(document(root), {{nan_value, nan_value, 6}}, {"u"}, {}, &applicable);
    CHECK(r.max("A") == 0);
    CHECK(r.points("A") == 0);
    CHECK(std::isnan(r.score("A")));
    CHECK(r.score("R") == Approx(0.6));
    CHECK(r.max("R") == 10);  // only b's max
    CHECK(r.index() == 60);
  }
}

TEST_CASE("nested: a sum of areas, each a mean with a declared max") {
  // Area X (max 40) = mean(x1 3/4 = 0.75, x2 1/2 = 0.5) = 0.625 → 25 points.
  // Area Y (max 60) = mean(y1 (w 1) 1/1, y2 (w 3) 0/2) = (1 + 0) / 4 = 0.25 → 15 points.
  // Root: (25 + 15) / (40 + 60) = 0.4 → 40.
  json X = inner("X", "mean", {leaf("x1", 4, points_rule()), leaf("x2", 2, points_rule())});
  X["max"] = 40;
  json Y = inner("Y", "mean", {leaf("y1", 1, points_rule()), leaf("y2", 2, points_rule())});
  Y["max"] = 60;
  Y["children"][1]["weight"] = 3;
  run r(document(inner("R", "sum", {X, Y})), {{3, 1, 1, 0}});
  CHECK(r.points("X") == Approx(25));
  CHECK(r.points("Y") == Approx(15));
  CHECK(r.max("R") == 100);
  CHECK(r.index() == 40);
}

TEST_CASE("a mean root's index is its score × scale") {
  json root = weighted("mean");
  run r = evaluate_abc(root, {{"scale", 10}});
  CHECK(r.index() == 7);  // 0.7 × 10
}

TEST_CASE("geometric and harmonic means meeting a score ≤ 0 name the unit and the node") {
  for (const char* aggregate : {"geomean", "harmonic"}) {
    CAPTURE(aggregate);
    json root = inner("R", "sum", {inner("G", aggregate, {leaf("a", 10, points_rule()), leaf("b", 10, points_rule())})});
    const chiso::data_error e = caught<chiso::data_error>([&] {
      run r(document(root), {{5, 5}, {5, 0}}, {"Đống Đa", "Ba Vì"});  // b scores 0 for the second unit
    });
    CHECK(e.id() == "data.nonpositive_score");
    CHECK(e.unit() == "Ba Vì");
    CHECK(e.node() == "G");
    CHECK(contains(e.what(), "Ba Vì"));
    CHECK(contains(e.what(), "'G'"));
    CHECK(contains(e.what(), "'b'"));  // and the child
  }
}

TEST_CASE("geomean with missing: zero meets a score 0 (an error), exclude leaves the child out") {
  json root = inner("R", "geomean", {leaf("a", 10, points_rule()), leaf("b", 10, points_rule())});
  CHECK(caught<chiso::data_error>([&] { run r(document(root, {{"missing", "zero"}}), {{4, nan_value}}); }).id() ==
        "data.nonpositive_score");
  run r(document(root, {{"missing", "exclude"}}), {{4, nan_value}});
  CHECK(r.index() == 40);  // only a: 4 / 10
}
