// COINr fidelity: chiso's pipeline on COINr's ASEM example against an independent reference.
// Expected values: tests/python/reference/asem_expected.csv, written by
// tests/python/reference/coinr_asem.py, a numpy/pandas transcription of COINr 1.1.14's R source
// (build_example_coin(): Denominate, Impute i_mean_grp by EurAsia_group, Screen byNA 0.9,
// Treat winmax 5, Normalise n_minmax [0, 100], Aggregate a_amean) that does not use chiso.
#include <doctest/doctest.h>

#include <chiso/analysis/pipeline.hpp>
#include <cmath>
#include <set>

#include "asem_fixture.hpp"

using namespace chiso::analysis;

TEST_CASE("ASEM: chiso reproduces COINr's example index, aggregates and ranks to 1e-9") {
  const auto h = asem::hierarchy();
  CHECK(h.n_indicators() == 49);
  CHECK(h.n_levels() == 4);
  CHECK(h.node(h.root()).code == "Index");
  const auto in = asem::input(h);
  const pipeline p(h, pipeline_spec::coinr_example());
  const auto r = p.run(in);

  std::vector<std::string> header;
  const auto expected = asem::read_csv(std::string(CHISO_SOURCE_DIR) + "/tests/python/reference/asem_expected.csv", &header);
  REQUIRE(static_cast<std::ptrdiff_t>(expected.size()) == r.scores.rows());
  double worst = 0;
  std::string worst_at;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    auto row = expected[i];
    CHECK(row["uCode"] == r.units[i]);
    CHECK(static_cast<int>(asem::number(row["Rank"])) == static_cast<int>(r.ranks[static_cast<std::ptrdiff_t>(i)]));
    for (std::ptrdiff_t k = 0; k < h.n_nodes(); ++k) {
      const double e = asem::number(row[h.node(k).code]), got = r.scores(static_cast<std::ptrdiff_t>(i), k);
      const double diff = std::abs(e - got);
      if (!(diff <= worst)) { worst = diff; worst_at = r.units[i] + "/" + h.node(k).code; }
    }
  }
  MESSAGE("largest |chiso − reference| over ASEM scores: " << worst << " at " << worst_at);
  CHECK(worst <= 1e-9);
  // The steps did what COINr reports for this example.
  REQUIRE(r.imputed);
  CHECK(r.imputed->still_missing.empty());
  REQUIRE(r.screened);
  CHECK(r.screened->removed.empty());
  REQUIRE(r.treated);
  // Every treated point, and only those, as the reference's Treated_Points.
  const auto points = asem::read_csv(std::string(CHISO_SOURCE_DIR) + "/tests/python/reference/asem_treated_points.csv");
  CHECK(r.treated->points.size() == points.size());
  std::set<std::string> want, got;
  for (auto p : points) want.insert(p["uCode"] + "/" + p["iCode"] + "/" + p["treatment"]);
  for (const auto& p : r.treated->points) got.insert(r.units[static_cast<std::size_t>(p.unit)] + "/" + h.node(p.indicator).code + "/" + p.kind);
  CHECK(want == got);
}

TEST_CASE("ASEM: the pipeline round-trips through JSON and re-runs identically") {
  const auto h = asem::hierarchy();
  const auto in = asem::input(h);
  const pipeline p(h, pipeline_spec::coinr_example());
  const auto j = p.to_json();
  const auto q = pipeline::from_json(nlohmann::json::parse(j.dump()));
  const auto a = p.run(in), b = q.run(in);
  CHECK(a.scores.cwiseEqual(b.scores).all());
  CHECK(q.to_json() == j);

  SUBCASE("one step changed: winmax 1 differs from winmax 5") {
    auto spec = p.spec();
    spec.treat->winmax = 1;
    const auto c = p.with_spec(spec).run(in);
    CHECK_FALSE(c.scores.cwiseEqual(a.scores).all());
  }
}

TEST_CASE("ASEM: the cached re-run API gives the same index as a full run, without allocating per run") {
  const auto h = asem::hierarchy();
  const auto in = asem::input(h);
  const pipeline p(h, pipeline_spec::coinr_example());
  normalise_spec mm;  // min-max [0, 100]
  normalise_spec z;
  z.method = normalise_method::z_score;
  const auto prep = p.prepare(in, {1, 5}, {mm, z});
  const aggregation_plan plan(h);
  auto ws = plan.workspace(prep.n_units());
  matrix out(prep.n_units(), h.n_nodes());
  plan.aggregate_into(prep.normalised(1, 0), prep.weights(), ws, out);
  const auto full = p.run(in);
  CHECK((out - full.scores).cwiseAbs().maxCoeff() == 0.0);

  auto spec = p.spec();
  spec.treat->winmax = 1;
  spec.normalise = z;
  const auto other = p.with_spec(spec).run(in);
  plan.aggregate_into(prep.normalised(0, 1), prep.weights(), ws, out);
  CHECK((out - other.scores).cwiseAbs().maxCoeff() == 0.0);
}
