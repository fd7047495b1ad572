// Named inputs, the `formula` rule, `round` on nodes and `points_min`/`points_max` on `sum` nodes
// (FORMAT.md, "Additions (chiso 0.2)"). Expected values are worked out by hand beside each check;
// the service-index cases are the national portal's published scores (month 2026-08, province
// H44 and its units, as listed in the project's notes on the 766 index).
#include "helpers.hpp"

#include <chiso/formula.hpp>

using namespace chiso_test;

namespace {

// The value of an expression over named inputs, through the one-unit path.
double value_of(const std::string& expr, const std::vector<std::string>& names = {"x"},
                const std::vector<double>& inputs = {0}) {
  const chiso::formula f(expr, names, "/expr");
  const auto outcome = f.evaluate(inputs.data());
  REQUIRE(outcome.fault_column == 0);
  return outcome.value;
}

chiso::model_error formula_error(const std::string& expr, std::vector<std::string> inputs = {"n", "d"}) {
  return caught<chiso::model_error>(
      [&] { load(document(inner("R", "sum", {formula_leaf("a", 10, expr, inputs)}))); });
}

// The portal's ratio metric: max × r rounded to 2 decimals, 0 when the denominator is 0.
json ratio_metric(const std::string& id, double max, double when_zero = 0) {
  json node = formula_leaf(id, max, std::to_string(static_cast<int>(max)) + " * ratio(numerator, denominator, " +
                                        std::to_string(static_cast<int>(when_zero)) + ")",
                           {"numerator", "denominator"});
  node["round"] = 2;
  return node;
}

const std::string online_payment =
    "round(6 * ratio(paid, obligation, 0), 2) + round(min(2, 2.5 * ratio(paid_fee, fee_procedures, 0)), 2) + "
    "round(2.5 * ratio(fee_with_dossiers, fee_procedures, 0), 2)";

}  // namespace

TEST_CASE("the expression language, value by value") {
  CHECK(value_of("1 + 2 * 3") == 7);
  CHECK(value_of("(1 + 2) * 3") == 9);
  CHECK(value_of("-x + 10", {"x"}, {4}) == 6);
  CHECK(value_of("- - x", {"x"}, {4}) == 4);
  CHECK(value_of("7 / 2 - 1") == 2.5);
  CHECK(value_of("1 + 2 * 3 == 7") == 1);
  CHECK(value_of("2 < 1") == 0);
  CHECK(value_of("2 >= 2 and 3 != 3") == 0);
  CHECK(value_of("2 <= 1 or 3 > 2") == 1);
  CHECK(value_of("not 0") == 1);
  CHECK(value_of("not 1 < 2") == 0);  // not (1 < 2)
  CHECK(value_of("max(1, 5, 3) - min(4, 2)") == 3);
  CHECK(value_of("clamp(x, 0, 2)", {"x"}, {2.5}) == 2);
  CHECK(value_of("clamp(x, 0, 2)", {"x"}, {-1}) == 0);
  CHECK(value_of("abs(0 - 3)") == 3);
  CHECK(value_of("ratio(1, 0, 7)") == 7);
  CHECK(value_of("ratio(3, 4, 7)") == 0.75);
  CHECK(value_of("if(1 > 2, 10, 20)") == 20);
  CHECK(value_of("if(x, 10, 20)", {"x"}, {0.5}) == 10);
  // Decimal half up: 2.675 is 2.67499999… in binary, 1.005 is 1.00499999….
  CHECK(value_of("round(2.675, 2)") == 2.68);
  CHECK(value_of("round(1.005, 2)") == 1.01);
  CHECK(value_of("round(0 - 2.5, 0)") == -3);
  CHECK(value_of("round(2.5, 0)") == 3);
  CHECK(value_of(".5 + 1e1") == 10.5);
}

TEST_CASE("only the branch taken can divide by zero") {
  CHECK(value_of("if(d > 0, n / d, 0)", {"n", "d"}, {5, 0}) == 0);
  CHECK(value_of("if(d == 0, 6, n / d)", {"n", "d"}, {5, 0}) == 6);
  CHECK(value_of("ratio(n / d, d, 1)", {"n", "d"}, {5, 0}) == 1);
  // n / d = 1/3 is a decimal of 15 significant digits (docs/format.md, "Decimal arithmetic").
  CHECK(value_of("ratio(1, d, n / d)", {"n", "d"}, {6, 3}) == 0.333333333333333);
  CHECK(value_of("d == 0 or n / d > 1", {"n", "d"}, {5, 0}) == 1);
  CHECK(value_of("d != 0 and n / d > 1", {"n", "d"}, {5, 0}) == 0);
  // The branch taken divides by zero: the column of its '/' is reported.
  const chiso::formula f("if(d == 0, n / d, 1)", {"n", "d"}, "/expr");
  const double x[] = {5, 0};
  CHECK(f.evaluate(x).fault_column == 14);
}

