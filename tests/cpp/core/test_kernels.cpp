// The AVX-512, AVX2 and baseline kernels give the same bits, for every rule kind (and a rule with
// more tiers than the kernels hold, scored by the scalar path), formulas, mean-type nodes,
// rounding, missing inputs, non-applicable criteria, and block tails (1,003 and 150,001 units).
#include <doctest/doctest.h>

#include <chiso/chiso.hpp>
#include <chiso/detail/instruction_set.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <tuple>

#include "helpers.hpp"

using namespace chiso_test;

namespace {

json every_rule_kind(const std::string& missing) {
  json ten_tiers = json::array();
  for (int t = 0; t < 10; ++t) ten_tiers.push_back({{"min", 0.9 - 0.1 * t}, {"points", 2.0 - 0.2 * t}});
  json formula = leaf("formula", 2, {{"kind", "formula"}, {"expr", "2 * ratio(n, d, 0)"}});
  formula["inputs"] = {"n", "d"};
  json rounded = leaf("rounded", 3, {{"kind", "linear"}, {"lower", 0.1}, {"upper", 0.7}});
  rounded["round"] = 1;
  json means = inner("means", "mean",
                     {leaf("proportional", 1, {{"kind", "proportional"}}),
                      leaf("proportional_lower", 1, {{"kind", "proportional"}, {"unit", "percent"}, {"direction", "lower_is_better"}}),
                      leaf("proportional_clamp", 2, {{"kind", "proportional"}, {"clamp", true}}),
                      leaf("linear_lower", 1, {{"kind", "linear"}, {"lower", 10}, {"upper", 30}, {"direction", "lower_is_better"}})});
  means["children"][2]["weight"] = 2;
  json best = inner("best", "max", {leaf("yes_no", 1, {{"kind", "yes_no"}}), leaf("ten_tiers", 2, {{"kind", "tiers"}, {"tiers", ten_tiers}})});
  json sums = inner(
      "sums", "sum",
      {leaf("step", 1, {{"kind", "points"}, {"step", 0.25}}), leaf("tenths", 2.5, {{"kind", "points"}, {"step", 0.1}}),
       leaf("values", 1.5, {{"kind", "points"}, {"values", {0, 0.5, 1.5}}}), leaf("range", 3, points_rule()),
       leaf("tiers", 1, {{"kind", "tiers"}, {"unit", "percent"}, {"tiers", {{{"min", 100}, {"points", 1}}, {{"min", 90}, {"points", 0.5}, {"exclusive", true}}}}}),
       leaf("tiers_lower", 1, {{"kind", "tiers"}, {"unit", "percent"}, {"direction", "lower_is_better"}, {"tiers", {{{"max", 5}, {"points", 1}}, {{"max", 10}, {"points", 0.25}}}}}),
       formula, rounded, adjustment("deduction", {{"kind", "deduction"}, {"per", 0.5}, {"cap", 2}}),
       adjustment("bonus", {{"kind", "bonus"}, {"per", 0.25}, {"cap", 1}})});
  return document(inner("R", "mean", {sums, means, best}), {{"missing", missing}});
}

// A valid input for input column `column` ("<leaf>" or "<leaf>.<input>"), from a uniform r in [0, 1).
double input_for(const std::string& column, double r) {
  const std::string name = column.substr(column.find('.') + 1);
  if (name == "step") return std::floor(r * 5) * 0.25;
  if (name == "tenths") return std::floor(r * 26) * 0.1;
  if (name == "values") return r < 0.3 ? 0 : r < 0.6 ? 0.5 : 1.5;
  if (name == "range") return 3 * r;
  if (name == "tiers" || name == "proportional_lower") return 100 * r;
  if (name == "tiers_lower") return 15 * r;
  if (name == "n") return std::floor(10 * r);
  if (name == "d") return r < 0.1 ? 0 : 10 + std::floor(10 * r);  // 0 now and then: ratio gives 0
  if (name == "linear_lower") return 40 * r;
  if (name == "proportional_clamp") return 1.5 * r - 0.2;  // outside [0, 1] at times: clamped
  if (name == "yes_no") return r < 0.5 ? 0 : 1;
  if (name == "deduction" || name == "bonus") return std::floor(6 * r);
  return r;  // proportional, rounded, ten_tiers
}

bool same_bits(const double* a, const double* b, std::size_t n) { return std::memcmp(a, b, n * sizeof(double)) == 0; }

// Evaluates `units` random units with every kernel set this processor runs; returns the baseline
// kernels' result, checked bit for bit against the others. A batch of a few units need not give
// every node points (`few`). A share of the inputs missing (`missing_share`); with keep `root` or
// `inner`, the leaves add their points straight into their parents' arrays.
chiso::evaluation check_same_bits(const std::string& missing, Eigen::Index units, bool few = false,
                                  chiso::kept_nodes keep = chiso::kept_nodes::all, double missing_share = 0.03) {
  CAPTURE(missing);
  CAPTURE(units);
  CAPTURE(static_cast<int>(keep));
  const chiso::plan p(load(every_rule_kind(missing)));
  const auto& columns = p.input_columns();
  Eigen::MatrixXd x(units, static_cast<Eigen::Index>(columns.size()));
  bool_matrix applicable(units, p.leaf_count());
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (Eigen::Index u = 0; u < units; ++u) {  // unit by unit: the first units are the same in every batch size
    for (Eigen::Index c = 0; c < x.cols(); ++c) {
      const double r = uniform(random);
      x(u, c) = r < missing_share ? nan_value : input_for(columns[static_cast<std::size_t>(c)], uniform(random));
    }
    for (Eigen::Index j = 0; j < applicable.cols(); ++j) applicable(u, j) = uniform(random) >= 0.05;
  }
  std::vector<std::int32_t> groups(static_cast<std::size_t>(units));
  for (std::size_t u = 0; u < groups.size(); ++u) groups[u] = static_cast<std::int32_t>(u % 3);

  chiso::evaluate_options options;
  options.keep = keep;
  auto evaluate = [&] { return chiso::evaluate(p, x, {}, groups, &applicable, options); };
  using chiso::detail::instruction_set;
  const instruction_set best = chiso::detail::kernels_instruction_set();
  chiso::detail::limit_kernels(instruction_set::baseline);
  CHECK(chiso::detail::kernels_instruction_set() == instruction_set::baseline);
  const chiso::evaluation baseline = evaluate();
  // Every node scored something (a deduction takes points): the comparison covers values.
  if (!few)
    for (Eigen::Index k = 0; k < baseline.points.cols(); ++k) CHECK((baseline.points.col(k).array() != 0.0).any());

  for (instruction_set wider : {instruction_set::avx2, instruction_set::avx512}) {
    chiso::detail::limit_kernels(wider);
    const instruction_set running = chiso::detail::kernels_instruction_set();
    CHECK(running <= wider);
    if (running != wider) {
      MESSAGE("this processor has no " << chiso::detail::to_string(wider) << ": not compared");
      continue;
    }
    CAPTURE(chiso::detail::to_string(running));
    const chiso::evaluation result = evaluate();
    const auto n = static_cast<std::size_t>(result.points.size());
    CHECK(same_bits(result.points.data(), baseline.points.data(), n));
    CHECK(same_bits(result.max.data(), baseline.max.data(), n));
    CHECK(same_bits(result.score.data(), baseline.score.data(), n));
    CHECK(same_bits(result.raw_index.data(), baseline.raw_index.data(), static_cast<std::size_t>(units)));
    CHECK(same_bits(result.index.data(), baseline.index.data(), static_cast<std::size_t>(units)));
    CHECK(result.rank == baseline.rank);
  }
  chiso::detail::limit_kernels(best);  // back to the set in use before (CHISO_KERNELS may have capped it)
  CHECK(chiso::detail::kernels_instruction_set() == best);
  return baseline;
}

// The rows first … first + count − 1 of a result, and of the same units' evaluation alone.
void check_same_rows(const chiso::evaluation& whole, const chiso::evaluation& part, Eigen::Index first) {
  const Eigen::Index count = part.points.rows();
  CAPTURE(first);
  for (Eigen::Index k = 0; k < whole.points.cols(); ++k) {
    CHECK(same_bits(whole.points.col(k).data() + first, part.points.col(k).data(), static_cast<std::size_t>(count)));
    CHECK(same_bits(whole.max.col(k).data() + first, part.max.col(k).data(), static_cast<std::size_t>(count)));
    CHECK(same_bits(whole.score.col(k).data() + first, part.score.col(k).data(), static_cast<std::size_t>(count)));
  }
  CHECK(same_bits(whole.raw_index.data() + first, part.raw_index.data(), static_cast<std::size_t>(count)));
}

}  // namespace

