// Survey microdata: satisfaction rates, means, counts, weights, elements, and bad answers.
#include <doctest/doctest.h>

#include <cmath>

#include <chiso/error.hpp>

#include "fixture.hpp"

using namespace fixture;

TEST_CASE("per question and unit: rate of 4–5 among valid answers, mean, counts") {
  const auto s = chiso::parse_survey_csv(survey_csv, "survey.csv");
  CHECK(s.questions == std::vector<std::string>{"Q1", "Q2"});
  const auto summary = chiso::summarise_survey(s, {{"Q1", "E"}, {"Q2", "E"}});
  REQUIRE(summary.by_question.size() == 6);
  const auto& u1q1 = summary.by_question[0];  // 5,4,3,2
  CHECK(u1q1.unit == "u1");
  CHECK(u1q1.key == "Q1");
  CHECK(u1q1.answered == 4);
  CHECK(u1q1.satisfied == 2);
  CHECK(u1q1.rate == doctest::Approx(0.5));
  CHECK(u1q1.mean == doctest::Approx(3.5));
  const auto& u2q2 = summary.by_question[3];  // 5,5,5,missing
  CHECK(u2q2.answered == 3);
  CHECK(u2q2.missing == 1);
  CHECK(u2q2.rate == 1.0);
  // The element pools both questions: u1 6 of 8.
  REQUIRE(summary.by_element.size() == 3);
  CHECK(summary.by_element[0].key == "E");
  CHECK(summary.by_element[0].rate == doctest::Approx(0.75));
  CHECK(summary.by_element[0].mean == doctest::Approx(32.0 / 8));
}

TEST_CASE("weights: rate = weight of satisfied answers / weight of valid answers") {
  const auto s = chiso::parse_survey_csv("respondent,unit,weight,Q1\na,u1,2,5\nb,u1,1,2\nc,u1,1,4\nd,u1,0.5,\n", "w.csv");
  const auto summary = chiso::summarise_survey(s);
  CHECK(summary.by_question[0].rate == doctest::Approx(3.0 / 4));  // (2 + 1) / (2 + 1 + 1)
  CHECK(summary.by_question[0].mean == doctest::Approx((10.0 + 2 + 4) / 4));
  CHECK(summary.by_question[0].respondents == 4);
}

TEST_CASE("survey leaves take the pooled rate, in their rule's unit") {
  chiso::assessment a = worked();
  CHECK(a.survey_input(0, 3) == doctest::Approx(0.75));
  CHECK(a.survey_input(1, 3) == 1.0);
  CHECK(a.resolve(0, 3).origin == chiso::input_origin::survey);
  const auto elements = chiso::question_elements(a.model());
  CHECK(elements.at("Q1") == "A2");
}

TEST_CASE("bad survey answers are errors naming file:line, question and unit") {
  auto fails = [](const std::string& text, const char* id, const std::string& where, const std::string& node) {
    try {
      chiso::parse_survey_csv(text, "s.csv", {"u1", "u2", "u3"});
      FAIL("no error");
    } catch (const chiso::data_error& e) {
      CHECK(e.id() == id);
      CHECK(e.source() == where);
      CHECK(e.node() == node);
    }
  };
  fails("respondent,unit,Q1\na,u1,5\nb,u1,6\n", "survey.answer", "s.csv:3", "Q1");
  fails("respondent,unit,Q1\na,u1,0\n", "survey.answer", "s.csv:2", "Q1");
  fails("respondent,unit,Q1\na,u1,4.5\n", "survey.answer", "s.csv:2", "Q1");
  fails("respondent,unit,Q1\na,u1,rất hài lòng\n", "survey.answer", "s.csv:2", "Q1");
  fails("respondent,unit,Q1\na,u7,5\n", "survey.unknown_unit", "s.csv:2", "");
  fails("respondent,unit,weight,Q1\na,u1,-1,5\n", "survey.weight", "s.csv:2", "");
  fails("respondent,unit\na,u1\n", "csv.header", "s.csv:1", "");
  fails("respondent,unit,Q1,Q1\na,u1,5,5\n", "csv.header", "s.csv:1", "");
}

