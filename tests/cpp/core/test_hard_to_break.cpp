// Regression tests for the defects that fuzzing, differential testing and a new user's mistakes
// found (issue 10): each test is named after what it guards. Expected values are worked by hand
// from FORMAT.md; decimal roundings were checked with Python's decimal module
// (Decimal(text).quantize(Decimal("1e-k"), ROUND_HALF_UP / ROUND_HALF_EVEN)).
#include "helpers.hpp"

#include <chiso/assessment.hpp>
#include <chiso/assessment/survey.hpp>

#include <cstdio>
#include <fstream>

using namespace chiso_test;
using chiso::data_error;
using chiso::model_error;

namespace {

model_error parse_error(const std::string& text) {
  return caught<model_error>([&] { (void)chiso::parse_model(text); });
}

// True when every byte of `text` is 7-bit ASCII or part of a well-formed UTF-8 sequence, checked
// here independently of chiso's own helper (the lead bytes and continuation counts of RFC 3629).
bool is_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : c >= 0xC2 && c < 0xE0 ? 2 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xF0 && c < 0xF5 ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

const std::string model_head = R"({"format": "chiso-model/1", "id": "m", )";

// A model of one `points` leaf of max 10 under a sum root, with the leaf's `max` written as given.
std::string one_leaf_model(const std::string& max_text) {
  return model_head + R"("root": {"id": "R", "aggregate": "sum", "children": [)" +
         R"({"id": "a", "max": )" + max_text + R"(, "rule": {"kind": "points"}}]}})";
}

std::shared_ptr<const chiso::plan> small_plan() {
  return std::make_shared<const chiso::plan>(chiso::parse_model(one_leaf_model("10")));
}

}  // namespace

// --- numbers beyond a double (item 2) -----------------------------------------------------------

TEST_CASE("a number too large for a double in a model names its JSON path") {
  const model_error e = parse_error(one_leaf_model("9e500"));
  CHECK(e.id() == "model.number_range");
  CHECK(e.path() == "/root/children/0/max");
  CHECK(contains(e.what(), "9e500"));
  const model_error negative = parse_error(one_leaf_model("-9e500"));
  CHECK(negative.path() == "/root/children/0/max");
}

TEST_CASE("a number too large for a double inside a list names its index") {
  const std::string text = model_head + R"("root": {"id": "R", "aggregate": "sum", "children": [)" +
                           R"({"id": "a", "max": 2, "rule": {"kind": "points", "values": [0, 1e999]}}]}})";
  const model_error e = parse_error(text);
  CHECK(e.id() == "model.number_range");
  CHECK(e.path() == "/root/children/0/rule/values/1");
}

TEST_CASE("a document that is only a huge number is a chiso error at /") {
  const model_error e = parse_error("9e500");
  CHECK(e.id() == "model.number_range");
  CHECK(e.path() == "/");
}

TEST_CASE("a number too large for a double in an assessment file names its JSON path") {
  const std::string text =
      R"({"format": "chiso-assessment/1", "model": "m", "period": "2025", "units": [{"id": "u1"}],)"
      R"( "records": [{"unit": "u1", "criterion": "a", "stage": "self", "value": 9e500, "timestamp": "t1"}]})";
  const data_error e = caught<data_error>([&] { (void)chiso::parse_assessment_json(text, small_plan(), "a.json"); });
  CHECK(e.id() == "assessment.json");
  CHECK(e.source() == "a.json:/records/0/value");
  CHECK(contains(e.what(), "too large for a double"));
}

// --- repeated keys (item 8) ---------------------------------------------------------------------

TEST_CASE("a key repeated in a model object is an error naming its path") {
  const model_error top = parse_error(model_head + R"("id": "again", "root": {}})");
  CHECK(top.id() == "model.duplicate_key");
  CHECK(top.path() == "/id");
  const std::string nested = model_head + R"("root": {"id": "R", "aggregate": "sum", "children": [)" +
                             R"({"id": "a", "max": 2, "max": 3, "rule": {"kind": "points"}}]}})";
  const model_error inner_key = parse_error(nested);
  CHECK(inner_key.id() == "model.duplicate_key");
  CHECK(inner_key.path() == "/root/children/0/max");
}