TEST_CASE("the baseline kernels give the wider kernels' bits") {
  check_same_bits("zero", 1003);
  check_same_bits("exclude", 1003);
}

// Inputs over 16 MB go in blocks of 1,024 units (not 256), and results over 16 MB are written
// around the caches (streaming stores after a scalar run up to 64-byte alignment).
TEST_CASE("the baseline kernels give the wider kernels' bits on a batch larger than the caches") {
  const chiso::evaluation whole = check_same_bits("exclude", 150001);
  // The same units scored in small batches, in blocks of 256 with ordinary stores.
  const chiso::evaluation head = check_same_bits("exclude", 1003);
  check_same_rows(whole, head, 0);
}

TEST_CASE("the baseline kernels give the AVX2 kernels' counting ranks") {
  std::mt19937_64 random(5);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  std::vector<double> score(61);
  for (double& s : score) s = std::floor(uniform(random) * 20);  // many ties
  score[7] = nan_value;
  score[60] = -0.0;
  std::vector<std::int32_t> best(score.size()), baseline(score.size()), cold(score.size());
  std::vector<std::uint32_t> order(score.size());
  chiso::rank_descending_competition_counting(score.data(), score.size(), best.data());
  const chiso::detail::instruction_set running = chiso::detail::kernels_instruction_set();
  chiso::detail::limit_kernels(chiso::detail::instruction_set::baseline);
  chiso::rank_descending_competition_counting(score.data(), score.size(), baseline.data());
  chiso::detail::limit_kernels(running);
  chiso::rank_descending_competition(score.data(), score.size(), cold.data(), order.data());
  CHECK(best == cold);
  CHECK(baseline == cold);
}