TEST_CASE("expression errors name the JSON path and the column") {
  auto e = formula_error("n +");
  CHECK(e.id() == "model.formula");
  CHECK(e.path() == "/root/children/0/rule/expr");
  CHECK(contains(e.what(), "column 4"));
  e = formula_error("ratio(num, d, 0)");
  CHECK(contains(e.what(), "column 7: unknown input 'num' (this criterion's inputs: n, d)"));
  e = formula_error("n + foo(d)");
  CHECK(contains(e.what(), "column 5: unknown function 'foo'"));
  e = formula_error("ratio(n, d)");
  CHECK(contains(e.what(), "column 1: ratio takes 3 arguments"));
  e = formula_error("min(n)");
  CHECK(contains(e.what(), "min takes at least 2 arguments"));
  e = formula_error("round(n, d)");
  CHECK(contains(e.what(), "column 10: round(x, k) needs k written as a whole number"));
  e = formula_error("(n + d");
  CHECK(contains(e.what(), "column 7: expected ')'"));
  e = formula_error("n < d < 3");
  CHECK(contains(e.what(), "column 7: comparisons do not chain"));
  e = formula_error("n d");
  CHECK(contains(e.what(), "column 3: unexpected 'd'"));
  e = formula_error("x");  // a leaf without inputs calls its input x: this one has inputs n, d
  CHECK(contains(e.what(), "unknown input 'x'"));
  // Without `inputs` the single input is x.
  CHECK_NOTHROW(load(document(inner("R", "sum", {formula_leaf("a", 10, "x * 2")}))));
  e = caught<chiso::model_error>([] { load(document(inner("R", "sum", {formula_leaf("a", 10, "")}))); });
  CHECK(e.path() == "/root/children/0/rule/expr");
  json no_expr = leaf("a", 10, {{"kind", "formula"}});
  e = caught<chiso::model_error>([&] { load(document(inner("R", "sum", {no_expr}))); });
  CHECK(e.path() == "/root/children/0/rule/expr");
}

TEST_CASE("bad named inputs are model errors with their path") {
  auto with_inputs = [](json inputs, json rule = {{"kind", "formula"}, {"expr", "1"}}) {
    json node = leaf("a", 10, rule);
    node["inputs"] = inputs;
    return caught<chiso::model_error>([&] { load(document(inner("R", "sum", {node}))); });
  };
  CHECK(with_inputs({"n", "1d"}).path() == "/root/children/0/inputs/1");
  CHECK(with_inputs({"n", "d-x"}).path() == "/root/children/0/inputs/1");
  CHECK(with_inputs({"n", "n"}).path() == "/root/children/0/inputs/1");
  CHECK(with_inputs({"and"}).path() == "/root/children/0/inputs/0");
  CHECK(with_inputs(json::array()).path() == "/root/children/0/inputs");
  CHECK(with_inputs({"n", 3}).path() == "/root/children/0/inputs/1");
  const auto e = with_inputs({"a", "b"}, {{"kind", "tiers"}, {"tiers", {{{"min", 0}, {"points", 1}}}}});
  CHECK(e.path() == "/root/children/0/inputs");
  CHECK(contains(e.what(), "only a `formula` rule takes several inputs"));
  // An input column that is also another leaf's column.
  json clash = inner("R", "sum", {formula_leaf("a", 10, "n", {"n"}), leaf("a.n", 10, points_rule())});
  CHECK(caught<chiso::model_error>([&] { load(document(clash)); }).id() == "model.inputs");
}

