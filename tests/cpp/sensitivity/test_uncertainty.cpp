// The composite-indicator UA/SA engine on small synthetic trees.
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <vector>

#include "chiso/analysis/aggregate.hpp"
#include "chiso/error.hpp"
#include "chiso/model_json.hpp"
#include "chiso/ranking.hpp"
#include "chiso/random.hpp"
#include "chiso/sensitivity/statistics.hpp"
#include "chiso/sensitivity/uncertainty.hpp"
#include "kernel_sets.hpp"

using namespace chiso;
namespace ua = chiso::uncertainty;
namespace sa = chiso::sensitivity;

namespace {
analysis::hierarchy_row row(const char* code, int level, const char* parent, double weight) {
  analysis::hierarchy_row r;
  r.code = code;
  r.level = level;
  r.parent = parent;
  r.weight = weight;
  return r;
}

// 6 indicators → 3 pillars (level 2) → 2 sub-indices (level 3) → index (level 4).
analysis::hierarchy small_tree() {
  std::vector<analysis::hierarchy_row> rows = {
      row("i1", 1, "p1", 1.0), row("i2", 1, "p1", 2.0), row("i3", 1, "p2", 1.0),
      row("i4", 1, "p2", 1.0), row("i5", 1, "p3", 1.0), row("i6", 1, "p3", 3.0),
      row("p1", 2, "s1", 1.0), row("p2", 2, "s1", 1.0), row("p3", 2, "s2", 1.0),
      row("s1", 3, "idx", 2.0), row("s2", 3, "idx", 1.0), row("idx", 4, "", 1.0)};
  return analysis::hierarchy(rows);
}

Eigen::MatrixXd small_data(std::size_t units, std::uint64_t seed = 3) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(units), 6);
  random::stream s(seed, 0, 0);
  for (Eigen::Index u = 0; u < x.rows(); ++u)
    for (Eigen::Index c = 0; c < 6; ++c) x(u, c) = 1 + 99 * s.uniform();
  return x;
}

// Reference aggregation of the small tree with given pillar/sub-index weights and method.
Eigen::VectorXd reference_index(const Eigen::MatrixXd& x, const std::vector<double>& w, ua::aggregation m) {
  auto agg = [m](std::vector<double> v, std::vector<double> wt) {
    double a = 0, ws = 0;
    for (std::size_t k = 0; k < v.size(); ++k) {
      ws += wt[k];
      if (m == ua::aggregation::arithmetic) a += wt[k] * v[k];
      if (m == ua::aggregation::geometric) a += wt[k] * std::log(v[k]);
      if (m == ua::aggregation::harmonic) a += wt[k] / v[k];
    }
    if (m == ua::aggregation::arithmetic) return a / ws;
    if (m == ua::aggregation::geometric) return std::exp(a / ws);
    return ws / a;
  };
  Eigen::VectorXd out(x.rows());
  for (Eigen::Index u = 0; u < x.rows(); ++u) {
    const double p1 = agg({x(u, 0), x(u, 1)}, {w[0], w[1]});
    const double p2 = agg({x(u, 2), x(u, 3)}, {w[2], w[3]});
    const double p3 = agg({x(u, 4), x(u, 5)}, {w[4], w[5]});
    const double s1 = agg({p1, p2}, {w[6], w[7]});
    const double s2 = agg({p3}, {w[8]});
    out(u) = agg({s1, s2}, {w[9], w[10]});
  }
  return out;
}

const std::vector<double> nominal_w = {1, 2, 1, 1, 1, 3, 1, 1, 1, 2, 1, 1};
}  // namespace

TEST_CASE("nominal scores follow the tree's weighted means") {
  const auto x = small_data(20);
  ua::composite_analysis an(small_tree(), x, {}, {ua::assumption::noisy_weights("w", {{2, 0.25}})});
  const Eigen::MatrixXd nom = an.nominal_scores();
  const Eigen::VectorXd ref = reference_index(x, nominal_w, ua::aggregation::arithmetic);
  const auto root = an.tree().root();
  for (Eigen::Index u = 0; u < x.rows(); ++u) CHECK(nom(u, root) == doctest::Approx(ref(u)).epsilon(1e-12));
}