// The kernels' loops are compiled per missing-input policy and per way of writing points (into the
// leaf's own arrays, or added into its parent's when the leaf is not kept): every pair gives the
// same bits on every instruction set. `error` with every input there (a missing one throws).
TEST_CASE("every missing-input policy, leaves kept or added into their parents, gives the same bits on every set") {
  for (const chiso::kept_nodes keep : {chiso::kept_nodes::root, chiso::kept_nodes::inner}) {
    check_same_bits("error", 1003, false, keep, 0.0);
    check_same_bits("zero", 1003, false, keep);
    check_same_bits("exclude", 1003, false, keep);
  }
  check_same_bits("error", 1003, false, chiso::kept_nodes::all, 0.0);
}

// Under each missing-input policy and on every instruction set, the kernels flag an input outside
// its rule (a step leaf's 0.3 where steps are 0.25; a formula's infinite input), and a missing one
// under `error` only, in a lane of a vector and in a block's last units.
TEST_CASE("the kernels flag an invalid input, and a missing one under `missing: error`, on every set") {
  using chiso::detail::instruction_set;
  const instruction_set best = chiso::detail::kernels_instruction_set();
  constexpr Eigen::Index units = 1003;
  for (const std::string missing : {"zero", "exclude", "error"}) {
    CAPTURE(missing);
    const chiso::plan p(load(every_rule_kind(missing)));
    const auto& columns = p.input_columns();
    Eigen::MatrixXd x(units, static_cast<Eigen::Index>(columns.size()));
    std::mt19937_64 random(17);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (Eigen::Index u = 0; u < units; ++u)
      for (Eigen::Index c = 0; c < x.cols(); ++c) x(u, c) = input_for(columns[static_cast<std::size_t>(c)], uniform(random));
    const auto column = [&](const std::string& name) {
      return static_cast<Eigen::Index>(std::find(columns.begin(), columns.end(), name) - columns.begin());
    };
    for (instruction_set set : {instruction_set::baseline, instruction_set::avx2, instruction_set::avx512}) {
      chiso::detail::limit_kernels(set);
      if (chiso::detail::kernels_instruction_set() != set) continue;  // not on this processor
      CAPTURE(chiso::detail::to_string(set));
      for (const Eigen::Index unit : {Eigen::Index{517}, units - 1}) {  // inside a vector; the last, one lane
        CAPTURE(unit);
        for (const auto& tried : {std::tuple<std::string, double, std::string>{"step", 0.3, "data.range"},
                                  {"formula.n", HUGE_VAL, "data.range"},
                                  {"step", nan_value, missing == "error" ? "data.missing" : ""}}) {
          // Variables, not structured bindings: CAPTURE's lambda cannot take those in C++17 (clang).
          const std::string& name = std::get<0>(tried);
          const double bad = std::get<1>(tried);
          const std::string& id = std::get<2>(tried);
          CAPTURE(name);
          Eigen::MatrixXd changed = x;
          changed(unit, column(name)) = bad;
          if (id.empty()) {
            CHECK_NOTHROW(chiso::evaluate(p, changed, {}, {}, nullptr));
            continue;
          }
          const chiso::data_error e = caught<chiso::data_error>([&] { chiso::evaluate(p, changed, {}, {}, nullptr); });
          CHECK(e.id() == id);
          CHECK(e.unit() == "row " + std::to_string(unit));
          CHECK(e.node() == name.substr(0, name.find('.')));
        }
      }
    }
  }
  chiso::detail::limit_kernels(best);
}

