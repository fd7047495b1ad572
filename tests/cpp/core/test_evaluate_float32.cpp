// float32 inputs are read where they are (a block at a time converted to double): the results are
// bit for bit those of the same table converted to float64 first, in every layout, for one unit,
// a few and many, on every instruction set; input errors are the same too.
#include "helpers.hpp"

#include <chiso/detail/instruction_set.hpp>

#include <cstring>
#include <random>

using namespace chiso_test;
using chiso::detail::instruction_set;

namespace {

using float_matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic>;
using float_rows = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// R = sum(A = sum(a1 points step 0.25 max 2, a2 yes_no max 1), B = mean(b1 tiers percent max 1,
// b2 linear max 3), f formula x·y/100 max 2 (two inputs), d deduction). Input columns: a1, a2,
// b1, b2, f.x, f.y, d.
json float32_model() {
  json A = inner("A", "sum", {leaf("a1", 2, {{"kind", "points"}, {"step", 0.25}}), leaf("a2", 1, {{"kind", "yes_no"}})});
  json B = inner("B", "mean", {leaf("b1", 1, {{"kind", "tiers"}, {"unit", "percent"}, {"tiers", {{{"min", 90}, {"points", 1}}, {{"min", 50}, {"points", 0.5}}}}}),
                               leaf("b2", 3, {{"kind", "linear"}, {"lower", 0}, {"upper", 10}})});
  B["max"] = 4;
  json f = formula_leaf("f", 2, "x * y / 100", {"x", "y"}, {{"clamp", true}});
  return document(inner("R", "sum", {A, B, f, adjustment("d", {{"kind", "deduction"}, {"per", 0.25}, {"cap", 1}})}),
                  {{"missing", "zero"}});
}

const float subnormal = std::numeric_limits<float>::denorm_min() * 7.0f;

// Valid float32 inputs, units × 7: values float32 cannot hold exactly (0.1 · k), NaN (missing),
// subnormals and -0 where a rule takes them.
float_matrix random_inputs(Eigen::Index n, unsigned seed) {
  std::mt19937 rng(seed);
  float_matrix x(n, 7);
  for (Eigen::Index u = 0; u < n; ++u) {
    x(u, 0) = 0.25f * static_cast<float>(rng() % 9);
    x(u, 1) = static_cast<float>(rng() % 2);
    x(u, 2) = static_cast<float>(rng() % 1001) / 10.0f;
    x(u, 3) = static_cast<float>(rng() % 1500) / 100.0f - 2.0f;
    x(u, 4) = static_cast<float>(rng() % 300) / 7.0f;
    x(u, 5) = static_cast<float>(rng() % 1000) / 3.0f;
    x(u, 6) = static_cast<float>(rng() % 6);
    switch (rng() % 9) {
      case 0: x(u, static_cast<Eigen::Index>(rng() % 7)) = std::numeric_limits<float>::quiet_NaN(); break;
      case 1: x(u, 3) = subnormal; break;
      case 2: x(u, 2) = subnormal; break;
      case 3: x(u, 4) = -subnormal; break;
      case 4: x(u, 3) = -0.0f; break;
      default: break;
    }
  }
  return x;
}

bool same_bits(const double* a, const double* b, Eigen::Index n) {
  return std::memcmp(a, b, static_cast<std::size_t>(n) * sizeof(double)) == 0;
}

void check_identical(const chiso::evaluation& got, const chiso::evaluation& expected) {
  REQUIRE(got.nodes == expected.nodes);
  REQUIRE(got.points.size() == expected.points.size());
  CHECK(same_bits(got.points.data(), expected.points.data(), got.points.size()));
  CHECK(same_bits(got.max.data(), expected.max.data(), got.max.size()));
  CHECK(same_bits(got.score.data(), expected.score.data(), got.score.size()));
  CHECK(same_bits(got.raw_index.data(), expected.raw_index.data(), got.raw_index.size()));
  CHECK(same_bits(got.index.data(), expected.index.data(), got.index.size()));
  CHECK(got.rank == expected.rank);
  CHECK(got.band == expected.band);
}

// The float32 table in every layout the core takes, each scored and compared with the float64
// conversion of the whole table.
void check_layouts(const chiso::plan& p, const float_matrix& x, int threads) {
  const Eigen::MatrixXd wide = x.cast<double>();  // exact: every float is a double
  chiso::evaluate_options options;
  options.threads = threads;
  chiso::unit_table reference;
  reference.values = chiso::view_of(wide);
  const chiso::evaluation expected = p.evaluate(reference, options);
  REQUIRE(expected.index.size() == x.rows());

  SUBCASE("column-major matrix") {
    chiso::unit_table t;
    t.values_f32 = chiso::view_of(x);
    check_identical(p.evaluate(t, options), expected);
  }
  SUBCASE("row-major matrix (strided columns)") {
    const float_rows xr = x;
    chiso::unit_table t;
    t.values_f32 = chiso::view_of(xr);
    check_identical(p.evaluate(t, options), expected);
  }
  SUBCASE("permuted columns of a wider matrix") {
    float_matrix shuffled(x.rows(), 9);
    shuffled.setConstant(-1.0f);  // columns 0 and 8 are not inputs
    const std::ptrdiff_t where[] = {7, 3, 1, 5, 2, 6, 4};
    for (Eigen::Index i = 0; i < 7; ++i) shuffled.col(where[i]) = x.col(i);
    chiso::unit_table t;
    t.values_f32 = chiso::view_of(shuffled);
    t.columns = where;
    check_identical(p.evaluate(t, options), expected);
  }
  SUBCASE("one array per column, float32 and float64 mixed, some strided") {
    const float_rows xr = x;
    std::vector<const double*> doubles(7, nullptr);
    std::vector<const float*> floats(7, nullptr);
    std::vector<std::ptrdiff_t> strides(7, 1);
    for (Eigen::Index i = 0; i < 7; ++i) {
      if (i == 1 || i == 5) {
        doubles[static_cast<std::size_t>(i)] = wide.col(i).data();
      } else if (i % 2 == 0) {
        floats[static_cast<std::size_t>(i)] = x.col(i).data();
      } else {
        floats[static_cast<std::size_t>(i)] = xr.data() + i;
        strides[static_cast<std::size_t>(i)] = 7;
      }
    }
    chiso::unit_table t;
    t.input_arrays = doubles.data();
    t.input_arrays_f32 = floats.data();
    t.input_strides = strides.data();
    t.unit_count = x.rows();
    check_identical(p.evaluate(t, options), expected);
  }
  SUBCASE("one float32 array per column, no float64 list") {
    std::vector<const float*> floats;
    for (Eigen::Index i = 0; i < 7; ++i) floats.push_back(x.col(i).data());
    chiso::unit_table t;
    t.input_arrays_f32 = floats.data();
    t.unit_count = x.rows();
    check_identical(p.evaluate(t, options), expected);
  }
}

}  // namespace

