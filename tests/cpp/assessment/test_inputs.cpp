// Per-input records: the service index (examples/models/service-index-766.json), whose metrics
// take a numerator and a denominator, goes through self-assessment and both appraisal rounds.
//
// The self-scores are the portal's published figures for Phú Thọ's unit H44.03, month 2026-08
// (tests/python/test_models_service_index.py): DVC_PROGRESS_ON_TIME 486/588 → 16.53,
// ONLINE_PAYMENT (7, 7, 2, 0, 3) → 7.67, DOSSIER_RECEIVING_SATISFACTION 486/588 → 5.51, the two
// petition metrics 0/0 → 6 each, ORIGINAL_RESULT_AVAILABLE 385/588 → 3.93,
// SO_HOA_GIAY_TO_GIAI_QUYET 312/588 → 2.12, REUSED_DIGITIZED_DATA and
// SYNCED_WITH_DVCQG_PERSONAL_STORAGE 0/588 → 0, CITIZEN_DATA_CONNECTED_DOSSIER 588/588 → 2,
// CITIZEN_DATA_CONNECTED_FORMALITY 10/42 → 0.48, ELECTRONIC_CERTIFIED_COPY 100 % → 2,
// PUBLIC_CONTENT_FULL 87/89 → 1.96, DOSSIER_SYNC 380/380 → 6; and, not published for that unit,
// PUBLISH_ON_TIME 1/2 → 6 × 0.5 = 3, PUBLIC_UPDATE_ON_TIME 3/4 → 4 × 0.75 = 3, ONLINE_SERVICES 5.4
// points. Total 71.60 of 100.
#include <doctest/doctest.h>

#include <chiso/error.hpp>
#include <chiso/model_json.hpp>
#include <chiso/assessment/io.hpp>
#include <chiso/assessment/reports.hpp>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

namespace {

std::shared_ptr<const chiso::plan> service_index() {
  return std::make_shared<const chiso::plan>(
      chiso::load_model(std::string(CHISO_SOURCE_DIR) + "/examples/models/service-index-766.json"));
}

chiso::record value_of(const std::string& unit, const std::string& column, chiso::stage s, double value,
                       const std::string& time, const std::string& note = {}) {
  chiso::record r;
  r.unit = unit;
  r.criterion = column;
  r.stage = s;
  r.value = value;
  r.note = note;
  r.author = s == chiso::stage::self ? "Văn phòng" : "Hội đồng thẩm định";
  r.timestamp = time;
  r.source = unit + " " + column;
  return r;
}

// The self records of one unit: every input column of the service index.
std::vector<chiso::record> self_records(const std::string& unit) {
  const std::vector<std::pair<std::string, std::vector<double>>> metrics = {
      {"PUBLISH_ON_TIME", {1, 2}},
      {"PUBLIC_UPDATE_ON_TIME", {3, 4}},
      {"PUBLIC_CONTENT_FULL", {87, 89}},
      {"DOSSIER_SYNC", {380, 380}},
      {"DVC_PROGRESS_ON_TIME", {486, 588}},
      {"ORIGINAL_RESULT_AVAILABLE", {385, 588}},
      {"SO_HOA_GIAY_TO_GIAI_QUYET", {312, 588}},
      {"REUSED_DIGITIZED_DATA", {0, 588}},
      {"SYNCED_WITH_DVCQG_PERSONAL_STORAGE", {0, 588}},
      {"CITIZEN_DATA_CONNECTED_DOSSIER", {588, 588}},
      {"CITIZEN_DATA_CONNECTED_FORMALITY", {10, 42}},
      {"DOSSIER_RECEIVING_SATISFACTION", {486, 588}},
      {"PETITION_PROCESSING_ON_TIME", {0, 0}},
      {"PETITION_HANDLING_SATISFACTION", {0, 0}}};
  std::vector<chiso::record> out;
  for (const auto& [metric, values] : metrics) {
    out.push_back(value_of(unit, metric + ".numerator", chiso::stage::self, values[0], "2026-09-01"));
    // The other way to name an input: the leaf in criterion, the input in its own field.
    chiso::record denominator = value_of(unit, metric, chiso::stage::self, values[1], "2026-09-01");
    denominator.input = "denominator";
    out.push_back(denominator);
  }
  const std::vector<std::pair<std::string, double>> payment = {{"totalDossierOnlinePaymentSuccess", 7},
                                                               {"totalDossierFinancialObligation", 7},
                                                               {"totalDossierOnlineFormalityPaymentSuccess", 2},
                                                               {"totalFeeDossierFormality", 0},
                                                               {"totalFeeFormality", 3}};
  for (const auto& [field, value] : payment)
    out.push_back(value_of(unit, "ONLINE_PAYMENT." + field, chiso::stage::self, value, "2026-09-01"));
  out.push_back(value_of(unit, "ELECTRONIC_CERTIFIED_COPY", chiso::stage::self, 100, "2026-09-01"));
  out.push_back(value_of(unit, "ONLINE_SERVICES", chiso::stage::self, 5.4, "2026-09-01"));
  return out;
}

double points(const chiso::assessment_result& r, std::ptrdiff_t u, const std::string& id) {
  return r.eval.points(u, r.column(id));
}

template <class F>
std::string error_of(F&& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const chiso::error& e) {
    if (message) *message = e.what();
    return e.id();
  }
  return "no error";
}

}  // namespace

