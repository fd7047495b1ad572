// Decimal arithmetic (FORMAT.md, "Clarifications (chiso 0.3)"; docs/format.md, "Decimal
// arithmetic"): formula results, `round`, comparisons, the range check and the index act on the
// decimal value exact arithmetic gives. Every expected value is worked out by hand beside it.
#include "helpers.hpp"

#include <chiso/formula.hpp>

#include <random>

using namespace chiso_test;

namespace {

// The value through the one-unit definition and through the plan's kernels (points of a leaf
// whose max is large enough and whose rule clamps nothing): both must agree.
double value_of(const std::string& expr, const std::vector<std::string>& names, const std::vector<double>& inputs) {
  const chiso::formula f(expr, names, "/expr");
  const auto outcome = f.evaluate(inputs.data());
  REQUIRE(outcome.fault_column == 0);
  return outcome.value;
}

}  // namespace

TEST_CASE("a sum of decimals is the decimal sum: 0.33 + 0.56 + 0.11 is 1, within a max of 1") {
  // Exactly 1.00; in doubles 1.0000000000000002, which the range check refused.
  const run r(document(inner("R", "sum", {formula_leaf("a", 1, "p + q + r", {"p", "q", "r"})})), {{0.33, 0.56, 0.11}});
  CHECK(r.points("a") == 1.0);
  CHECK(r.index() == 100.0);
}

TEST_CASE("round acts on the decimal value: round(x - 1, 2) at x = 1.005 is 0.01") {
  // 1.005 − 1 = 0.005, a tie at 2 decimals: half up gives 0.01 (doubles: 0.00499999999999989 → 0).
  CHECK(value_of("round(x - 1, 2)", {"x"}, {1.005}) == 0.01);
  json node = formula_leaf("a", 1, "round(x - 1, 2)", {"x"});
  const run r(document(inner("R", "sum", {node})), {{1.005}});
  CHECK(r.points("a") == 0.01);
}

TEST_CASE("comparisons act on the decimal value: x + 0.2 == 0.3 at x = 0.1 is true") {
  CHECK(value_of("x + 0.2 == 0.3", {"x"}, {0.1}) == 1.0);
  CHECK(value_of("x + 0.2 != 0.3", {"x"}, {0.1}) == 0.0);
  CHECK(value_of("x + 0.2 <= 0.3", {"x"}, {0.1}) == 1.0);
  CHECK(value_of("x + 0.2 > 0.3", {"x"}, {0.1}) == 0.0);
  CHECK(value_of("3 * x >= 0.3", {"x"}, {0.1}) == 1.0);  // 0.30000000000000004 in doubles: still ≥ 0.3
  CHECK(value_of("3 * x < 0.3", {"x"}, {0.1}) == 0.0);
  // Through the kernels: 1 point where the comparison holds.
  const run r(document(inner("R", "sum", {formula_leaf("a", 1, "x + 0.2 == 0.3", {"x"})})), {{0.1}, {0.2}});
  CHECK(r.points("a", 0) == 1.0);
  CHECK(r.points("a", 1) == 0.0);
}

TEST_CASE("a linear rule's points are decimal: 0.01635 rounds to 0.0164 at round 4") {
  // Goalposts 0.5 and 1.5, max 1: at 0.51635 the points are (0.51635 − 0.5) / 1 = 0.01635, a tie
  // at 4 decimals → 0.0164 (doubles: 0.016349999999999976 → 0.0163). Lower is better, at 1.48365:
  // (1.5 − 1.48365) / 1 = 0.01635 likewise (doubles: 0.016350000000000087, up by luck).
  json higher = leaf("h", 1, {{"kind", "linear"}, {"lower", 0.5}, {"upper", 1.5}});
  higher["round"] = 4;
  json lower = leaf("l", 1, {{"kind", "linear"}, {"lower", 0.5}, {"upper", 1.5}, {"direction", "lower_is_better"}});
  lower["round"] = 4;
  const run r(document(inner("R", "sum", {higher, lower})), {{0.51635, 1.48365}});
  CHECK(r.points("h") == 0.0164);
  CHECK(r.points("l") == 0.0164);
  // The scalar definition agrees.
  const chiso::model m = load(document(inner("R", "sum", {higher})));
  CHECK(chiso::leaf_points(*m.leaves()[0]->rule, 1, 0.51635) == 0.01635);
}

