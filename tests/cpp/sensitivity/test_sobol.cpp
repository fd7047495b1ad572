// Counter-based RNG, statistics, the N(d+2) design and the Sobol estimators.
#include <doctest/doctest.h>

#include <cmath>
#include <algorithm>
#include <cstring>
#include <vector>

#include "chiso/error.hpp"
#include "chiso/random.hpp"
#include "chiso/sensitivity.hpp"
#include "kernel_sets.hpp"

using namespace chiso;
namespace sa = chiso::sensitivity;

TEST_CASE("Philox4x32-10 matches Random123's known-answer vectors") {
  using random::philox4x32_10;
  CHECK(philox4x32_10({0, 0, 0, 0}, {0, 0}) ==
        random::philox_block{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u});
  CHECK(philox4x32_10({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                      {0xffffffffu, 0xffffffffu}) ==
        random::philox_block{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu});
  CHECK(philox4x32_10({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                      {0xa4093822u, 0x299f31d0u}) ==
        random::philox_block{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u});
}

TEST_CASE("streams are reproducible, independent and uniform") {
  random::stream a(42, 7, 3), b(42, 7, 3), c(42, 8, 3), d(43, 7, 3);
  for (int k = 0; k < 10; ++k) {
    const double x = a.uniform();
    CHECK(x == b.uniform());
    CHECK(x != c.uniform());
    CHECK(x != d.uniform());
    CHECK(x >= 0.0);
    CHECK(x < 1.0);
  }
  // Random access agrees with the sequential stream.
  random::stream s(99, 123456789012ull, 5);
  for (std::uint32_t k = 0; k < 9; ++k) CHECK(s.uniform() == random::uniform_at(99, 123456789012ull, 5, k));
  // Moments and integer range.
  random::stream m(1, 0, 0);
  double sum = 0, sum2 = 0;
  const int n = 200000;
  std::vector<int> bins(7, 0);
  for (int k = 0; k < n; ++k) {
    const double u = m.uniform();
    sum += u;
    sum2 += u * u;
    ++bins[m.below(7)];
  }
  CHECK(sum / n == doctest::Approx(0.5).epsilon(0.01));
  CHECK(sum2 / n - (sum / n) * (sum / n) == doctest::Approx(1.0 / 12).epsilon(0.01));
  for (int c7 : bins) CHECK(std::abs(c7 - n / 7.0) < 5 * std::sqrt(n / 7.0));
  // 53-bit exactness: every value is a multiple of 2^-53.
  random::stream e(5, 5, 5);
  for (int k = 0; k < 100; ++k) {
    const double u = e.uniform() * 0x1.0p53;
    CHECK(u == std::floor(u));
  }
}

TEST_CASE("first_uniforms gives the stream's uniforms on every instruction set") {
  // Counts around the four blocks (eight uniforms) the vectors hold, odd and even; seeds and
  // replications with high halves set, where a lost carry or a swapped word would show.
  const std::uint64_t seeds[] = {0, 42, 0xFFFFFFFFFFFFFFFFull, 0x9E3779B97F4A7C15ull};
  const std::uint64_t replications[] = {0, 1, 0xFFFFFFFFull, 0x123456789ABCDEFull};
  for_each_kernel_set([&] {
    const sa::uniforms_kernel first_uniforms = sa::first_uniforms_in_use();
    for (std::uint64_t seed : seeds)
      for (std::uint64_t replication : replications)
        for (std::size_t count = 0; count <= 21; ++count) {
          CAPTURE(seed);
          CAPTURE(replication);
          CAPTURE(count);
          std::vector<double> out(count + 1, -1.0);
          first_uniforms(seed, replication, 7, count, out.data());
          random::stream s(seed, replication, 7);
          for (std::size_t k = 0; k < count; ++k) CHECK(out[k] == s.uniform());
          CHECK(out[count] == -1.0);  // nothing written past the end
        }
  });
}

TEST_CASE("quantiles are R's type 7; ranks are R's rank(-x, ties = 'min')") {
  const std::vector<double> x{10, 1, 4, 3, 2};
  CHECK(sa::quantile(x, 0.05) == doctest::Approx(1.2));
  CHECK(sa::quantile(x, 0.5) == doctest::Approx(3.0));
  CHECK(sa::quantile(x, 0.95) == doctest::Approx(8.8));
  CHECK(sa::quantile({2.0, NAN, 4.0}, 0.5) == doctest::Approx(3.0));
  CHECK(std::isnan(sa::quantile({}, 0.5)));

  const double score[] = {5, 7, 7, NAN, 1, 5};
  std::int32_t rank[6];
  std::uint32_t order[6];
  chiso::rank_descending_competition(score, 6, rank, order);
  const std::int32_t expected[] = {3, 1, 1, 0, 5, 3};
  for (int u = 0; u < 6; ++u) CHECK(rank[u] == expected[u]);
  std::int32_t counted[6];
  chiso::rank_descending_competition_counting(score, 6, counted);
  for (int u = 0; u < 6; ++u) CHECK(counted[u] == expected[u]);
  // −0 ties with +0; −inf is ranked last; eleven units: a block of eight and three more.
  const double signed_zeros[] = {0.0, -0.0, 2, -INFINITY, NAN, 2, 0.5, -1, 0.0, NAN, 3};
  std::int32_t zero_ranks[11];
  chiso::rank_descending_competition_counting(signed_zeros, 11, zero_ranks);
  const std::int32_t zero_expected[] = {5, 5, 2, 9, 0, 2, 4, 8, 5, 0, 1};
  for (int u = 0; u < 11; ++u) CHECK(zero_ranks[u] == zero_expected[u]);

  // The warm-started ranking and the counting one agree from any starting permutation, with ties
  // and NaN, whole blocks of eight units or not.
  {
    random::stream g(8, 0, 0);
    std::vector<std::uint32_t> warm(40);
    for (std::uint32_t k = 0; k < 40; ++k) warm[k] = 39 - k;
    for (int rep = 0; rep < 200; ++rep) {
      double sc[40];
      for (double& v : sc) v = rep % 2 ? std::floor(g.uniform() * 6) : g.uniform();
      if (rep % 3 == 0) sc[rep % 40] = NAN;
      if (rep % 5 == 0) sc[(rep + 7) % 40] = -INFINITY;
      std::int32_t r1[40], r2[40], r3[40];
      std::uint32_t scratch[40];
      double keys[40];
      chiso::rank_descending_competition(sc, 40, r1, scratch);
      chiso::rank_descending_competition_warm(sc, 40, r2, warm.data());
      std::reverse(warm.begin(), warm.end());
      chiso::rank_descending_competition_warm(sc, 40, r3, warm.data(), keys);
      std::int32_t r4[40];
      chiso::rank_descending_competition_counting(sc, 40, r4);
      for (int u = 0; u < 40; ++u) {
        CHECK(r1[u] == r2[u]);
        CHECK(r1[u] == r3[u]);
        CHECK(r1[u] == r4[u]);
      }
      const std::size_t n = 37 - static_cast<std::size_t>(rep % 8);  // the first n units only
      std::int32_t cold[40], counted_n[40];
      chiso::rank_descending_competition(sc, n, cold, scratch);
      chiso::rank_descending_competition_counting(sc, n, counted_n);
      for (std::size_t u = 0; u < n; ++u) CHECK(counted_n[u] == cold[u]);
    }
  }

  // The histogram's statistics equal those of the data.
  sa::rank_histogram h(6);
  std::vector<std::vector<double>> per_unit(6);
  random::stream s(3, 0, 0);
  for (int rep = 0; rep < 101; ++rep) {
    double sc[6];
    for (double& v : sc) v = std::floor(s.uniform() * 4);  // many ties
    sc[3] = rep % 10 == 0 ? NAN : sc[3];
    chiso::rank_descending_competition(sc, 6, rank, order);
    h.add(rank);
    for (int u = 0; u < 6; ++u)
      if (rank[u] > 0) per_unit[u].push_back(rank[u]);
  }
  for (std::size_t u = 0; u < 6; ++u) {
    double mean = 0;
    for (double r : per_unit[u]) mean += r;
    mean /= static_cast<double>(per_unit[u].size());
    CHECK(h.mean(u) == doctest::Approx(mean));
    CHECK(h.ranked(u) == per_unit[u].size());
    for (double p : {0.0, 0.05, 0.5, 0.95, 1.0}) CHECK(h.quantile(u, p) == doctest::Approx(sa::quantile(per_unit[u], p)));
  }
}

TEST_CASE("summarise gives exact type-7 quantiles, mean and sd") {
  random::stream g(4, 0, 0);
  sa::summary_scratch scratch;
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 1 + static_cast<std::size_t>(g.below(3000));
    std::vector<double> x(n);
    for (auto& v : x) {
      const double u = g.uniform();
      v = trial % 4 == 0 ? std::floor(u * 5)                  // heavy ties
          : trial % 4 == 1 ? std::exp(20 * u)                 // one bucket holds nearly all
          : trial % 4 == 2 ? 3.0                              // constant
                           : u;
    }
    if (trial % 3 == 0) x[g.below(static_cast<std::uint32_t>(n))] = NAN;
    const auto d = sa::summarise(x.data(), n, 0.05, 0.95, scratch);
    std::vector<double> present;
    for (double v : x)
      if (!std::isnan(v)) present.push_back(v);
    if (present.empty()) continue;
    CHECK(d.count == present.size());
    CHECK(d.lower == sa::quantile(present, 0.05));
    CHECK(d.median == sa::quantile(present, 0.5));
    CHECK(d.upper == sa::quantile(present, 0.95));
    double mean = 0;
    for (double v : present) mean += v;
    mean /= static_cast<double>(present.size());
    CHECK(d.mean == doctest::Approx(mean));
    double squares = 0;  // two passes, as R's sd
    for (double v : present) squares += (v - mean) * (v - mean);
    if (present.size() > 1)
      CHECK(d.sd == doctest::Approx(std::sqrt(squares / static_cast<double>(present.size() - 1))).epsilon(1e-9));
    else
      CHECK(std::isnan(d.sd));
  }
}

TEST_CASE("the N(d+2) design is [A; B; A_B^i] as COINr's SA_sample") {
  const std::size_t N = 5, d = 3;
  const sa::row_matrix x = sa::saltelli_sample(N, d, 11);
  REQUIRE(x.rows() == static_cast<Eigen::Index>(N * (d + 2)));
  REQUIRE(x.cols() == static_cast<Eigen::Index>(d));
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t r = 0; r < N; ++r)
      for (std::size_t j = 0; j < d; ++j) {
        const double expected = (j == i) ? x(static_cast<Eigen::Index>(N + r), static_cast<Eigen::Index>(j))
                                         : x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j));
        CHECK(x(static_cast<Eigen::Index>((2 + i) * N + r), static_cast<Eigen::Index>(j)) == expected);
      }
  CHECK_THROWS_AS(sa::saltelli_sample(1, 3, 0), parameter_error);
}