TEST_CASE("the service index through self-assessment and both appraisal rounds, per input column") {
  chiso::assessment a(service_index(), "2026-08", {{"H44.03", "Sở Tư pháp", ""}, {"H44.07", "Xã Hy Cương", ""}});
  a.add(self_records("H44.03"));
  std::vector<chiso::record> other = self_records("H44.07");
  // Applicability is per criterion: H44.07 had no petitions to handle on time.
  chiso::record not_applicable = value_of("H44.07", "PETITION_PROCESSING_ON_TIME", chiso::stage::self, std::nan(""),
                                          "2026-09-02", "Không có kiến nghị trong kỳ");
  not_applicable.applicable = false;
  other.push_back(not_applicable);
  a.add(other);
  // The input column, not the leaf, is what `input` becomes: one form is kept and chained.
  CHECK(a.records()[1].criterion == "PUBLISH_ON_TIME.denominator");
  CHECK(a.records()[1].input.empty());

  chiso::assessment_result self = chiso::evaluate(a);
  CHECK(points(self, 0, "DVC_PROGRESS_ON_TIME") == doctest::Approx(16.53));
  CHECK(points(self, 0, "ONLINE_PAYMENT") == doctest::Approx(7.67));
  CHECK(points(self, 0, "PETITION_PROCESSING_ON_TIME") == doctest::Approx(6));
  CHECK(self.eval.index(0) == doctest::Approx(71.60));
  // Without PETITION_PROCESSING_ON_TIME (6 points): 65.60 of 94 → 69.787… → 69.79.
  CHECK_FALSE(self.applicable(1, a.plan().leaf_column("PETITION_PROCESSING_ON_TIME")));
  CHECK(self.eval.index(1) == doctest::Approx(69.79));
  CHECK(self.input_at(0, a.plan().input_column("DVC_PROGRESS_ON_TIME.numerator")).origin == chiso::input_origin::self);

  // Round 1 cuts one input, with a reason; without one it is refused, naming the record.
  CHECK(error_of([&] {
          a.add(value_of("H44.03", "DVC_PROGRESS_ON_TIME.numerator", chiso::stage::appraisal, 441, "2026-09-10"));
        }) == "assessment.reason_missing");
  a.add(value_of("H44.03", "DVC_PROGRESS_ON_TIME.numerator", chiso::stage::appraisal, 441, "2026-09-10",
                 "45 hồ sơ trễ hạn không được tính"));
  chiso::assessment_result round1 = chiso::evaluate(a);
  // 20 × 441/588 = 15.00: 71.60 − 16.53 + 15.00.
  CHECK(points(round1, 0, "DVC_PROGRESS_ON_TIME") == doctest::Approx(15.00));
  CHECK(round1.eval.index(0) == doctest::Approx(70.07));
  CHECK(round1.at(0, a.plan().leaf_column("DVC_PROGRESS_ON_TIME")).origin == chiso::input_origin::appraisal);

  // Round 2 changes the denominator (round 1 kept the self-reported one): each column resolves on
  // its own, the numerator from round 1 and the denominator from round 2. 20 × 441/600 = 14.70.
  a.add(value_of("H44.03", "DVC_PROGRESS_ON_TIME.denominator", chiso::stage::appraisal_2, 600, "2026-09-20",
                 "Bổ sung 12 hồ sơ tiếp nhận trực tiếp"));
  chiso::assessment_result round2 = chiso::evaluate(a);
  CHECK(points(round2, 0, "DVC_PROGRESS_ON_TIME") == doctest::Approx(14.70));
  CHECK(round2.eval.index(0) == doctest::Approx(69.77));
  const auto numerator = a.plan().input_column("DVC_PROGRESS_ON_TIME.numerator");
  const auto denominator = a.plan().input_column("DVC_PROGRESS_ON_TIME.denominator");
  CHECK(round2.input_at(0, numerator).origin == chiso::input_origin::appraisal);
  CHECK(round2.input_at(0, denominator).origin == chiso::input_origin::appraisal_2);
  CHECK(round2.inputs(0, numerator) == 441);
  CHECK(round2.inputs(0, denominator) == 600);
  // The unit's own view keeps its self-scores.
  chiso::assessment_options self_view;
  self_view.self_view = true;
  CHECK(chiso::evaluate(a, self_view).eval.index(0) == doctest::Approx(71.60));
  // The history of the criterion holds its inputs' records, of a column that column's.
  CHECK(a.history("H44.03", "DVC_PROGRESS_ON_TIME").size() == 4);
  CHECK(a.history("H44.03", "DVC_PROGRESS_ON_TIME.numerator").size() == 2);

  // Reports run: the scoring table and why_lost give the leaf's points.
  for (const chiso::scoring_row& row : chiso::scoring_table(a, round2, "H44.03"))
    if (row.criterion == "DVC_PROGRESS_ON_TIME") CHECK(row.final_points == doctest::Approx(14.70));
  CHECK_FALSE(chiso::why_lost(a, round2, "H44.03").empty());
  CHECK(chiso::final_results_report(round2).rows.front().index == doctest::Approx(69.79));
  CHECK(chiso::self_vs_appraised(a).size() == 0);  // no leaf-level self and appraisal records
  CHECK(chiso::self_vs_appraised_areas(a).size() == 2 * 6);

  // JSON and CSV round trips: the same records, the chain holds, the same index.
  const chiso::assessment back = chiso::parse_assessment_json(chiso::dump_assessment(a), a.shared_plan(), "a.json");
  CHECK(back.records() == a.records());
  CHECK(chiso::evaluate(back).eval.index(0) == doctest::Approx(69.77));
  CHECK(chiso::dump_assessment(back) == chiso::dump_assessment(a));
  CHECK(chiso::dump_assessment(a).find("\"input\"") == std::string::npos);
  chiso::assessment from_csv(a.shared_plan(), "2026-08", a.units());
  chiso::record_entry history;
  history.history = true;
  from_csv.add(chiso::parse_records_csv(chiso::records_csv(a), "records.csv"), history);
  CHECK(from_csv.records() == a.records());
  CHECK(chiso::evaluate(from_csv).eval.index(1) == doctest::Approx(69.79));
}

