// Records, history, final inputs, and every kind of bad record (each names the record, and the
// assessment keeps what it had).
#include <doctest/doctest.h>

#include <chiso/error.hpp>

#include "fixture.hpp"

using namespace fixture;

TEST_CASE("a newer record supersedes an older one of the same stage; both stay in the history") {
  chiso::assessment a(plan(), "2023", units());
  a.add(rec("u1", "A1.1", S, 1, "2023-10-01T08:00:00+07:00", {}, {}));
  a.add(rec("u1", "A1.1", S, 1.5, "2023-10-05T08:00:00+07:00"));
  // Entered later but dated earlier: kept in the history, not in force.
  a.add(rec("u1", "A1.1", S, 0.5, "2023-09-30T08:00:00+07:00"));
  CHECK(a.records().size() == 3);
  REQUIRE(a.current("u1", "A1.1", S) != nullptr);
  CHECK(a.current("u1", "A1.1", S)->value == 1.5);
  const auto h = a.history("u1", "A1.1");
  REQUIRE(h.size() == 3);
  CHECK(h[0]->value == 0.5);
  CHECK(h[2]->value == 1.5);
  // As of 3 October only the first two count: the one of 1 October is in force.
  CHECK(a.current("u1", "A1.1", S, chiso::parse_timestamp("2023-10-03"))->value == 1);
  // The final input is the self value until the council appraises.
  CHECK(a.resolve(0, 0).origin == chiso::input_origin::self);
  a.add(rec("u1", "A1.1", A, 1.25, "2023-11-20T10:00:00+07:00", "Thiếu minh chứng"));
  const auto f = a.resolve(0, 0);
  CHECK(f.origin == chiso::input_origin::appraisal);
  CHECK(f.value == 1.25);
  CHECK(a.records()[static_cast<std::size_t>(f.record)].note == "Thiếu minh chứng");
}

TEST_CASE("timestamps: ISO 8601 with offsets are compared as instants") {
  CHECK(chiso::parse_timestamp("2023-10-01T08:00:00+07:00") == chiso::parse_timestamp("2023-10-01T01:00:00Z"));
  CHECK(chiso::parse_timestamp("1970-01-01") == 0);
  CHECK(chiso::parse_timestamp("1970-01-02T00:00:01.5Z") == 86401500000);
  CHECK_THROWS_AS(chiso::parse_timestamp("2023-02-29"), chiso::data_error);
  CHECK_THROWS_AS(chiso::parse_timestamp("31/10/2023"), chiso::data_error);
  CHECK_THROWS_AS(chiso::parse_timestamp("2023-10-01T25:00"), chiso::data_error);
}

namespace {
// Adds `bad` after the worked records and checks the error and that nothing was lost.
std::string rejected(chiso::record bad, const char* id) {
  chiso::assessment a(plan(), "2023", units());
  a.add(records());
  const auto before = a.records();
  bad.source = "records.csv:42";
  std::string message;
  try {
    a.add(bad);
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == id);
    CHECK(e.source() == "records.csv:42");
    message = e.what();
  }
  CHECK(a.records() == before);
  CHECK(a.current("u1", "A1.1", A)->value == 1.5);
  return message;
}
}  // namespace

