// The bundled models and their synthetic sample data (examples/): they load, validate and
// evaluate; the seed's figures come out.
#include <doctest/doctest.h>

#include <chiso/error.hpp>
#include <chiso/model_json.hpp>
#include <chiso/assessment/io.hpp>
#include <chiso/assessment/reports.hpp>
#include <chiso/assessment/survey.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace {
const std::string root = CHISO_SOURCE_DIR;

std::shared_ptr<const chiso::plan> load(const std::string& name) {
  return std::make_shared<const chiso::plan>(chiso::load_model(root + "/examples/models/" + name + ".json"));
}

// An assessment of a bundled model on the sample: records, and the survey rates of this
// assessment's units (one survey file covers several groups).
chiso::assessment sample_of(const std::string& model, const std::string& period, const std::string& units,
                            const std::string& records, const std::string& survey_file) {
  const std::string data = root + "/examples/data/";
  auto a = chiso::load_assessment_csv(load(model), period, data + units, data + records);
  const auto survey = chiso::load_survey_csv(data + survey_file);
  auto inputs = chiso::survey_leaf_inputs(a.model(), survey);
  a.set_survey_inputs(inputs, true);  // the survey covers every group; this sample has some
  return a;
}

chiso::assessment sample(const std::string& kind, const std::string& year) {
  return sample_of("hanoi-par-" + kind + "-2023", year, "units-" + kind + ".csv", "par-" + kind + "-" + year + ".csv",
                   "survey-par-" + year + ".csv");
}

double node_points(const chiso::assessment_result& r, std::ptrdiff_t row, const std::string& id) {
  const auto k = r.plan->plan_position(id);
  for (std::size_t c = 0; c < r.eval.nodes.size(); ++c)
    if (r.eval.nodes[c] == k) return r.eval.points(row, static_cast<Eigen::Index>(c));
  FAIL("node not kept: " << id);
  return 0;
}
}  // namespace

TEST_CASE("bundled models: counts of the seed") {
  const auto district = load("hanoi-par-district-2023");
  CHECK(district->leaf_count() == 102);
  int survey = 0;
  for (const auto* leaf : district->compiled_model().leaves()) survey += leaf->source == chiso::leaf_source::survey;
  CHECK(survey == 22);
  CHECK(district->compiled_model().root().children.size() == 8);
  CHECK(load("hanoi-par-department-2023")->compiled_model().root().children.size() == 8);
  CHECK(load("sipas-2023")->compiled_model().root().children.size() == 5);
}

TEST_CASE("service index (766/QĐ-TTg): the seed's Hanoi 2023 rates through the portal's formulas") {
  // Rates entered as numerator = rate, denominator = 100; every other input 0 (0/0 scores 0, or 6
  // for the petition metrics).
  const auto plan = load("service-index-766");
  const auto& columns = plan->input_columns();
  Eigen::MatrixXd inputs = Eigen::MatrixXd::Zero(1, static_cast<Eigen::Index>(columns.size()));
  auto set = [&](const std::string& column, double v) {
    const auto at = std::find(columns.begin(), columns.end(), column);
    REQUIRE(at != columns.end());
    inputs(0, at - columns.begin()) = v;
  };
  set("DVC_PROGRESS_ON_TIME.numerator", 93.79);  // online dossiers processed on time
  set("DVC_PROGRESS_ON_TIME.denominator", 100);
  set("ONLINE_PAYMENT.totalDossierOnlineFormalityPaymentSuccess", 16.78);  // procedures with online payment (B)
  set("ONLINE_PAYMENT.totalFeeFormality", 100);
  set("DOSSIER_RECEIVING_SATISFACTION.numerator", 83.26);  // satisfaction
  set("DOSSIER_RECEIVING_SATISFACTION.denominator", 100);
  const auto r = chiso::evaluate(*plan, inputs);
  auto points = [&](const std::string& id) {
    const auto k = plan->plan_position(id);
    for (std::size_t c = 0; c < r.nodes.size(); ++c)
      if (r.nodes[c] == k) return r.points(0, static_cast<Eigen::Index>(c));
    return -1.0;
  };
  CHECK(std::abs(points("DVC_PROGRESS_ON_TIME") - 18.76) < 1e-9);           // 20 × 0.9379 = 18.758
  CHECK(std::abs(points("ONLINE_PAYMENT") - 0.42) < 1e-9);                  // round(min(2, 2.5 × 0.1678), 2), 0.4195 half up
  CHECK(std::abs(points("DOSSIER_RECEIVING_SATISFACTION") - 5.55) < 1e-9);  // min(6, 6 × 0.8326 / 0.9) = 5.5507
  CHECK(std::abs(points("G6") - 17.55) < 1e-9);                             // 5.55 + 6 + 6 (no petitions)
}

