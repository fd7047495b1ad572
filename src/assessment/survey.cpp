#include "chiso/assessment/survey.hpp"

#include <cmath>
#include <optional>
#include <set>
#include <unordered_map>

#include "chiso/detail/format_number.hpp"
#include "chiso/error.hpp"
#include "csv.hpp"

namespace chiso {

using detail::format_number;

int option_code(const std::string& answer) noexcept {
  return answer.size() == 1 && answer[0] >= 'A' && answer[0] <= 'E' ? answer[0] - 'A' + 1 : 0;
}

namespace {
std::string source_of(const survey_data& s, std::size_t r) {
  if (r < s.sources.size() && !s.sources[r].empty()) return s.sources[r];
  return "respondent " + (r < s.respondents.size() ? "'" + s.respondents[r] + "'" : std::to_string(r + 1));
}
}  // namespace

void check_survey(const survey_data& s, const std::vector<std::string>& units) {
  const std::size_t n = s.respondents.size();
  if (s.units.size() != n || s.services.size() != n || s.weights.size() != n ||
      static_cast<std::size_t>(s.answers.rows()) != n ||
      static_cast<std::size_t>(s.answers.cols()) != s.questions.size())
    throw data_error("survey.shape", "", "",
                     "survey data: respondents, units, services, weights and the answers' rows must have the same "
                     "length, and the answers one column per question");
  std::set<std::string> known(units.begin(), units.end());
  std::set<std::string> questions;
  for (const auto& q : s.questions) {
    if (q.empty()) throw data_error("survey.question", "", "", "a question with an empty id");
    if (!questions.insert(q).second) throw data_error("survey.question", "", q, "the question appears twice");
  }
  for (std::size_t r = 0; r < n; ++r) {
    if (!units.empty() && !known.count(s.units[r]))
      throw data_error("survey.unknown_unit", s.units[r], "", "the respondent's unit is not a unit of the assessment",
                       source_of(s, r));
    const double w = s.weights[r];
    if (!std::isfinite(w) || w < 0)
      throw data_error("survey.weight", s.units[r], "", "weight " + format_number(w) + " must be a finite number ≥ 0",
                       source_of(s, r));
    for (std::size_t q = 0; q < s.questions.size(); ++q) {
      const double a = s.answers(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(q));
      if (std::isnan(a)) continue;
      if (!(a >= 1 && a <= 5) || a != std::floor(a))
        throw data_error("survey.answer", s.units[r], s.questions[q],
                         "answer " + format_number(a) + " is outside the Likert scale 1–5 (whole numbers; empty = no answer)",
                         source_of(s, r));
    }
  }
}

double survey_answer(const std::string& cell, const std::string& unit, const std::string& question,
                     const std::string& where) {
  if (cell.empty()) return std::nan("");
  if (const int option = option_code(cell)) return option;
  if (const std::optional<double> read = detail::parse_decimal(cell)) return *read;
  throw data_error("survey.answer", unit, question,
                   "answer \"" + cell + "\" is not a number 1–5 or an option A–E (empty = no answer)", where);
}

survey_data parse_survey_csv(const std::string& text, const std::string& source_name,
                             const std::vector<std::string>& units) {
  const auto rows = detail::parse_csv(text, source_name);
  if (rows.empty()) throw data_error("csv.header", "", "", "the file is empty (expected a header)", source_name);
  const auto header = detail::map_header(rows[0], {"respondent", "unit"}, {"service", "weight"}, true, source_name);
  survey_data s;
  s.questions = header.extra;
  if (s.questions.empty())
    throw data_error("csv.header", "", "", "no question columns (after respondent, unit, service, weight)",
                     source_name + ":" + std::to_string(rows[0].line));
  const std::size_t n = rows.size() - 1;
  s.answers.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(s.questions.size()));
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const std::string where = source_name + ":" + std::to_string(row.line);
    if (row.fields.size() != rows[0].fields.size())
      throw data_error("csv.fields", "", "", std::to_string(row.fields.size()) + " fields where the header has " +
                                                 std::to_string(rows[0].fields.size()), where);
    auto get = [&](std::ptrdiff_t p) { return p < 0 ? std::string() : row.fields[static_cast<std::size_t>(p)]; };
    s.respondents.push_back(get(header.position[0]));
    s.units.push_back(get(header.position[1]));
    s.services.push_back(get(header.position[2]));
    s.sources.push_back(where);
    const std::string w = get(header.position[3]);
    double weight = 1.0;
    if (!w.empty()) {
      const std::optional<double> read = detail::parse_decimal(w);
      weight = read.value_or(0.0);
      if (!read)
        throw data_error("survey.weight", s.units.back(), "", "weight \"" + w + "\" is not a number", where);
    }
    s.weights.push_back(weight);
    for (std::size_t q = 0; q < s.questions.size(); ++q)
      s.answers(static_cast<Eigen::Index>(i - 1), static_cast<Eigen::Index>(q)) =
          survey_answer(get(header.extra_position[q]), s.units.back(), s.questions[q], where);
  }
  check_survey(s, units);
  return s;
}

