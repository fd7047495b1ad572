// Uncertainty and sensitivity analysis of the ASEM example on top of the analysis toolkit.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "../../benchmarks/bench_uncertainty_asem.hpp"
#include "chiso/analysis/aggregate.hpp"
#include "chiso/analysis/pipeline.hpp"

namespace ua = chiso::uncertainty;
namespace an = chiso::analysis;

namespace {
const chiso_bench::asem& asem_example() {
  static const chiso_bench::asem a = chiso_bench::load_asem(CHISO_TEST_DATA_DIR "/asem");
  return a;
}
}  // namespace

TEST_CASE("ASEM: nominal scores equal the toolkit's aggregation") {
  const auto& a = asem_example();
  REQUIRE(a.units.size() == 51);
  REQUIRE(a.tree.n_indicators() == 49);
  chiso::uncertainty::data_builder b = chiso_bench::asem_builder(a, false, false);
  Eigen::MatrixXd normalised(51, 49);
  b(nullptr, nullptr, normalised);
  for (auto m : {ua::aggregation::arithmetic, ua::aggregation::geometric}) {
    Eigen::MatrixXd x = normalised;
    if (m == ua::aggregation::geometric) x.array() += 1;  // min-max [0,100] has zeros
    ua::composite_analysis ca(a.tree, x, a.units,
                              {ua::assumption::noisy_weights("w", {{2, 0.25}, {3, 0.25}}),
                               ua::assumption::aggregation_methods("agg", {m})});
    an::aggregation_spec spec;
    spec.method = m == ua::aggregation::arithmetic ? an::aggregation::arithmetic : an::aggregation::geometric;
    const an::aggregation_plan plan(a.tree, {spec});
    Eigen::VectorXd w(a.tree.n_nodes());
    for (Eigen::Index k = 0; k < w.size(); ++k) w(k) = a.tree.node(k).weight;
    const Eigen::MatrixXd ref = plan.aggregate(x, w);
    const Eigen::MatrixXd mine = ca.nominal_scores();
    CHECK((ref - mine).cwiseAbs().maxCoeff() < 1e-10);
  }
}

TEST_CASE("ASEM: weights-only UA (noise 0.25 at levels 2 and 3)") {
  const auto& a = asem_example();
  Eigen::MatrixXd normalised(51, 49);
  chiso_bench::asem_builder(a, false, false)(nullptr, nullptr, normalised);
  ua::composite_analysis ca(a.tree, normalised, a.units,
                            {ua::assumption::noisy_weights("Weights", {{2, 0.25}, {3, 0.25}})});
  ua::options opt;
  opt.seed = 2024;
  const ua::result r = ca.uncertainty(2000, opt);
  CHECK(r.failed.empty());
  for (std::size_t u = 0; u < 51; ++u) {
    CHECK(r.stats.rank_lower[u] <= r.stats.rank_median[u]);
    CHECK(r.stats.rank_median[u] <= r.stats.rank_upper[u]);
    CHECK(r.stats.rank_lower[u] <= r.stats.nominal_rank[u] + 0.0);
    CHECK(r.stats.rank_upper[u] >= r.stats.nominal_rank[u] + 0.0);
  }
  // Weight noise moves ranks, but not by much on average.
  double mean_shift = 0;
  for (double y : r.output) mean_shift += y;
  mean_shift /= static_cast<double>(r.output.size());
  CHECK(mean_shift > 0.1);
  CHECK(mean_shift < 5);
}

