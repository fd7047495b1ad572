// The appraisal as provinces run it: self → round 1 → explanation → round 2, deadlines and
// reopenings, evidence or explanation; and whatever is accepted reloads (JSON and CSV).
#include <doctest/doctest.h>

#include <chiso/error.hpp>
#include <chiso/assessment/reports.hpp>

#include <cmath>
#include <cstdio>
#include <random>

#include "fixture.hpp"

using namespace fixture;

namespace {
constexpr auto E = chiso::stage::explanation;
constexpr auto A2 = chiso::stage::appraisal_2;

chiso::record explanation(const std::string& unit, const std::string& criterion, double value, const std::string& time,
                          const std::string& text, std::vector<std::string> evidence) {
  chiso::record r = rec(unit, criterion, E, value, time);
  r.explanation = text;
  r.evidence = std::move(evidence);
  r.author = "Phòng Nội vụ";
  return r;
}

std::string error_of(chiso::assessment& a, chiso::record r, const char* id) {
  try {
    a.add(std::move(r));
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == id);
    return e.what();
  }
  FAIL("no error");
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Entered at a given instant (the entry clock of a test), as a store's clock would enter it.
chiso::record_entry at(const std::string& when) {
  chiso::record_entry e;
  e.now = chiso::parse_timestamp(when);
  return e;
}

chiso::record_entry history() {
  chiso::record_entry e;
  e.history = true;
  return e;
}

// Every record of `a` reloads, from its JSON and from its records CSV (with the same schedule).
void check_reloads(const chiso::assessment& a) {
  const std::string text = chiso::dump_assessment(a);
  const chiso::assessment b = chiso::parse_assessment_json(text, a.shared_plan(), "a.json");
  CHECK(b.records() == a.records());
  CHECK(chiso::dump_assessment(b) == text);
  CHECK(b.schedule().deadline == a.schedule().deadline);
  CHECK(b.schedule().acts == a.schedule().acts);
  chiso::assessment c(a.shared_plan(), a.period(), a.units(), a.policy(), a.schedule());
  c.add(chiso::parse_records_csv(chiso::records_csv(a), "r.csv"), history());
  CHECK(c.records() == a.records());
}
}  // namespace

TEST_CASE("issue 10.1: a self record dated before an existing appraisal that would leave it reasonless is refused") {
  chiso::assessment a(plan(), "2023", units());
  a.add(rec("u1", "A1.1", S, 2, "2023-10-01"));   // t1
  a.add(rec("u1", "A1.1", A, 2, "2023-11-20"));   // t3: confirms 2, no reason needed
  chiso::record late = rec("u1", "A1.1", S, 1.5, "2023-10-15");  // t2: entered last, dated between
  late.source = "records.csv:4";
  try {
    a.add(late);
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.reason_missing");
    CHECK(e.source() == "records.csv:4");  // the record that breaks it, not the appraisal
    CHECK(e.unit() == "u1");
    CHECK(e.node() == "A1.1");
    CHECK(contains(e.what(), "would leave an appraisal without its reason"));
    CHECK(contains(e.what(), "self-score 1.5"));
  }
  CHECK(a.records().size() == 2);
  check_reloads(a);
  // Dated after the appraisal, the same value is a new self-score the council has not seen: kept.
  a.add(rec("u1", "A1.1", S, 1.5, "2023-11-25"));
  check_reloads(a);
}