namespace {
constexpr double pi = 3.14159265358979323846;

double ishigami(const double* u) {
  const double x1 = sa::to_uniform(u[0], -pi, pi), x2 = sa::to_uniform(u[1], -pi, pi),
               x3 = sa::to_uniform(u[2], -pi, pi);
  const double a = 7, b = 0.1;
  return std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
}
}  // namespace

TEST_CASE("Si and STi recover the Ishigami function's analytic values") {
  sa::sobol_options opt;
  opt.bootstrap = 200;
  opt.seed = 5;
  const auto res = sa::analyse_function(ishigami, 3, 20000, 2024, opt);
  const double S[] = {0.3139, 0.4424, 0.0}, ST[] = {0.5576, 0.4424, 0.2437};
  for (int i = 0; i < 3; ++i) {
    INFO("input " << i + 1);
    CHECK(std::abs(res.indices.first[i] - S[i]) < 0.03);
    CHECK(std::abs(res.indices.total[i] - ST[i]) < 0.02);
    // The 90% bootstrap interval is sensible and brackets the estimate.
    CHECK(res.indices.first_lower[i] <= res.indices.first[i]);
    CHECK(res.indices.first_upper[i] >= res.indices.first[i]);
    CHECK(res.indices.total_lower[i] <= res.indices.total[i]);
    CHECK(res.indices.total_upper[i] >= res.indices.total[i]);
    CHECK(res.indices.total_upper[i] - res.indices.total_lower[i] < 0.1);
  }
  // Analytic variance: a²/8 + b π⁴/5 + b² π⁸/18 + 1/2.
  const double V = 49.0 / 8 + 0.1 * std::pow(pi, 4) / 5 + 0.01 * std::pow(pi, 8) / 18 + 0.5;
  CHECK(res.indices.variance == doctest::Approx(V).epsilon(0.05));
}

