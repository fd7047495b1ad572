// Applicability (the criterion does not apply: the max is adjusted) is not missing (the input is
// absent: the model's policy says what happens). Model: R = sum(a max 4, b max 6).
#include "helpers.hpp"

using namespace chiso_test;

namespace {
json ab(const std::string& missing) {
  return document(inner("R", "sum", {leaf("a", 4, {{"kind", "points"}, {"step", 0.5}}), leaf("b", 6, {{"kind", "points"}, {"step", 0.5}})}),
                  {{"missing", missing}});
}
}  // namespace

TEST_CASE("not applicable: neither points nor max") {
  // a = 3 of 4; b does not apply: 3 / 4 → 75.
  const bool_matrix applicable = mask({{1, 0}});
  for (const char* policy : {"error", "zero", "exclude"}) {
    CAPTURE(policy);
    run r(ab(policy), {{3, 5}}, {"u"}, {}, &applicable);
    CHECK(r.points("b") == 0);
    CHECK(r.max("b") == 0);
    CHECK(std::isnan(r.score("b")));
    CHECK(r.points("R") == 3);
    CHECK(r.max("R") == 4);  // adjusted max
    CHECK(r.index() == 75);
  }
}

TEST_CASE("the input of a criterion that does not apply is not read: NaN, or out of range, is no error") {
  const bool_matrix applicable = mask({{1, 0}, {1, 0}, {1, 0}});
  run r(ab("error"), {{3, nan_value}, {3, 99}, {3, inf_value}}, {}, {}, &applicable);
  CHECK(r.index(0) == 75);
  CHECK(r.index(1) == 75);
  CHECK(r.index(2) == 75);
}

TEST_CASE("missing under `error`: names unit and criterion") {
  const chiso::data_error e = caught<chiso::data_error>([&] { run r(ab("error"), {{3, 6}, {3, nan_value}}, {"Sở Tư pháp", "Sở Nội vụ"}); });
  CHECK(e.id() == "data.missing");
  CHECK(e.unit() == "Sở Nội vụ");
  CHECK(e.node() == "b");
  CHECK(contains(e.what(), "unit 'Sở Nội vụ'"));
  CHECK(contains(e.what(), "criterion 'b'"));
}

TEST_CASE("missing without unit names: the row is named") {
  const chiso::data_error e = caught<chiso::data_error>([&] { run r(ab("error"), {{3, 6}, {4, 6}, {nan_value, 6}}); });
  CHECK(e.node() == "a");
  CHECK(e.unit() == "row 2");
}

TEST_CASE("missing under `zero`: 0 points of the full max") {
  // 3 + 0 of 4 + 6 → 30.
  run r(ab("zero"), {{3, nan_value}});
  CHECK(r.points("b") == 0);
  CHECK(r.max("b") == 6);
  CHECK(r.max("R") == 10);
  CHECK(r.index() == 30);
}

TEST_CASE("missing under `exclude`: like not applicable") {
  run r(ab("exclude"), {{3, nan_value}});
  CHECK(r.max("b") == 0);
  CHECK(r.max("R") == 4);
  CHECK(r.index() == 75);
}

TEST_CASE("applicability and missing are different things under `zero`") {
  // Unit 0: b not applicable → 3 / 4 = 75. Unit 1: b applicable but missing → 3 / 10 = 30.
  const bool_matrix applicable = mask({{1, 0}, {1, 1}});
  run r(ab("zero"), {{3, nan_value}, {3, nan_value}}, {}, {}, &applicable);
  CHECK(r.index(0) == 75);
  CHECK(r.index(1) == 30);
}

TEST_CASE("infinity is not missing: an error under every policy") {
  for (const char* policy : {"error", "zero", "exclude"}) {
    CAPTURE(policy);
    for (double bad : {inf_value, -inf_value}) {
      const chiso::data_error e = caught<chiso::data_error>([&] { run r(ab(policy), {{3, bad}}, {"U"}); });
      CHECK(e.id() == "data.range");
      CHECK(e.unit() == "U");
      CHECK(e.node() == "b");
      CHECK(contains(e.what(), "finite"));
    }
  }
}

TEST_CASE("nothing applicable: index NaN, not ranked, no band") {
  json d = ab("error");
  d["bands"] = {{{"min", 50}, {"label", "good"}}, {{"min", 0}, {"label", "weak"}}};
  const bool_matrix applicable = mask({{0, 0}, {1, 1}});
  run r(d, {{nan_value, nan_value}, {2, 3}}, {}, {}, &applicable);
  CHECK(std::isnan(r.index(0)));
  CHECK(r.e.rank(0) == 0);
  CHECK(r.e.band(0) == -1);
  CHECK(r.index(1) == 50);  // 5 / 10
  CHECK(r.e.rank(1) == 1);
  CHECK(r.e.band(1) == 0);
}

TEST_CASE("nothing applicable stays NaN and unranked when the model clamps") {
  // `clamp` bounds an index to [0, scale]; an index that does not exist must not become 0.
  json d = ab("error");
  d["clamp"] = true;
  d["bands"] = {{{"min", 0}, {"label", "any"}}};
  const bool_matrix applicable = mask({{0, 0}, {1, 1}});
  run r(d, {{nan_value, nan_value}, {2, 3}}, {}, {}, &applicable);
  CHECK(std::isnan(r.index(0)));
  CHECK(std::isnan(r.e.raw_index(0)));
  CHECK(r.e.rank(0) == 0);
  CHECK(r.e.band(0) == -1);
  CHECK(r.e.rank(1) == 1);
}

TEST_CASE("missing: exclude under a mean renormalises over the rest") {
  // mean(a 2/4 = 0.5, b missing) = 0.5 under exclude; under zero: (0.5 + 0) / 2 = 0.25.
  json root = inner("R", "mean", {leaf("a", 4, points_rule()), leaf("b", 6, points_rule())});
  CHECK(run(document(root, {{"missing", "exclude"}}), {{2, nan_value}}).index() == 50);
  CHECK(run(document(root, {{"missing", "zero"}}), {{2, nan_value}}).index() == 25);
}