TEST_CASE("rounds: round 2 over round 1 over self; each round compares with the score before it") {
  chiso::assessment a(plan(), "2025", units());
  a.add(rec("u1", "A1.1", S, 2, "2025-12-01"));
  a.add(rec("u1", "A1.1", A, 1, "2026-01-10", "Thiếu tài liệu kiểm chứng"));
  CHECK(a.resolve(0, 0).origin == chiso::input_origin::appraisal);
  CHECK(a.resolve(0, 0).value == 1);
  // The unit explains with added evidence and asks for 1.75; the text is required.
  chiso::record silent = explanation("u1", "A1.1", 1.75, "2026-01-20", "", {"55/BC-UBND"});
  CHECK(contains(error_of(a, silent, "assessment.explanation"), "explanation"));
  a.add(explanation("u1", "A1.1", 1.75, "2026-01-20", "Bổ sung báo cáo 55/BC-UBND", {"55/BC-UBND"}));
  CHECK(a.resolve(0, 0).value == 1);  // an explanation is not a score
  // Round 2 moving from round 1's 1 to 1.75 needs a reason; confirming round 1 does not.
  CHECK(contains(error_of(a, rec("u1", "A1.1", A2, 1.75, "2026-02-01"), "assessment.reason_missing"),
                 "round-1 score 1 to 1.75"));
  a.add(rec("u1", "A1.1", A2, 1.75, "2026-02-01", "Chấp nhận tài liệu bổ sung"));
  const auto f = a.resolve(0, 0);
  CHECK(f.origin == chiso::input_origin::appraisal_2);
  CHECK(f.value == 1.75);
  CHECK(a.history("u1", "A1.1").size() == 4);
  // Round 2 without a round 1 compares with the self-score.
  a.add(rec("u2", "A1.1", S, 1.5, "2025-12-01"));
  CHECK(contains(error_of(a, rec("u2", "A1.1", A2, 1, "2026-02-01"), "assessment.reason_missing"), "self-score 1.5"));
  // A round-1 record dated before an existing round 2 that would leave it reasonless is refused.
  a.add(rec("u2", "A1.1", A2, 1.5, "2026-02-01"));
  CHECK(contains(error_of(a, rec("u2", "A1.1", A, 1.25, "2026-01-15", "Thiếu"), "assessment.reason_missing"),
                 "would leave an appraisal"));
  check_reloads(a);
}

TEST_CASE("rounds in the self-vs-appraised report and the scoring table, worked by hand") {
  chiso::assessment a = worked();
  // u1 A1.1: self 2, round 1 1.5 (fixture); the unit explains, round 2 restores 1.75.
  a.add(explanation("u1", "A1.1", 2, "2023-12-01", "Kế hoạch ban hành đúng hạn", {"98/KH-UBND"}));
  a.add(rec("u1", "A1.1", A2, 1.75, "2023-12-10", "Chấp nhận một phần"));
  const auto rows = chiso::self_vs_appraised(a);
  const chiso::cut_row* row = nullptr;
  for (const auto& r : rows)
    if (r.unit == "u1" && r.criterion == "A1.1") row = &r;
  REQUIRE(row != nullptr);
  CHECK(row->self_points == 2);
  CHECK(row->round1_points == 1.5);
  CHECK(row->round2_points == 1.75);
  CHECK(row->appraised_points == 1.75);
  CHECK(row->difference == -0.25);
  CHECK(row->round1_reason == "Thiếu tài liệu kiểm chứng");
  CHECK(row->round2_reason == "Chấp nhận một phần");
  CHECK(row->reason == "Chấp nhận một phần");
  CHECK(row->explanation == "Kế hoạch ban hành đúng hạn");
  CHECK(row->explanation_evidence == std::vector<std::string>{"98/KH-UBND"});
  // Criteria with one round only have NaN round-2 columns.
  for (const auto& r : rows)
    if (r.unit == "u1" && r.criterion == "A1.3") {
      CHECK(r.round1_points == 1);
      CHECK(std::isnan(r.round2_points));
    }
  // u1 now: A1 1.75 + 1 + 1 (95 %) = 3.75, A2 2 × 0.75 = 1.5 → 5.25 / 7 = 75.00.
  const auto result = chiso::evaluate(a);
  CHECK(result.eval.index(0) == doctest::Approx(75.0));
  const auto table = chiso::scoring_table(a, result, "u1");
  REQUIRE(table.size() == 5);
  CHECK(table[0].criterion == "A1.1");
  CHECK(table[0].max == 2);
  CHECK(table[0].self_value == 2);
  CHECK(table[0].self_evidence == std::vector<std::string>{"12/KH-UBND"});
  CHECK(table[0].round1_value == 1.5);
  CHECK(table[0].explanation_value == 2);
  CHECK(table[0].round2_value == 1.75);
  CHECK(table[0].final_points == 1.75);
  CHECK(table[0].origin == "appraisal_2");
  CHECK(table[3].criterion == "A2.1");
  CHECK(table[3].origin == "survey");
  CHECK(table[3].final_points == 1.5);
  CHECK(std::isnan(table[3].self_value));
  check_reloads(a);
}

