// The worked example by hand (fixture.hpp), through every report.
//
// Final inputs (appraisal over survey over self):
//   u1: A1.1 1.5 (self 2, cut), A1.2 1, A1.3 95% → 1 (self 100% → 2, cut), A2.1 2 × 0.75 = 1.5, A2.2 0
//       = 5 of 7 → 71.428… → 71.43, band Tốt
//   u2: A1.1 1.75, A1.2 1, A1.3 95% → 1, A2.1 2 × 1 = 2, A2.2 one case −0.5 = 5.25 of 7 → 75.00, Tốt
//   u3: A1.1 2, A1.2 not applicable (max 7 − 1 = 6), A1.3 2, A2.1 1.5, A2.2 0 = 5.5 of 6 → 91.67, Xuất sắc
// Districts: u2 first (75.00), u1 second (71.43). With its self-scores u1 would have 6.5 of 7 →
// 92.86 and be first: the appraisal cuts change the rank.
#include <doctest/doctest.h>

#include <chiso/error.hpp>
#include <chiso/assessment/reports.hpp>

#include "fixture.hpp"

using namespace fixture;

TEST_CASE("worked example: index, rank within group, band, area points") {
  const chiso::assessment a = worked();
  const auto r = chiso::evaluate(a);
  CHECK(r.eval.index(0) == 71.43);
  CHECK(r.eval.index(1) == 75.0);
  CHECK(r.eval.index(2) == 91.67);
  CHECK(r.eval.rank(0) == 2);
  CHECK(r.eval.rank(1) == 1);
  CHECK(r.eval.rank(2) == 1);
  const auto report = chiso::final_results_report(r);
  CHECK(report.area_ids == std::vector<std::string>{"A1", "A2"});
  REQUIRE(report.rows.size() == 3);
  // By group (department before district), then rank.
  CHECK(report.rows[0].unit == "u3");
  CHECK(report.rows[0].band == "Xuất sắc");
  CHECK(report.rows[0].area_points == std::vector<double>{4, 1.5});
  CHECK(report.rows[0].area_max == std::vector<double>{4, 2});
  CHECK(report.rows[1].unit == "u2");
  CHECK(report.rows[1].area_points == std::vector<double>{3.75, 1.5});
  CHECK(report.rows[2].unit == "u1");
  CHECK(report.rows[2].band == "Tốt");
  CHECK(report.rows[2].area_points == std::vector<double>{3.5, 1.5});
}

TEST_CASE("worked example: the appraisal cut changes the rank") {
  const chiso::assessment a = worked();
  chiso::assessment_options self_view;
  self_view.self_view = true;
  const auto mine = chiso::evaluate(a, self_view);
  CHECK(mine.eval.index(0) == 92.86);  // 6.5 / 7
  CHECK(mine.eval.rank(0) == 1);
  CHECK(mine.eval.rank(1) == 2);
  const auto theirs = chiso::evaluate(a);
  CHECK(theirs.eval.rank(0) == 2);
  CHECK(theirs.eval.rank(1) == 1);
}

TEST_CASE("worked example: self vs appraised, largest cut first, with the council's reason") {
  const auto rows = chiso::self_vs_appraised(worked());
  REQUIRE(rows.size() == 11);  // every criterion with both stages (u3 A1.2 has no appraisal)
  CHECK(rows[0].unit == "u1");
  CHECK(rows[0].criterion == "A1.3");
  CHECK(rows[0].area == "A1");
  CHECK(rows[0].self_value == 100);
  CHECK(rows[0].appraised_value == 95);
  CHECK(rows[0].self_points == 2);
  CHECK(rows[0].appraised_points == 1);
  CHECK(rows[0].difference == -1);
  CHECK(rows[0].reason == "Tỷ lệ thực tế 95%");
  CHECK(rows[1].criterion == "A1.1");
  CHECK(rows[1].difference == -0.5);
  CHECK(rows[1].reason == "Thiếu tài liệu kiểm chứng");
  CHECK(rows[2].difference == 0);

  const auto areas = chiso::self_vs_appraised_areas(worked());
  REQUIRE(areas.size() == 6);
  CHECK(areas[0].unit == "u1");
  CHECK(areas[0].area == "A1");
  CHECK(areas[0].self_points == 5);
  CHECK(areas[0].appraised_points == 3.5);
  CHECK(areas[0].difference == -1.5);
}