survey_data load_survey_csv(const std::string& path, const std::vector<std::string>& units) {
  return parse_survey_csv(detail::read_text_file(path), path, units);
}

namespace {

// Accumulates answers of respondents of one unit for one key.
struct accumulator {
  std::size_t answered = 0, missing = 0, satisfied = 0;
  double w_answered = 0, w_satisfied = 0, w_score = 0;
  void add(double answer, double w) {
    if (std::isnan(answer)) { ++missing; return; }
    ++answered;
    w_answered += w;
    w_score += w * answer;
    if (answer >= 4) { ++satisfied; w_satisfied += w; }
  }
};

std::vector<std::string> unit_order(const survey_data& s) {
  std::vector<std::string> order;
  std::set<std::string> seen;
  for (const auto& u : s.units)
    if (seen.insert(u).second) order.push_back(u);
  return order;
}

std::vector<survey_stat> summarise(const survey_data& s, const std::vector<std::string>& keys,
                                   const std::vector<std::vector<std::size_t>>& columns) {
  const auto order = unit_order(s);
  std::unordered_map<std::string, std::size_t> unit_index;
  for (std::size_t u = 0; u < order.size(); ++u) unit_index[order[u]] = u;
  std::vector<accumulator> acc(order.size() * keys.size());
  std::vector<std::size_t> respondents(order.size(), 0);
  for (std::size_t r = 0; r < s.respondents.size(); ++r) {
    const std::size_t u = unit_index[s.units[r]];
    ++respondents[u];
    for (std::size_t k = 0; k < keys.size(); ++k)
      for (std::size_t q : columns[k])
        acc[u * keys.size() + k].add(s.answers(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(q)), s.weights[r]);
  }
  std::vector<survey_stat> out;
  for (std::size_t u = 0; u < order.size(); ++u)
    for (std::size_t k = 0; k < keys.size(); ++k) {
      const accumulator& a = acc[u * keys.size() + k];
      survey_stat st;
      st.unit = order[u];
      st.key = keys[k];
      st.respondents = respondents[u];
      st.answered = a.answered;
      st.missing = a.missing;
      st.satisfied = a.satisfied;
      st.weight_answered = a.w_answered;
      st.weight_satisfied = a.w_satisfied;
      st.rate = a.w_answered > 0 ? a.w_satisfied / a.w_answered : std::nan("");
      st.mean = a.w_answered > 0 ? a.w_score / a.w_answered : std::nan("");
      out.push_back(st);
    }
  return out;
}

}  // namespace

survey_summary summarise_survey(const survey_data& s, const std::map<std::string, std::string>& element_of) {
  check_survey(s);
  survey_summary out;
  std::vector<std::vector<std::size_t>> per_question;
  for (std::size_t q = 0; q < s.questions.size(); ++q) per_question.push_back({q});
  out.by_question = summarise(s, s.questions, per_question);
  std::vector<std::string> elements;
  std::vector<std::vector<std::size_t>> columns;
  for (std::size_t q = 0; q < s.questions.size(); ++q) {
    auto it = element_of.find(s.questions[q]);
    const std::string element = it == element_of.end() ? s.questions[q] : it->second;
    std::size_t e = 0;
    while (e < elements.size() && elements[e] != element) ++e;
    if (e == elements.size()) {
      elements.push_back(element);
      columns.emplace_back();
    }
    columns[e].push_back(q);
  }
  out.by_element = summarise(s, elements, columns);
  return out;
}

namespace {
std::vector<std::string> leaf_questions(const node& leaf) {
  std::vector<std::string> out;
  if (leaf.meta.is_object() && leaf.meta.contains("survey")) {
    const auto& sv = leaf.meta.at("survey");
    if (sv.is_object() && sv.contains("questions") && sv.at("questions").is_array())
      for (const auto& q : sv.at("questions"))
        if (q.is_string()) out.push_back(q.get<std::string>());
  }
  if (out.empty()) out.push_back(leaf.id);
  return out;
}
// meta.survey.options of a leaf: answer code (1–5) → share of the points in percent, or empty.
std::map<int, double> leaf_options(const node& leaf) {
  std::map<int, double> out;
  if (!leaf.meta.is_object() || !leaf.meta.contains("survey")) return out;
  const auto& sv = leaf.meta.at("survey");
  if (!sv.is_object() || !sv.contains("options")) return out;
  const auto& options = sv.at("options");
  const std::string path = "meta/survey/options";
  auto fail = [&](const std::string& at, const std::string& what) {
    throw data_error("survey.options", "", leaf.id, at + ": " + what);
  };
  if (!options.is_object() || options.empty())
    fail(path, "expected an object of answers to percents of the points, such as {\"A\": 100, \"B\": 60}");
  for (auto it = options.begin(); it != options.end(); ++it) {
    const std::string& label = it.key();
    int code = option_code(label);
    if (code == 0 && label.size() == 1 && label[0] >= '1' && label[0] <= '5') code = label[0] - '0';
    if (code == 0) fail(path + "/" + label, "an answer is a letter A–E or a digit 1–5 (A is answer 1)");
    if (out.count(code)) fail(path + "/" + label, "names the same answer as another option (A is 1, B is 2, …)");
    const auto& v = it.value();
    if (!v.is_number() || !(v.get<double>() >= 0 && v.get<double>() <= 100))
      fail(path + "/" + label, "expected a percent of the points, 0–100");
    out.emplace(code, v.get<double>());
  }
  return out;
}

std::string option_list(const std::map<int, double>& options) {
  std::string out;
  for (const auto& o : options) out += (out.empty() ? "" : ", ") + std::string(1, static_cast<char>('A' + o.first - 1));
  return out;
}

}  // namespace