TEST_CASE("Si and STi recover the Sobol g-function's analytic values") {
  const std::vector<double> a{0, 1, 4.5, 9, 99};
  auto g = [&a](const double* u) {
    double prod = 1;
    for (std::size_t i = 0; i < a.size(); ++i) prod *= (std::abs(4 * u[i] - 2) + a[i]) / (1 + a[i]);
    return prod;
  };
  std::vector<double> Vi(a.size());
  double V = 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    Vi[i] = 1.0 / (3.0 * (1 + a[i]) * (1 + a[i]));
    V *= 1 + Vi[i];
  }
  V -= 1;
  const auto res = sa::analyse_function(g, a.size(), 30000, 77);
  for (std::size_t i = 0; i < a.size(); ++i) {
    double others = 1;
    for (std::size_t j = 0; j < a.size(); ++j)
      if (j != i) others *= 1 + Vi[j];
    INFO("input " << i + 1);
    CHECK(std::abs(res.indices.first[i] - Vi[i] / V) < 0.03);
    CHECK(std::abs(res.indices.total[i] - Vi[i] * others / V) < 0.02);
  }
}

TEST_CASE("results are bitwise identical for 1, 2 and 4 threads") {
  sa::sobol_options opt;
  opt.bootstrap = 300;
  opt.seed = 9;
  std::vector<sa::function_sensitivity> runs;
  for (int threads : {1, 2, 4}) {
    opt.threads = threads;
    runs.push_back(sa::analyse_function(ishigami, 3, 1000, 31, opt));
  }
  for (std::size_t k = 1; k < runs.size(); ++k) {
    CHECK(runs[k].y == runs[0].y);
    CHECK(runs[k].indices.first == runs[0].indices.first);
    CHECK(runs[k].indices.total == runs[0].indices.total);
    CHECK(runs[k].indices.first_lower == runs[0].indices.first_lower);
    CHECK(runs[k].indices.total_upper == runs[0].indices.total_upper);
  }
  // A different seed gives different numbers.
  opt.threads = 1;
  CHECK(sa::analyse_function(ishigami, 3, 1000, 32, opt).y != runs[0].y);
}