TEST_CASE("ASEM: SA of winmax, normalisation, weights and aggregation") {
  const auto& a = asem_example();
  std::vector<ua::assumption> assumptions = {
      ua::assumption::data_choice("Winmax", {"1", "2", "3", "4", "5"}, 4),
      ua::assumption::data_choice("Normalisation", {"min-max [1,100]", "z-score (10,2)"}),
      ua::assumption::noisy_weights("Weights", {{2, 0.25}, {3, 0.25}}),
      ua::assumption::aggregation_methods("Aggregation", {ua::aggregation::arithmetic, ua::aggregation::geometric})};
  ua::composite_analysis ca(a.tree, chiso_bench::asem_builder(a, true, true), a.units.size(), a.units, assumptions);
  ua::options opt;
  opt.seed = 7;
  opt.bootstrap = 200;
  const ua::result r = ca.sensitivity(100, opt);
  REQUIRE(r.has_indices);
  CHECK(r.replications == 600);
  CHECK(r.failed.empty());
  for (std::size_t i = 0; i < 4; ++i) {
    INFO(r.assumptions[i]);
    CHECK(std::isfinite(r.indices.first[i]));
    CHECK(std::isfinite(r.indices.total[i]));
    CHECK(r.indices.total_lower[i] <= r.indices.total_upper[i]);
  }
  // The same with 1 and 2 threads, bitwise.
  ua::options o1 = opt, o2 = opt;
  o1.threads = 1;
  o2.threads = 2;
  const ua::result r1 = ca.sensitivity(100, o1), r2 = ca.sensitivity(100, o2);
  CHECK(r1.output == r2.output);
  CHECK(r1.indices.first == r2.indices.first);
  CHECK(r1.indices.total_upper == r2.indices.total_upper);
  CHECK(r1.stats.rank_median == r2.stats.rank_median);
}

TEST_CASE("ASEM: SA on the toolkit's prepared pipeline equals the SA on the same data built by hand") {
  const auto& a = asem_example();
  // The raw inputs, as the toolkit's pipeline wants them.
  const auto meta = chiso_bench::read_csv(CHISO_TEST_DATA_DIR "/asem/ASEM_iData.csv");
  const auto& header = meta[0];
  auto col = [&header](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const auto codes = a.tree.indicator_codes();
  const std::vector<std::string> den_codes = {"Area", "Energy", "GDP", "Population"};
  an::pipeline_input in;
  const auto n = static_cast<Eigen::Index>(meta.size() - 1);
  in.data.resize(n, static_cast<Eigen::Index>(codes.size()));
  in.denominators.resize(n, 4);
  in.denominator_codes = den_codes;
  for (Eigen::Index u = 0; u < n; ++u) {
    const auto& row = meta[static_cast<std::size_t>(u + 1)];
    for (std::size_t c = 0; c < codes.size(); ++c) in.data(u, static_cast<Eigen::Index>(c)) = chiso_bench::number(row[col(codes[c])]);
    for (std::size_t c = 0; c < 4; ++c) in.denominators(u, static_cast<Eigen::Index>(c)) = chiso_bench::number(row[col(den_codes[c])]);
    in.units.push_back(row[col("uCode")]);
    in.groups["EurAsia_group"].push_back(row[col("EurAsia_group")]);
  }
  an::normalise_spec minmax, zscore;
  minmax.lower = 1;
  minmax.upper = 100;
  zscore.method = an::normalise_method::z_score;
  zscore.mean = 10;
  zscore.sd = 2;
  const an::pipeline pl(a.tree, an::pipeline_spec::coinr_example());
  auto prepared = std::make_shared<const an::prepared_pipeline>(pl.prepare(in, {1, 2, 3, 4, 5}, {minmax, zscore}));
  REQUIRE(prepared->units() == a.units);

  std::vector<ua::assumption> assumptions = {
      ua::assumption::data_choice("Winmax", {"1", "2", "3", "4", "5"}, 4),
      ua::assumption::data_choice("Normalisation", {"min-max [1,100]", "z-score (10,2)"}),
      ua::assumption::noisy_weights("Weights", {{2, 0.25}, {3, 0.25}}),
      ua::assumption::aggregation_methods("Aggregation", {ua::aggregation::arithmetic, ua::aggregation::geometric})};
  const auto from_toolkit = ua::analyse_prepared(prepared, assumptions);
  const ua::composite_analysis by_hand(a.tree, chiso_bench::asem_builder(a, true, true), a.units.size(), a.units,
                                       assumptions);
  ua::options opt;
  opt.seed = 11;
  opt.bootstrap = 100;
  const auto r1 = from_toolkit.sensitivity(50, opt), r2 = by_hand.sensitivity(50, opt);
  CHECK(r1.output == r2.output);
  CHECK(r1.indices.total == r2.indices.total);
  // Mismatched assumptions are refused.
  CHECK_THROWS_AS(ua::analyse_prepared(prepared, {ua::assumption::noisy_weights("w", {{2, 0.1}})}),
                  chiso::parameter_error);
}
