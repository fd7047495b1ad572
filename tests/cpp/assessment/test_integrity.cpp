// The record is evidence (issue 22): the two clocks, the period's time zone, text refused at the
// door, hash chains that detect a change made behind chiso's back, and limits on the file.
#include <doctest/doctest.h>

#include <chiso/assessment.hpp>
#include <chiso/error.hpp>
#include <chiso/model_json.hpp>

#include "fixture.hpp"

using namespace fixture;

namespace {

chiso::record_entry at(const std::string& when) {
  chiso::record_entry e;
  e.now = chiso::parse_timestamp(when);
  return e;
}

chiso::record_entry history_at(const std::string& when) {
  chiso::record_entry e = at(when);
  e.history = true;
  return e;
}

chiso::data_error error_of(chiso::assessment& a, chiso::record r, const chiso::record_entry& e = {}) {
  try {
    a.add(std::move(r), e);
  } catch (const chiso::data_error& error) {
    return error;
  }
  FAIL("no error");
  return chiso::data_error("none", "", "", "");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("text at the door: control characters, lone surrogates and bidirectional overrides are refused, naming the field") {
  chiso::assessment a(plan(), "2023", units());
  struct bad_text {
    std::string text, what;
  };
  const std::vector<bad_text> cases = {{std::string("a\0b", 3), "U+0000"},       {"a\vb", "U+000B"},
                                       {"\x1b[31m", "U+001B"},                   {"a\x7f", "U+007F"},
                                       {"a\r\nb", "U+000D"},                     {"\xc2\x85", "U+0085"},
                                       {"abc\xe2\x80\xae" "fdp.exe", "U+202E"}, {"\xed\xa0\x80", "lone surrogate U+D800"},
                                       {"\xff", "not UTF-8"}};
  for (const auto& c : cases) {
    CAPTURE(c.what);
    chiso::record r = rec("u1", "A1.1", S, 2, "2023-10-10");
    r.note = c.text;
    r.source = "records.csv:3";
    const auto e = error_of(a, r);
    CHECK(e.id() == "assessment.text");
    CHECK(e.source() == "records.csv:3");
    CHECK(e.unit() == "u1");
    CHECK(contains(e.what(), "field note"));
    CHECK(contains(e.what(), c.what));
  }
  chiso::record r = rec("u1", "A1.1", S, 2, "2023-10-10", {}, {"12/KH\x1b"});
  CHECK(contains(error_of(a, r).what(), "field evidence contains a control character U+001B at character 6"));
  r = rec("u1", "A1.1", S, 2, "2023-10-10");
  r.author = "\xe2\x81\xa6x";  // U+2066, an isolate
  CHECK(contains(error_of(a, r).what(), "field author contains a bidirectional override U+2066 at character 1"));
  CHECK(a.records().empty());
  // Tab and line feed are text; so is Vietnamese.
  r = rec("u1", "A1.1", S, 2, "2023-10-10");
  r.note = "Dòng một\nDòng\thai";
  a.add(r);
  CHECK(a.records().size() == 1);
  // Units and the model are checked where they enter.
  auto named = units();
  named[1].name = "Quận\x0bHoàn Kiếm";
  try {
    chiso::assessment b(plan(), "2023", named);
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.text");
    CHECK(e.unit() == "u2");
    CHECK(contains(e.what(), "the unit's name contains a control character U+000B at character 5"));
  }
  std::string model = model_text;
  model.replace(model.find("\"mini\""), 6, "\"mi\\u202eni\"");
  try {
    (void)chiso::parse_model(model);
    FAIL("no error");
  } catch (const chiso::model_error& e) {
    CHECK(e.id() == "model.text");
    CHECK(e.path() == "/id");
    CHECK(contains(e.what(), "U+202E"));
  }
}

TEST_CASE("two clocks: chiso sets entered_at; a stated date may not run ahead of it") {
  chiso::assessment a(plan(), "2023", units());
  a.add(rec("u1", "A1.1", S, 2, "2023-10-10T09:00:00+07:00"), at("2023-10-10T02:00:00.5Z"));
  CHECK(a.records()[0].entered_at == "2023-10-10T02:00:00.500000Z");
  // Five minutes ahead of the clock is tolerated (another machine's clock), more is not.
  a.add(rec("u1", "A1.2", S, 1, "2023-10-10T09:05:00+07:00"), at("2023-10-10T02:00:00Z"));
  auto e = error_of(a, rec("u1", "A1.3", S, 100, "2023-10-10T09:05:01+07:00"), at("2023-10-10T02:00:00Z"));
  CHECK(e.id() == "assessment.future");
  CHECK(contains(e.what(), "later than its entry at 2023-10-10T02:00:00.000000Z"));
  // A 2099 appraisal by "anyone" does not outrank the council: it is refused (system clock).
  chiso::record forged = rec("u1", "A1.1", A, 0, "2099-01-01", "x");
  forged.author = "anyone";
  CHECK(error_of(a, forged).id() == "assessment.future");
  CHECK(error_of(a, rec("u1", "A1.1", A, 0, "9999-12-31", "x")).id() == "assessment.future");
  // History keeps the entry time it carries; without one a record is imported.
  chiso::assessment b(plan(), "2023", units());
  chiso::record old = rec("u1", "A1.1", S, 2, "2023-10-10");
  old.entered_at = "2023-10-11T08:00:00.000000Z";
  chiso::record imported = rec("u1", "A1.2", S, 1, "2023-10-10");
  b.add({old, imported}, history_at("2024-01-01T00:00:00Z"));
  CHECK(b.records()[0].entered_at == "2023-10-11T08:00:00.000000Z");
  CHECK(b.records()[1].entered_at.empty());
  // History may not claim an entry in the future, nor an imported date in the future.
  chiso::record ahead = rec("u1", "A1.3", S, 100, "2023-10-10");
  ahead.entered_at = "2024-01-01T00:05:01Z";
  CHECK(error_of(b, ahead, history_at("2024-01-01T00:00:00Z")).id() == "assessment.future");
  CHECK(error_of(b, rec("u1", "A1.3", S, 100, "2024-01-01T07:06:00+07:00"), history_at("2024-01-01T00:00:00Z")).id() ==
        "assessment.future");
}

TEST_CASE("deadlines are enforced on entry; imported history on its stated date") {
  chiso::assessment_schedule schedule;
  schedule.deadline[static_cast<std::size_t>(S)] = "2023-10-31";
  chiso::assessment a(plan(), "2023", units(), {}, schedule);
  // Entered today (2024), stamped 2023-10-30: late, whatever it says.
  auto e = error_of(a, rec("u1", "A1.1", S, 2, "2023-10-30"), at("2024-03-01T00:00:00Z"));
  CHECK(e.id() == "assessment.deadline");
  // Imported history has no entry time: its stated date is checked (in time here, late there).
  a.add(rec("u1", "A1.1", S, 2, "2023-10-30"), history_at("2024-03-01T00:00:00Z"));
  e = error_of(a, rec("u1", "A1.2", S, 1, "2023-11-01"), history_at("2024-03-01T00:00:00Z"));
  CHECK(e.id() == "assessment.deadline");
  CHECK(contains(e.what(), "imported: its entry time is unknown"));
}

TEST_CASE("a period's time zone: naive times and date-only deadlines are local") {
  chiso::assessment hanoi(plan(), "2023", units());
  CHECK(hanoi.zone().name() == "Asia/Ho_Chi_Minh");
  CHECK(hanoi.instant("2023-10-31T09:00:00") == chiso::parse_timestamp("2023-10-31T02:00:00Z"));
  CHECK(hanoi.instant("2023-10-31") == chiso::parse_timestamp("2023-10-30T17:00:00Z"));
  CHECK(hanoi.instant("2023-10-31T09:00:00Z") == chiso::parse_timestamp("2023-10-31T09:00:00Z"));
  chiso::assessment_schedule schedule;
  schedule.deadline[static_cast<std::size_t>(S)] = "2023-10-31";
  chiso::assessment a(plan(), "2023", units(), {}, schedule);
  // 23:59:59 local is in time; midnight local is not (the day ends in Hanoi, not at 06:59 the next morning).
  CHECK(*a.closes_at(S) == chiso::parse_timestamp("2023-10-31T23:59:59.999999+07:00"));
  a.add(rec("u1", "A1.1", S, 2, "2023-10-31T23:59:59"), at("2023-10-31T16:59:59Z"));
  CHECK(error_of(a, rec("u1", "A1.2", S, 1, "2023-10-31T23:00:00"), at("2023-10-31T17:00:00Z")).id() ==
        "assessment.deadline");
  chiso::assessment utc(plan(), "2023", units(), {}, {}, chiso::time_zone("UTC"));
  CHECK(utc.instant("2023-10-31T09:00:00") == chiso::parse_timestamp("2023-10-31T09:00:00Z"));
  CHECK(chiso::time_zone("-03:30").offset_minutes() == -210);
  CHECK_THROWS_AS(chiso::time_zone("Mars/Olympus"), chiso::data_error);
  // The zone is saved and read back.
  const auto b = chiso::parse_assessment_json(chiso::dump_assessment(utc), plan(), "a.json");
  CHECK(b.zone().name() == "UTC");
}

TEST_CASE("hash chains: a record changed in the file is detected on reading, naming it") {
  chiso::assessment a = worked();
  const std::string text = chiso::dump_assessment(a);
  const auto b = chiso::parse_assessment_json(text, plan(), "a.json");
  CHECK(b.records() == a.records());
  CHECK(b.records().back().hash == a.records().back().hash);
  auto state = chiso::check_chain(text, "a.json");
  CHECK(state.first_broken == -1);
  CHECK(state.records == a.records().size());
  CHECK(state.head == a.records().back().hash);
  // The council's cut of u1 A1.1 (1.5) rewritten to 2 behind chiso's back: record 1 breaks.
  std::string forged = text;
  const std::string cut = "\"stage\":\"appraisal\",\"timestamp\":\"2023-11-25T09:00:00+07:00\",\"unit\":\"u1\",\"value\":1.5";
  REQUIRE(contains(forged, cut));
  forged.replace(forged.find(cut), cut.size(), "\"stage\":\"appraisal\",\"timestamp\":\"2023-11-25T09:00:00+07:00\",\"unit\":\"u1\",\"value\":2.0");
  try {
    (void)chiso::parse_assessment_json(forged, plan(), "a.json");
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.chain");
    CHECK(e.source() == "a.json:/records/1");
    CHECK(e.unit() == "u1");
  }
  state = chiso::check_chain(forged, "a.json");
  CHECK(state.first_broken == 1);
  // Forensics: read it anyway.
  const auto c = chiso::parse_assessment_json(forged, plan(), "a.json", false);
  CHECK(c.records()[1].value == 2);
  // Hashes stripped from the last records: detected too.
  const auto last = text.rfind(",\"hash\":\"");
  std::string stripped = text;
  stripped.erase(last, 74);
  REQUIRE(contains(text.substr(last, 74), a.records().back().hash));
  CHECK_THROWS_AS((void)chiso::parse_assessment_json(stripped, plan(), "a.json"), chiso::data_error);
  // An act of the schedule without its hash after one that has it: refused.
  chiso::assessment_schedule schedule;
  schedule.deadline[static_cast<std::size_t>(S)] = "2023-10-31";
  chiso::assessment d(plan(), "2023", units(), {}, schedule);
  d.reopen(S, "2023-11-10", "Gia hạn", "Sở Nội vụ", "2023-11-01", at("2023-11-01T03:00:00Z"));
  d.reopen(S, "2023-11-20", "Gia hạn lần hai", "Sở Nội vụ", "2023-11-11", at("2023-11-11T03:00:00Z"));
  std::string acts = chiso::dump_assessment(d);
  const auto act_hash = acts.rfind("\"hash\": \"", acts.find("\"records\""));  // the last act's (indented)
  REQUIRE(act_hash != std::string::npos);
  acts.erase(act_hash, acts.find('\n', act_hash) + 1 - act_hash);
  try {
    (void)chiso::parse_assessment_json(acts, plan(), "a.json");
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.chain");
    CHECK(contains(e.what(), "carries no hash after acts that carry one"));
  }
  // A record moved to another period breaks the chain at once (the chain starts from model and period).
  std::string moved = text;
  moved.replace(moved.find("\"period\": \"2023\""), 16, "\"period\": \"2024\"");
  CHECK_THROWS_AS((void)chiso::parse_assessment_json(moved, plan(), "a.json"), chiso::data_error);
}

TEST_CASE("assessment JSON: size and depth limits, types and unknown fields") {
  // 1 MB of nested lists in the description: refused before it is parsed.
  std::string deep = "{\"format\": \"chiso-assessment/1\", \"model\": \"mini\", \"period\": \"2023\", \"description\": " +
                     std::string(1 << 20, '[');
  try {
    (void)chiso::parse_assessment_json(deep, plan(), "deep.json");
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "assessment.json");
    CHECK(contains(e.what(), "nested deeper than 8 levels"));
  }
  const std::string head = "{\"format\": \"chiso-assessment/1\", \"model\": \"mini\", \"period\": \"2023\", \"units\": []";
  try {
    (void)chiso::parse_assessment_json(head + ", \"description\": [1]}", plan(), "a.json");
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.source() == "a.json:/description");
  }
  try {
    (void)chiso::parse_assessment_json(head + ", \"descripton\": \"x\"}", plan(), "a.json");
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.source() == "a.json:/descripton");
  }
  const auto a = chiso::parse_assessment_json(head + ", \"description\": \"Kỳ đánh giá 2023\"}", plan(), "a.json");
  CHECK(a.description() == "Kỳ đánh giá 2023");
  CHECK(contains(chiso::dump_assessment(a), "\"description\": \"Kỳ đánh giá 2023\""));
}
