// Survey microdata (SIPAS style): respondents × questions, Likert answers 1–5 or missing, optional
// respondent weights, the unit and the service of each respondent. Per question (or element) and
// unit: the satisfaction rate (weighted share answering 4 or 5 among valid answers), the mean
// score and the counts. Survey leaves of a model take these rates as their inputs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "chiso/assessment/assessment.hpp"
#include "chiso/model.hpp"

namespace chiso {

struct survey_data {
  std::vector<std::string> respondents, units, services;
  std::vector<double> weights;      // one per respondent; all 1 when the file has no weights
  std::vector<std::string> questions;
  Eigen::MatrixXd answers;          // respondents × questions: 1…5, NaN = no answer
  std::vector<std::string> sources; // per respondent, where it was read ("survey.csv:12"), may be empty
};

// Checks shapes, answers (whole numbers 1–5 or NaN), weights (finite, ≥ 0) and, when `units` is
// not empty, that every respondent's unit is one of them. data_error names the respondent's
// source (file:line), the question and the unit.
void check_survey(const survey_data& s, const std::vector<std::string>& units = {});

// CSV: respondent,unit,service[,weight],<question>,… (one column per question; empty = no
// answer). An answer is a number, or an option letter A–E read as 1–5 (A = 1). Checked as above.
// 1–5 for a one-letter answer "A"–"E", else 0.
int option_code(const std::string& answer) noexcept;
// One answer cell, as the CSV reader reads it (and Survey.from_frame a text cell): empty is no
// answer (NaN), a letter A–E is 1–5, else a decimal number (its range is check_survey's). Any
// other text is data_error "survey.answer" naming `where`, the unit and the question.
double survey_answer(const std::string& cell, const std::string& unit, const std::string& question,
                     const std::string& where);

survey_data parse_survey_csv(const std::string& text, const std::string& source_name,
                             const std::vector<std::string>& units = {});
survey_data load_survey_csv(const std::string& path, const std::vector<std::string>& units = {});

struct survey_stat {
  std::string unit;
  std::string key;        // a question id, or an element id
  std::size_t respondents = 0;  // respondents of the unit
  std::size_t answered = 0;     // valid answers
  std::size_t missing = 0;
  std::size_t satisfied = 0;    // answers 4 or 5
  double weight_answered = 0, weight_satisfied = 0;
  double rate = 0;        // weight_satisfied / weight_answered (NaN when nothing answered)
  double mean = 0;        // weighted mean score (NaN when nothing answered)
};

struct survey_summary {
  std::vector<survey_stat> by_question;  // units in order of first appearance, then questions
  std::vector<survey_stat> by_element;   // the same, answers of an element's questions pooled
};

// `element_of`: question → element (questions not in it are their own element).
survey_summary summarise_survey(const survey_data& s, const std::map<std::string, std::string>& element_of = {});

// question → element (the survey leaf's parent id) for every survey leaf of a model; a leaf's
// questions are `meta.survey.questions`, else the leaf id itself.
std::map<std::string, std::string> question_elements(const model& m);

// Inputs of every survey leaf of the model, for every unit of the survey: the pooled satisfaction
// rate of the leaf's questions (meta.survey.questions, else the leaf id), in the leaf's rule unit
// (× 100 for percent). A leaf with `meta.survey.options` ({"A": 100, "B": 60, "C": 20, "D": 0}:
// answer → percent of the points) takes instead the weighted mean of its answers' percents, as a
// rate; an answer outside the options is an error naming the respondent, question and unit. `mapping` (leaf → questions) overrides the model's meta. A question that
// the survey does not have is an error naming the leaf.
survey_inputs survey_leaf_inputs(const model& m, const survey_data& s,
                                 const std::map<std::string, std::vector<std::string>>& mapping = {});

}  // namespace chiso
