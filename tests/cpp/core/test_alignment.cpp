// Data and applicability matched to criteria by name (FORMAT.md 0.3, "Alignment by name"): a
// unit_table's inputs and mask each have their own column map, built from column names with
// chiso::column_map, whatever the order of either table's columns.
//
// The model (hand calculation, scale 100, two decimals half up): R = sum of a, b (points, max 1)
// and G = sum of c (points, max 2) and f (formula 2 × ratio(n, d, 0), max 2, inputs n and d).
//   unit  a    b    c  n  d   f    applies         points           max  index
//   u1    1    0    2  1  2   1    a c f (not b)   1 + 2 + 1 = 4    5    80.00
//   u2    0    1    1  3  4   1.5  a b f (not c)   0 + 1 + 1.5      4    62.50
//   u3    0.5  0.5  0  0  0   0    b c (not a, f)  0.5              3    16.67
#include "helpers.hpp"

#include <map>

using namespace chiso_test;

namespace {

json alignment_model() {
  json f = leaf("f", 2, {{"kind", "formula"}, {"expr", "2 * ratio(n, d, 0)"}});
  f["inputs"] = {"n", "d"};
  return document(inner("R", "sum", {leaf("a", 1, points_rule()), leaf("b", 1, points_rule()),
                                     inner("G", "sum", {leaf("c", 2, points_rule()), f})}));
}

const std::map<std::string, std::vector<double>> values = {
    {"a", {1, 0, 0.5}}, {"b", {0, 1, 0.5}}, {"c", {2, 1, 0}}, {"f.n", {1, 3, 0}}, {"f.d", {2, 4, 0}},
    {"z", {7, 7, 7}}, {"z2", {-1, -1, -1}}};  // z, z2: columns that are not the model's
const std::map<std::string, std::vector<int>> applies = {
    {"a", {1, 1, 0}}, {"b", {0, 1, 1}}, {"c", {1, 0, 1}}, {"f", {1, 1, 0}}, {"z", {0, 0, 0}}};
const std::vector<double> expected_index = {80.0, 62.5, 16.67};

// A table whose columns are `names`, in that order.
template <class Matrix, class Source>
Matrix table_of(const std::vector<std::string>& names, const Source& source) {
  Matrix m(3, static_cast<Eigen::Index>(names.size()));
  for (std::size_t c = 0; c < names.size(); ++c)
    for (Eigen::Index u = 0; u < 3; ++u)
      m(u, static_cast<Eigen::Index>(c)) = static_cast<typename Matrix::Scalar>(source.at(names[c])[static_cast<std::size_t>(u)]);
  return m;
}

std::vector<double> index_of(const chiso::evaluation& e) { return {e.index(0), e.index(1), e.index(2)}; }

const std::vector<std::string> inputs_in_order = {"a", "b", "c", "f.n", "f.d"};
const std::vector<std::string> leaves_in_order = {"a", "b", "c", "f"};

}  // namespace

TEST_CASE("inputs and mask aligned by name, each with its own column map") {
  const chiso::plan p(load(alignment_model()));
  REQUIRE(p.input_columns() == inputs_in_order);
  const std::vector<std::string> leaf_ids = p.compiled_model().leaf_ids();
  REQUIRE(leaf_ids == leaves_in_order);

  struct order {
    const char* name;
    std::vector<std::string> data, mask;
  };
  const std::vector<order> orders = {
      {"leaf order", inputs_in_order, leaves_in_order},
      {"reversed", {"f.d", "f.n", "c", "b", "a"}, {"f", "c", "b", "a"}},
      {"shuffled", {"f.d", "b", "f.n", "a", "c"}, {"c", "a", "f", "b"}},
      {"data shuffled, mask in leaf order", {"f.d", "b", "f.n", "a", "c"}, leaves_in_order},
      {"data in leaf order, mask shuffled", inputs_in_order, {"c", "a", "f", "b"}},
      {"extra columns", {"z", "c", "f.n", "a", "z2", "f.d", "b"}, {"f", "z", "b", "c", "a"}},
  };
  for (const order& o : orders) {
    CAPTURE(o.name);
    const Eigen::MatrixXd x = table_of<Eigen::MatrixXd>(o.data, values);
    const bool_matrix m = table_of<bool_matrix>(o.mask, applies);
    const std::vector<std::ptrdiff_t> columns = chiso::column_map(p.input_columns(), o.data, "data");
    const std::vector<std::ptrdiff_t> mask_columns = chiso::column_map(leaf_ids, o.mask, "applicable");
    chiso::unit_table t;
    t.values = chiso::view_of(x);
    t.columns = columns.data();
    t.applicable = chiso::view_of(m);
    t.applicable_columns = mask_columns.data();
    CHECK(index_of(p.evaluate(t)) == expected_index);

    SUBCASE("one array per input column") {
      std::vector<const double*> arrays;
      for (std::ptrdiff_t column : columns) arrays.push_back(&x(0, column));
      chiso::unit_table by_column;
      by_column.input_arrays = arrays.data();
      by_column.unit_count = 3;
      by_column.applicable = chiso::view_of(m);
      by_column.applicable_columns = mask_columns.data();
      CHECK(index_of(p.evaluate(by_column)) == expected_index);
    }
  }
}

TEST_CASE("without its own column map the mask is in leaf order, whatever the inputs' map") {
  // The issue's reproducer: columns b, a = 0, 1; a applies, b does not → 1 of 1 → 100 (it was
  // 0 when the mask was taken as laid out like the inputs).
  const chiso::plan p(load(document(inner("R", "sum", {leaf("a", 1, points_rule()), leaf("b", 1, points_rule())}))));
  const Eigen::MatrixXd x = matrix({{0, 1}});
  const bool_matrix in_leaf_order = mask({{1, 0}});
  const std::ptrdiff_t where[] = {1, 0};
  chiso::unit_table t;
  t.values = chiso::view_of(x);
  t.columns = where;
  t.applicable = chiso::view_of(in_leaf_order);
  CHECK(p.evaluate(t).index(0) == 100.0);
}

TEST_CASE("column_map refuses a missing or doubled column, naming it") {
  const std::vector<std::string> wanted = {"a", "b", "c"};
  CHECK(chiso::column_map(wanted, {"c", "x", "a", "b"}, "data") == std::vector<std::ptrdiff_t>{2, 3, 0});
  const auto missing = caught<chiso::data_error>([&] { chiso::column_map(wanted, {"c", "A", "b"}, "data"); });
  CHECK(missing.id() == "data.columns");
  CHECK(missing.node() == "a");
  CHECK(std::string(missing.what()) ==
        "[chiso.data.columns] data, criterion 'a': missing columns for criteria 'a' "
        "(its columns that are not criteria of the model: 'A')");
  const auto twice = caught<chiso::data_error>([&] { chiso::column_map(wanted, {"a", "b", "c", "b"}, "applicable"); });
  CHECK(twice.id() == "data.columns");
  CHECK(std::string(twice.what()) == "[chiso.data.columns] applicable, criterion 'b': the column appears twice");
  // A column that is not wanted may appear twice: it is ignored.
  CHECK(chiso::column_map(wanted, {"x", "c", "x", "b", "a"}, "data") == std::vector<std::ptrdiff_t>{4, 3, 1});
}