TEST_CASE("a node's round acts on the decimal sum of its children") {
  // S = a + d with a = 10.045 (points) and a deduction of 10 (per 1, count 10): 0.045, a tie at
  // 2 decimals → 0.05 (doubles: 0.04499999999999993 → 0.04). R = S over max 20: index 0.25.
  json s = inner("S", "sum", {leaf("a", 20, points_rule()), adjustment("d", {{"kind", "deduction"}, {"per", 1}, {"cap", 20}})});
  s["round"] = 2;
  const run r(document(inner("R", "sum", {s}), {{"rounding", {{"digits", 4}}}}), {{10.045, 10}});
  CHECK(r.points("S") == 0.05);
  CHECK(r.index() == 0.25);
}

TEST_CASE("bonus points per occurrence are decimal: 3 × 0.1 is 0.3") {
  // a = 0.7 of 1, bonus 3 × 0.1 = 0.3: 1.0 of 1 → 100, not above (0.30000000000000004 in doubles).
  const json d = document(inner("R", "sum", {leaf("a", 1, points_rule()),
                                             adjustment("b", {{"kind", "bonus"}, {"per", 0.1}, {"cap", 1}})}),
                          {{"rounding", {{"digits", 12}}}});
  chiso::evaluate_options keep_all;
  keep_all.keep = chiso::kept_nodes::all;
  const chiso::plan p(load(d));
  const chiso::evaluation e = chiso::evaluate(p, matrix({{0.7, 3}}), {}, {}, nullptr, keep_all);
  CHECK(e.points(0, column_of(p, e, "b")) == 0.3);
  const run r(d, {{0.7, 3}});
  CHECK(r.points("R") == 1.0);
  CHECK(r.index() == 100.0);
}

TEST_CASE("an index needing more digits than a double carries is refused at load, naming /rounding") {
  // Scale 1000, rounding 12: 954.545454545455 has 15 significant digits and its rounding needs the
  // 16th, which a computed double does not hold: a model error at /rounding/digits.
  const json root = inner("R", "sum", {leaf("a", 1.1, points_rule())});
  const auto e = caught<chiso::model_error>(
      [&] { (void)load(document(root, {{"scale", 1000}, {"rounding", {{"digits", 12}}}})); });
  CHECK(e.id() == "model.rounding");
  CHECK(e.path() == "/rounding/digits");
  CHECK(contains(e.what(), "at most 11 decimals"));
  // At 11 decimals: 1.05 / 1.1 × 1000 = 10500 / 11 = 954.545454545454545…, rounded 954.54545454545.
  const run r(document(root, {{"scale", 1000}, {"rounding", {{"digits", 11}}}}), {{1.05}});
  CHECK(r.index() == 954.54545454545);
  // Scale 100 at 12 decimals fits (an index below 100 has 14 significant digits at most):
  // 1.05 / 1.1 × 100 = 95.4545454545454545… → 95.454545454545.
  const run hundred(document(root, {{"rounding", {{"digits", 12}}}}), {{1.05}});
  CHECK(hundred.index() == 95.454545454545);
  // Without rounding nothing is decided on decimals: any scale loads.
  CHECK_NOTHROW((void)load(document(root, {{"scale", 1e6}, {"rounding", {{"digits", 12}, {"mode", "none"}}}})));
}