TEST_CASE("deadlines: a record entered after its stage closed is refused until the period is reopened") {
  chiso::assessment_schedule schedule;
  // A date: to 23:59:59 of that day in the period's zone (Asia/Ho_Chi_Minh, +07:00).
  schedule.deadline[static_cast<std::size_t>(S)] = "2025-12-15";
  schedule.deadline[static_cast<std::size_t>(A)] = "2026-01-31T17:00:00+07:00";
  chiso::assessment a(plan(), "2025", units(), {}, schedule);
  CHECK(*a.closes_at(S) == chiso::parse_timestamp("2025-12-15T23:59:59.999999+07:00"));
  a.add(rec("u1", "A1.1", S, 2, "2025-12-15T16:59:00Z"), at("2025-12-15T16:59:30Z"));  // 23:59:30 Hanoi
  chiso::record late = rec("u1", "A1.2", S, 1, "2025-12-15T10:00:00+07:00");          // dated in time…
  late.source = "records.csv:7";
  try {
    a.add(late, at("2025-12-15T17:00:01Z"));  // …entered at 00:00:01 Hanoi the next day
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.deadline");
    CHECK(e.source() == "records.csv:7");
    CHECK(e.unit() == "u1");
    CHECK(e.node() == "A1.2");
    CHECK(contains(e.what(), "entered at 2025-12-15T17:00:01.000000Z (dated 2025-12-15T10:00:00+07:00)"));
    CHECK(contains(e.what(), "self stage closed (deadline 2025-12-15)"));
  }
  // Other stages have their own deadlines; the explanation stage has none.
  a.add(rec("u1", "A1.1", A, 2, "2026-01-31T16:00:00+07:00"), at("2026-01-31T16:00:00+07:00"));
  chiso::record cut = rec("u2", "A1.1", A, 2, "2026-01-31T16:30:00+07:00");
  try {
    a.add(cut, at("2026-01-31T18:00:00+07:00"));
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.deadline");
    CHECK(contains(e.what(), "appraisal stage closed"));
  }
  a.add(explanation("u1", "A1.1", std::nan(""), "2026-03-01", "Đã có minh chứng", {}), at("2026-03-01T09:00:00Z"));
  // A reopening needs a reason and an author, is dated after the deadline it reopens and runs past it.
  CHECK_THROWS_AS(a.reopen(S, "2025-12-31", "", "Sở Nội vụ", "2025-12-20", at("2025-12-20")), chiso::data_error);
  CHECK_THROWS_AS(a.reopen(S, "2025-12-31", "Gia hạn", "", "2025-12-20", at("2025-12-20")), chiso::data_error);
  CHECK_THROWS_AS(a.reopen(S, "2025-12-31", "Gia hạn", "Sở Nội vụ", "2025-12-14", at("2025-12-20")), chiso::data_error);
  CHECK_THROWS_AS(a.reopen(S, "2025-12-10", "Gia hạn", "Sở Nội vụ", "2025-12-20", at("2025-12-20")), chiso::data_error);
  CHECK(a.schedule().acts.empty());
  a.reopen(S, "2025-12-31", "Gia hạn do sáp nhập đơn vị", "Sở Nội vụ", "2025-12-20T09:00:00+07:00",
           at("2025-12-20T02:00:00Z"));
  // Records entered from the reopening up to its end are taken, later ones still refused.
  a.add(late, at("2025-12-21T09:00:00+07:00"));
  chiso::record later = rec("u1", "A1.3", S, 100, "2025-12-31T10:00:00+07:00");
  try {
    a.add(later, at("2026-01-01T00:00:01+07:00"));
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.deadline");
    CHECK(contains(e.what(), "reopened until 2025-12-31"));
  }
  REQUIRE(a.closes_at(S).has_value());
  CHECK(*a.closes_at(S) == chiso::parse_timestamp("2026-01-01T00:00:00+07:00") - 1);
  // A deadline set later is an act with its reason and author, and must not strand records already in.
  CHECK_THROWS_AS(a.set_deadline(E, "2026-02-01", "Chốt giải trình", "Sở Nội vụ", "2026-03-02", at("2026-03-02")),
                  chiso::data_error);
  CHECK(a.deadline(E).empty());
  CHECK_THROWS_AS(a.set_deadline(E, "", "", "Sở Nội vụ", "2026-03-02", at("2026-03-02")), chiso::data_error);
  a.set_deadline(E, "2026-03-31", "Chốt giải trình", "Sở Nội vụ", "2026-03-02", at("2026-03-02"));
  a.set_deadline(E, "", "Bỏ hạn giải trình", "Giám đốc Sở", "2026-03-03", at("2026-03-03"));
  CHECK(a.deadline(E).empty());
  REQUIRE(a.schedule().acts.size() == 3);
  CHECK(a.schedule().acts[2].author == "Giám đốc Sở");
  CHECK(a.schedule().acts[2].entered_at == "2026-03-03T00:00:00.000000Z");
  check_reloads(a);
  const std::string text = chiso::dump_assessment(a);
  CHECK(contains(text, "Gia hạn do sáp nhập đơn vị"));
  // The saved JSON names a bad schedule by its path.
  auto bad = text;
  bad.replace(bad.find("\"2025-12-15\""), 12, "\"15/12/2025\"");
  try {
    chiso::parse_assessment_json(bad, plan(), "a.json");
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.source() == "a.json:/schedule/deadlines/self");
  }
}

