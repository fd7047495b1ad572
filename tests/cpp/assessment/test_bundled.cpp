// The bundled models and their synthetic sample data (examples/): they load, validate and
// evaluate; the seed's figures come out.
#include <doctest/doctest.h>

#include <chiso/model_json.hpp>
#include <chiso/reports.hpp>
#include <chiso/survey.hpp>

namespace {
const std::string root = CHISO_SOURCE_DIR;

std::shared_ptr<const chiso::plan> load(const std::string& name) {
  return std::make_shared<const chiso::plan>(chiso::load_model(root + "/examples/models/" + name + ".json"));
}

chiso::assessment sample(const std::string& kind, const std::string& year) {
  const std::string data = root + "/examples/data/";
  auto a = chiso::load_assessment_csv(load("hanoi-par-" + kind + "-2023"), year, data + "units-" + kind + ".csv",
                                      data + "par-" + kind + "-" + year + ".csv");
  std::vector<std::string> ids;
  for (const auto& u : a.units()) ids.push_back(u.id);
  const auto survey = chiso::load_survey_csv(data + "survey-par-" + year + ".csv");
  auto inputs = chiso::survey_leaf_inputs(a.model(), survey);
  // The survey covers districts and departments: keep this assessment's units.
  chiso::survey_inputs mine{{}, inputs.leaves, Eigen::MatrixXd(static_cast<Eigen::Index>(ids.size()), inputs.values.cols())};
  for (std::size_t u = 0; u < inputs.units.size(); ++u) {
    const std::ptrdiff_t row = a.unit_row(inputs.units[u]);
    if (row < 0) continue;
    mine.units.push_back(inputs.units[u]);
    mine.values.row(static_cast<Eigen::Index>(mine.units.size() - 1)) = inputs.values.row(static_cast<Eigen::Index>(u));
  }
  mine.values.conservativeResize(static_cast<Eigen::Index>(mine.units.size()), Eigen::NoChange);
  a.set_survey_inputs(mine);
  return a;
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

TEST_CASE("service index (766/QĐ-TTg): the seed's Hanoi rates give the seed's components") {
  const auto plan = load("service-index-766");
  const auto& leaves = plan->compiled_model().leaf_ids();
  Eigen::MatrixXd rates(1, plan->leaf_count());
  rates.setConstant(0);
  auto set = [&](const std::string& id, double v) {
    rates(0, std::find(leaves.begin(), leaves.end(), id) - leaves.begin()) = v;
  };
  set("G2.1", 93.79);  // online dossiers processed on time
  set("G4.1", 16.78);  // procedures with online payment
  set("G6.1", 83.26);  // satisfaction
  const auto r = chiso::evaluate(*plan, rates);
  auto points = [&](const std::string& id) {
    const auto k = plan->plan_position(id);
    for (std::size_t c = 0; c < r.nodes.size(); ++c)
      if (r.nodes[c] == k) return r.points(0, static_cast<Eigen::Index>(c));
    return -1.0;
  };
  CHECK(points("G2.1") == doctest::Approx(20 * 0.9379));          // 18.758 of 20
  CHECK(points("G4.1") == doctest::Approx(5 * 0.1678));           // 0.839 of 5
  CHECK(points("G6.1") == doctest::Approx(6 * 0.8326 / 0.90));    // 5.5507 of 6, min(6, 6 × rate / 0.9)
  set("G6.1", 95);
  CHECK(chiso::evaluate(*plan, rates).points(0, 0) >= 0);
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