TEST_CASE("named inputs: input columns in order, values by column") {
  const json root = inner("R", "sum", {leaf("first", 10, points_rule()),
                                       formula_leaf("pay", 10, "10 * ratio(n, d, 0)", {"n", "d"}),
                                       formula_leaf("single", 10, "x / 2")});
  const chiso::plan p(load(document(root)));
  CHECK(p.input_columns() == std::vector<std::string>{"first", "pay.n", "pay.d", "single"});
  CHECK(p.input_count() == 4);
  CHECK(p.leaf_count() == 3);
  CHECK(p.input_column("pay.d") == 2);
  const auto e = chiso::evaluate(p, matrix({{4, 1, 4, 6}, {0, 0, 0, 20}}));
  CHECK(e.points(0, column_of(p, e, "pay")) == 2.5);
  CHECK(e.points(0, column_of(p, e, "single")) == 3);
  CHECK(e.points(1, column_of(p, e, "pay")) == 0);
  CHECK(e.points(1, column_of(p, e, "single")) == 10);
  CHECK(e.index(0) == 31.67);  // (4 + 2.5 + 3) / 30 × 100 = 31.666…
  CHECK(e.index(1) == 33.33);  // 10 / 30 × 100

  // The mask is units × leaves.
  const bool_matrix only_pay = mask({{0, 1, 0}});
  const auto masked = chiso::evaluate(p, matrix({{4, 1, 4, 6}}), {}, {}, &only_pay);
  CHECK(masked.max(0, column_of(p, masked, "R")) == 10);
  CHECK(masked.index(0) == 25);
  const bool_matrix wrong = mask({{1, 1, 1, 1}});
  CHECK(caught<chiso::data_error>([&] { chiso::evaluate(p, matrix({{4, 1, 4, 6}}), {}, {}, &wrong); }).id() ==
        "data.shape");
  CHECK(caught<chiso::data_error>([&] { chiso::evaluate(p, matrix({{4, 1, 4}})); }).id() == "data.shape");
}

TEST_CASE("inputs as one array per input column, with strides") {
  const json root = inner("R", "sum", {formula_leaf("pay", 10, "10 * ratio(n, d, 0)", {"n", "d"}),
                                       leaf("b", 10, points_rule())});
  const chiso::plan p(load(document(root)));
  // 600 units: three blocks. n is every second element of a buffer (stride 2).
  const std::ptrdiff_t units = 600;
  std::vector<double> n_buffer(2 * units), d(units), b(units);
  for (std::ptrdiff_t u = 0; u < units; ++u) {
    n_buffer[2 * u] = static_cast<double>(u % 5);
    d[u] = 4;
    b[u] = u % 2 == 0 ? 10 : 0;
  }
  const double* arrays[] = {n_buffer.data(), d.data(), b.data()};
  const std::ptrdiff_t strides[] = {2, 1, 1};
  chiso::unit_table table;
  table.input_arrays = arrays;
  table.input_strides = strides;
  table.unit_count = units;
  const auto e = p.evaluate(table);
  REQUIRE(e.index.size() == units);
  for (std::ptrdiff_t u : {0, 1, 2, 3, 4, 257, 599}) {
    const double pay = 10.0 * static_cast<double>(u % 5) / 4.0;  // 0, 2.5, 5, 7.5, 10
    CHECK(e.points(u, column_of(p, e, "pay")) == pay);
    CHECK(e.raw_index(u) == doctest::Approx((pay + (u % 2 == 0 ? 10 : 0)) / 20 * 100));
  }
}

TEST_CASE("formula results: division by zero, out of range, clamp, missing inputs") {
  auto model_with = [](const std::string& expr, const json& extra = json::object(), const json& settings = json::object()) {
    return document(inner("R", "sum", {formula_leaf("f", 10, expr, {"n", "d"}, extra)}), settings);
  };
  auto e = caught<chiso::data_error>([&] { run r(model_with("n / d"), {{1, 2}, {1, 0}}, {"u1", "u2"}); });
  CHECK(e.id() == "data.range");
  CHECK(e.unit() == "u2");
  CHECK(e.node() == "f");
  CHECK(contains(e.what(), "division by zero (the '/' at column 3 of `n / d`)"));

  e = caught<chiso::data_error>([&] { run r(model_with("n * d"), {{1, 2}, {4, 5}}, {"u1", "u2"}); });
  CHECK(e.unit() == "u2");
  CHECK(contains(e.what(), "gives 20, outside [0, 10]"));
  e = caught<chiso::data_error>([&] { run r(model_with("n - d"), {{1, 2}}); });
  CHECK(contains(e.what(), "gives -1, outside [0, 10]"));

  run clamped(model_with("n * d", {{"clamp", true}}), {{4, 5}, {1, -3}, {2, 3}});
  CHECK(clamped.points("f", 0) == 10);
  CHECK(clamped.points("f", 1) == 0);
  CHECK(clamped.points("f", 2) == 6);

  e = caught<chiso::data_error>([&] { run r(model_with("n + d"), {{1, nan_value}}, {"u1"}); });
  CHECK(e.id() == "data.missing");
  CHECK(contains(e.what(), "input 'f.d' is missing"));
  e = caught<chiso::data_error>([&] { run r(model_with("n + d"), {{inf_value, 1}}, {"u1"}); });
  CHECK(contains(e.what(), "input 'f.n' must be a finite number"));

  run zero(model_with("n + d", {}, {{"missing", "zero"}}), {{1, nan_value}});
  CHECK(zero.points("f") == 0);
  CHECK(zero.max("f") == 10);
  run excluded(model_with("n + d", {}, {{"missing", "exclude"}}), {{nan_value, 1}});
  CHECK(excluded.max("f") == 0);

  // A unit the criterion does not apply to is not scored, whatever its inputs.
  const bool_matrix not_applicable = mask({{0}});
  run skipped(model_with("n / d"), {{1, 0}}, {}, {}, &not_applicable);
  CHECK(skipped.max("f") == 0);
}