TEST_CASE("records of inputs: a wrong input, a value for the leaf, applicability per leaf — errors naming the field") {
  chiso::assessment a(service_index(), "2026-08", {{"H44.03", "Sở Tư pháp", ""}});
  std::string message;
  // An unknown input, in either form.
  CHECK(error_of([&] { a.add(value_of("H44.03", "DVC_PROGRESS_ON_TIME.numer", chiso::stage::self, 1, "2026-09-01")); },
                 &message) == "assessment.input");
  CHECK(message.find("field criterion: unknown input \"numer\"") != std::string::npos);
  CHECK(message.find("numerator, denominator") != std::string::npos);
  CHECK(message.find("H44.03 DVC_PROGRESS_ON_TIME.numer") != std::string::npos);  // the record's source
  chiso::record r = value_of("H44.03", "DVC_PROGRESS_ON_TIME", chiso::stage::self, 1, "2026-09-01");
  r.input = "total";
  CHECK(error_of([&] { a.add(r); }, &message) == "assessment.input");
  CHECK(message.find("field input: unknown input \"total\"") != std::string::npos);
  // An input for a leaf of one value.
  r = value_of("H44.03", "ONLINE_SERVICES", chiso::stage::self, 1, "2026-09-01");
  r.input = "numerator";
  CHECK(error_of([&] { a.add(r); }, &message) == "assessment.input");
  CHECK(message.find("field input \"numerator\": the criterion takes one value") != std::string::npos);
  // An input column and an input field.
  r = value_of("H44.03", "DVC_PROGRESS_ON_TIME.numerator", chiso::stage::self, 1, "2026-09-01");
  r.input = "numerator";
  CHECK(error_of([&] { a.add(r); }) == "assessment.input");
  // A value for a leaf of named inputs without saying which.
  CHECK(error_of([&] { a.add(value_of("H44.03", "DVC_PROGRESS_ON_TIME", chiso::stage::self, 1, "2026-09-01")); },
                 &message) == "assessment.input");
  CHECK(message.find("DVC_PROGRESS_ON_TIME.numerator") != std::string::npos);
  // Not applicable is said of the criterion, not of one input.
  r = value_of("H44.03", "DVC_PROGRESS_ON_TIME.numerator", chiso::stage::self, std::nan(""), "2026-09-01", "none");
  r.applicable = false;
  CHECK(error_of([&] { a.add(r); }, &message) == "assessment.input");
  CHECK(message.find("field applicable") != std::string::npos);
  // An unknown name that is no input column at all stays an unknown criterion.
  CHECK(error_of([&] { a.add(value_of("H44.03", "NOPE.numerator", chiso::stage::self, 1, "2026-09-01")); }) ==
        "assessment.unknown_criterion");
  CHECK(a.records().empty());
  // Inputs are any number: the formula's result is checked when it is evaluated.
  a.add(value_of("H44.03", "DVC_PROGRESS_ON_TIME.numerator", chiso::stage::self, 5, "2026-09-01"));
  CHECK(a.records().size() == 1);
}

