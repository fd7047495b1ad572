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