TEST_CASE("a criterion self-scored without evidence needs an explanation, or it is flagged") {
  chiso::assessment a(plan(), "2025", units());
  a.add(rec("u1", "A1.1", S, 2, "2025-12-01", {}, {}));  // no evidence, no explanation: flagged
  chiso::record explained = rec("u1", "A1.2", S, 1, "2025-12-01", {}, {});
  explained.explanation = "Báo cáo gửi qua hệ thống, không có văn bản giấy";
  a.add(explained);
  a.add(rec("u2", "A1.1", S, 1, "2025-12-01", {}, {}));
  a.add(explanation("u2", "A1.1", std::nan(""), "2026-01-20", "Bổ sung", {"7/BC"}));  // answered later
  a.add(rec("u2", "A1.2", S, 1, "2025-12-01"));                                  // has evidence
  // Progress counts the explained criterion as done, the flagged one not.
  const auto progress = chiso::progress(a);
  CHECK(progress[0].self_scored == 2);
  CHECK(progress[0].done == 1);
  const auto flags = chiso::missing_evidence(a);
  REQUIRE(flags.size() == 1);
  CHECK(flags[0].unit == "u1");
  CHECK(flags[0].criterion == "A1.1");
  CHECK(flags[0].value == 2);
  // An empty evidence reference is an error (it would not survive the CSV).
  chiso::record empty_ref = rec("u3", "A1.1", S, 1, "2025-12-01", {}, {"1/KH", ""});
  error_of(a, empty_ref, "assessment.evidence");
  check_reloads(a);
}

