// The same inputs in any layout give the same results; threads do not change them; buffers are
// reused; kept nodes; input errors at evaluation.
#include "helpers.hpp"

#include <random>

using namespace chiso_test;

namespace {

// R = sum(A = sum(a1 points step 0.25 max 2, a2 yes_no max 1), B = mean(b1 tiers percent max 1, b2 linear max 3),
//         d deduction).
json layout_model() {
  json A = inner("A", "sum", {leaf("a1", 2, {{"kind", "points"}, {"step", 0.25}}), leaf("a2", 1, {{"kind", "yes_no"}})});
  json B = inner("B", "mean", {leaf("b1", 1, {{"kind", "tiers"}, {"unit", "percent"}, {"tiers", {{{"min", 90}, {"points", 1}}, {{"min", 50}, {"points", 0.5}}}}}),
                               leaf("b2", 3, {{"kind", "linear"}, {"lower", 0}, {"upper", 10}})});
  B["max"] = 4;
  return document(inner("R", "sum", {A, B, adjustment("d", {{"kind", "deduction"}, {"per", 0.25}, {"cap", 1}})}),
                  {{"missing", "zero"}});
}

// Random valid inputs, units × 5 (a1, a2, b1, b2, d), some missing; a random mask.
void random_inputs(Eigen::Index n, Eigen::MatrixXd& x, bool_matrix& applies, std::vector<std::int32_t>& groups, unsigned seed) {
  std::mt19937 rng(seed);
  x.resize(n, 5);
  applies.resize(n, 5);
  groups.resize(static_cast<std::size_t>(n));
  for (Eigen::Index u = 0; u < n; ++u) {
    x(u, 0) = 0.25 * static_cast<double>(rng() % 9);
    x(u, 1) = static_cast<double>(rng() % 2);
    x(u, 2) = static_cast<double>(rng() % 10001) / 100.0;
    x(u, 3) = static_cast<double>(rng() % 1500) / 100.0 - 2.0;
    x(u, 4) = static_cast<double>(rng() % 6);
    if (rng() % 13 == 0) x(u, static_cast<Eigen::Index>(rng() % 4)) = nan_value;
    for (Eigen::Index c = 0; c < 5; ++c) applies(u, c) = rng() % 11 != 0;
    groups[static_cast<std::size_t>(u)] = static_cast<std::int32_t>(rng() % 4);
  }
}

void check_identical(const chiso::evaluation& a, const chiso::evaluation& b) {
  REQUIRE(a.nodes == b.nodes);
  // NaN-aware exact equality.
  auto same = [](const Eigen::MatrixXd& p, const Eigen::MatrixXd& q) {
    if (p.rows() != q.rows() || p.cols() != q.cols()) return false;
    for (Eigen::Index i = 0; i < p.size(); ++i)
      if (!(p.data()[i] == q.data()[i] || (std::isnan(p.data()[i]) && std::isnan(q.data()[i])))) return false;
    return true;
  };
  CHECK(same(a.points, b.points));
  CHECK(same(a.max, b.max));
  CHECK(same(a.score, b.score));
  CHECK(same(a.raw_index, b.raw_index));
  CHECK(same(a.index, b.index));
  CHECK(a.rank == b.rank);
  CHECK(a.band == b.band);
}

}  // namespace