TEST_CASE("Hanoi 2025 (5666/QĐ-UBND): the 126 communes and wards and the departments evaluate") {
  for (const std::string kind : {"commune", "department"}) {
    CAPTURE(kind);
    const auto a = sample_of("hanoi-par-" + kind + "-2025", "2025", "units-" + kind + "-2025.csv",
                             "par-" + kind + "-2025.csv", "survey-par-2025.csv");
    CHECK(a.units().size() == (kind == "commune" ? 126u : 15u));
    CHECK(a.model().root().children.size() == 9);
    const auto r = chiso::evaluate(a);
    std::vector<std::int32_t> ranks;
    for (Eigen::Index u = 0; u < r.eval.index.size(); ++u) {
      CHECK(r.eval.index(u) > 0);
      CHECK(r.eval.index(u) <= 100);
      ranks.push_back(r.eval.rank(u));
      const double content_9 = node_points(r, u, "A9");
      CHECK(content_9 >= -3);
      CHECK(content_9 <= 2);
    }
    std::sort(ranks.begin(), ranks.end());
    CHECK(ranks.front() == 1);  // one ranking over all units (ranking.by = all)
    CHECK(ranks.back() <= static_cast<std::int32_t>(ranks.size()));
  }
}

TEST_CASE("Hanoi 2025: content 9 of a few departments, from their records by hand") {
  // Content 9 = Σ bonuses (0.5 each, ≤ 1 per criterion) − Σ deductions (per criterion: 0.25 ≤ 1,
  // 0.25 ≤ 1, 0.5 ≤ 1.5, 0.25 ≤ 1, 0.5 ≤ 1), then limited to [−3, +2] (the model's table).
  const std::map<std::string, std::pair<double, double>> rule = {
      {"A9.1", {0.5, 1}}, {"A9.2", {0.5, 1}}, {"A9.3", {0.5, 1}}, {"A9.4", {-0.25, 1}},
      {"A9.5", {-0.25, 1}}, {"A9.6", {-0.5, 1.5}}, {"A9.7", {-0.25, 1}}, {"A9.8", {-0.5, 1}}};
  const auto a = sample_of("hanoi-par-department-2025", "2025", "units-department-2025.csv", "par-department-2025.csv",
                           "survey-par-2025.csv");
  const auto r = chiso::evaluate(a);
  int capped = 0;
  for (std::size_t u = 0; u < a.units().size(); ++u) {
    const std::string unit = a.units()[u].id;
    std::map<std::string, std::pair<std::int64_t, double>> latest;  // criterion → (time, value) of the appraisal in force
    for (const auto& rec : a.records())
      if (rec.unit == unit && rec.stage == chiso::stage::appraisal && rule.count(rec.criterion)) {
        const auto t = chiso::parse_timestamp(rec.timestamp);
        auto& slot = latest[rec.criterion];
        if (t >= slot.first) slot = {t, rec.value};  // the latest record is in force
      }
    REQUIRE(latest.size() == rule.size());
    double raw = 0;
    for (const auto& [criterion, per_cap] : rule) {
      const double amount = std::min(std::abs(per_cap.first) * latest[criterion].second, per_cap.second);
      raw += per_cap.first < 0 ? -amount : amount;
    }
    const double expected = std::min(std::max(raw, -3.0), 2.0);
    capped += raw != expected;
    CAPTURE(unit);
    CHECK(std::abs(node_points(r, static_cast<std::ptrdiff_t>(u), "A9") - expected) < 1e-9);
  }
  CHECK(capped >= 1);  // the sample has departments whose bonuses pass the +2 limit
}