TEST_CASE("float32 inputs score as their float64 conversion, in every layout and on every instruction set") {
  const chiso::plan p(load(float32_model()));
  REQUIRE(p.input_count() == 7);
  const instruction_set best = chiso::detail::kernels_instruction_set();
  for (instruction_set set : {instruction_set::baseline, instruction_set::avx2, instruction_set::avx512}) {
    chiso::detail::limit_kernels(set);
    if (chiso::detail::kernels_instruction_set() != set) continue;  // not on this processor
    CAPTURE(chiso::detail::to_string(set));
    // One unit (the one-unit path), a few (one block), several blocks, and enough for two threads.
    for (const auto& [unit_count, threads] : {std::pair<Eigen::Index, int>{1, 1}, {5, 1}, {3000, 1}, {40000, 2}}) {
      const Eigen::Index units = unit_count;  // a variable CAPTURE's lambda can take (not a structured binding)
      CAPTURE(units);
      check_layouts(p, random_inputs(units, static_cast<unsigned>(units)), threads);
    }
  }
  chiso::detail::limit_kernels(best);
}

TEST_CASE("float32 input errors are those of the float64 conversion: unit, criterion and value") {
  const chiso::plan p(load(float32_model()));
  const float inf = std::numeric_limits<float>::infinity();
  struct bad {
    Eigen::Index column;
    float value;
    const char* node;
  };
  for (const bad& b : {bad{0, inf, "a1"}, bad{2, -inf, "b1"}, bad{0, 2.5f, "a1"}, bad{1, 0.5f, "a2"},
                       bad{5, inf, "f"}, bad{2, 120.5f, "b1"}}) {
    for (Eigen::Index units : {Eigen::Index{1}, Eigen::Index{3000}}) {
      const std::string node = b.node;
      CAPTURE(node);
      CAPTURE(units);
      float_matrix x = random_inputs(units, 3);
      x(units - 1, b.column) = b.value;
      const Eigen::MatrixXd wide = x.cast<double>();
      chiso::unit_table t;
      t.values_f32 = chiso::view_of(x);
      const chiso::data_error got = caught<chiso::data_error>([&] { p.evaluate(t); });
      const chiso::data_error expected = caught<chiso::data_error>([&] { chiso::evaluate(p, wide); });
      CHECK(got.id() == expected.id());
      CHECK(got.node() == b.node);
      CHECK(got.unit() == "row " + std::to_string(units - 1));
      CHECK(std::string(got.what()) == expected.what());
    }
  }
}

TEST_CASE("float32 inputs of the wrong shape are refused as float64 ones are") {
  const chiso::plan p(load(float32_model()));
  SUBCASE("a matrix of too few columns") {
    const float_matrix x = float_matrix::Zero(3, 6);
    chiso::unit_table t;
    t.values_f32 = chiso::view_of(x);
    const chiso::data_error e = caught<chiso::data_error>([&] { p.evaluate(t); });
    CHECK(e.id() == "data.shape");
    CHECK(contains(e.what(), "6 columns"));
  }
  SUBCASE("a column map beyond the matrix") {
    const float_matrix x = float_matrix::Zero(3, 7);
    const std::ptrdiff_t where[] = {0, 1, 2, 3, 4, 5, 7};
    chiso::unit_table t;
    t.values_f32 = chiso::view_of(x);
    t.columns = where;
    CHECK(caught<chiso::data_error>([&] { p.evaluate(t); }).id() == "data.shape");
  }
  SUBCASE("a column in neither list of arrays") {
    const float_matrix x = float_matrix::Zero(3, 7);
    std::vector<const float*> floats;
    for (Eigen::Index i = 0; i < 7; ++i) floats.push_back(x.col(i).data());
    floats[4] = nullptr;
    chiso::unit_table t;
    t.input_arrays_f32 = floats.data();
    t.unit_count = 3;
    const chiso::data_error e = caught<chiso::data_error>([&] { p.evaluate(t); });
    CHECK(e.id() == "data.shape");
    CHECK(e.node() == "f.x");
  }
}