TEST_CASE("zero noise leaves every replication at the nominal ranks") {
  const auto x = small_data(15);
  ua::composite_analysis an(small_tree(), x, {}, {ua::assumption::noisy_weights("w", {{2, 0.0}, {3, 0.0}})});
  const ua::result r = an.uncertainty(200);
  for (std::size_t u = 0; u < 15; ++u) {
    CHECK(r.stats.rank_mean[u] == r.stats.nominal_rank[u]);
    CHECK(r.stats.rank_lower[u] == r.stats.nominal_rank[u]);
    CHECK(r.stats.rank_upper[u] == r.stats.nominal_rank[u]);
    CHECK(r.stats.score_sd[u] == doctest::Approx(0.0).epsilon(1e-12));
  }
  for (double y : r.output) CHECK(y == 0.0);
}

TEST_CASE("noisy weights stay within U(1-f, 1+f) of nominal: replications reproduce by hand") {
  const auto x = small_data(12);
  ua::options opt;
  opt.keep_replications = true;
  opt.seed = 17;
  const double f = 0.25;
  ua::composite_analysis an(small_tree(), x, {}, {ua::assumption::noisy_weights("w", {{2, f}, {3, f}})});
  const ua::result r = an.uncertainty(50, opt);
  // Recompute replication k by drawing the documented noise stream: key = u's 53 bits.
  for (std::size_t k = 0; k < 50; ++k) {
    std::vector<double> w = nominal_w;
    const double u = r.sample(static_cast<Eigen::Index>(k), 0);
    random::stream s(random::mix64(static_cast<std::uint64_t>(u * 0x1.0p53)) ^ opt.seed, 0, 2);
    for (std::size_t node = 6; node < 11; ++node) w[node] *= 1 + (2 * s.uniform() - 1) * f;
    for (std::size_t node = 6; node < 11; ++node) {
      CHECK(w[node] >= nominal_w[node] * (1 - f));
      CHECK(w[node] <= nominal_w[node] * (1 + f));
    }
    const Eigen::VectorXd ref = reference_index(x, w, ua::aggregation::arithmetic);
    for (Eigen::Index unit = 0; unit < x.rows(); ++unit)
      CHECK(r.scores(unit, static_cast<Eigen::Index>(k)) == doctest::Approx(ref(unit)).epsilon(1e-12));
  }
  // Rank statistics equal those computed from the replication matrix.
  for (Eigen::Index unit = 0; unit < x.rows(); ++unit) {
    std::vector<double> ranks, scores;
    for (Eigen::Index k = 0; k < 50; ++k) {
      ranks.push_back(r.ranks(unit, k));
      scores.push_back(r.scores(unit, k));
    }
    double mean = 0;
    for (double v : ranks) mean += v;
    CHECK(r.stats.rank_mean[static_cast<std::size_t>(unit)] == doctest::Approx(mean / 50));
    CHECK(r.stats.rank_median[static_cast<std::size_t>(unit)] == doctest::Approx(sa::quantile(ranks, 0.5)));
    CHECK(r.stats.rank_lower[static_cast<std::size_t>(unit)] == doctest::Approx(sa::quantile(ranks, 0.05)));
    CHECK(r.stats.rank_upper[static_cast<std::size_t>(unit)] == doctest::Approx(sa::quantile(ranks, 0.95)));
    CHECK(r.stats.score_lower[static_cast<std::size_t>(unit)] == doctest::Approx(sa::quantile(scores, 0.05)));
    CHECK(r.stats.score_median[static_cast<std::size_t>(unit)] == doctest::Approx(sa::quantile(scores, 0.5)));
    CHECK(r.stats.score_upper[static_cast<std::size_t>(unit)] == doctest::Approx(sa::quantile(scores, 0.95)));
  }
}

TEST_CASE("explicit weight sets and aggregation alternatives") {
  const auto x = small_data(10);
  std::vector<double> alt = nominal_w;
  alt[9] = 1;
  alt[10] = 5;  // sub-index weights change
  ua::options opt;
  opt.keep_replications = true;
  ua::composite_analysis an(
      small_tree(), x, {},
      {ua::assumption::alternative_weights("weights", {nominal_w, alt}),
       ua::assumption::aggregation_methods("agg", {ua::aggregation::arithmetic, ua::aggregation::geometric,
                                                    ua::aggregation::harmonic})});
  const ua::result r = an.uncertainty(40, opt);
  std::vector<int> seen(6, 0);
  for (Eigen::Index k = 0; k < 40; ++k) {
    const auto ws = static_cast<std::size_t>(r.parameters(k, 0));
    const auto m = static_cast<ua::aggregation>(static_cast<int>(r.parameters(k, 1)));
    ++seen[ws * 3 + static_cast<std::size_t>(m)];
    const Eigen::VectorXd ref = reference_index(x, ws == 0 ? nominal_w : alt, m);
    for (Eigen::Index unit = 0; unit < x.rows(); ++unit) CHECK(r.scores(unit, k) == doctest::Approx(ref(unit)).epsilon(1e-12));
  }
  for (int c : seen) CHECK(c > 0);
}