TEST_CASE("a key repeated in an assessment file is an error naming its path") {
  const std::string text =
      R"({"format": "chiso-assessment/1", "model": "m", "period": "2025", "units": [{"id": "u1", "id": "u2"}]})";
  const data_error e = caught<data_error>([&] { (void)chiso::parse_assessment_json(text, small_plan(), "a.json"); });
  CHECK(e.id() == "assessment.json");
  CHECK(e.source() == "a.json:/units/0/id");
}

TEST_CASE("the same key in two different objects is not a repeat") {
  const chiso::model m = chiso::parse_model(one_leaf_model("10"));
  CHECK(m.leaf_ids() == std::vector<std::string>{"a"});
}

// --- encodings (item 3) -------------------------------------------------------------------------

TEST_CASE("a model file in Windows-1258 gives a UTF-8 message naming the byte") {
  // "Chỉ số" in Windows-1258 starts "Ch" then 0xC3 0xEC ... ; here one byte 0xE0 ("à") is enough.
  const std::string before = model_head + "\n\"name\": \"Ch";
  const std::string text = before + "\xE0\", \"root\": {}}";
  const model_error e = parse_error(text);
  CHECK(e.id() == "model.encoding");
  CHECK(is_utf8(e.what()));
  // The byte sits after the head (one line), the newline and `"name": "Ch` (11 bytes).
  CHECK(contains(e.what(), "byte offset " + std::to_string(before.size())));
  CHECK(contains(e.what(), "(byte 12 of line 2)"));
  CHECK(contains(e.what(), "0xE0"));
  CHECK(contains(e.what(), "UTF-8"));
}

TEST_CASE("an error quoting bytes that are not UTF-8 writes them as \\xNN") {
  const data_error e("data.test", "Qu\xE1n 1", "", "bad");
  CHECK(is_utf8(e.what()));
  CHECK(contains(e.what(), "unit 'Qu\\xE1n 1'"));
  CHECK(e.unit() == "Qu\\xE1n 1");
  const model_error m("model.test", "/root/x\xFF", "expected \xC3");
  CHECK(is_utf8(m.what()));
  CHECK(m.path() == "/root/x\\xFF");
  CHECK(m.expectation() == "expected \\xC3");
  // Valid UTF-8 (Vietnamese, three-byte "ỉ") is left alone.
  const data_error ok("data.test", "Quận 1", "Chỉ số", "bad");
  CHECK(ok.unit() == "Quận 1");
}

TEST_CASE("a records CSV that is not UTF-8 names file, line and byte offset") {
  const std::string line1 = "unit,criterion,stage,value,timestamp\n";
  const std::string line2 = "u1,a,self,5,t1\n";
  const std::string text = line1 + line2 + "Qu\xE1n,a,self,5,t2\n";  // "Quán" in Windows-1258
  const data_error e = caught<data_error>([&] { (void)chiso::parse_records_csv(text, "records.csv"); });
  CHECK(e.id() == "csv.encoding");
  CHECK(e.source() == "records.csv:3");
  CHECK(contains(e.what(), "byte offset " + std::to_string(line1.size() + line2.size() + 2)));
  CHECK(contains(e.what(), "(byte 3 of line 3)"));
  CHECK(contains(e.what(), "re-save it as UTF-8"));
  CHECK(is_utf8(e.what()));
}

TEST_CASE("a units CSV that is not UTF-8 names file and line") {
  const std::string path = "hard_to_break_units_1258.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "id,name,group\nq1,Qu\xE1n 1,A\n";
  }
  const data_error e = caught<data_error>([&] { (void)chiso::load_units_csv(path); });
  std::remove(path.c_str());
  CHECK(e.id() == "csv.encoding");
  CHECK(e.source() == path + ":2");
  CHECK(contains(e.what(), "byte offset 19"));  // after "id,name,group\n" (14 bytes) and "q1,Qu" (5)
}