TEST_CASE("column-major, row-major and permuted columns give identical results") {
  const chiso::plan p(load(layout_model()));
  Eigen::MatrixXd x;
  bool_matrix applies;
  std::vector<std::int32_t> groups;
  random_inputs(1000, x, applies, groups, 7);

  chiso::unit_table column_major;
  column_major.values = chiso::view_of(x);
  column_major.applicable = chiso::view_of(applies);
  column_major.groups = groups.data();
  const chiso::evaluation expected = p.evaluate(column_major);

  SUBCASE("row-major") {
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> xr = x;
    const Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> ar = applies;
    chiso::unit_table t = column_major;
    t.values = chiso::view_of(xr);
    t.applicable = chiso::view_of(ar);
    REQUIRE(t.values.col_stride == 1);
    check_identical(p.evaluate(t), expected);
  }
  SUBCASE("permuted columns, with an extra column") {
    // Columns of the table: (d, junk, b2, a1, b1, a2); leaf j (a1, a2, b1, b2, d) is at 3, 5, 4, 2, 0.
    const std::ptrdiff_t where[] = {3, 5, 4, 2, 0};
    Eigen::MatrixXd xp = Eigen::MatrixXd::Constant(x.rows(), 6, 1e9);
    bool_matrix ap = bool_matrix::Constant(x.rows(), 6, false);
    for (Eigen::Index j = 0; j < 5; ++j) {
      xp.col(where[j]) = x.col(j);
      ap.col(where[j]) = applies.col(j);
    }
    chiso::unit_table t = column_major;
    t.values = chiso::view_of(xp);
    t.applicable = chiso::view_of(ap);
    t.columns = where;
    t.applicable_columns = where;  // the mask's own column map
    check_identical(p.evaluate(t), expected);
  }
  SUBCASE("a block of a larger matrix (strided view)") {
    Eigen::MatrixXd big = Eigen::MatrixXd::Constant(x.rows() + 3, 8, -1);
    big.block(2, 1, x.rows(), 5) = x;
    bool_matrix big_mask = bool_matrix::Constant(x.rows() + 3, 8, true);
    big_mask.block(2, 1, x.rows(), 5) = applies;
    chiso::unit_table t = column_major;
    t.values = chiso::view_of(big.block(2, 1, x.rows(), 5));
    t.applicable = chiso::view_of(big_mask.block(2, 1, x.rows(), 5));
    check_identical(p.evaluate(t), expected);
  }
  SUBCASE("the convenience function") {
    check_identical(chiso::evaluate(p, x, {}, groups, &applies), expected);
  }
}

TEST_CASE("threads 1 and 2 give identical results on 40,000 units") {
  const chiso::plan p(load(layout_model()));
  Eigen::MatrixXd x;
  bool_matrix applies;
  std::vector<std::int32_t> groups;
  random_inputs(40000, x, applies, groups, 11);
  chiso::unit_table t;
  t.values = chiso::view_of(x);
  t.applicable = chiso::view_of(applies);
  t.groups = groups.data();
  chiso::evaluate_options one, two;
  one.threads = 1;
  two.threads = 2;
  check_identical(p.evaluate(t, one), p.evaluate(t, two));
  chiso::evaluate_options automatic;
  check_identical(p.evaluate(t, one), p.evaluate(t, automatic));
}

TEST_CASE("threads: the error reported does not depend on the number of threads") {
  const chiso::plan p(load(layout_model()));
  Eigen::MatrixXd x;
  bool_matrix applies;
  std::vector<std::int32_t> groups;
  random_inputs(40000, x, applies, groups, 13);
  applies.setConstant(true);
  x(30000, 1) = 2;  // a yes_no of 2, in the second thread's rows
  x(35000, 0) = 0.3;
  chiso::unit_table t;
  t.values = chiso::view_of(x);
  t.applicable = chiso::view_of(applies);
  for (int threads : {1, 2}) {
    chiso::evaluate_options o;
    o.threads = threads;
    const chiso::data_error e = caught<chiso::data_error>([&] { p.evaluate(t, o); });
    CHECK(e.unit() == "row 30000");
    CHECK(e.node() == "a2");
  }
}

TEST_CASE("evaluate_into reuses the result's buffers") {
  const chiso::plan p(load(layout_model()));
  Eigen::MatrixXd x;
  bool_matrix applies;
  std::vector<std::int32_t> groups;
  random_inputs(500, x, applies, groups, 3);
  chiso::unit_table t;
  t.values = chiso::view_of(x);
  t.applicable = chiso::view_of(applies);
  chiso::evaluation out;
  p.evaluate_into(t, out);
  const double* points = out.points.data();
  const double* index = out.index.data();
  const std::int32_t* rank = out.rank.data();
  const chiso::evaluation first = out;

  Eigen::MatrixXd y;
  random_inputs(500, y, applies, groups, 4);  // new inputs, same shape
  t.values = chiso::view_of(y);
  p.evaluate_into(t, out);
  CHECK(out.points.data() == points);
  CHECK(out.index.data() == index);
  CHECK(out.rank.data() == rank);
  check_identical(out, p.evaluate(t));  // and the results are the new ones
  CHECK_FALSE(out.points == first.points);
}