TEST_CASE("survey inputs for unknown units or non-survey criteria are refused, nothing changed") {
  chiso::assessment a = worked();
  chiso::survey_inputs in{{"u9"}, {"A2.1"}, Eigen::MatrixXd::Constant(1, 1, 0.5)};
  CHECK_THROWS_AS(a.set_survey_inputs(in), chiso::data_error);
  in = {{"u1"}, {"A1.1"}, Eigen::MatrixXd::Constant(1, 1, 0.5)};
  CHECK_THROWS_AS(a.set_survey_inputs(in), chiso::data_error);
  in = {{"u1"}, {"A2.1"}, Eigen::MatrixXd::Constant(1, 1, 1.5)};
  CHECK_THROWS_AS(a.set_survey_inputs(in), chiso::data_error);
  CHECK(a.survey_input(0, 3) == doctest::Approx(0.75));
}

TEST_CASE("a survey of several groups: other units left out when asked, and named") {
  chiso::assessment a = worked();
  const chiso::survey_inputs in{{"u9", "u1", "x"}, {"A2.1"}, (Eigen::MatrixXd(3, 1) << 0.1, 0.5, 0.2).finished()};
  CHECK_THROWS_AS(a.set_survey_inputs(in), chiso::data_error);
  CHECK(a.set_survey_inputs(in, true) == std::vector<std::string>{"u9", "x"});
  CHECK(a.survey_input(0, 3) == 0.5);
}

TEST_CASE("survey answers scored by option values (A/B/C/D → 100/60/20/0 % of the points), by hand") {
  const auto model = chiso::parse_model(R"({
    "format": "chiso-model/1", "id": "options", "root": {"id": "R", "aggregate": "sum", "children": [
      {"id": "S1", "max": 2, "source": "survey", "rule": {"kind": "proportional", "unit": "percent"},
       "meta": {"survey": {"questions": ["Q1"], "options": {"A": 100, "B": 60, "C": 20, "D": 0}}}},
      {"id": "S2", "max": 1, "source": "survey", "rule": {"kind": "proportional", "unit": "fraction"},
       "meta": {"survey": {"questions": ["Q2"]}}}]}})");
  // u1: Q1 A, B, C, D (weights 1, 1, 2, 1) → (100 + 60 + 2 × 20 + 0) / 5 = 40 %; Q2 Likert 5, 4, 3, 2
  // → 2 of 4 satisfied by weight (1 + 1) / 5 = 0.4. u2: Q1 A, A, empty → 100 %.
  const auto s = chiso::parse_survey_csv("respondent,unit,weight,Q1,Q2\n"
                                         "r1,u1,1,A,5\nr2,u1,1,B,4\nr3,u1,2,C,3\nr4,u1,1,D,2\n"
                                         "r5,u2,1,A,5\nr6,u2,1,A,5\nr7,u2,1,,5\n",
                                         "survey.csv");
  const auto in = chiso::survey_leaf_inputs(model, s);
  REQUIRE(in.leaves == std::vector<std::string>{"S1", "S2"});
  CHECK(in.values(0, 0) == doctest::Approx(40.0));
  CHECK(in.values(0, 1) == doctest::Approx(0.4));
  CHECK(in.values(1, 0) == doctest::Approx(100.0));
  // An answer that is not one of the options names the respondent, the question and the unit.
  const auto bad = chiso::parse_survey_csv("respondent,unit,Q1,Q2\nr1,u1,E,5\n", "survey.csv");
  try {
    chiso::survey_leaf_inputs(model, bad);
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "survey.answer");
    CHECK(e.source() == "survey.csv:2");
    CHECK(e.unit() == "u1");
    CHECK(std::string(e.what()).find("options A, B, C, D") != std::string::npos);
  }
  // Options must be answers A–E (or 1–5) with percents 0–100.
  const auto wrong = chiso::parse_model(R"({
    "format": "chiso-model/1", "id": "options", "root": {"id": "R", "aggregate": "sum", "children": [
      {"id": "S1", "max": 2, "source": "survey", "rule": {"kind": "proportional", "unit": "percent"},
       "meta": {"survey": {"questions": ["Q1"], "options": {"A": 100, "B": 160}}}}]}})");
  try {
    chiso::survey_leaf_inputs(wrong, s);
    FAIL("no error");
  } catch (const chiso::data_error& e) {
    CHECK(e.id() == "survey.options");
    CHECK(e.node() == "S1");
    CHECK(std::string(e.what()).find("meta/survey/options/B") != std::string::npos);
  }
}