TEST_CASE("a node's round needing more digits than a double carries is refused at load, naming its /round") {
  // A leaf of max 1000 (4 whole digits) rounded to 12 decimals needs 16 significant digits.
  json big = leaf("a", 1000, points_rule());
  big["round"] = 12;
  auto e = caught<chiso::model_error>([&] { (void)load(document(inner("R", "sum", {big}))); });
  CHECK(e.id() == "model.round");
  CHECK(e.path() == "/root/children/0/round");
  CHECK(contains(e.what(), "at most 11 decimals"));
  big["round"] = 11;
  CHECK_NOTHROW((void)load(document(inner("R", "sum", {big}))));
  // Two leaves of max 600 fit 12 decimals each (3 whole digits); their sum, up to 1200, does not.
  json pair = inner("S", "sum", {leaf("b", 600, points_rule()), leaf("c", 600, points_rule())});
  pair["children"][0]["round"] = 12;
  CHECK_NOTHROW((void)load(document(inner("R", "sum", {pair}))));
  pair["round"] = 12;
  e = caught<chiso::model_error>([&] { (void)load(document(inner("R", "sum", {pair}))); });
  CHECK(e.id() == "model.round");
  CHECK(e.path() == "/root/children/0/round");
  // A mean node's points are its score × its max: a max of 5000 fits 11 decimals, not 12.
  json mean = inner("M", "mean", {leaf("d", 1, points_rule())});
  mean["max"] = 5000;
  mean["round"] = 12;
  e = caught<chiso::model_error>([&] { (void)load(document(inner("R", "sum", {mean}))); });
  CHECK(e.path() == "/root/children/0/round");
  // A bonus gives up to its cap: a cap of 2000 at 12 decimals is refused.
  json bonus = adjustment("e", {{"kind", "bonus"}, {"per", 1}, {"cap", 2000}});
  bonus["round"] = 12;
  e = caught<chiso::model_error>([&] { (void)load(document(inner("R", "sum", {leaf("f", 1, points_rule()), bonus}))); });
  CHECK(e.path() == "/root/children/1/round");
}