// A batch of fewer units than a vector's lanes (a call for one unit) is scored one lane at a time,
// with the same lane operations: its rows are the bits of the same units inside a large batch,
// for every rule kind, formulas, tiers, masks, missing inputs, decimal sums and rounding.
TEST_CASE("a few units alone give the bits of the same units inside a large batch") {
  for (const std::string missing : {"zero", "exclude"}) {
    const chiso::evaluation whole = check_same_bits(missing, 1003);
    for (Eigen::Index units = 1; units <= 17; ++units) check_same_rows(whole, check_same_bits(missing, units, true), 0);
  }
}

// Batches of a few units reuse their thread's scratch (workspace, tables, layout) from one call to
// the next: a unit scored in a loop, alternating models of other shapes, kept nodes, masks in
// either layout (a row-major one is copied a block at a time) and no mask, gives the bits of the
// same unit inside a batch large enough to build its own scratch.
TEST_CASE("units scored one at a time in a loop, alternating models, masks and kept nodes, give a batch's bits") {
  const chiso::plan zero(load(every_rule_kind("zero"))), exclude(load(every_rule_kind("exclude")));
  const chiso::plan small(load(document(inner("R", "sum", {leaf("a", 2, points_rule()), leaf("b", 3, points_rule())}))));
  constexpr Eigen::Index units = 40;  // more than a few: the batch has a scratch of its own
  const auto& columns = zero.input_columns();
  Eigen::MatrixXd x(units, static_cast<Eigen::Index>(columns.size()));
  Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> applicable(units, zero.leaf_count());
  std::mt19937_64 random(3);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (Eigen::Index u = 0; u < units; ++u) {
    for (Eigen::Index c = 0; c < x.cols(); ++c) x(u, c) = input_for(columns[static_cast<std::size_t>(c)], uniform(random));
    for (Eigen::Index j = 0; j < applicable.cols(); ++j) applicable(u, j) = uniform(random) >= 0.3;
  }
  const Eigen::MatrixXd small_x = x.leftCols(2);
  const auto table = [&](const Eigen::MatrixXd& values, Eigen::Index first, Eigen::Index count, bool masked) {
    chiso::unit_table t;
    t.values = chiso::view_of(values.middleRows(first, count));
    if (masked) t.applicable = chiso::view_of(applicable.middleRows(first, count));
    return t;
  };
  chiso::evaluate_options all, root;
  root.keep = chiso::kept_nodes::root;
  const chiso::evaluation zero_masked = zero.evaluate(table(x, 0, units, true), all);
  const chiso::evaluation zero_unmasked = zero.evaluate(table(x, 0, units, false), all);
  const chiso::evaluation exclude_masked = exclude.evaluate(table(x, 0, units, true), all);
  const chiso::evaluation small_whole = small.evaluate(table(small_x, 0, units, false), all);
  const chiso::evaluation exclude_root = exclude.evaluate(table(x, 0, units, false), root);
  for (Eigen::Index u = 0; u < units; ++u) {
    CAPTURE(u);
    check_same_rows(zero_masked, zero.evaluate(table(x, u, 1, true), all), u);
    check_same_rows(zero_unmasked, zero.evaluate(table(x, u, 1, false), all), u);  // after a masked unit
    check_same_rows(small_whole, small.evaluate(table(small_x, u, 1, false), all), u);
    check_same_rows(exclude_root, exclude.evaluate(table(x, u, 1, false), root), u);
    check_same_rows(exclude_masked, exclude.evaluate(table(x, u, 1, true), all), u);
    if (u + 3 <= units) check_same_rows(zero_masked, zero.evaluate(table(x, u, 3, true), all), u);
  }
}