TEST_CASE("data choices are built once per combination; ranges once per replication") {
  const auto x = small_data(10);
  std::atomic<int> calls{0};
  ua::data_builder builder = [&](const std::size_t* choices, const double* values, Eigen::Ref<Eigen::MatrixXd> out) {
    ++calls;
    out = x;
    if (choices && choices[0] == 1) out.col(0) *= 3;  // alternative 1 triples indicator i1
    if (values) out.col(5) *= values[0];
  };
  {
    ua::composite_analysis an(small_tree(), builder, 10, {},
                              {ua::assumption::data_choice("choice", {"plain", "tripled"}),
                               ua::assumption::noisy_weights("w", {{2, 0.2}})});
    const int before = calls.load();
    CHECK(before == 2 + 0);  // two variants cached; the nominal run uses the cache
    ua::options opt;
    opt.keep_replications = true;
    const ua::result r = an.uncertainty(100, opt);
    CHECK(calls.load() == before);
    // The tripled alternative raises unit scores where chosen.
    for (Eigen::Index k = 0; k < 100; ++k)
      if (r.parameters(k, 0) == 1) CHECK(r.scores(0, k) > 0);
  }
  calls = 0;
  {
    ua::composite_analysis an(small_tree(), builder, 10, {},
                              {ua::assumption::data_choice("choice", {"plain", "tripled"}),
                               ua::assumption::data_range("scale", 0.5, 1.5, 1.0)});
    const int before = calls.load();
    ua::options opt;
    opt.threads = 2;
    const ua::result r = an.uncertainty(64, opt);
    CHECK(calls.load() - before == 64);
    // Replication k takes row k of the random design (seed 1): choice floor(2u), scale 0.5 + u.
    const sa::row_matrix u = sa::random_sample(64, 2, opt.seed);
    for (Eigen::Index k = 0; k < 64; ++k) {
      CHECK(r.parameters(k, 0) == std::floor(2 * u(k, 0)));
      CHECK(r.parameters(k, 1) == 0.5 + u(k, 1));
    }
  }
  CHECK_THROWS_AS(ua::composite_analysis(small_tree(), x, {}, {ua::assumption::data_choice("c", {"a", "b"})}),
                  parameter_error);
}

TEST_CASE("results are bitwise identical for 1, 2 and 4 threads") {
  const auto x = small_data(30);
  ua::composite_analysis an(
      small_tree(), x, {},
      {ua::assumption::noisy_weights("w", {{2, 0.25}, {3, 0.25}}),
       ua::assumption::aggregation_methods("agg", {ua::aggregation::arithmetic, ua::aggregation::geometric})});
  std::vector<ua::result> runs;
  for (int t : {1, 2, 4}) {
    ua::options opt;
    opt.threads = t;
    opt.seed = 123;
    opt.keep_replications = true;
    opt.bootstrap = 100;
    runs.push_back(an.sensitivity(64, opt));
  }
  for (std::size_t k = 1; k < runs.size(); ++k) {
    CHECK(runs[k].output == runs[0].output);
    CHECK(runs[k].scores == runs[0].scores);
    CHECK(runs[k].ranks == runs[0].ranks);
    CHECK(runs[k].stats.rank_mean == runs[0].stats.rank_mean);
    CHECK(runs[k].stats.rank_upper == runs[0].stats.rank_upper);
    CHECK(runs[k].stats.score_median == runs[0].stats.score_median);
    CHECK(runs[k].indices.first == runs[0].indices.first);
    CHECK(runs[k].indices.total_upper == runs[0].indices.total_upper);
  }
}