TEST_CASE("a survey CSV that is not UTF-8 names file and line") {
  const std::string text = "respondent,unit,q1\nr1,Qu\xE1n,5\n";
  const data_error e = caught<data_error>([&] { (void)chiso::parse_survey_csv(text, "survey.csv"); });
  CHECK(e.id() == "csv.encoding");
  CHECK(e.source() == "survey.csv:2");
}

TEST_CASE("a UTF-8 CSV with a byte-order mark and Vietnamese text still reads") {
  const auto records = chiso::parse_records_csv("\xEF\xBB\xBFunit,criterion,stage,value,timestamp,note\n"
                                                "u1,a,self,5,t1,Đạt yêu cầu\n", "records.csv");
  REQUIRE(records.size() == 1);
  CHECK(records[0].note == "Đạt yêu cầu");
}

// --- strict numbers in data cells (item 8) ------------------------------------------------------

TEST_CASE("survey answers must be plain decimal numbers: nan, 0x4 and ' 5' are refused") {
  for (const std::string answer : {"nan", "0x4", " 5", "5 ", "inf", "4,5", "1e999", "+", "."}) {
    CAPTURE(answer);
    const data_error e = caught<data_error>(
        [&] { (void)chiso::parse_survey_csv("respondent,unit,q1\nr1,u1,\"" + answer + "\"\n", "survey.csv"); });
    CHECK(e.id() == "survey.answer");
    CHECK(e.source() == "survey.csv:2");
  }
  const chiso::survey_data s = chiso::parse_survey_csv("respondent,unit,q1,q2,q3\nr1,u1,4,+5,3.0\n", "survey.csv");
  CHECK(s.answers(0, 0) == 4);
  CHECK(s.answers(0, 1) == 5);
  CHECK(s.answers(0, 2) == 3);
}

TEST_CASE("survey weights must be plain decimal numbers") {
  const data_error e = caught<data_error>(
      [&] { (void)chiso::parse_survey_csv("respondent,unit,weight,q1\nr1,u1,0x2,5\n", "survey.csv"); });
  CHECK(e.id() == "survey.weight");
}

TEST_CASE("record values must be plain decimal numbers") {
  for (const std::string value : {"nan", "0x4", " 5", "inf", "-inf", "1e999"}) {
    CAPTURE(value);
    const data_error e = caught<data_error>([&] {
      (void)chiso::parse_records_csv("unit,criterion,stage,value,timestamp\nu1,a,self,\"" + value + "\",t1\n", "r.csv");
    });
    CHECK(e.id() == "assessment.value");
  }
  const auto records = chiso::parse_records_csv("unit,criterion,stage,value,timestamp\nu1,a,self,-2.5e1,t1\n", "r.csv");
  CHECK(records[0].value == -25);
}

// --- min and max ignore weights (item 4) --------------------------------------------------------

TEST_CASE("min and max count an applicable child whatever its weight") {
  // R = min(a, b); a (weight 0) applies and scores 1/2, b (weight 1) does not apply:
  // the minimum over the applicable children is 0.5 → index 50.00 (FORMAT.md), not dropped.
  for (const char* combine : {"min", "max"}) {
    CAPTURE(combine);
    json a = leaf("a", 2, points_rule());
    a["weight"] = 0;
    const json d = document(inner("R", combine, {a, leaf("b", 2, points_rule())}));
    const bool_matrix applies = mask({{1, 0}});
    const run r(d, {{1, 2}}, {}, {}, &applies);
    CHECK(r.index() == 50.0);
  }
}