TEST_CASE("the portal's published scores (service index, 2026-08)") {
  const json root = inner(
      "ROOT", "sum",
      {inner("G2", "sum", {ratio_metric("DVC_PROGRESS_ON_TIME", 20)}),
       inner("G4", "sum",
             {[] {
                json node = formula_leaf("ONLINE_PAYMENT", 10, online_payment,
                                         {"paid", "obligation", "paid_fee", "fee_with_dossiers", "fee_procedures"});
                node["round"] = 2;  // the portal publishes every metric with two decimals
                return node;
              }()}),
       inner("G6", "sum",
             {[] {
                json node = formula_leaf("DOSSIER_RECEIVING_SATISFACTION", 6,
                                         "min(6, 6 * ratio(numerator, denominator, 0) / 0.90)",
                                         {"numerator", "denominator"});
                node["round"] = 2;
                return node;
              }(),
              ratio_metric("PETITION_PROCESSING_ON_TIME", 6, 1), ratio_metric("PETITION_HANDLING_SATISFACTION", 6, 1)})});
  // Columns: DVC n, d; payment paid, obligation, paid_fee, fee_with_dossiers, fee_procedures;
  // satisfaction n, d; petitions on time n, d; petition satisfaction n, d.
  run r(document(root), {{144625, 184513, 82913, 98459, 93, 56, 310, 144574, 184513, 182, 247, 137, 247},
                         {0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0},
                         {486, 588, 7, 7, 2, 0, 3, 486, 588, 0, 0, 0, 0}},
        {"H44", "H44.01", "H44.03"});
  // H44: 20 × 144625 / 184513 = 15.6765… → 15.68; 6 × 82913 / 98459 = 5.0526… → 5.05,
  // 2.5 × 93 / 310 = 0.75, 2.5 × 56 / 310 = 0.4516… → 0.45: 6.25.
  CHECK(r.points("DVC_PROGRESS_ON_TIME", 0) == 15.68);
  CHECK(r.points("ONLINE_PAYMENT", 0) == 6.25);
  CHECK(r.points("DOSSIER_RECEIVING_SATISFACTION", 0) == 5.22);  // 6 × 0.78354… / 0.9 = 5.2236…
  CHECK(r.points("PETITION_PROCESSING_ON_TIME", 0) == 4.42);      // 6 × 182 / 247 = 4.4210…
  CHECK(r.points("PETITION_HANDLING_SATISFACTION", 0) == 3.33);   // 6 × 137 / 247 = 3.3279…
  CHECK(r.points("G6", 0) == 12.97);                              // 5.22 + 4.42 + 3.33, exactly
  // H44.01: nothing received: 0, and full marks for petitions when there were none.
  CHECK(r.points("DVC_PROGRESS_ON_TIME", 1) == 0);
  CHECK(r.points("ONLINE_PAYMENT", 1) == 0);
  CHECK(r.points("PETITION_PROCESSING_ON_TIME", 1) == 6);
  CHECK(r.points("PETITION_HANDLING_SATISFACTION", 1) == 6);
  // H44.03: 20 × 486 / 588 = 16.5306… → 16.53; payment 6 × 7/7 + round(2.5 × 2/3, 2) + 0 = 7.67;
  // satisfaction 6 × (486 / 588) / 0.9 = 5.5102… → 5.51.
  CHECK(r.points("DVC_PROGRESS_ON_TIME", 2) == 16.53);
  CHECK(r.points("ONLINE_PAYMENT", 2) == 7.67);
  CHECK(r.points("DOSSIER_RECEIVING_SATISFACTION", 2) == 5.51);
  CHECK(r.points("G6", 2) == 17.51);
  CHECK(r.points("ROOT", 2) == 41.71);  // 16.53 + 7.67 + 17.51
}