// The index kernel (scale, bounds, rounding) gives, on every instruction set, in a batch and for
// a unit alone, the scalar definitions: chiso::round_decimal of the raw index (half-way indices
// k × 0.005 take its slow path, the others its fast one, in the kernel's lanes), and a clamped
// raw index that is fmin(fmax(raw, 0), scale) of the same model's raw index without the clamp.
// NaN (nothing applies) stays NaN.
TEST_CASE("the index kernel rounds and bounds as the scalar definitions, on every instruction set") {
  const json root = inner("R", "sum", {leaf("a", 1000, points_rule()),
                                       adjustment("bonus", {{"kind", "bonus"}, {"per", 100}, {"cap", 500}}),
                                       adjustment("deduction", {{"kind", "deduction"}, {"per", 100}, {"cap", 500}})});
  constexpr Eigen::Index units = 1003;  // vectors of every width and a tail
  Eigen::MatrixXd x(units, 3);
  bool_matrix applicable = bool_matrix::Constant(units, 3, true);
  std::mt19937_64 random(5);
  std::uniform_int_distribution<int> step(0, 20000), count(0, 5);
  for (Eigen::Index u = 0; u < units; ++u) {
    x(u, 0) = step(random) * 0.05;  // index about k × 0.005: half-way for odd k
    x(u, 1) = u % 7 == 0 ? count(random) : 0;  // above the scale at times
    x(u, 2) = u % 5 == 0 ? count(random) : 0;  // below 0 at times
    if (u % 11 == 0) applicable.row(u).setConstant(false);  // nothing applies: NaN
  }
  using chiso::detail::instruction_set;
  const instruction_set best = chiso::detail::kernels_instruction_set();
  for (const char* mode : {"half_up", "half_even", "none"}) {
    CAPTURE(mode);
    const json rounding = {{"digits", 2}, {"mode", mode}};
    const chiso::plan open(load(document(root, {{"rounding", rounding}})));
    const chiso::plan clamped(load(document(root, {{"rounding", rounding}, {"clamp", true}})));
    const chiso::rounding_mode rounds = std::string(mode) == "half_up"     ? chiso::rounding_mode::half_up
                                        : std::string(mode) == "half_even" ? chiso::rounding_mode::half_even
                                                                           : chiso::rounding_mode::none;
    for (instruction_set set : {instruction_set::baseline, instruction_set::avx2, instruction_set::avx512}) {
      chiso::detail::limit_kernels(set);
      if (chiso::detail::kernels_instruction_set() != set) continue;  // not on this processor
      CAPTURE(chiso::detail::to_string(set));
      const chiso::evaluation unbounded = chiso::evaluate(open, x, {}, {}, &applicable);
      const chiso::evaluation bounded = chiso::evaluate(clamped, x, {}, {}, &applicable);
      int half_way = 0, outside = 0, nothing = 0;
      for (Eigen::Index u = 0; u < units; ++u) {
        const double raw = unbounded.raw_index(u);
        const double within = std::isnan(raw) ? raw : std::fmin(std::fmax(raw, 0.0), 100.0);
        CHECK(same_bits(&bounded.raw_index(u), &within, 1));
        for (const chiso::evaluation* e : {&unbounded, &bounded}) {
          const double expected = chiso::round_decimal(e->raw_index(u), 2, rounds);
          CHECK(same_bits(&e->index(u), &expected, 1));
        }
        half_way += std::fabs(raw * 100 - std::floor(raw * 100) - 0.5) < 1e-6;
        outside += raw < 0 || raw > 100;
        nothing += std::isnan(raw);
      }
      CHECK(half_way > 100);
      CHECK(outside > 10);
      CHECK(nothing > 10);
      for (Eigen::Index u = 0; u < 60; ++u) {  // a unit alone: the one-lane path
        const bool_matrix mask = applicable.middleRows(u, 1);
        const chiso::evaluation one = chiso::evaluate(clamped, x.middleRows(u, 1), {}, {}, &mask);
        CHECK(same_bits(&one.raw_index(0), &bounded.raw_index(u), 1));
        CHECK(same_bits(&one.index(0), &bounded.index(u), 1));
      }
    }
  }
  chiso::detail::limit_kernels(best);
}