TEST_CASE("a leaf of inputs marked not applicable, then scored again: the latest record of the stage decides") {
  chiso::assessment a(service_index(), "2026-08", {{"H44.03", "Sở Tư pháp", ""}});
  a.add(self_records("H44.03"));
  chiso::record na = value_of("H44.03", "DVC_PROGRESS_ON_TIME", chiso::stage::self, std::nan(""), "2026-09-02",
                              "Không tiếp nhận hồ sơ");
  na.applicable = false;
  a.add(na);
  const auto leaf = a.plan().leaf_column("DVC_PROGRESS_ON_TIME");
  CHECK_FALSE(chiso::evaluate(a).applicable(0, leaf));
  // The council scores the criterion's inputs: it applies again, and the change needs a reason.
  CHECK(error_of([&] {
          a.add(value_of("H44.03", "DVC_PROGRESS_ON_TIME.numerator", chiso::stage::appraisal, 486, "2026-09-10"));
        }) == "assessment.reason_missing");
  a.add(value_of("H44.03", "DVC_PROGRESS_ON_TIME.numerator", chiso::stage::appraisal, 486, "2026-09-10",
                 "Đơn vị có tiếp nhận hồ sơ"));
  const chiso::assessment_result r = chiso::evaluate(a);
  CHECK(r.applicable(0, leaf));
  CHECK(points(r, 0, "DVC_PROGRESS_ON_TIME") == doctest::Approx(16.53));  // 486 (round 1) / 588 (self)
  // A self record of an input dated after the not-applicable mark makes the leaf apply at that
  // stage; a self record dated before an appraisal that would then lose its reason is refused.
  chiso::assessment b(service_index(), "2026-08", {{"H44.03", "Sở Tư pháp", ""}});
  b.add(self_records("H44.03"));
  na.timestamp = "2026-09-02";
  b.add(na);
  b.add(value_of("H44.03", "DVC_PROGRESS_ON_TIME.numerator", chiso::stage::self, 400, "2026-09-03"));
  CHECK(chiso::evaluate(b).applicable(0, leaf));
  CHECK(points(chiso::evaluate(b), 0, "DVC_PROGRESS_ON_TIME") == doctest::Approx(13.61));  // 20 × 400/588 = 13.605…
}