TEST_CASE("round on nodes: each criterion rounded before the sum changes the total") {
  json a = leaf("a", 1, points_rule());
  json b = leaf("b", 1, points_rule());
  a["round"] = 2;
  b["round"] = 2;
  run rounded(document(inner("R", "sum", {a, b})), {{0.125, 0.125}});
  CHECK(rounded.points("a") == 0.13);
  CHECK(rounded.points("R") == 0.26);
  CHECK(rounded.index() == 13);  // 0.26 / 2 × 100
  run plain(document(inner("R", "sum", {leaf("a", 1, points_rule()), leaf("b", 1, points_rule())})), {{0.125, 0.125}});
  CHECK(plain.points("R") == 0.25);
  CHECK(plain.index() == 12.5);

  // The same through formulas: round(0.125, 2) + round(0.125, 2) = 0.26, round(0.25, 2) = 0.25.
  CHECK(value_of("round(x, 2) + round(x, 2)", {"x"}, {0.125}) == 0.26);
  CHECK(value_of("round(x + x, 2)", {"x"}, {0.125}) == 0.25);

  // An inner node: the sum 0.125 + 0.125 + 0.5 rounded to one decimal is 0.8 (0.75 up); the
  // score is the rounded points over the max.
  json group = inner("G", "sum", {leaf("c", 1, points_rule()), leaf("d", 1, points_rule()), leaf("e", 1, points_rule())});
  group["round"] = 1;
  run inner_rounded(document(inner("R", "sum", {group})), {{0.125, 0.125, 0.5}});
  CHECK(inner_rounded.points("G") == 0.8);
  CHECK(inner_rounded.score("G") == doctest::Approx(0.8 / 3));
  CHECK(inner_rounded.index() == 26.67);

  // A mean node: score 0.5 of max 3 = 1.5 points, rounded to 0 decimals: 2, score 2 / 3.
  json mean = inner("M", "mean", {leaf("f", 1, points_rule()), leaf("g", 1, points_rule())});
  mean["max"] = 3;
  mean["round"] = 0;
  run mean_rounded(document(inner("R", "sum", {mean})), {{0.25, 0.75}});
  CHECK(mean_rounded.points("M") == 2);
  CHECK(mean_rounded.score("M") == doctest::Approx(2.0 / 3));
  CHECK(mean_rounded.index() == 66.67);

  // A deduction: −0.125 × 1 rounded half away from zero is −0.13.
  json fine = adjustment("fine", {{"kind", "deduction"}, {"per", 0.125}, {"cap", 1}});
  fine["round"] = 2;
  run deducted(document(inner("R", "sum", {leaf("h", 1, points_rule()), fine})), {{1, 1}});
  CHECK(deducted.points("R") == 0.87);
}

TEST_CASE("points_min and points_max bound a sum node's points") {
  json content = inner("BONUS_PENALTY", "sum",
                       {adjustment("bonus", {{"kind", "bonus"}, {"per", 1}, {"cap", 10}}),
                        adjustment("penalty", {{"kind", "deduction"}, {"per", 1}, {"cap", 10}})});
  content["points_min"] = -5;
  content["points_max"] = 5;
  run r(document(inner("R", "sum", {leaf("work", 100, points_rule()), content})),
        {{80, 7, 1}, {80, 0, 9}, {80, 2, 1}});
  CHECK(r.points("BONUS_PENALTY", 0) == 5);   // 7 − 1 = 6, capped at 5
  CHECK(r.points("BONUS_PENALTY", 1) == -5);  // −9, floored at −5
  CHECK(r.points("BONUS_PENALTY", 2) == 1);
  CHECK(r.max("BONUS_PENALTY", 0) == 0);
  CHECK(r.index(0) == 85);
  CHECK(r.index(1) == 75);
  CHECK(r.index(2) == 81);
}

