// What-if: rank gains per criterion and the smallest set of criteria reaching a rank or band.
#include <doctest/doctest.h>

#include "chiso/error.hpp"
#include "chiso/model_json.hpp"
#include "chiso/sensitivity/whatif.hpp"

namespace wi = chiso::whatif;

namespace {
// Leaves: A1.1 points (step 0.25, max 2), A1.2 yes/no (1), A1.3 tiers % (2), A3.1 tiers % (3),
// A3.2 proportional fraction (2), A7.1 points (2), A7.2 deduction (0.25 each, cap 1). Max 12.
wi::inputs tutorial_inputs() {
  wi::inputs in;
  in.values.resize(5, 7);
  in.values << 2, 1, 100, 100, 1.0, 2, 0,       // U1: 12 points, 100
      1.5, 1, 95, 98, 0.9, 1.5, 1,              // U2: 9.05, 75.42
      1, 0, 80, 92, 0.8, 1, 2,                  // U3: 4.6, 38.33
      2, 1, 100, 96, 0.95, 2, 0,                // U4: 10.9, 90.83
      1.75, 1, 90, 100, 0.85, 1.75, 0;          // U5: 10.7, 89.17
  in.unit_ids = {"U1", "U2", "U3", "U4", "U5"};
  return in;
}
const chiso::plan& tutorial_plan() {
  static const chiso::plan p(chiso::load_model(CHISO_SOURCE_DIR "/examples/models/tutorial-par.json"));
  return p;
}
}  // namespace

TEST_CASE("raised inputs per rule") {
  const auto& leaves = tutorial_plan().compiled_model().leaves();
  auto raise = [&](int j, double x, std::optional<double> step = std::nullopt) {
    return *wi::raised_input(*leaves[static_cast<std::size_t>(j)]->rule, leaves[static_cast<std::size_t>(j)]->max, x, step);
  };
  CHECK(raise(0, 1) == 2);            // points → max
  CHECK(raise(0, 1, 0.25) == 1.25);   // one step
  CHECK(raise(1, 0) == 1);            // yes
  CHECK(raise(2, 80) == 100);         // best tier
  CHECK(raise(2, 80, 0.25) == 90);    // next tier with at least 0.75 points
  CHECK(raise(4, 0.8) == 1.0);        // proportional
  CHECK(raise(4, 0.8, 0.2) == doctest::Approx(0.9));
  CHECK(raise(6, 2) == 0);            // no deduction
  CHECK(raise(6, 2, 0.25) == 1);      // one fewer occurrence
}

TEST_CASE("rank gains of a unit, sorted") {
  const auto gains = wi::rank_gains(tutorial_plan(), tutorial_inputs(), 2);
  REQUIRE(gains.size() == 7);
  CHECK(gains[0].id == "A3.1");  // +2 points, the largest index gain (no rank changes alone)
  CHECK(gains[0].rank_before == 5);
  CHECK(gains[0].index_after == doctest::Approx(55.0));
  CHECK(gains[1].id == "A1.3");
  // U5 (10.7 points, 89.17, rank 3) passes U4 (90.83) with any of its four raises; A1.3
  // (90% → 100%, +0.5 → 93.33) gains the most index.
  const auto g2 = wi::rank_gains(tutorial_plan(), tutorial_inputs(), 4);
  REQUIRE(g2.size() == 4);
  CHECK(g2[0].id == "A1.3");
  CHECK(g2[0].index_after == doctest::Approx(93.33));
  for (const auto& g : g2) {
    CHECK(g.rank_gain == 1);
    CHECK(g.rank_after == 2);
  }
  // A unit at full points has nothing to raise.
  CHECK(wi::rank_gains(tutorial_plan(), tutorial_inputs(), 0).empty());
}

TEST_CASE("smallest set of criteria to reach a rank or a band") {
  const auto& p = tutorial_plan();
  wi::lift_target to_rank4;
  to_rank4.rank = 4;
  const auto r = wi::smallest_lift(p, tutorial_inputs(), 2, to_rank4);
  CHECK(r.reachable);
  REQUIRE(r.criteria.size() == 3);  // needs 4.46 points: 2 + 1.5 + 1 (two criteria give only 3.5)
  CHECK(r.criteria[0] == "A3.1");
  CHECK(r.criteria[1] == "A1.3");
  CHECK(r.rank_after == 4);

  wi::lift_target to_good;
  to_good.band = "Tốt";
  const auto b = wi::smallest_lift(p, tutorial_inputs(), 2, to_good);
  CHECK(b.reachable);
  CHECK(b.criteria.size() == 4);  // needs 5 points
  CHECK(b.index_after >= 80);

  wi::lift_target first;
  first.rank = 1;
  const auto none = wi::smallest_lift(p, tutorial_inputs(), 2, first);
  CHECK(none.reachable);  // all to full points ties U1 at 100: competition rank 1
  const auto already = wi::smallest_lift(p, tutorial_inputs(), 0, first);
  CHECK(already.already);
  CHECK(already.criteria.empty());

  CHECK_THROWS_AS(wi::smallest_lift(p, tutorial_inputs(), 2, wi::lift_target{}), chiso::parameter_error);
  wi::lift_target bad;
  bad.band = "nope";
  CHECK_THROWS_AS(wi::smallest_lift(p, tutorial_inputs(), 2, bad), chiso::parameter_error);
  CHECK_THROWS_AS(wi::rank_gains(p, tutorial_inputs(), 9), chiso::parameter_error);
}