TEST_CASE("a PAR criterion defined by a formula over two inputs, appraised, under require_appraisal") {
  // A1: 2 × on-time / received dossiers (2 points); A2: a plan, yes/no (1 point). Both appraisal
  // criteria (the default source).
  const auto plan = std::make_shared<const chiso::plan>(chiso::parse_model(R"json({
    "format": "chiso-model/1", "id": "par-ratio", "name": "PAR ratio", "scale": 100, "ranking": {"by": "all"},
    "root": {"id": "PAR", "name": "PAR", "aggregate": "sum", "children": [
      {"id": "A1", "name": "Hồ sơ giải quyết đúng hạn", "max": 2, "inputs": ["on_time", "received"],
       "rule": {"kind": "formula", "expr": "2 * ratio(on_time, received, 0)"}},
      {"id": "A2", "name": "Kế hoạch CCHC", "max": 1, "rule": {"kind": "yes_no"}}]}})json"));
  chiso::assessment_policy policy;
  policy.require_appraisal = true;
  chiso::assessment a(plan, "2025", {{"u1", "Phường Ba Đình", ""}}, policy);
  chiso::record evidence = value_of("u1", "A1.on_time", chiso::stage::self, 90, "2025-11-01");
  evidence.evidence = {"45/BC-UBND"};
  a.add({evidence, value_of("u1", "A1.received", chiso::stage::self, 100, "2025-11-01"),
         value_of("u1", "A2", chiso::stage::self, 1, "2025-11-01")});
  std::string message;
  CHECK(error_of([&] { chiso::evaluate(a); }, &message) == "assessment.not_final");
  CHECK(message.find("A1") != std::string::npos);
  chiso::assessment_options provisional;
  provisional.provisional = true;
  const chiso::assessment_result self = chiso::evaluate(a, provisional);
  CHECK(self.eval.index(0) == doctest::Approx(93.33));  // (1.8 + 1) / 3
  CHECK_FALSE(self.final[0]);
  // The council counts 120 received dossiers (the unit left out 20) and confirms A2.
  a.add({value_of("u1", "A1.received", chiso::stage::appraisal, 120, "2025-12-01", "Thiếu 20 hồ sơ trực tiếp"),
         value_of("u1", "A2", chiso::stage::appraisal, 1, "2025-12-01")});
  const chiso::assessment_result appraised = chiso::evaluate(a);
  CHECK(appraised.final[0]);
  CHECK(appraised.eval.index(0) == doctest::Approx(83.33));  // (2 × 90/120 + 1) / 3 = 2.5 / 3
  CHECK(appraised.inputs(0, plan->input_column("A1.on_time")) == 90);  // self, not appraised
  CHECK(appraised.at(0, plan->leaf_column("A1")).origin == chiso::input_origin::appraisal);
  const std::vector<chiso::loss_row> lost = chiso::why_lost(a, appraised, "u1");
  CHECK(lost.front().criterion == "A1");
  CHECK(lost.front().lost == doctest::Approx(0.5));
  CHECK(lost.front().reason == "Thiếu 20 hồ sơ trực tiếp");

  // Evidence is the criterion's: a self record naming A1, without a value. Progress and the
  // missing-evidence flag read it (A2's self record has none).
  CHECK(chiso::progress(a).front().done == 0);
  chiso::record filed = value_of("u1", "A1", chiso::stage::self, std::nan(""), "2025-11-02");
  filed.evidence = {"45/BC-UBND", "12/TB-UBND"};
  a.add(filed);
  const chiso::progress_row p = chiso::progress(a).front();
  CHECK(p.total == 2);
  CHECK(p.self_scored == 2);
  CHECK(p.done == 1);
  const std::vector<chiso::evidence_flag> flags = chiso::missing_evidence(a);
  REQUIRE(flags.size() == 1);
  CHECK(flags.front().criterion == "A2");
  CHECK(chiso::evaluate(a).eval.index(0) == doctest::Approx(83.33));  // no value: the inputs score
  // The council's appraisals go on the inputs: a value for A1 itself is refused.
  CHECK(error_of([&] { a.add(value_of("u1", "A1", chiso::stage::appraisal, 1, "2025-12-02", "x")); }) ==
        "assessment.input");
  chiso::record empty = value_of("u1", "A1", chiso::stage::appraisal, std::nan(""), "2025-12-02", "x");
  CHECK(error_of([&] { a.add(empty); }) == "assessment.input");
  // The council finds A1 not applicable: the scoring table and self-vs-appraised report run.
  chiso::record na = value_of("u1", "A1", chiso::stage::appraisal_2, std::nan(""), "2025-12-20",
                              "Đơn vị không tiếp nhận hồ sơ");
  na.applicable = false;
  a.add(na);
  const chiso::assessment_result r = chiso::evaluate(a);
  CHECK_FALSE(r.applicable(0, plan->leaf_column("A1")));
  CHECK(r.eval.index(0) == doctest::Approx(100));  // A2 alone: 1 of 1
  for (const chiso::scoring_row& row : chiso::scoring_table(a, r, "u1"))
    if (row.criterion == "A1") {
      CHECK(row.self_evidence == filed.evidence);
      CHECK(row.origin == "appraisal_2");
    }
  const std::vector<chiso::cut_row> cuts = chiso::self_vs_appraised(a);
  CHECK(cuts.size() == 1);  // A2 (confirmed); A1's self record of evidence has no value to compare
}

TEST_CASE("a record read with an input field is chained as the input column, by the reader and by chiso verify") {
  chiso::assessment a(service_index(), "2026-08", {{"H44.03", "Sở Tư pháp", ""}});
  a.add(value_of("H44.03", "DVC_PROGRESS_ON_TIME.numerator", chiso::stage::self, 486, "2026-09-01"));
  std::string text = chiso::dump_assessment(a);
  const std::string column = "\"criterion\":\"DVC_PROGRESS_ON_TIME.numerator\"";
  REQUIRE(text.find(column) != std::string::npos);
  text.replace(text.find(column), column.size(), "\"criterion\":\"DVC_PROGRESS_ON_TIME\",\"input\":\"numerator\"");
  const chiso::assessment back = chiso::parse_assessment_json(text, a.shared_plan(), "a.json");
  CHECK(back.records() == a.records());
  const chiso::chain_state state = chiso::check_chain(text, "a.json");
  CHECK(state.first_broken == -1);
  CHECK(state.head == a.records().back().hash);
}