TEST_CASE("progress: criteria with a self value and evidence (or not applicable) out of the appraisal criteria") {
  chiso::assessment a = worked();
  auto rows = chiso::progress(a);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].total == 4);      // A2.1 is a survey criterion, not self-scored
  CHECK(rows[0].self_scored == 4);
  CHECK(rows[0].done == 3);       // A2.2 has no evidence
  CHECK(rows[0].appraised == 4);
  CHECK(rows[0].share_done == 0.75);
  CHECK(rows[2].done == 4);       // A1.2 not applicable, with a reason
  CHECK(rows[2].not_applicable == 1);
  // The evidence arrives later: a new self record, the old one kept.
  a.add(rec("u1", "A2.2", S, 0, "2023-11-01T09:00:00+07:00"));
  CHECK(chiso::progress(a)[0].done == 4);
  CHECK(chiso::progress(a, "2023-10-31T23:59:59+07:00")[0].done == 3);
  CHECK(chiso::progress(a, "2023-10-01")[0].self_scored == 0);
}

TEST_CASE("why a unit lost points: largest loss first, with the rule and the reason") {
  const chiso::assessment a = worked();
  const auto r = chiso::evaluate(a);
  const auto rows = chiso::why_lost(a, r, "u1");
  REQUIRE(rows.size() == 4);  // A2.2 (a deduction that did not apply) is left out
  CHECK(rows[0].criterion == "A1.3");
  CHECK(rows[0].lost == 1);
  CHECK(rows[0].rule == "tiers: ≥ 100% → 2; ≥ 90% → 1; else 0");
  CHECK(rows[0].value == 95);
  CHECK(rows[0].origin == "appraisal");
  CHECK(rows[0].reason == "Tỷ lệ thực tế 95%");
  CHECK(rows[1].criterion == "A1.1");
  CHECK(rows[1].lost == 0.5);
  CHECK(rows[2].criterion == "A2.1");
  CHECK(rows[2].lost == doctest::Approx(0.5));
  CHECK(rows[2].origin == "survey");
  CHECK(rows[3].lost == 0);
  const auto u2 = chiso::why_lost(a, r, "u2");
  CHECK(u2[0].criterion == "A1.3");   // 1 lost
  CHECK(u2[1].criterion == "A2.2");  // a deduction: −0.5 points of max 0, so 0.5 lost
  CHECK(u2[1].points == -0.5);
  CHECK(u2[1].lost == 0.5);
  CHECK(u2[2].criterion == "A1.1");  // 1.75 of 2
  CHECK_THROWS_AS(chiso::why_lost(a, r, "u9"), chiso::data_error);
}

TEST_CASE("policy: an index is final only when every appraisal criterion is appraised") {
  chiso::assessment a(plan(), "2023", units(), {true});
  auto batch = records();
  batch.erase(batch.begin() + 1);  // u1 A1.1 has only its self record
  a.add(batch);
  a.set_survey_inputs(chiso::survey_leaf_inputs(a.model(), chiso::parse_survey_csv(survey_csv, "s.csv")));
  try {
    chiso::evaluate(a);
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.not_final");
    CHECK(e.unit() == "u1");
    CHECK(e.node() == "A1.1");
  }
  chiso::assessment_options provisional;
  provisional.provisional = true;
  const auto r = chiso::evaluate(a, provisional);
  CHECK(r.final == std::vector<bool>{false, true, true});
  CHECK(r.eval.index(0) == 78.57);  // self 2 for A1.1: 5.5 / 7
  const auto rows = chiso::final_results_report(r).rows;
  CHECK(rows[1].unit == "u1");  // 78.57 now ranks first, provisionally
  CHECK_FALSE(rows[1].final);
  CHECK(rows[2].final);
}

TEST_CASE("missing inputs follow the model's policy (error here), naming unit and criterion") {
  chiso::assessment a(plan(), "2023", units());
  a.add(records());
  // No survey inputs: A2.1 is missing for every unit.
  try {
    chiso::evaluate(a);
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.node() == "A2.1");
  }
}