TEST_CASE("kept nodes: all, inner, root") {
  const chiso::plan p(load(layout_model()));
  const Eigen::MatrixXd x = matrix({{1.5, 1, 95, 5, 1}});
  // A = 1.5 + 1 = 2.5 of 3; B = mean(1, 1.5/3 = 0.5) = 0.75 × 4 = 3; d = −0.25.
  // R = 2.5 + 3 − 0.25 = 5.25 of 7 → 75.
  chiso::unit_table t;
  t.values = chiso::view_of(x);
  chiso::evaluate_options o;
  o.keep = chiso::kept_nodes::all;
  const chiso::evaluation all = p.evaluate(t, o);
  o.keep = chiso::kept_nodes::inner;
  const chiso::evaluation in = p.evaluate(t, o);
  o.keep = chiso::kept_nodes::root;
  const chiso::evaluation root = p.evaluate(t, o);
  CHECK(all.nodes.size() == 8);  // R, A, a1, a2, B, b1, b2, d
  CHECK(all.points.cols() == 8);
  CHECK(in.nodes.size() == 3);  // R, A, B
  CHECK(root.nodes.size() == 1);
  CHECK(root.nodes[0] == p.plan_position("R"));
  CHECK(all.index(0) == 75);
  CHECK(in.index(0) == 75);
  CHECK(root.index(0) == 75);
  CHECK(root.points(0, 0) == 5.25);
  CHECK(root.max(0, 0) == 7);
  CHECK(in.points(0, column_of(p, in, "A")) == 2.5);
  CHECK(in.points(0, column_of(p, in, "B")) == doctest::Approx(3));
  CHECK(all.points(0, column_of(p, all, "d")) == -0.25);
}

TEST_CASE("input errors at evaluation name the unit and the criterion") {
  json root = inner("R", "sum", {leaf("p", 2, {{"kind", "points"}, {"step", 0.25}}), leaf("y", 1, {{"kind", "yes_no"}}),
                                 leaf("t", 1, {{"kind", "tiers"}, {"unit", "percent"}, {"tiers", {{{"min", 90}, {"points", 1}}}}})});
  const std::vector<std::string> ids = {"Quận Đống Đa", "Huyện Ba Vì"};
  auto error_for = [&](std::size_t column, double bad) {
    std::vector<std::vector<double>> rows = {{1, 1, 95}, {1, 1, 95}};
    rows[1][column] = bad;
    return caught<chiso::data_error>([&] { run r(document(root), rows, ids); });
  };
  struct expectation {
    std::size_t column;
    double value;
    const char* node;
    const char* id;
  };
  const expectation cases[] = {
      {0, 2.25, "p", "data.range"},      // above max 2
      {0, -0.25, "p", "data.range"},     // negative
      {0, 0.3, "p", "data.range"},       // not a multiple of 0.25
      {1, 2, "y", "data.range"},         // yes_no of 2
      {2, 120, "t", "data.range"},       // a rate of 120 %
      {2, nan_value, "t", "data.missing"},
      {0, inf_value, "p", "data.range"},
      {2, -inf_value, "t", "data.range"},
  };
  for (const expectation& c : cases) {
    CAPTURE(c.value);
    const chiso::data_error e = error_for(c.column, c.value);
    CHECK(e.id() == c.id);
    CHECK(e.unit() == "Huyện Ba Vì");
    CHECK(e.node() == c.node);
    CHECK(contains(e.what(), "Huyện Ba Vì"));
    CHECK(contains(e.what(), std::string("'") + c.node + "'"));
    // The unit alone (a unit scored in a loop: the kernels' one-unit path) fails alike.
    std::vector<std::vector<double>> alone = {{1, 1, 95}};
    alone[0][c.column] = c.value;
    const chiso::data_error one = caught<chiso::data_error>([&] { run r(document(root), alone, {ids[1]}); });
    CHECK(one.id() == c.id);
    CHECK(one.unit() == "Huyện Ba Vì");
    CHECK(one.node() == c.node);
  }
}

