// The readings of FORMAT.md "Clarifications (chiso 0.3)" other than decimals (test_decimal.cpp):
// empty sum nodes and their bounds, weights of zero in mean-type nodes, short-circuit logic, and
// the formula parser's limits on hostile text. Expected values are worked out by hand.
#include "helpers.hpp"

#include <chiso/formula.hpp>

using namespace chiso_test;

namespace {

chiso::model_error formula_error(const std::string& expr) {
  return caught<chiso::model_error>(
      [&] { (void)load(document(inner("R", "sum", {formula_leaf("a", 10, expr, {"x"})}))); });
}

std::string repeated(const std::string& piece, int times) {
  std::string out;
  for (int k = 0; k < times; ++k) out += piece;
  return out;
}

}  // namespace

// --- empty sum nodes -------------------------------------------------------------------------

TEST_CASE("a sum node to which nothing applies has no points_min") {
  // R = a + S, S = b bounded below by 1. a = 1 of 2; b does not apply, so S does not: R = 1 of 2
  // → 50 (not (1 + 1) / 2 → 100).
  json s = inner("S", "sum", {leaf("b", 2, points_rule())});
  s["points_min"] = 1;
  const json d = document(inner("R", "sum", {leaf("a", 2, points_rule()), s}));
  const bool_matrix b_out = mask({{1, 0}}), both = mask({{1, 1}});
  CHECK(run(d, {{1, 0}}, {}, {}, &b_out).index() == 50.0);
  // b applies and scores 0: S is floored at 1 → (1 + 1) / 4 → 50.
  CHECK(run(d, {{1, 0}}, {}, {}, &both).index() == 50.0);
  // Missing under `missing: exclude` is not applicable either.
  json skip = d;
  skip["missing"] = "exclude";
  CHECK(run(skip, {{1, nan_value}}).index() == 50.0);
}

TEST_CASE("a sum node to which nothing applies has no points_max, even a negative one") {
  // S capped at −1 (a penalty subtotal). b does not apply: S does not, R = 1 of 2 → 50 (not 0).
  json s = inner("S", "sum", {leaf("b", 2, points_rule())});
  s["points_max"] = -1;
  const json d = document(inner("R", "sum", {leaf("a", 2, points_rule()), s}));
  const bool_matrix b_out = mask({{1, 0}}), both = mask({{1, 1}});
  CHECK(run(d, {{1, 0}}, {}, {}, &b_out).index() == 50.0);
  // b applies (2 of 2): S = min(2, −1) = −1 → (1 − 1) / 4 → 0.
  CHECK(run(d, {{1, 2}}, {}, {}, &both).index() == 0.0);
}

TEST_CASE("a sum node whose only applicable child is a bonus applies: its bounds and points count") {
  // S = b + c, points_min 1; b does not apply, the bonus c applies (0.25 × 2 = 0.5): S applies
  // with max 0 and points max(0.5, 1) = 1 → R = (1 + 1) / 2 → 100.
  json s = inner("S", "sum", {leaf("b", 2, points_rule()), adjustment("c", {{"kind", "bonus"}, {"per", 0.25}, {"cap", 1}})});
  s["points_min"] = 1;
  const json d = document(inner("R", "sum", {leaf("a", 2, points_rule()), s}));
  const bool_matrix only_bonus = mask({{1, 0, 1}}), nothing = mask({{1, 0, 0}});
  CHECK(run(d, {{1, 0, 2}}, {}, {}, &only_bonus).index() == 100.0);
  // Neither b nor c applies: S does not → 1 of 2 → 50.
  CHECK(run(d, {{1, 0, 2}}, {}, {}, &nothing).index() == 50.0);
}

TEST_CASE("bonus points are not lost when a subtotal's other criteria do not apply") {
  // S = b + c (no bounds); b does not apply; c = 0.25 × 2 = 0.5 → R = (1 + 0.5) / 2 → 75.
  const json s = inner("S", "sum", {leaf("b", 2, points_rule()), adjustment("c", {{"kind", "bonus"}, {"per", 0.25}, {"cap", 1}})});
  const bool_matrix only_bonus = mask({{1, 0, 1}});
  CHECK(run(document(inner("R", "sum", {leaf("a", 2, points_rule()), s})), {{1, 0, 2}}, {}, {}, &only_bonus).index() ==
        75.0);
  // Contents may nest: S = T, T = deduction 1 × 1 → R = (1 − 1) / 2 → 0.
  const json nested = inner("S", "sum", {inner("T", "sum", {adjustment("d", {{"kind", "deduction"}, {"per", 1}, {"cap", 2}})})});
  CHECK(run(document(inner("R", "sum", {leaf("a", 2, points_rule()), nested})), {{1, 1}}).index() == 0.0);
}

// --- weights of zero -------------------------------------------------------------------------