TEST_CASE("sample data: both years and both groups evaluate; Hai Bà Trưng had 63/80 by end of October 2023") {
  for (const std::string kind : {"district", "department"})
    for (const std::string year : {"2023", "2024"}) {
      const auto a = sample(kind, year);
      const auto r = chiso::evaluate(a);
      for (Eigen::Index u = 0; u < r.eval.index.size(); ++u) {
        CHECK(r.eval.index(u) > 0);
        CHECK(r.eval.index(u) <= 100);
        CHECK(r.eval.rank(u) >= 1);
      }
      CHECK(chiso::final_results_report(r).rows.size() == a.units().size());
      CHECK_FALSE(chiso::self_vs_appraised(a).empty());
    }
  const auto a = sample("district", "2023");
  for (const auto& row : chiso::progress(a, "2023-10-31T23:59:59+07:00"))
    if (row.unit == "hai-ba-trung") {
      CHECK(row.total == 80);
      CHECK(row.done == 63);
    }
  CHECK(chiso::self_vs_appraised(a)[0].difference < 0);
  CHECK_FALSE(chiso::self_vs_appraised(a)[0].reason.empty());
}

TEST_CASE("sample data: the JSON form of the 2024 department assessment equals its CSV form") {
  const auto plan = load("hanoi-par-department-2023");
  const auto from_json = chiso::load_assessment_json(root + "/examples/data/par-department-2024.json", plan);
  const auto from_csv = chiso::load_assessment_csv(plan, "2024", root + "/examples/data/units-department.csv",
                                                   root + "/examples/data/par-department-2024.csv");
  CHECK(from_json.records() == from_csv.records());
}

TEST_CASE("year over year across the 2025 reform: districts 2023 → communes 2025, departments 2024 → 2025") {
  // Leaf and area ids of both models, read from the files (independently of compare_periods).
  auto leaf_ids = [](const chiso::assessment& a) {
    std::vector<std::string> ids;
    for (const auto* leaf : a.model().leaves()) ids.push_back(leaf->id);
    return ids;
  };
  const auto before = sample("district", "2023");
  const auto after = sample_of("hanoi-par-commune-2025", "2025", "units-commune-2025.csv", "par-commune-2025.csv",
                               "survey-par-2025.csv");
  const auto y = chiso::compare_periods(before, chiso::evaluate(before), after, chiso::evaluate(after));
  const auto old_ids = leaf_ids(before), new_ids = leaf_ids(after);
  std::size_t common = 0;
  for (const auto& id : new_ids) common += std::count(old_ids.begin(), old_ids.end(), id);
  CHECK(y.matched.size() == common);
  CHECK(y.matched.size() + y.added.size() == new_ids.size());
  CHECK(y.matched.size() + y.removed.size() == old_ids.size());
  // No district survives as a commune-level unit: 30 gone, 126 new, every one of them a row.
  CHECK(y.units_gone.size() == 30);
  CHECK(y.units_new.size() == 126);
  CHECK(y.units.size() == 156);
  for (const auto& row : y.units) {
    const bool gone = std::count(y.units_gone.begin(), y.units_gone.end(), row.unit) > 0;
    CHECK(std::isnan(gone ? row.index_after : row.index_before));
    CHECK_FALSE(std::isnan(gone ? row.index_before : row.index_after));
    CHECK(row.rank_change == 0);
  }
  // Departments: those that continue keep their id and are compared; merged ones are gone or new.
  const auto d_before = sample("department", "2024");
  const auto d_after = sample_of("hanoi-par-department-2025", "2025", "units-department-2025.csv",
                                 "par-department-2025.csv", "survey-par-2025.csv");
  const auto d = chiso::compare_periods(d_before, chiso::evaluate(d_before), d_after, chiso::evaluate(d_after));
  std::size_t kept = 0;
  for (const auto& u : d_after.units()) kept += d_before.unit_row(u.id) >= 0;
  CHECK(kept > 0);
  CHECK(d.units_new.size() == d_after.units().size() - kept);
  CHECK(d.units_gone.size() == d_before.units().size() - kept);
  CHECK(d.units.size() == kept + d.units_new.size() + d.units_gone.size());
  for (const auto& row : d.units)
    if (d_before.unit_row(row.unit) >= 0 && d_after.unit_row(row.unit) >= 0)
      CHECK(row.index_change == doctest::Approx(row.index_after - row.index_before));
}