// Without kept replications the scores go to an internal matrix of aligned rows, each block's
// range taken on the way: the statistics must be those of the kept scores — quantiles exactly as
// a sort of each unit's scores gives them, the same bits whether the scores are kept or not — on
// 1 and 2 threads and every kernel set, with failed (NaN) replications, blocks cut short and
// statistics over the first rows only (an SA).
TEST_CASE("score statistics are the kept scores' whatever the threads and kernels") {
  Eigen::MatrixXd z = small_data(37);
  z(3, 0) = 0;  // geometric replications fail
  ua::composite_analysis an(
      small_tree(), z, {},
      {ua::assumption::aggregation_methods("agg", {ua::aggregation::arithmetic, ua::aggregation::geometric}),
       ua::assumption::noisy_weights("w", {{2, 0.25}, {3, 0.25}})});
  auto same = [](const std::vector<double>& a, const std::vector<double>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
  };
  for (const bool sensitivity : {false, true}) {
    ua::options kept_opt;
    kept_opt.threads = 1;
    kept_opt.seed = 5;
    kept_opt.keep_replications = true;
    auto run = [&](const ua::options& o) { return sensitivity ? an.sensitivity(51, o) : an.uncertainty(203, o); };
    const ua::result kept = run(kept_opt);
    REQUIRE(!kept.failed.empty());
    const std::size_t rows = kept.statistics_replications;
    for (std::size_t u = 0; u < 37; ++u) {
      std::vector<double> column(rows);
      for (std::size_t r = 0; r < rows; ++r)
        column[r] = kept.scores(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(r));
      CHECK(kept.stats.score_lower[u] == sa::quantile(column, 0.05));
      CHECK(kept.stats.score_median[u] == sa::quantile(column, 0.5));
      CHECK(kept.stats.score_upper[u] == sa::quantile(column, 0.95));
      double sum = 0, n = 0;
      for (double v : column)
        if (!std::isnan(v)) sum += v, n += 1;
      CHECK(kept.stats.score_mean[u] == doctest::Approx(sum / n).epsilon(1e-12));
    }
    for_each_kernel_set([&] {
      for (int threads : {1, 2}) {
        CAPTURE(threads);
        ua::options o = kept_opt;
        o.threads = threads;
        o.keep_replications = false;
        const ua::result r = run(o);
        CHECK(same(r.stats.score_mean, kept.stats.score_mean));
        CHECK(same(r.stats.score_sd, kept.stats.score_sd));
        CHECK(same(r.stats.score_lower, kept.stats.score_lower));
        CHECK(same(r.stats.score_median, kept.stats.score_median));
        CHECK(same(r.stats.score_upper, kept.stats.score_upper));
        CHECK(r.stats.rank_mean == kept.stats.rank_mean);
      }
    });
  }
}