TEST_CASE("bad records are errors naming the record, and nothing already loaded is lost") {
  const std::string t = "2023-12-01T09:00:00+07:00";
  CHECK(rejected(rec("u9", "A1.1", S, 1, t), "assessment.unknown_unit").find("unit 'u9'") != std::string::npos);
  CHECK(rejected(rec("u1", "A9.9", S, 1, t), "assessment.unknown_criterion").find("criterion 'A9.9'") != std::string::npos);
  CHECK(rejected(rec("u1", "A1", S, 1, t), "assessment.unknown_criterion").find("group of criteria") != std::string::npos);
  CHECK(rejected(rec("u1", "A1.3", S, 120, t), "assessment.range").find("[0, 100]") != std::string::npos);
  CHECK(rejected(rec("u1", "A1.1", S, 1.3, t), "assessment.range").find("multiple of 0.25") != std::string::npos);
  CHECK(rejected(rec("u1", "A1.1", S, 2.25, t), "assessment.range").find("[0, 2]") != std::string::npos);
  CHECK(rejected(rec("u1", "A1.2", S, 0.5, t), "assessment.range").find("1 or 0") != std::string::npos);
  CHECK(rejected(rec("u1", "A2.2", S, 1.5, t), "assessment.range").find("whole number") != std::string::npos);
  // Same unit, criterion, stage and instant as an existing record (written in another zone).
  CHECK(rejected(rec("u1", "A1.1", S, 1, "2023-10-10T02:00:00Z"), "assessment.duplicate").find("same timestamp") !=
        std::string::npos);
  // An appraisal that differs from the self-score in force needs a reason.
  CHECK(rejected(rec("u2", "A1.1", A, 1, t), "assessment.reason_missing").find("1.75 to 1") != std::string::npos);
  chiso::record na = not_applicable("u1", "A1.2", "", t);
  CHECK(rejected(na, "assessment.reason_missing").find("reason") != std::string::npos);
  chiso::record no_value = rec("u1", "A1.1", S, std::nan(""), t);
  rejected(no_value, "assessment.value");
  rejected(rec("u1", "A1.1", S, 1, "yesterday"), "assessment.timestamp");
  // A reason of spaces only (here a no-break and an ideographic space) is no reason.
  CHECK(rejected(rec("u2", "A1.1", A, 1, t, " \u00a0\u3000 "), "assessment.reason_missing").find("1.75 to 1") !=
        std::string::npos);
}

TEST_CASE("a record entered says who states it; history keeps what it carries") {
  const std::string t = "2023-12-01T09:00:00+07:00";
  for (const std::string nobody : {"", "  ", "\t\u00a0", "\u200b\u3000"}) {
    chiso::record r = rec("u1", "A1.1", A, 1.5, t);
    r.author = nobody;
    CHECK(rejected(r, "assessment.author").find("needs its author") != std::string::npos);
  }
  // Records read as history (a file written before authors were asked for) still load.
  chiso::assessment a(plan(), "2023", units());
  chiso::record imported = rec("u1", "A1.1", S, 1, "2023-10-01T08:00:00+07:00");
  imported.author.clear();
  chiso::record_entry history;
  history.history = true;
  a.add(imported, history);
  CHECK(a.records().size() == 1);
}

TEST_CASE("a batch with one bad record is refused whole") {
  chiso::assessment a(plan(), "2023", units());
  auto batch = records();
  batch[5].note.clear();  // u1 A1.3 appraisal 95 against self 100, no reason
  batch[5].source = "/records/5";
  try {
    a.add(batch);
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.source() == "/records/5");
    CHECK(e.unit() == "u1");
    CHECK(e.node() == "A1.3");
  }
  CHECK(a.records().empty());
  CHECK(a.current("u1", "A1.1", S) == nullptr);
  a.add(records());  // the assessment still works
  CHECK(a.records().size() == records().size());
}

TEST_CASE("the reason check looks at the self-score in force at the appraisal's time, in any order") {
  chiso::assessment a(plan(), "2023", units());
  // The appraisal is listed first; the self record it confirms is dated before it.
  a.add(std::vector<chiso::record>{rec("u1", "A1.1", A, 1.5, "2023-11-20"), rec("u1", "A1.1", S, 1.5, "2023-10-20")});
  CHECK(a.records().size() == 2);
  // An appraisal with no self record before it needs no reason.
  a.add(rec("u2", "A1.1", A, 1, "2023-11-20"));
}

TEST_CASE("units: ids are required and unique") {
  CHECK_THROWS_AS(chiso::assessment(plan(), "2023", {{"u1", "", ""}, {"u1", "", ""}}), chiso::data_error);
  CHECK_THROWS_AS(chiso::assessment(plan(), "2023", {{"", "x", ""}}), chiso::data_error);
}