TEST_CASE("issue 10.1: whatever is accepted reloads, over many random record sequences") {
  std::mt19937 rng(20251117);
  const std::vector<std::string> criteria = {"A1.1", "A1.2", "A1.3", "A2.2"};
  const std::vector<std::vector<double>> values = {{0, 0.5, 1.5, 2, 1.3}, {0, 1}, {80, 95, 100, 120}, {0, 1, 2}};
  const std::vector<std::string> days = {"2025-12-01", "2025-12-10", "2025-12-20", "2026-01-05", "2026-01-15",
                                         "2026-01-25", "2026-02-05"};
  std::size_t accepted = 0, refused = 0;
  for (int sequence = 0; sequence < 300; ++sequence) {
    chiso::assessment_schedule schedule;
    if (rng() % 2) schedule.deadline[static_cast<std::size_t>(S)] = "2025-12-15";
    if (rng() % 3 == 0) schedule.deadline[static_cast<std::size_t>(A2)] = "2026-01-31";
    chiso::assessment a(plan(), "2025", units(), {}, schedule);
    for (int k = 0; k < 14; ++k) {
      if (rng() % 20 == 0) try {
          a.reopen(static_cast<chiso::stage>(rng() % 4), days[rng() % days.size()], "Gia hạn", "Sở Nội vụ",
                   "2026-01-01", at("2026-01-01"));
        } catch (const chiso::data_error&) {
          ++refused;  // no deadline to reopen, or one that does not run past it
        }
      const std::size_t c = rng() % criteria.size();
      chiso::record r = rec(rng() % 3 ? "u1" : "u2", criteria[c], static_cast<chiso::stage>(rng() % 4),
                            values[c][rng() % values[c].size()], days[rng() % days.size()], rng() % 2 ? "Lý do" : "");
      if (r.stage == E) r.explanation = rng() % 4 ? "Giải trình" : "";
      if (rng() % 8 == 0) {
        r.applicable = false;
        r.value = std::nan("");
      }
      try {
        a.add(r, at(r.timestamp));  // entered on the day it is dated
        ++accepted;
      } catch (const chiso::data_error&) {
        ++refused;
      }
    }
    check_reloads(a);
  }
  // The generator must exercise both sides.
  CHECK(accepted > 1000);
  CHECK(refused > 500);
}

TEST_CASE("units CSV: an empty group cell is an error naming the line (issue 10.7)") {
  try {
    chiso::parse_units_csv("id,name,group\nu1,Ba Đình,district\nu2,Hoàn Kiếm,\n", "units.csv");
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.unit_group");
    CHECK(e.source() == "units.csv:3");
    CHECK(e.unit() == "u2");
  }
  // Without a group column every unit is in the one unnamed group.
  CHECK(chiso::parse_units_csv("id,name\nu1,Ba Đình\n", "units.csv")[0].group.empty());
}

TEST_CASE("an evidence reference containing '|' is refused: the CSV form could not keep it (fuzz_assessment_json)") {
  chiso::assessment a(plan(), "2025", units());
  const std::string what = error_of(a, rec("u1", "A1.1", S, 1, "2025-12-01", {}, {"28/BC-UBND|un"}), "assessment.evidence");
  CHECK(contains(what, "'28/BC-UBND|un'"));
  CHECK(contains(what, "u1"));
  CHECK(a.records().empty());
  a.add(rec("u1", "A1.1", S, 1, "2025-12-01", {}, {"28/BC-UBND", "un"}));  // two references: kept as two
  check_reloads(a);
}

TEST_CASE("units: saved units reload, with or without groups; a unit without a group among grouped ones is refused (fuzz_units_csv)") {
  const std::string path = "chiso-test-units-saved.csv";
  // Read without a group column: saved without one, so that no empty group cell is written.
  const auto ungrouped = chiso::parse_units_csv("id,name\nba-dinh,Ba Đình\nba-din,dit\n", "units.csv");
  chiso::save_units_csv(ungrouped, path);
  const auto reloaded = chiso::load_units_csv(path);
  REQUIRE(reloaded.size() == 2);
  CHECK(reloaded[1].id == "ba-din");
  CHECK(reloaded[1].group.empty());
  const std::vector<chiso::unit_info> grouped = {{"u1", "Ba Đình", "district"}, {"u2", "Sở Tư pháp", "department"}};
  chiso::save_units_csv(grouped, path);
  CHECK(chiso::load_units_csv(path)[1].group == "department");
  std::remove(path.c_str());
  try {
    chiso::assessment mixed(plan(), "2025", {{"u1", "Ba Đình", "district"}, {"u2", "Sở Tư pháp", ""}});
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.unit_group");
    CHECK(e.unit() == "u2");
  }
}