TEST_CASE("SA: an assumption without effect has zero indices; failures are reported") {
  const auto x = small_data(25);
  ua::composite_analysis an(
      small_tree(), x, {},
      {ua::assumption::alternative_weights("same weights", {nominal_w, nominal_w}),
       ua::assumption::noisy_weights("w", {{2, 0.5}, {3, 0.5}})});
  ua::options opt;
  opt.bootstrap = 50;
  const ua::result r = an.sensitivity(200, opt);
  REQUIRE(r.has_indices);
  CHECK(r.replications == 200 * 4);
  CHECK(r.statistics_replications == 400);
  CHECK(r.indices.first[0] == 0.0);
  CHECK(r.indices.total[0] == 0.0);
  CHECK(r.indices.total[1] == doctest::Approx(1.0).epsilon(0.1));
  CHECK(r.indices.first[1] == doctest::Approx(1.0).epsilon(0.2));

  // A zero indicator value under a geometric mean fails those replications, loudly.
  Eigen::MatrixXd z = x;
  z(0, 0) = 0;
  ua::composite_analysis bad(
      small_tree(), z, {},
      {ua::assumption::aggregation_methods("agg", {ua::aggregation::arithmetic, ua::aggregation::geometric}),
       ua::assumption::noisy_weights("w", {{2, 0.1}})});
  ua::options o2;
  o2.keep_replications = true;
  const ua::result rb = bad.uncertainty(100, o2);
  CHECK(!rb.failed.empty());
  for (std::size_t k : rb.failed) {
    CHECK(rb.parameters(static_cast<Eigen::Index>(k), 0) == 1);
    CHECK(std::isnan(rb.scores(0, static_cast<Eigen::Index>(k))));
    CHECK(std::isnan(rb.output[k]));
  }
  CHECK(rb.failed.size() < 100);
  // Why: p1's geometric mean met unit 0's i1 = 0 (the first failing node of the tree).
  REQUIRE(rb.failures.size() == rb.failed.size());
  for (const ua::failure& f : rb.failures) {
    CHECK(bad.tree().node(static_cast<std::ptrdiff_t>(f.node)).code == "p1");
    CHECK(f.method == ua::aggregation::geometric);
    CHECK(f.unit == 0);
    CHECK(bad.tree().node(static_cast<std::ptrdiff_t>(f.child)).code == "i1");
    CHECK(f.value == 0.0);
  }
  // Per alternative: every geometric replication failed, no arithmetic one.
  REQUIRE(rb.failure_counts.size() == 3);
  std::size_t geometric = 0;
  for (Eigen::Index k = 0; k < rb.parameters.rows(); ++k) geometric += rb.parameters(k, 0) == 1;
  CHECK(rb.failure_counts[0].assumption == "agg");
  CHECK(rb.failure_counts[0].alternative == "arithmetic");
  CHECK(rb.failure_counts[0].replications == 100 - geometric);
  CHECK(rb.failure_counts[0].failed == 0);
  CHECK(rb.failure_counts[1].alternative == "geometric");
  CHECK(rb.failure_counts[1].replications == geometric);
  CHECK(rb.failure_counts[1].failed == geometric);
  CHECK(rb.failure_counts[2].assumption == "w");
  CHECK(rb.failure_counts[2].alternative.empty());
  CHECK(rb.failure_counts[2].replications == 100);
  CHECK(rb.failure_counts[2].failed == geometric);
}

TEST_CASE("a scored model's index is ranked as the model ranks it: groups, rounding, tie rule") {
  // Root (sum, max 12) = a (points, max 4) + b (points, max 8); ranking by group, 2 digits.
  const std::string spec = R"({"format": "chiso-model/1", "id": "t", "name": "t",
    "rounding": {"digits": 2, "mode": "half_up"}, "ranking": {"ties": "competition", "by": "group"},
    "root": {"id": "R", "name": "R", "aggregate": "sum", "children": [
      {"id": "a", "name": "a", "max": 4, "rule": {"kind": "points"}},
      {"id": "b", "name": "b", "max": 8, "rule": {"kind": "points"}}]}})";
  const analysis::hierarchy tree(parse_model(spec));
  // Scores (points / max). Index = (4a + 8b)/12 × 100: u0 100; u1 (4 + 8·0.75)/12 = 83.33;
  // u2 (3 + 8·0.75)/12 = 75; u3 (3 + 8·0.750003)/12 = 75.0002 → 75.00 (tied with u2 once rounded).
  Eigen::MatrixXd x(4, 2);
  x << 1.0, 1.0, 1.0, 0.75, 0.75, 0.75, 0.75, 0.750003;
  ua::composite_analysis an(tree, x, {"u0", "u1", "u2", "u3"}, {ua::assumption::noisy_weights("w", {{1, 0.0}})});
  ua::options o;
  o.keep_replications = true;
  // One group: 1, 2, 3, 3 (u2 and u3 tie on the rounded index; unrounded they would be 4, 3).
  ua::result one = an.uncertainty(10, o);
  CHECK(one.stats.nominal_rank == std::vector<std::int32_t>{1, 2, 3, 3});
  for (Eigen::Index r = 0; r < 10; ++r) CHECK(one.ranks(3, r) == 3);
  // Groups {u0, u2} and {u1, u3}: 1, 1, 2, 2.
  an.set_groups({0, 1, 0, 1});
  ua::result grouped = an.uncertainty(10, o);
  CHECK(grouped.stats.nominal_rank == std::vector<std::int32_t>{1, 1, 2, 2});
  for (Eigen::Index r = 0; r < 10; ++r) CHECK(grouped.ranks(1, r) == 1);
  CHECK_THROWS_AS(an.set_groups({0, 1}), data_error);
  CHECK_THROWS_AS(an.set_groups({0, 1, -1, 0}), data_error);
  // Rows of a hierarchy (no model): COINr's ranks, unrounded, all units.
  std::vector<analysis::hierarchy_row> rows = {row("a", 1, "R", 4.0), row("b", 1, "R", 8.0), row("R", 2, "", 1.0)};
  ua::composite_analysis plain(analysis::hierarchy(rows), x, {"u0", "u1", "u2", "u3"},
                               {ua::assumption::noisy_weights("w", {{1, 0.0}})});
  CHECK(plain.uncertainty(10).stats.nominal_rank == std::vector<std::int32_t>{1, 2, 4, 3});
}