// The uncertainty engine takes each block's range while the block is in cache and merges them:
// summarise given the merged range must be summarise on the whole (the same bits), on data with
// missing values, infinities, ties and constants, whatever the blocks.
TEST_CASE("summarise given the merged ranges of blocks is summarise on the whole") {
  random::stream g(9, 0, 0);
  sa::summary_scratch scratch;
  auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof a) == 0; };
  for (int trial = 0; trial < 60; ++trial) {
    const std::size_t n = 1 + static_cast<std::size_t>(g.below(2000));
    std::vector<double> x(n);
    for (auto& v : x) {
      const double u = g.uniform();
      v = trial % 5 == 0 ? std::floor(u * 5) : trial % 5 == 1 ? std::exp(20 * u) : trial % 5 == 2 ? 3.0 : u - 0.5;
    }
    if (trial % 3 == 0) x[g.below(static_cast<std::uint32_t>(n))] = NAN;
    if (trial % 7 == 0) x[g.below(static_cast<std::uint32_t>(n))] = INFINITY;
    if (trial % 11 == 0) std::fill(x.begin(), x.end(), NAN);
    const std::size_t block = 1 + static_cast<std::size_t>(g.below(64));
    sa::value_range merged;
    for (std::size_t start = 0; start < n; start += block)
      merged.merge(sa::range_of(x.data() + start, std::min(block, n - start)));
    const auto whole = sa::summarise(x.data(), n, 0.05, 0.95, scratch);
    const auto given = sa::summarise(x.data(), n, merged, 0.05, 0.95, scratch);
    CAPTURE(trial);
    CHECK(given.count == whole.count);
    CHECK(same(given.mean, whole.mean));
    CHECK(same(given.sd, whole.sd));
    CHECK(same(given.lower, whole.lower));
    CHECK(same(given.median, whole.median));
    CHECK(same(given.upper, whole.upper));
  }
}