TEST_CASE("input matrix of the wrong shape") {
  const chiso::plan p(load(layout_model()));
  SUBCASE("too few columns") {
    const chiso::data_error e = caught<chiso::data_error>([&] { chiso::evaluate(p, Eigen::MatrixXd::Zero(3, 4)); });
    CHECK(e.id() == "data.shape");
    CHECK(contains(e.what(), "4 columns"));
    CHECK(contains(e.what(), "5 leaves"));
  }
  SUBCASE("too many columns") {
    CHECK(caught<chiso::data_error>([&] { chiso::evaluate(p, Eigen::MatrixXd::Zero(3, 6)); }).id() == "data.shape");
  }
  SUBCASE("mask of another shape") {
    const bool_matrix m = bool_matrix::Constant(2, 5, true);
    CHECK(caught<chiso::data_error>([&] { chiso::evaluate(p, Eigen::MatrixXd::Zero(3, 5), {}, {}, &m); }).id() == "data.shape");
  }
  SUBCASE("unit ids or groups of another length") {
    CHECK(caught<chiso::data_error>([&] { chiso::evaluate(p, Eigen::MatrixXd::Zero(3, 5), {"a", "b"}); }).id() == "data.shape");
    CHECK(caught<chiso::data_error>([&] { chiso::evaluate(p, Eigen::MatrixXd::Zero(3, 5), {}, {0, 1}); }).id() == "data.shape");
  }
  SUBCASE("a column map beyond the table") {
    const Eigen::MatrixXd x = Eigen::MatrixXd::Zero(3, 5);
    const std::ptrdiff_t where[] = {0, 1, 2, 3, 5};
    chiso::unit_table t;
    t.values = chiso::view_of(x);
    t.columns = where;
    CHECK(caught<chiso::data_error>([&] { p.evaluate(t); }).id() == "data.shape");
  }
  SUBCASE("no values for some rows") {
    chiso::unit_table t;
    t.values.rows = 3;
    t.values.cols = 5;
    CHECK(caught<chiso::data_error>([&] { p.evaluate(t); }).id() == "data.shape");
  }
}

// Every entry of the column map is checked: a negative one would read before the matrix.
TEST_CASE("a negative column in the column map is a shape error") {
  const chiso::plan p(load(layout_model()));
  const Eigen::MatrixXd x = Eigen::MatrixXd::Zero(3, 5);
  const std::ptrdiff_t where[] = {0, 1, 2, -1, 4};
  chiso::unit_table t;
  t.values = chiso::view_of(x);
  t.columns = where;
  CHECK(caught<chiso::data_error>([&] { p.evaluate(t); }).id() == "data.shape");
}

TEST_CASE("zero units is not an error") {
  const chiso::plan p(load(layout_model()));
  const chiso::evaluation e = chiso::evaluate(p, Eigen::MatrixXd::Zero(0, 5));
  CHECK(e.index.size() == 0);
  CHECK(e.rank.size() == 0);
}

TEST_CASE("unknown ids in plan lookups") {
  const chiso::plan p(load(layout_model()));
  CHECK(p.leaf_column("b1") == 2);
  CHECK(caught<chiso::data_error>([&] { (void)p.plan_position("nope"); }).id() == "data.unknown_criterion");
  CHECK(caught<chiso::data_error>([&] { (void)p.leaf_column("nope"); }).id() == "data.unknown_criterion");
  CHECK(caught<chiso::data_error>([&] { (void)p.leaf_column("A"); }).id() == "data.not_a_leaf");
}