TEST_CASE("the kernels and the one-unit definition give the same bits for decimal formulas") {
  // Random decimals with 1 to 6 decimals through sums, differences, products, quotients and ratios.
  const std::vector<std::string> expressions = {
      "p + q - r", "round(p * q - r, 3)", "ratio(p - q, r, 0) + p", "(p - q) * (q - r) / 7", "p / 3 + q / 3 + r / 3",
      "if(p + q == r, 1, 0)", "abs(p - q - r) * 0.01"};
  std::mt19937_64 random(5);
  std::uniform_int_distribution<int> digits(0, 6), whole(-100000, 100000);
  const int units = 1003;  // a block and a tail of three
  Eigen::MatrixXd x(units, 3);
  for (int u = 0; u < units; ++u)
    for (int c = 0; c < 3; ++c) x(u, c) = whole(random) / std::pow(10.0, digits(random));
  for (const std::string& expr : expressions) {
    CAPTURE(expr);
    json node = leaf("a", 1, {{"kind", "formula"}, {"expr", expr}, {"clamp", true}});
    node["inputs"] = {"p", "q", "r"};
    chiso::evaluate_options keep_all;
    keep_all.keep = chiso::kept_nodes::all;
    // Values as they are: a leaf of max 1e9, clamping only beyond it (and below 0).
    json wide = node;
    wide["max"] = 1e9;
    const chiso::plan q(load(document(inner("R", "sum", {wide}))));
    const chiso::formula& f = *q.compiled_model().leaves()[0]->rule->compiled;
    unsigned mismatches = 0;
    const chiso::evaluation e = chiso::evaluate(q, x, {}, {}, nullptr, keep_all);
    const Eigen::Index a = column_of(q, e, "a");
    for (int u = 0; u < units; ++u) {
      const double inputs[] = {x(u, 0), x(u, 1), x(u, 2)};
      const auto one = f.evaluate(inputs);
      if (one.fault_column != 0 || !(std::fabs(one.value) <= 1e9)) continue;
      const double expected = std::fmin(std::fmax(one.value, 0.0), 1e9);
      if (!(expected == e.points(u, a))) ++mismatches;
    }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("a rate reaches a tier on its decimal value, in the kernels and in the scalar path alike") {
  // Rates as a spreadsheet or pandas computes them: 0.57 × 100 = 56.99999999999999 is the
  // 57.0000000000000 shown (15 significant digits) and reaches a tier from 57; 56.9999999999999
  // is a decimal of 15 digits below 57. Above 0.9 (exclusive): 0.9000000000000001 is 0.9, not
  // above; 0.900000000000001 is. At most 10 (lower is better): 10.000000000000002 is 10; below
  // 10 (exclusive): 9.999999999999998 is 10, not below. A bound written with 17 digits
  // (0.6000000000000001, from 0.9 − 0.3 in a generator) is the decimal 0.6.
  const auto tiers = [](json levels, const std::string& direction, int padding) {
    // `padding` extra tiers of 0 points beyond the others: more than the kernels hold (8) sends
    // the rule to the scalar path.
    const bool lower = direction == "lower_is_better";
    const double bound = levels[0][lower ? "max" : "min"].get<double>();
    for (int k = 0; k < padding; ++k)  // further from the best, within [0, 100]
      levels.push_back({{lower ? "max" : "min", lower ? bound + (k + 1) * (100 - bound) / 10 : bound * 0.5 / (k + 1)},
                        {"points", 0}});
    json rule = {{"kind", "tiers"}, {"unit", "percent"}, {"tiers", levels}, {"direction", direction}};
    return document(inner("R", "sum", {leaf("t", 2, rule)}));
  };
  const json at_least_57 = {{{"min", 57}, {"points", 2}}};
  const json above_09 = {{{"min", 0.9}, {"points", 2}, {"exclusive", true}}};
  const json at_most_10 = {{{"max", 10}, {"points", 2}}};
  const json below_10 = {{{"max", 10}, {"points", 2}, {"exclusive", true}}};
  const json at_least_06 = {{{"min", 0.6000000000000001}, {"points", 2}}};
  for (int padding : {0, 8}) {
    CAPTURE(padding);
    const run up(tiers(at_least_57, "higher_is_better", padding), {{0.57 * 100}, {56.9999999999999}, {57}});
    CHECK(0.57 * 100 == 56.99999999999999);
    CHECK(up.points("t", 0) == 2);
    CHECK(up.points("t", 1) == 0);
    CHECK(up.points("t", 2) == 2);
    const run above(tiers(above_09, "higher_is_better", padding), {{0.9000000000000001}, {0.900000000000001}, {0.9}});
    CHECK(above.points("t", 0) == 0);
    CHECK(above.points("t", 1) == 2);
    CHECK(above.points("t", 2) == 0);
    const run most(tiers(at_most_10, "lower_is_better", padding), {{10.000000000000002}, {10.0000000000001}});
    CHECK(most.points("t", 0) == 2);
    CHECK(most.points("t", 1) == 0);
    const run below(tiers(below_10, "lower_is_better", padding), {{9.999999999999998}, {9.99999999999999}});
    CHECK(below.points("t", 0) == 0);
    CHECK(below.points("t", 1) == 2);
    const run sixty(tiers(at_least_06, "higher_is_better", padding), {{0.6}, {0.599999999999999}});
    CHECK(sixty.points("t", 0) == 2);
    CHECK(sixty.points("t", 1) == 0);
  }
}

TEST_CASE("a tier's threshold is the first double that reaches it, and the one before does not") {
  chiso::rule r;
  r.kind = chiso::rule_kind::tiers;
  for (const auto dir : {chiso::direction::higher_is_better, chiso::direction::lower_is_better})
    for (const double bound : {0.0, 0.9, 57.0, 100.0, 1e-7, 123456.789, 0.6000000000000001, 1e14})
      for (const bool exclusive : {false, true}) {
        CAPTURE(bound);
        CAPTURE(exclusive);
        r.dir = dir;
        const chiso::tier t{bound, 1, exclusive};
        const double edge = chiso::tier_threshold(r, t);
        const double outside = std::nextafter(edge, dir == chiso::direction::higher_is_better ? -INFINITY : INFINITY);
        CHECK(chiso::reaches_tier(r, t, edge));
        CHECK_FALSE(chiso::reaches_tier(r, t, outside));
        // Within a unit of the bound's 15th significant digit.
        CHECK(std::fabs(edge - bound) <= std::fmax(std::fabs(bound), 1e-300) * 1e-14);
      }
}