TEST_CASE("year over year: a revised model, criteria matched by id, index/rank/area changes") {
  const chiso::assessment a2023 = worked();
  // 2024: A1.2 removed, A1.4 added (yes/no, 1 point).
  std::string text = model_text;
  const std::string old_leaf = R"({"id": "A1.2", "name": "Báo cáo", "max": 1, "rule": {"kind": "yes_no"}})";
  text.replace(text.find(old_leaf), old_leaf.size(), R"({"id": "A1.4", "name": "Kiểm tra", "max": 1, "rule": {"kind": "yes_no"}})");
  chiso::assessment a2024(std::make_shared<const chiso::plan>(chiso::parse_model(text)), "2024", units());
  const std::string t = "2024-11-25";
  for (const char* u : {"u1", "u2", "u3"}) {
    a2024.add(rec(u, "A1.1", A, 2, t));
    a2024.add(rec(u, "A1.4", A, 1, t));
    a2024.add(rec(u, "A1.3", A, 100, t));
    a2024.add(rec(u, "A2.2", A, 0, t));
  }
  a2024.set_survey_inputs({{"u1", "u2", "u3"}, {"A2.1"}, Eigen::MatrixXd::Constant(3, 1, 0.5)});
  const auto r2023 = chiso::evaluate(a2023), r2024 = chiso::evaluate(a2024);
  // 2024: every unit 2 + 1 + 2 + 1 + 0 = 6 of 7 → 85.71, all tied first in their group.
  CHECK(r2024.eval.index(0) == 85.71);
  const auto y = chiso::compare_periods(a2023, r2023, a2024, r2024);
  CHECK(y.added == std::vector<std::string>{"A1.4"});
  CHECK(y.removed == std::vector<std::string>{"A1.2"});
  CHECK(y.matched == std::vector<std::string>{"A1.1", "A1.3", "A2.1", "A2.2"});
  REQUIRE(y.units.size() == 3);
  CHECK(y.units[0].unit == "u1");
  CHECK(y.units[0].index_change == doctest::Approx(85.71 - 71.43));
  CHECK(y.units[0].rank_before == 2);
  CHECK(y.units[0].rank_after == 1);
  CHECK(y.units[0].rank_change == 1);
  CHECK(y.units[1].rank_change == 0);
  REQUIRE(y.areas.size() == 6);
  CHECK(y.areas[0].area == "A1");
  CHECK(y.areas[0].points_before == 3.5);
  CHECK(y.areas[0].points_after == 5);
  CHECK(y.areas[1].change == doctest::Approx(1 - 1.5));
}

TEST_CASE("round one: every node as it stood after appraisal round 1, worked by hand") {
  // u1 after round 1 (the worked example): A1 = 1.5 + 1 + 1 = 3.5, total 5 of 7 → 71.43.
  // Round 2 raises A1.1 to 1.75 and A1.3 to 100% → 2: A1 = 4.75, total 6.25 → 89.29.
  chiso::assessment a = worked();
  a.add(rec("u1", "A1.1", chiso::stage::appraisal_2, 1.75, "2023-12-20T09:00:00+07:00", "Chấp nhận một phần"));
  a.add(rec("u1", "A1.3", chiso::stage::appraisal_2, 100, "2023-12-20T09:00:00+07:00", "Bổ sung báo cáo"));
  const auto final = chiso::evaluate(a);
  const auto round_one = chiso::evaluate_round_one(a, final);
  const auto area = final.column("A1");
  CHECK(final.eval.points(0, area) == 4.75);
  CHECK(final.eval.index(0) == 89.29);
  CHECK(round_one.eval.points(0, area) == 3.5);
  CHECK(round_one.eval.index(0) == 71.43);
  CHECK(round_one.at(0, 0).origin == chiso::input_origin::appraisal);
  CHECK(round_one.at(0, 0).value == 1.5);
  // Units without round-2 records stand as they are.
  CHECK(round_one.eval.index(1) == final.eval.index(1));
  CHECK(round_one.eval.index(2) == final.eval.index(2));
}