TEST_CASE("min and max load when every child weighs 0") {
  // Both apply: min(1/2, 2/2) = 0.5 → 50.00; max → 100.00.
  json a = leaf("a", 2, points_rule()), b = leaf("b", 2, points_rule());
  a["weight"] = 0;
  b["weight"] = 0;
  CHECK(run(document(inner("R", "min", {a, b})), {{1, 2}}).index() == 50.0);
  CHECK(run(document(inner("R", "max", {a, b})), {{1, 2}}).index() == 100.0);
  // A mean has no weight to divide by: still a model error.
  const model_error e = caught<model_error>([&] { (void)load(document(inner("R", "mean", {a, b}))); });
  CHECK(e.id() == "model.weight");
}

// --- subtotals of bonus and deduction points (item 5) -------------------------------------------

TEST_CASE("a subtotal of only deduction and bonus leaves under a mean is a model error") {
  const json deductions = inner("S", "sum", {adjustment("d", {{"kind", "deduction"}, {"per", 1}, {"cap", 3}})});
  const json d = document(inner("R", "mean", {leaf("a", 10, points_rule()), deductions}));
  const model_error e = caught<model_error>([&] { (void)load(d); });
  CHECK(e.id() == "model.adjustment_subtotal");
  CHECK(e.path() == "/root/children/1");
  // Nested: a sum of such subtotals is one too.
  const json nested = document(inner("R", "max", {leaf("a", 10, points_rule()), inner("T", "sum", {deductions})}));
  CHECK(caught<model_error>([&] { (void)load(nested); }).path() == "/root/children/1");
}

TEST_CASE("a subtotal of only deduction and bonus leaves under a sum passes its points") {
  // R = a + S, S = −min(1 × 3, 3) = −3: points 10 − 3 = 7 of max 10 → 70.00.
  const json deductions = inner("S", "sum", {adjustment("d", {{"kind", "deduction"}, {"per", 1}, {"cap", 3}})});
  const run r(document(inner("R", "sum", {leaf("a", 10, points_rule()), deductions})), {{10, 3}});
  CHECK(r.index() == 70.0);
}

// --- rounding at many digits (item 6) -----------------------------------------------------------

TEST_CASE("decimal ties round exactly at 9 to 12 digits") {
  using chiso::round_decimal;
  using chiso::rounding_mode;
  const auto up = rounding_mode::half_up, even = rounding_mode::half_even;
  // Decimal("98.17670252525").quantize(Decimal("1e-10"), ROUND_HALF_UP) = 98.1767025253
  CHECK(round_decimal(98.17670252525, 10, up) == 98.1767025253);
  CHECK(round_decimal(98.17670252525, 10, even) == 98.1767025252);  // 2 is even
  CHECK(round_decimal(-98.17670252525, 10, up) == -98.1767025253);
  // 12.3456789125 at 9: tie after ...912 → 12.345678913 (half up), 12.345678912 (half even).
  CHECK(round_decimal(12.3456789125, 9, up) == 12.345678913);
  CHECK(round_decimal(12.3456789125, 9, even) == 12.345678912);
  // 1.00000000005 at 10: tie → 1.0000000001 (half up), 1.0 (half even: 0 is even).
  CHECK(round_decimal(1.00000000005, 10, up) == 1.0000000001);
  CHECK(round_decimal(1.00000000005, 10, even) == 1.0);
  // 55.5555555555555 (15 significant digits) at 12: a tie on the 13th decimal → 55.555555555556.
  CHECK(round_decimal(55.5555555555555, 12, up) == 55.555555555556);
  // 100.1234567890125 needs 16 significant digits: at 12, a tie → …013 up, …012 even.
  CHECK(round_decimal(100.1234567890125, 12, up) == 100.123456789013);
  CHECK(round_decimal(100.1234567890125, 12, even) == 100.123456789012);
}