std::map<std::string, std::string> question_elements(const model& m) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < m.nodes().size(); ++i) {
    const node& n = *m.nodes()[i];
    if (!n.is_leaf() || n.source != leaf_source::survey) continue;
    const std::ptrdiff_t parent = m.parent_of(i);
    const std::string element = parent < 0 ? n.id : m.nodes()[static_cast<std::size_t>(parent)]->id;
    for (const auto& q : leaf_questions(n)) out.emplace(q, element);
  }
  return out;
}

survey_inputs survey_leaf_inputs(const model& m, const survey_data& s,
                                 const std::map<std::string, std::vector<std::string>>& mapping) {
  check_survey(s);
  std::unordered_map<std::string, std::size_t> column;
  for (std::size_t q = 0; q < s.questions.size(); ++q) column[s.questions[q]] = q;
  for (const auto& entry : mapping) {
    const node* n = m.find(entry.first);
    if (!n || !n->is_leaf() || n->source != leaf_source::survey)
      throw data_error("survey.mapping", "", entry.first, "the mapping names a criterion that is not a survey leaf of the model");
  }
  survey_inputs out;
  out.units = unit_order(s);
  std::vector<std::string> keys;
  std::vector<std::vector<std::size_t>> columns;
  std::vector<double> scale;
  std::vector<std::map<int, double>> options;
  for (const node* leaf : m.leaves()) {
    if (leaf->source != leaf_source::survey) continue;
    options.push_back(leaf_options(*leaf));
    auto mapped = mapping.find(leaf->id);
    const auto questions = mapped != mapping.end() ? mapped->second : leaf_questions(*leaf);
    std::vector<std::size_t> cols;
    for (const auto& q : questions) {
      auto it = column.find(q);
      if (it == column.end())
        throw data_error("survey.question", "", leaf->id, "the survey has no question '" + q + "' for this criterion");
      cols.push_back(it->second);
    }
    out.leaves.push_back(leaf->id);
    keys.push_back(leaf->id);
    columns.push_back(cols);
    scale.push_back(leaf->rule->unit == rate_unit::percent ? 100.0 : 1.0);
  }
  const auto stats = summarise(s, keys, columns);
  out.values.resize(static_cast<Eigen::Index>(out.units.size()), static_cast<Eigen::Index>(keys.size()));
  for (std::size_t i = 0; i < stats.size(); ++i) {
    const std::size_t u = i / keys.size(), k = i % keys.size();
    out.values(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(k)) = stats[i].rate * scale[k];
  }
  // Leaves scored by option values: the weighted mean of the answers' shares of the points.
  std::unordered_map<std::string, std::size_t> unit_index;
  for (std::size_t u = 0; u < out.units.size(); ++u) unit_index[out.units[u]] = u;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (options[k].empty()) continue;
    std::vector<double> weight(out.units.size(), 0.0), share(out.units.size(), 0.0);
    for (std::size_t r = 0; r < s.respondents.size(); ++r)
      for (std::size_t q : columns[k]) {
        const double answer = s.answers(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(q));
        if (std::isnan(answer)) continue;
        auto option = options[k].find(static_cast<int>(answer));
        if (option == options[k].end())
          throw data_error("survey.answer", s.units[r], keys[k],
                           "answer " + std::string(1, static_cast<char>('A' + static_cast<int>(answer) - 1)) + " (" +
                               format_number(answer) + ") to question '" + s.questions[q] +
                               "' is not one of the criterion's options " + option_list(options[k]),
                           source_of(s, r));
        const std::size_t u = unit_index[s.units[r]];
        weight[u] += s.weights[r];
        share[u] += s.weights[r] * option->second / 100.0;
      }
    for (std::size_t u = 0; u < out.units.size(); ++u)
      out.values(static_cast<Eigen::Index>(u), static_cast<Eigen::Index>(k)) =
          weight[u] > 0 ? share[u] / weight[u] * scale[k] : std::nan("");
  }
  return out;
}

}  // namespace chiso