TEST_CASE("parameter errors name the parameter") {
  const auto x = small_data(5);
  CHECK_THROWS_WITH_AS(ua::composite_analysis(small_tree(), x, {}, {ua::assumption::noisy_weights("w", {{7, 0.1}})}),
                       doctest::Contains("level 7"), parameter_error);
  CHECK_THROWS_AS(ua::composite_analysis(small_tree(), x, {"a"}, {ua::assumption::noisy_weights("w", {{2, 0.1}})}),
                  parameter_error);
  ua::composite_analysis an(small_tree(), x, {}, {ua::assumption::noisy_weights("w", {{2, 0.1}})});
  CHECK_THROWS_WITH_AS(an.sensitivity(10), doctest::Contains("at least two"), parameter_error);
  ua::options opt;
  opt.target = "nope";
  CHECK_THROWS_AS(an.uncertainty(10, opt), parameter_error);
  opt.target = "s1";
  CHECK_NOTHROW(an.uncertainty(10, opt));
}

// The disagreeing case of three copies of the kernel: a harmonic mean over a negative value gave
// a score in the composite-indicator pipeline and a failed replication in the uncertainty engine.
// Now both fail, and where both succeed they give the same number.
TEST_CASE("one kernel: the pipeline and the uncertainty engine agree on a harmonic mean") {
  Eigen::MatrixXd x = small_data(4);
  const analysis::hierarchy tree = small_tree();
  Eigen::VectorXd weights(tree.n_nodes());
  for (Eigen::Index k = 0; k < weights.size(); ++k) weights[k] = nominal_w[static_cast<std::size_t>(k)];
  const analysis::aggregation_plan harmonic(tree, {analysis::aggregation_spec{analysis::aggregation::harmonic}});
  const auto only_harmonic = [] {
    return std::vector<ua::assumption>{ua::assumption::aggregation_methods("agg", {ua::aggregation::harmonic}),
                                       ua::assumption::noisy_weights("w", {{2, 0.1}})};
  };

  SUBCASE("positive values: the same scores") {
    const analysis::matrix scores = harmonic.aggregate(x, weights);
    ua::composite_analysis engine(tree, x, {}, only_harmonic());
    const Eigen::MatrixXd nominal = engine.nominal_scores();
    for (Eigen::Index u = 0; u < x.rows(); ++u)
      for (Eigen::Index k = 0; k < tree.n_nodes(); ++k) CHECK(nominal(u, k) == scores(u, k));
    // i1 = 2 (w 1), i2 = 8 (w 2): p1 = 3 / (1/2 + 2/8) = 4, by hand.
    Eigen::MatrixXd y = x;
    y(0, 0) = 2;
    y(0, 1) = 8;
    const auto p1 = tree.find("p1");
    CHECK(harmonic.aggregate(y, weights)(0, p1) == 4);
    CHECK(ua::composite_analysis(tree, y, {}, only_harmonic()).nominal_scores()(0, p1) == 4);
  }

  SUBCASE("a negative value: both fail") {
    x(2, 3) = -5;  // unit 2, indicator i4 (under p2)
    const std::vector<std::string> units = {"u0", "u1", "u2", "u3"};
    try {
      (void)harmonic.aggregate(x, weights, &units);
      FAIL("the pipeline's harmonic mean accepted a negative value");
    } catch (const data_error& e) {
      CHECK(e.id() == std::string("analysis.harmonic_nonpositive"));
      CHECK(e.unit() == "u2");
      CHECK(e.node() == "p2");
    }
    ua::composite_analysis engine(tree, x, {}, only_harmonic());
    ua::options o;
    o.keep_replications = true;
    const ua::result r = engine.uncertainty(20, o);
    CHECK(r.failed.size() == 20);  // every replication takes the harmonic mean
    for (std::size_t k : r.failed) CHECK(std::isnan(r.output[k]));
  }
}

