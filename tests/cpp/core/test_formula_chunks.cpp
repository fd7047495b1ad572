// Formula leaves over batches of many units: the kernels run a program over a part of a block at
// a time, so every unit, whatever its place in the batch, gets its own inputs' result, and a
// unit in trouble is the one named. Expected values from the rule itself: 2 × n / d written with
// 15 significant digits (FORMAT.md: a formula's result is that decimal).
#include "helpers.hpp"

#include <cstdio>
#include <cstdlib>

using namespace chiso_test;

namespace {

constexpr int units = 1000;  // blocks of a few hundred units, each run in several parts

std::vector<std::string> unit_ids() {
  std::vector<std::string> ids;
  for (int u = 0; u < units; ++u) ids.push_back("u" + std::to_string(u));
  return ids;
}

// The decimal of 15 significant digits nearest to x, read back as a double.
double fifteen_digits(double x) {
  char text[40];
  std::snprintf(text, sizeof text, "%.15g", x);
  return std::strtod(text, nullptr);
}

}  // namespace

TEST_CASE("a formula over 1,000 units gives each unit its own inputs' decimal result") {
  const json model = document(inner("R", "sum", {formula_leaf("f", 2, "2 * ratio(n, d, 0)", {"n", "d"})}),
                              {{"missing", "exclude"}});
  std::vector<std::vector<double>> rows;
  std::vector<std::vector<int>> applies;
  for (int u = 0; u < units; ++u) {
    const double n = u % 13 == 6 ? nan_value : u % 7;
    const double d = u % 5 == 0 ? 0 : 7;
    rows.push_back({n, d});
    applies.push_back({u % 11 == 3 ? 0 : 1});
  }
  const bool_matrix applicable = mask(applies);
  const run r(model, rows, unit_ids(), {}, &applicable);
  int scored = 0;
  for (int u = 0; u < units; ++u) {
    CAPTURE(u);
    const bool counted = u % 11 != 3 && u % 13 != 6;  // applies and its input is there
    const double expected = !counted || u % 5 == 0 ? 0.0 : fifteen_digits(2.0 * (u % 7) / 7.0);
    CHECK(r.points("f", u) == expected);
    CHECK(r.max("f", u) == (counted ? 2.0 : 0.0));
    scored += counted ? 1 : 0;
  }
  CHECK(scored > 800);
  CHECK(r.points("f", 1) == 0.285714285714286);  // 2 / 7, by hand
  CHECK(r.points("f", 4) == 1.14285714285714);   // 8 / 7
}

TEST_CASE("a unit in trouble far into a batch of formulas is the one named") {
  auto batch = [](double (*n)(int), double (*d)(int)) {
    std::vector<std::vector<double>> rows;
    for (int u = 0; u < units; ++u) rows.push_back({n(u), d(u)});
    return rows;
  };
  auto model_with = [](const std::string& expr) {
    return document(inner("R", "sum", {formula_leaf("f", 10, expr, {"n", "d"})}));
  };
  auto one = [](int) { return 1.0; };

  auto e = caught<chiso::data_error>([&] {
    run r(model_with("n / d"), batch(one, [](int u) { return u == 700 ? 0.0 : 2.0; }), unit_ids());
  });
  CHECK(e.id() == "data.range");
  CHECK(e.unit() == "u700");
  CHECK(contains(e.what(), "division by zero (the '/' at column 3 of `n / d`)"));

  e = caught<chiso::data_error>([&] {
    run r(model_with("n * d"), batch([](int u) { return u == 900 ? 4.0 : 1.0; }, [](int) { return 5.0; }), unit_ids());
  });
  CHECK(e.unit() == "u900");
  CHECK(contains(e.what(), "gives 20, outside [0, 10]"));

  e = caught<chiso::data_error>([&] {
    run r(model_with("n + d"), batch(one, [](int u) { return u == 333 ? nan_value : 1.0; }), unit_ids());
  });
  CHECK(e.id() == "data.missing");
  CHECK(e.unit() == "u333");
  CHECK(contains(e.what(), "input 'f.d' is missing"));
}