TEST_CASE("bad round and limits are model errors with their path") {
  auto error_of = [](json root) { return caught<chiso::model_error>([&] { load(document(root)); }); };
  json a = leaf("a", 1, points_rule());
  a["round"] = -1;
  CHECK(error_of(inner("R", "sum", {a})).path() == "/root/children/0/round");
  a["round"] = 13;
  CHECK(error_of(inner("R", "sum", {a})).path() == "/root/children/0/round");
  a["round"] = 1.5;
  CHECK(error_of(inner("R", "sum", {a})).id() == "model.round");
  json b = leaf("b", 1, points_rule());
  b["points_max"] = 1;
  CHECK(error_of(inner("R", "sum", {b})).path() == "/root/children/0/points_max");  // not a field of leaves
  json mean = inner("M", "mean", {leaf("c", 1, points_rule())});
  mean["points_min"] = 0;
  auto e = error_of(inner("R", "sum", {mean}));
  CHECK(e.path() == "/root/children/0/points_min");
  CHECK(contains(e.what(), "a `mean` node"));
  json crossed = inner("S", "sum", {leaf("d", 1, points_rule())});
  crossed["points_min"] = 2;
  crossed["points_max"] = 1;
  e = error_of(inner("R", "sum", {crossed}));
  CHECK(e.path() == "/root/children/0/points_min");
  CHECK(e.id() == "model.limits");
}

TEST_CASE("a model with the new fields saves and reloads unchanged") {
  json pay = formula_leaf("pay", 10, online_payment, {"paid", "obligation", "paid_fee", "fee_with_dossiers", "fee_procedures"},
                          {{"clamp", true}});
  pay["round"] = 2;
  json content = inner("BP", "sum", {adjustment("bonus", {{"kind", "bonus"}, {"per", 1}, {"cap", 10}})});
  content["points_min"] = -5;
  content["points_max"] = 5;
  content["round"] = 1;
  const chiso::model m = load(document(inner("R", "sum", {pay, content})));
  const std::string text = chiso::dump_model(m);
  CHECK(contains(text, "\"expr\": \"" + online_payment + "\""));
  const chiso::model again = chiso::parse_model(text);
  CHECK(again == m);
  CHECK(chiso::dump_model(again) == text);
  CHECK(again.find("pay")->inputs.size() == 5);
  CHECK(*again.find("BP")->points_max == 5);
}

TEST_CASE("tiers beyond what a kernel holds inline use the scalar path") {
  // 10 tiers: ≥ 0.9 → 10, ≥ 0.8 → 9, …, ≥ 0.0 → 1.
  json tiers = json::array();
  for (int t = 9; t >= 0; --t) tiers.push_back({{"min", t / 10.0}, {"points", t + 1}});
  const json rule = {{"kind", "tiers"}, {"tiers", tiers}};
  run r(document(inner("R", "sum", {leaf("a", 10, rule)})), {{0.95}, {0.85}, {0.8}, {0.05}, {0}, {1}});
  CHECK(r.points("a", 0) == 10);
  CHECK(r.points("a", 1) == 9);
  CHECK(r.points("a", 2) == 9);
  CHECK(r.points("a", 3) == 1);
  CHECK(r.points("a", 4) == 1);
  CHECK(r.points("a", 5) == 10);
  const auto e = caught<chiso::data_error>([&] { run bad(document(inner("R", "sum", {leaf("a", 10, rule)})), {{1.2}}); });
  CHECK(e.id() == "data.range");
  CHECK(e.node() == "a");
}

TEST_CASE("more than 8 tiers, lower is better, with exclusive bounds, on the scalar path") {
  // An overdue rate in percent, 9 tiers: < 1 → 9, ≤ 2 → 8, < 3 → 7, ≤ 4 → 6, ≤ 5 → 5, ≤ 6 → 4,
  // ≤ 7 → 3, ≤ 8 → 2, ≤ 9 → 1; above 9 %: 0.
  json tiers = json::array();
  for (int t = 1; t <= 9; ++t) {
    json level = {{"max", t}, {"points", 10 - t}};
    if (t == 1 || t == 3) level["exclusive"] = true;
    tiers.push_back(level);
  }
  const json rule = {{"kind", "tiers"}, {"unit", "percent"}, {"direction", "lower_is_better"}, {"tiers", tiers}};
  run r(document(inner("R", "sum", {leaf("a", 9, rule)})), {{0}, {1}, {2}, {2.999}, {3}, {9}, {9.5}, {100}});
  CHECK(r.points("a", 0) == 9);  // 0 < 1
  CHECK(r.points("a", 1) == 8);  // 1 is not < 1; ≤ 2
  CHECK(r.points("a", 2) == 8);  // ≤ 2
  CHECK(r.points("a", 3) == 7);  // < 3
  CHECK(r.points("a", 4) == 6);  // 3 is not < 3; ≤ 4
  CHECK(r.points("a", 5) == 1);  // ≤ 9
  CHECK(r.points("a", 6) == 0);  // no tier
  CHECK(r.points("a", 7) == 0);
}