TEST_CASE("counted ranks are those of the doubles when floats tie") {
  // 1 + 1e-12 and 1 are one float: counted in floats they would tie; the doubles part them.
  const double score[] = {1.0, 1.0 + 1e-12, 0.5, std::nan(""), 1.0, 2.0};
  std::int32_t rank[6];
  rank_descending_competition_counting(score, 6, rank);
  CHECK(std::vector<std::int32_t>(rank, rank + 6) == std::vector<std::int32_t>{3, 2, 5, 0, 3, 1});
  // Distinct floats: the float count alone; 70 units (beyond one block of lanes), by hand:
  // unit u scores 70 − u, except unit 69 first (100) → ranks 2…70 then 1.
  std::vector<double> many(70);
  for (std::size_t u = 0; u < many.size(); ++u) many[u] = 70.0 - static_cast<double>(u);
  many[69] = 100.0;
  std::vector<std::int32_t> ranks(many.size());
  rank_descending_competition_counting(many.data(), many.size(), ranks.data());
  for (std::size_t u = 0; u < 69; ++u) CHECK(ranks[u] == static_cast<std::int32_t>(u + 2));
  CHECK(ranks[69] == 1);
}

TEST_CASE("the mean absolute rank shift is COINr's, over the units ranked both times") {
  // 15 units (three blocks of four and three more); units 2 and 9 have no indicator, so no
  // score and no rank (0) in any replication: they are left out of the mean, as na.rm = TRUE.
  Eigen::MatrixXd x = small_data(15, 5);
  x.row(2).setConstant(std::nan(""));
  x.row(9).setConstant(std::nan(""));
  ua::composite_analysis an(small_tree(), x, {}, {ua::assumption::noisy_weights("w", {{2, 0.5}, {3, 0.5}})});
  ua::options opt;
  opt.keep_replications = true;
  opt.seed = 11;
  const ua::result r = an.uncertainty(300, opt);
  CHECK(r.stats.nominal_rank[2] == 0);
  CHECK(r.stats.nominal_rank[9] == 0);
  double largest = 0;
  for (Eigen::Index k = 0; k < 300; ++k) {
    double sum = 0;
    int ranked = 0;
    for (Eigen::Index u = 0; u < 15; ++u) {
      const int rank = r.ranks(u, k), nominal = r.stats.nominal_rank[static_cast<std::size_t>(u)];
      if (rank == 0 || nominal == 0) continue;
      sum += std::abs(rank - nominal);
      ++ranked;
    }
    CHECK(ranked == 13);
    CHECK(r.output[static_cast<std::size_t>(k)] == sum / ranked);
    largest = std::max(largest, r.output[static_cast<std::size_t>(k)]);
  }
  CHECK(largest > 0);  // the noise does move ranks
}

TEST_CASE("the mean absolute rank shift over more units than one 32-bit chunk holds") {
  // 100 003 units each moved between first and last: shifts of 100 002, summing to 10^10, past
  // 32 bits in every lane. The lanes sum in chunks of 4 × ⌊(2^31 − 1) / units⌋ = 85 896 units (a
  // full chunk, a partial one and three single units); units 7 and 90 000 are not ranked.
  const std::size_t units = 100003;
  std::vector<std::int32_t> nominal(units), rank(units);
  for (std::size_t u = 0; u < units; ++u) {
    nominal[u] = u % 2 ? 1 : static_cast<std::int32_t>(units);
    rank[u] = u % 2 ? static_cast<std::int32_t>(units) : 1;
  }
  rank[7] = 0;
  nominal[90000] = 0;
  std::int64_t sum = 0, ranked = 0;
  for (std::size_t u = 0; u < units; ++u)
    if (rank[u] > 0 && nominal[u] > 0) {
      sum += std::abs(static_cast<std::int64_t>(rank[u]) - nominal[u]);
      ++ranked;
    }
  CHECK(sum / 4 > std::numeric_limits<std::int32_t>::max());
  CHECK(sa::mean_absolute_rank_shift(rank.data(), nominal.data(), units) ==
        static_cast<double>(sum) / static_cast<double>(ranked));
  // Nothing ranked both times: NaN, as mean(numeric(0), na.rm = TRUE) in R.
  std::vector<std::int32_t> none(units, 0);
  CHECK(std::isnan(sa::mean_absolute_rank_shift(none.data(), nominal.data(), units)));
}