TEST_CASE("JSON: a lossless round trip, and errors naming the JSON path") {
  chiso::assessment a = worked();
  const std::string text = chiso::dump_assessment(a);
  chiso::assessment b = chiso::parse_assessment_json(text, plan(), "a.json");
  CHECK(b.period() == "2023");
  CHECK(b.units().size() == 3);
  CHECK(b.units()[2].name == "Sở Nội vụ");
  CHECK(b.records() == a.records());
  CHECK(chiso::dump_assessment(b) == text);
  CHECK(b.records()[4].source == "a.json:/records/4");
  // Not-applicable records keep a null value, evidence lists and Vietnamese notes.
  CHECK(text.find("\"value\":null") != std::string::npos);
  CHECK(text.find("Không có nhiệm vụ báo cáo") != std::string::npos);

  auto fails = [](const std::string& doc, const std::string& where) {
    try {
      chiso::parse_assessment_json(doc, plan(), "a.json");
      FAIL("no error");
    } catch (const chiso::data_error& e) {
      CHECK(e.source().rfind(where, 0) == 0);
    }
  };
  const std::string head = R"({"format": "chiso-assessment/1", "model": "mini", "period": "2023", "units": [{"id": "u1"}], )";
  fails(head + R"("records": [{"unit": "u1", "criterion": "A1.1", "stage": "self", "value": "2", "timestamp": "2023-10-01"}]})",
        "a.json:/records/0/value");
  fails(head + R"("records": [{"unit": "u1", "criterion": "A1.1", "stage": "tự", "value": 2, "timestamp": "2023-10-01"}]})",
        "a.json:/records/0/stage");
  fails(head + R"("records": [{"unit": "u1", "criterion": "A1.1", "stage": "self", "value": 3, "timestamp": "2023-10-01"}]})",
        "a.json:/records/0");
  fails(head + R"("records": [{"unit": "u1", "criterion": "A1.1", "stage": "self", "vaule": 2, "timestamp": "2023-10-01"}]})",
        "a.json:/records/0/vaule");
  fails(R"({"format": "chiso-assessment/1", "model": "other", "period": "2023", "units": []})", "a.json:/model");
  fails(R"({"format": "chiso-assessment/1", "model": "mini", )", "a.json:byte ");
}

TEST_CASE("CSV: a round trip, quoting, and errors naming file:line") {
  chiso::assessment a = worked();
  const std::string text = chiso::records_csv(a);
  const auto back = chiso::parse_records_csv(text, "r.csv");
  CHECK(back == a.records());
  CHECK(back[1].source == "r.csv:3");

  const std::string header = "unit,criterion,stage,value,applicable,evidence,note,author,timestamp\n";
  const auto quoted = chiso::parse_records_csv(
      header + "u1,A1.1,appraisal,1.5,yes,,\"Thiếu, chưa đủ \"\"minh chứng\"\"\nxem lại\",HĐ,2023-11-01\n", "r.csv");
  CHECK(quoted[0].note == "Thiếu, chưa đủ \"minh chứng\"\nxem lại");
  const auto evidence = chiso::parse_records_csv(header + "u1,A1.1,self,2,,1/KH|2/BC,,,2023-10-01\n", "r.csv");
  CHECK(evidence[0].evidence == std::vector<std::string>{"1/KH", "2/BC"});

  auto fails = [&](const std::string& body, const char* id, const std::string& where) {
    try {
      chiso::parse_records_csv(body, "r.csv");
      FAIL("no error");
    } catch (const chiso::data_error& e) {
      CHECK(e.id() == id);
      CHECK(e.source() == where);
    }
  };
  fails(header + "u1,A1.1,self,2,yes,,,,2023-10-01\nu1,A1.2,self,\"1,yes,,,,2023-10-01\n", "csv.malformed", "r.csv:3");
  fails(header + "u1,A1.1,self,2,yes,,,2023-10-01\n", "csv.fields", "r.csv:2");
  fails(header + "u1,A1.1,self,two,yes,,,,2023-10-01\n", "assessment.value", "r.csv:2");
  fails(header + "u1,A1.1,self,2,maybe,,,,2023-10-01\n", "assessment.applicable", "r.csv:2");
  fails("unit,criterion,stag,value,timestamp\n", "csv.header", "r.csv:1");
}