TEST_CASE("a zero-weight child does not enter a geometric or harmonic mean") {
  // a weighs 0 and scores 0; b scores 1/2: the mean over b alone is 0.5 → 50, no error.
  for (const char* combine : {"geomean", "harmonic"}) {
    CAPTURE(combine);
    json a = leaf("a", 2, points_rule());
    a["weight"] = 0;
    const json d = document(inner("R", combine, {a, leaf("b", 2, points_rule())}));
    CHECK(run(d, {{0, 1}}).index() == 50.0);
    // The weighted child scoring 0 is still an error, naming it.
    const auto e = caught<chiso::data_error>([&] { run(d, {{1, 0}}); });
    CHECK(e.id() == "data.nonpositive_score");
    CHECK(contains(e.what(), "'b'"));
  }
}

// --- short-circuit logic -----------------------------------------------------------------------

TEST_CASE("and, or and ratio evaluate their second part only where it counts") {
  // `x != 0 and 1 / x > 0.5`: at x = 0 the division is not evaluated (no error) → 0 points; at
  // x = 1, 1 > 0.5 → 1 point; at x = 4, 0.25 > 0.5 is false → 0.
  const run guard(document(inner("R", "sum", {formula_leaf("a", 1, "x != 0 and 1 / x > 0.5", {"x"})})), {{0}, {1}, {4}});
  CHECK(guard.points("a", 0) == 0.0);
  CHECK(guard.points("a", 1) == 1.0);
  CHECK(guard.points("a", 2) == 0.0);
  // `x == 0 or 1 / x < 0.5`: at x = 0 true without dividing → 1.
  const run either(document(inner("R", "sum", {formula_leaf("a", 1, "x == 0 or 1 / x < 0.5", {"x"})})), {{0}, {1}});
  CHECK(either.points("a", 0) == 1.0);
  CHECK(either.points("a", 1) == 0.0);
  // ratio(n, d, z): n only where d ≠ 0, z only where d = 0.
  const run r(document(inner("R", "sum", {formula_leaf("a", 1, "ratio(1 / x, x, 1 / (1 - x))", {"x"})})), {{0}, {2}});
  CHECK(r.points("a", 0) == 1.0);   // z = 1 / (1 − 0)
  CHECK(r.points("a", 1) == 0.25);  // (1 / 2) / 2
  // Without the guard the division by zero is an error naming the column of its '/'.
  const auto e = caught<chiso::data_error>(
      [&] { run(document(inner("R", "sum", {formula_leaf("a", 1, "1 / x > 0.5", {"x"})})), {{0}}); });
  CHECK(contains(e.what(), "column 3"));
}

// --- the parser's limits -----------------------------------------------------------------------

TEST_CASE("deep nesting is a model error naming the path and the column, not a crash") {
  // 3,000 parentheses (the stack overflowed at about 2,700): refused at the 101st, column 101.
  auto e = formula_error(repeated("(", 3000) + "x" + repeated(")", 3000));
  CHECK(e.id() == "model.formula");
  CHECK(e.path() == "/root/children/0/rule/expr");
  CHECK(contains(e.what(), "column 101:"));
  CHECK(contains(e.what(), "deeper than 100"));
  // 2,500 `abs(`: the 101st starts at column 4 × 100 + 1.
  e = formula_error(repeated("abs(", 2500) + "x" + repeated(")", 2500));
  CHECK(contains(e.what(), "column 401:"));
  // Unary minus and `not` chains.
  CHECK(contains(formula_error(repeated("-", 100000) + "x").what(), "column 101:"));
  CHECK(contains(formula_error(repeated("not ", 5000) + "x").what(), "column 401:"));
  // 100 levels load and compute: ((…(x)…)) = x, and 100 minus signs are +.
  CHECK_NOTHROW((void)load(document(inner("R", "sum", {formula_leaf("a", 10, repeated("(", 100) + "x" + repeated(")", 100), {"x"})}))));
  const chiso::formula minus(repeated("-", 100) + "x", {"x"}, "/expr");
  const double two = 2;
  CHECK(minus.evaluate(&two).value == 2.0);
}

TEST_CASE("a chain of operations deeper than 1000 is refused at its 1000th operator") {
  // x+x+…: the k-th '+' is at column 2k and makes a tree k + 1 deep; the 1000th, at column 2000,
  // passes the limit of 1000.
  const auto e = formula_error("x" + repeated("+x", 5000));
  CHECK(e.id() == "model.formula");
  CHECK(contains(e.what(), "column 2000:"));
  // 999 additions load, and sum: 1000 × 0.1 = 100.
  const chiso::formula sum("x" + repeated("+x", 999), {"x"}, "/expr");
  const double tenth = 0.1;
  CHECK(sum.evaluate(&tenth).value == 100.0);
}

TEST_CASE("an empty expression names column 1; a huge literal is cut in the message") {
  for (const std::string& empty : {std::string(), std::string("   ")}) {
    const auto e = formula_error(empty);
    CHECK(e.id() == "model.formula");
    CHECK(e.path() == "/root/children/0/rule/expr");
    CHECK(contains(e.what(), empty.empty() ? "column 1:" : "column 4:"));
  }
  const auto e = formula_error(repeated("9", 100000));
  CHECK(contains(e.what(), "(100000 characters)"));
  CHECK(std::string(e.what()).size() < 300);
  const auto name = formula_error(repeated("y", 100000));
  CHECK(contains(name.what(), "(100000 characters)"));
  CHECK(std::string(name.what()).size() < 300);
}