TEST_CASE("indices above 100 are rounded at 12 digits, not returned as they are") {
  using chiso::round_decimal;
  // The double 123.45678901234567 (its shortest decimal): at 12 digits, next 567 → …346.
  CHECK(round_decimal(123.45678901234567, 12, chiso::rounding_mode::half_up) == 123.456789012346);
  // 987.6543210987654 at 12: the 13th decimal is 4 → 987.654321098765.
  CHECK(round_decimal(987.6543210987654, 12, chiso::rounding_mode::half_up) == 987.654321098765);
}

TEST_CASE("an index computed with float noise rounds at 10 digits like its decimal") {
  // Input 0.9817670252525 of a points leaf of max 1: index 0.9817670252525 × 100, computed as
  // 98.17670252525001; its decimal 98.17670252525 is a tie at 10 digits → 98.1767025253.
  const run r(document(inner("R", "sum", {leaf("a", 1, points_rule())}), {{"rounding", {{"digits", 10}}}}),
              {{0.9817670252525}});
  CHECK(r.index() == 98.1767025253);
}

// --- linear goalposts (item 7) ------------------------------------------------------------------

TEST_CASE("a linear rule whose width overflows a double is a model error") {
  const json rule = {{"kind", "linear"}, {"lower", -1e308}, {"upper", 1e308}};
  const model_error e = caught<model_error>([&] { (void)load(document(inner("R", "sum", {leaf("a", 10, rule)}))); });
  CHECK(e.id() == "model.rule");
  CHECK(e.path() == "/root/children/0/rule/upper");
  // Wide but finite goalposts give finite math: x = 0 is halfway between −1e307 and 1e307 → 5 of 10.
  const json wide = {{"kind", "linear"}, {"lower", -1e307}, {"upper", 1e307}};
  CHECK(run(document(inner("R", "sum", {leaf("a", 10, wide)})), {{0}}).index() == 50.0);
}

// --- ordinal ties (item 8) ----------------------------------------------------------------------

TEST_CASE("ordinal ties order integer unit ids as numbers") {
  // Units "10", "9", "2" tie: 2, 9, 10 in numeric order (byte order would put "10" first).
  const json d = document(inner("R", "sum", {leaf("a", 10, points_rule())}), {{"ranking", {{"ties", "ordinal"}}}});
  const run r(d, {{5}, {5}, {5}}, {"10", "9", "2"});
  CHECK(r.e.rank(0) == 3);
  CHECK(r.e.rank(1) == 2);
  CHECK(r.e.rank(2) == 1);
  // Digit runs inside ids too: HN-9 before HN-10; a plain prefix first (HN before HN-1).
  const run named(d, {{5}, {5}, {5}}, {"HN-10", "HN-9", "HN"});
  CHECK(named.e.rank(0) == 3);
  CHECK(named.e.rank(1) == 2);
  CHECK(named.e.rank(2) == 1);
  // Leading zeros: "007" and "7" are the same number; byte order then puts "007" first.
  const run zeros(d, {{5}, {5}, {5}}, {"7", "007", "10"});
  CHECK(zeros.e.rank(0) == 2);
  CHECK(zeros.e.rank(1) == 1);
  CHECK(zeros.e.rank(2) == 3);
}

// --- every exception crossing the API is a chiso error (item 2) ---------------------------------

TEST_CASE("odd model texts give a model or a chiso error, never another exception") {
  const std::vector<std::string> texts = {
      "", "[1, 2, 3]", "{\"format\": 1e400}", "{\"a\": 1, \"a\": 2}", "\xFF\xFE{}", "{\"format\": \"chiso-model/1\"",
      one_leaf_model("1e-400"), one_leaf_model("18446744073709551616"), one_leaf_model("-0"), one_leaf_model("\"ten\""),
      one_leaf_model("1.7976931348623157e308"), one_leaf_model("-1e309")};
  for (const std::string& text : texts) {
    CAPTURE(text);
    try {
      (void)chiso::parse_model(text);
    } catch (const chiso::error&) {
    } catch (const std::exception& other) {
      FAIL("not a chiso error: " << other.what());
    }
  }
}
