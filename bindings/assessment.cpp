// Assessments, surveys and reports (chiso._core.assessment). Thin: tables cross as dicts of
// columns (lists or numpy arrays) that python/chiso/assessment.py turns into DataFrames.
#include <algorithm>
#include <cmath>
#include <map>

#include <chiso/assessment.hpp>
#include <chiso/error.hpp>
#include <chiso/evaluate.hpp>
#include <chiso/assessment/reports.hpp>
#include <chiso/assessment/survey.hpp>
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include "columns.hpp"
#include "register.hpp"

namespace py = pybind11;

namespace chiso::bindings {

namespace {

py::dict units_to(const std::vector<unit_info>& units) {
  return columns(units, {"id", "name", "group"}, [](const unit_info& u) { return u.id; },
                 [](const unit_info& u) { return u.name; }, [](const unit_info& u) { return u.group; });
}

const std::vector<std::string> record_column_names = {"unit", "criterion", "stage", "value", "applicable", "evidence",
                                                      "note", "author", "timestamp", "explanation", "entered_at",
                                                      "hash", "input"};

bool is_missing(py::handle v) {
  return v.is_none() || (py::isinstance<py::float_>(v) && std::isnan(v.cast<double>()));
}

// A Python string's UTF-8, with a lone surrogate kept as its three bytes ("surrogatepass") so
// that the core's text check refuses it naming the field (plain encoding would raise
// UnicodeEncodeError, naming nothing).
std::string utf8_of(py::handle text) {
  py::object bytes = py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(text.ptr(), "utf-8", "surrogatepass"));
  if (!bytes) throw py::error_already_set();
  return bytes.cast<std::string>();
}

std::string cell_text(py::handle v) {
  if (is_missing(v)) return {};
  return utf8_of(py::isinstance<py::str>(v) ? py::reinterpret_borrow<py::object>(v) : py::str(v));
}

// Units as (id, name, group) triples of text, converted as record cells are (the core checks the text).
std::vector<unit_info> units_from(const py::sequence& units) {
  std::vector<unit_info> out;
  for (auto unit : units) {
    const auto fields = py::reinterpret_borrow<py::sequence>(unit);  // chiso.assessment makes triples
    out.push_back({cell_text(fields[0]), cell_text(fields[1]), cell_text(fields[2])});
  }
  return out;
}

using record_columns = std::map<std::string, py::list>;

// The columns of a records table, each a known record column, the required ones there, all of
// one length.
record_columns record_columns_from(const py::dict& table, const std::string& source) {
  record_columns columns;
  for (auto item : table) {
    const std::string name = py::str(item.first).cast<std::string>();
    if (std::find(record_column_names.begin(), record_column_names.end(), name) == record_column_names.end()) {
      std::string expected;
      for (const auto& c : record_column_names) expected += (expected.empty() ? "" : ", ") + c;
      throw data_error("assessment.columns", "", "", "unknown record column '" + name + "' (expected " + expected + ")",
                       source);
    }
    columns[name] = py::list(py::reinterpret_borrow<py::object>(item.second));
  }
  for (const char* required : {"unit", "criterion", "stage", "timestamp"})
    if (!columns.count(required))
      throw data_error("assessment.columns", "", "", std::string("no column '") + required + "'", source);
  const std::size_t n = py::len(columns["unit"]);
  for (const auto& [name, cells] : columns)
    if (py::len(cells) != n)
      throw parameter_error("assessment.columns", source + ": record column '" + name + "' has " +
                                                      std::to_string(py::len(cells)) + " cells where 'unit' has " +
                                                      std::to_string(n));
  return columns;
}

py::object cell_of(const record_columns& columns, const char* name, std::size_t row) {
  auto at = columns.find(name);
  return at == columns.end() ? py::object(py::none()) : py::object(at->second[row]);
}

// One row read as the records CSV reader reads its text (record_from_cells), except a number
// as value, a boolean as applicable and a list as evidence, which are taken as they are.
record record_of_row(const record_columns& columns, std::size_t i, const std::string& where, const py::object& numpy_bool) {
  auto cell = [&columns, i](const char* name) { return cell_of(columns, name, i); };
  record_cells text;
  text.unit = cell_text(cell("unit"));
  text.criterion = cell_text(cell("criterion"));
  text.stage = cell_text(cell("stage"));
  text.note = cell_text(cell("note"));
  text.author = cell_text(cell("author"));
  text.timestamp = cell_text(cell("timestamp"));
  text.explanation = cell_text(cell("explanation"));
  text.entered_at = cell_text(cell("entered_at"));
  text.hash = cell_text(cell("hash"));
  text.input = cell_text(cell("input"));
  const py::object value = cell("value"), applicable = cell("applicable"), evidence = cell("evidence");
  const bool numeric_value = !is_missing(value) && !py::isinstance<py::str>(value);
  if (!numeric_value) text.value = cell_text(value);
  if (py::isinstance<py::bool_>(applicable) || py::isinstance(applicable, numpy_bool))
    text.applicable = applicable.cast<bool>() ? "yes" : "no";
  else
    text.applicable = cell_text(applicable);
  const bool listed_evidence = !is_missing(evidence) && !py::isinstance<py::str>(evidence);
  if (!listed_evidence) text.evidence = cell_text(evidence);
  record r = record_from_cells(text, where);
  if (numeric_value) {
    PyObject* number = PyNumber_Float(value.ptr());
    if (!number) {
      PyErr_Clear();
      throw data_error("assessment.value", r.unit, r.criterion,
                       "value " + py::repr(value).cast<std::string>() + " is not a number", where);
    }
    r.value = py::reinterpret_steal<py::float_>(number).cast<double>();
  }
  if (listed_evidence)
    for (auto item : evidence) r.evidence.push_back(cell_text(item));
  return r;
}

// A records table (column → list of cells, from a DataFrame or dicts) → records; rows are named
// "<source> row N", or by `row_names` when given. Only history carries `entered_at` and `hash`:
// chiso sets both when it enters a record.
std::vector<record> records_from(const py::dict& table, const std::string& source, bool history,
                                 const std::vector<std::string>& row_names = {}) {
  const record_columns columns = record_columns_from(table, source);
  const std::size_t n = py::len(columns.at("unit"));
  if (!history)
    for (const char* name : {"entered_at", "hash"}) {
      auto at = columns.find(name);
      if (at == columns.end()) continue;
      for (auto cell : at->second)
        if (!is_missing(cell) && !cell_text(cell).empty())
          throw data_error("assessment.columns", "", "",
                           std::string("the column '") + name + "' is set by chiso when it enters a record: leave it "
                           "out of added records (records given with the assessment, or read from a file, keep theirs)",
                           source);
    }
  if (!row_names.empty() && row_names.size() != n)
    throw parameter_error("assessment.columns", source + ": one name per record row");
  const py::object numpy_bool = py::module_::import("numpy").attr("bool_");
  std::vector<record> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    out.push_back(record_of_row(columns, i, row_names.empty() ? source + " row " + std::to_string(i) : row_names[i],
                                numpy_bool));
  return out;
}

record_entry entry_of(bool history, std::optional<std::int64_t> now, bool verify = true) {
  record_entry e;
  e.history = history;
  e.now = now;
  e.verify = verify;
  return e;
}

py::dict records_to(const std::vector<record>& records) {
  py::list unit, criterion, stage_, applicable, evidence, explanation, note, author, timestamp, entered_at, hash;
  py::array_t<double> value(static_cast<py::ssize_t>(records.size()));
  auto v = value.mutable_unchecked<1>();
  for (std::size_t i = 0; i < records.size(); ++i) {
    const record& r = records[i];
    unit.append(r.unit);
    criterion.append(r.criterion);
    stage_.append(to_string(r.stage));
    v(static_cast<py::ssize_t>(i)) = r.value;
    applicable.append(r.applicable);
    evidence.append(py::cast(r.evidence));
    explanation.append(r.explanation);
    note.append(r.note);
    author.append(r.author);
    timestamp.append(r.timestamp);
    entered_at.append(r.entered_at.empty() ? py::object(py::none()) : py::object(py::str(r.entered_at)));
    hash.append(r.hash);
  }
  py::dict d;
  d["unit"] = unit;
  d["criterion"] = criterion;
  d["stage"] = stage_;
  d["value"] = value;
  d["applicable"] = applicable;
  d["evidence"] = evidence;
  d["explanation"] = explanation;
  d["note"] = note;
  d["author"] = author;
  d["timestamp"] = timestamp;
  d["entered_at"] = entered_at;
  d["hash"] = hash;
  return d;
}

stage stage_from(const std::string& text) {
  if (auto s = parse_stage(text)) return *s;
  throw parameter_error("assessment.stage",
                        "stage must be self, appraisal (round 1), explanation or appraisal_2, got \"" + text + "\"");
}

assessment_schedule schedule_from(const std::map<std::string, std::string>& deadlines) {
  assessment_schedule out;
  for (const auto& [name, when] : deadlines) out.deadline[static_cast<std::size_t>(stage_from(name))] = when;
  return out;
}

py::dict schedule_to(const assessment& a) {
  const assessment_schedule& s = a.schedule();
  py::dict initial, in_force;
  for (std::size_t k = 0; k < stage_count; ++k) {
    const auto st = static_cast<stage>(k);
    if (!s.deadline[k].empty()) initial[to_string(st)] = s.deadline[k];
    if (!a.deadline(st).empty()) in_force[to_string(st)] = a.deadline(st);
  }
  py::dict d;
  d["deadlines"] = in_force;
  d["initial"] = initial;
  d["acts"] = columns(s.acts, {"act", "stage", "when", "note", "author", "timestamp", "entered_at", "hash"},
                      [](const schedule_act& x) { return std::string(to_string(x.act)); },
                      [](const schedule_act& x) { return std::string(to_string(x.stage)); },
                      [](const schedule_act& x) { return x.when; }, [](const schedule_act& x) { return x.note; },
                      [](const schedule_act& x) { return x.author; }, [](const schedule_act& x) { return x.timestamp; },
                      [](const schedule_act& x) {
                        return x.entered_at.empty() ? py::object(py::none()) : py::object(py::str(x.entered_at));
                      },
                      [](const schedule_act& x) { return x.hash; });
  return d;
}

survey_data survey_from(std::vector<std::string> respondents, std::vector<std::string> units,
                        std::vector<std::string> services, std::vector<double> weights,
                        std::vector<std::string> questions, Eigen::MatrixXd answers,
                        std::vector<std::string> sources) {
  survey_data s;
  s.respondents = std::move(respondents);
  s.units = std::move(units);
  s.services = std::move(services);
  s.weights = weights.empty() ? std::vector<double>(s.respondents.size(), 1.0) : std::move(weights);
  s.questions = std::move(questions);
  s.answers = std::move(answers);
  s.sources = std::move(sources);
  return s;
}

py::dict stats_to(const std::vector<survey_stat>& stats) {
  return columns(stats, {"unit", "key", "respondents", "answered", "missing", "satisfied", "weight_answered",
                         "weight_satisfied", "rate", "mean"},
                 [](const survey_stat& s) { return s.unit; }, [](const survey_stat& s) { return s.key; },
                 [](const survey_stat& s) { return s.respondents; }, [](const survey_stat& s) { return s.answered; },
                 [](const survey_stat& s) { return s.missing; }, [](const survey_stat& s) { return s.satisfied; },
                 [](const survey_stat& s) { return s.weight_answered; },
                 [](const survey_stat& s) { return s.weight_satisfied; }, [](const survey_stat& s) { return s.rate; },
                 [](const survey_stat& s) { return s.mean; });
}

}  // namespace

py::dict loss_columns(const std::vector<loss_row>& rows, bool of_assessment) {
  py::dict d = columns(rows, {"criterion", "name", "area", "rule", "value", "points", "max", "score", "lost", "origin", "reason"},
                       [](const loss_row& x) { return x.criterion; }, [](const loss_row& x) { return x.name; },
                       [](const loss_row& x) { return x.area; }, [](const loss_row& x) { return x.rule; },
                       [](const loss_row& x) { return x.value; }, [](const loss_row& x) { return x.points; },
                       [](const loss_row& x) { return x.max; }, [](const loss_row& x) { return x.score; },
                       [](const loss_row& x) { return x.lost; }, [](const loss_row& x) { return x.origin; },
                       [](const loss_row& x) { return x.reason; });
  // An assessment's losses have the input and where it came from; a plain evaluation's the score.
  for (const char* other : of_assessment ? std::vector<const char*>{"score"}
                                         : std::vector<const char*>{"value", "origin", "reason"})
    PyDict_DelItemString(d.ptr(), other);
  return d;
}

namespace {

using assessment_class = py::class_<assessment, std::shared_ptr<assessment>>;

py::dict cut_rows_to(const std::vector<cut_row>& rows) {
  return columns(rows,
                 {"unit", "name", "group", "criterion", "criterion_name", "area", "self_value", "appraised_value",
                  "self_points", "appraised_points", "difference", "reason", "author", "timestamp",
                  "round1_value", "round1_points", "round1_reason", "explanation", "explanation_evidence",
                  "round2_value", "round2_points", "round2_reason"},
                 [](const cut_row& r) { return r.unit; }, [](const cut_row& r) { return r.name; },
                 [](const cut_row& r) { return r.group; }, [](const cut_row& r) { return r.criterion; },
                 [](const cut_row& r) { return r.criterion_name; }, [](const cut_row& r) { return r.area; },
                 [](const cut_row& r) { return r.self_value; }, [](const cut_row& r) { return r.appraised_value; },
                 [](const cut_row& r) { return r.self_points; },
                 [](const cut_row& r) { return r.appraised_points; },
                 [](const cut_row& r) { return r.difference; }, [](const cut_row& r) { return r.reason; },
                 [](const cut_row& r) { return r.author; }, [](const cut_row& r) { return r.timestamp; },
                 [](const cut_row& r) { return r.round1_value; }, [](const cut_row& r) { return r.round1_points; },
                 [](const cut_row& r) { return r.round1_reason; }, [](const cut_row& r) { return r.explanation; },
                 [](const cut_row& r) { return r.explanation_evidence; },
                 [](const cut_row& r) { return r.round2_value; }, [](const cut_row& r) { return r.round2_points; },
                 [](const cut_row& r) { return r.round2_reason; });
}

py::dict scoring_rows_to(const std::vector<scoring_row>& rows) {
  return columns(rows,
                 {"criterion", "name", "area", "source", "max", "applicable", "self_value", "self_points",
                  "self_evidence", "self_explanation", "self_note", "self_timestamp", "round1_value",
                  "round1_points", "round1_reason", "round1_timestamp", "explanation_value",
                  "explanation_evidence", "explanation", "explanation_timestamp", "round2_value", "round2_points",
                  "round2_reason", "round2_timestamp", "final_value", "final_points", "origin",
                  "missing_evidence"},
                 [](const scoring_row& x) { return x.criterion; }, [](const scoring_row& x) { return x.name; },
                 [](const scoring_row& x) { return x.area; }, [](const scoring_row& x) { return x.source; },
                 [](const scoring_row& x) { return x.max; }, [](const scoring_row& x) { return x.applicable; },
                 [](const scoring_row& x) { return x.self_value; }, [](const scoring_row& x) { return x.self_points; },
                 [](const scoring_row& x) { return x.self_evidence; },
                 [](const scoring_row& x) { return x.self_explanation; },
                 [](const scoring_row& x) { return x.self_note; },
                 [](const scoring_row& x) { return x.self_timestamp; },
                 [](const scoring_row& x) { return x.round1_value; },
                 [](const scoring_row& x) { return x.round1_points; },
                 [](const scoring_row& x) { return x.round1_reason; },
                 [](const scoring_row& x) { return x.round1_timestamp; },
                 [](const scoring_row& x) { return x.explanation_value; },
                 [](const scoring_row& x) { return x.explanation_evidence; },
                 [](const scoring_row& x) { return x.explanation; },
                 [](const scoring_row& x) { return x.explanation_timestamp; },
                 [](const scoring_row& x) { return x.round2_value; },
                 [](const scoring_row& x) { return x.round2_points; },
                 [](const scoring_row& x) { return x.round2_reason; },
                 [](const scoring_row& x) { return x.round2_timestamp; },
                 [](const scoring_row& x) { return x.final_value; },
                 [](const scoring_row& x) { return x.final_points; },
                 [](const scoring_row& x) { return x.origin; },
                 [](const scoring_row& x) { return x.missing_evidence; });
}

py::dict evidence_flags_to(const std::vector<evidence_flag>& rows) {
  return columns(rows, {"unit", "name", "group", "criterion", "criterion_name", "value", "timestamp", "source"},
                 [](const evidence_flag& x) { return x.unit; }, [](const evidence_flag& x) { return x.name; },
                 [](const evidence_flag& x) { return x.group; }, [](const evidence_flag& x) { return x.criterion; },
                 [](const evidence_flag& x) { return x.criterion_name; },
                 [](const evidence_flag& x) { return x.value; }, [](const evidence_flag& x) { return x.timestamp; },
                 [](const evidence_flag& x) { return x.source; });
}

py::dict area_cut_rows_to(const std::vector<area_cut_row>& rows) {
  return columns(rows, {"unit", "name", "group", "area", "area_name", "self_points", "appraised_points", "difference"},
                 [](const area_cut_row& r) { return r.unit; }, [](const area_cut_row& r) { return r.name; },
                 [](const area_cut_row& r) { return r.group; }, [](const area_cut_row& r) { return r.area; },
                 [](const area_cut_row& r) { return r.area_name; },
                 [](const area_cut_row& r) { return r.self_points; },
                 [](const area_cut_row& r) { return r.appraised_points; },
                 [](const area_cut_row& r) { return r.difference; });
}

py::dict progress_rows_to(const std::vector<progress_row>& rows) {
  return columns(rows,
                 {"unit", "name", "group", "done", "total", "share_done", "self_scored", "appraised",
                  "not_applicable"},
                 [](const progress_row& r) { return r.unit; }, [](const progress_row& r) { return r.name; },
                 [](const progress_row& r) { return r.group; }, [](const progress_row& r) { return r.done; },
                 [](const progress_row& r) { return r.total; }, [](const progress_row& r) { return r.share_done; },
                 [](const progress_row& r) { return r.self_scored; },
                 [](const progress_row& r) { return r.appraised; },
                 [](const progress_row& r) { return r.not_applicable; });
}

py::dict final_results_to(const final_results& report) {
  py::dict d = columns(report.rows, {"unit", "name", "group", "index", "rank", "band", "final"},
                       [](const final_row& x) { return x.unit; }, [](const final_row& x) { return x.name; },
                       [](const final_row& x) { return x.group; }, [](const final_row& x) { return x.index; },
                       [](const final_row& x) { return x.rank; }, [](const final_row& x) { return x.band; },
                       [](const final_row& x) { return x.final; });
  py::list points, maxima;
  for (const auto& row : report.rows) {
    points.append(py::cast(row.area_points));
    maxima.append(py::cast(row.area_max));
  }
  d["area_points"] = points;
  d["area_max"] = maxima;
  d["area_ids"] = py::cast(report.area_ids);
  d["area_names"] = py::cast(report.area_names);
  return d;
}

py::dict year_over_year_to(const year_over_year& y) {
  py::dict d;
  d["period_before"] = y.period_before;
  d["period_after"] = y.period_after;
  d["added"] = y.added;
  d["removed"] = y.removed;
  d["matched"] = y.matched;
  d["units_gone"] = y.units_gone;
  d["units_new"] = y.units_new;
  d["units"] = columns(y.units, {"unit", "name", "group", "index_before", "index_after", "index_change",
                                 "rank_before", "rank_after", "rank_change"},
                       [](const yoy_unit_row& x) { return x.unit; }, [](const yoy_unit_row& x) { return x.name; },
                       [](const yoy_unit_row& x) { return x.group; },
                       [](const yoy_unit_row& x) { return x.index_before; },
                       [](const yoy_unit_row& x) { return x.index_after; },
                       [](const yoy_unit_row& x) { return x.index_change; },
                       [](const yoy_unit_row& x) { return x.rank_before; },
                       [](const yoy_unit_row& x) { return x.rank_after; },
                       [](const yoy_unit_row& x) { return x.rank_change; });
  d["areas"] = columns(y.areas, {"unit", "area", "points_before", "points_after", "change"},
                       [](const yoy_area_row& x) { return x.unit; }, [](const yoy_area_row& x) { return x.area; },
                       [](const yoy_area_row& x) { return x.points_before; },
                       [](const yoy_area_row& x) { return x.points_after; },
                       [](const yoy_area_row& x) { return x.change; });
  return d;
}

// An assessment made, loaded or read, and its files.
void define_assessment_files(assessment_class& c) {
  c.def(py::init([](std::shared_ptr<plan> p, std::string period, const py::sequence& units,
                    bool require_appraisal, const std::map<std::string, std::string>& deadlines,
                    const std::string& zone) {
          return std::make_shared<assessment>(std::shared_ptr<const plan>(std::move(p)), std::move(period),
                                              units_from(units), assessment_policy{require_appraisal},
                                              schedule_from(deadlines), time_zone(zone));
        }),
        py::arg("model"), py::arg("period"), py::arg("units"), py::arg("require_appraisal") = false,
        py::arg("deadlines") = std::map<std::string, std::string>{}, py::arg("time_zone") = time_zone::default_name)
      .def_static("load_json", [](const std::string& path, std::shared_ptr<plan> p, bool verify) {
        return std::make_shared<assessment>(load_assessment_json(path, std::move(p), verify));
      }, py::arg("path"), py::arg("model"), py::arg("verify") = true)
      .def_static("parse_json", [](const std::string& text, std::shared_ptr<plan> p, const std::string& name,
                                   bool verify) {
        return std::make_shared<assessment>(parse_assessment_json(text, std::move(p), name, verify));
      }, py::arg("text"), py::arg("model"), py::arg("name"), py::arg("verify") = true)
      .def_static("load_csv", [](std::shared_ptr<plan> p, std::string period, const std::string& units_path,
                                 const std::string& records_path, bool require_appraisal,
                                 const std::map<std::string, std::string>& deadlines, const std::string& zone) {
        return std::make_shared<assessment>(load_assessment_csv(std::move(p), std::move(period), units_path,
                                                                records_path, assessment_policy{require_appraisal},
                                                                schedule_from(deadlines), time_zone(zone)));
      }, py::arg("model"), py::arg("period"), py::arg("units_path"), py::arg("records_path"),
         py::arg("require_appraisal") = false, py::arg("deadlines") = std::map<std::string, std::string>{},
         py::arg("time_zone") = time_zone::default_name)
      .def("to_json", [](const assessment& a) { return dump_assessment(a); })
      .def("save_json", [](const assessment& a, const std::string& path) { save_assessment_json(a, path); })
      .def("records_csv", [](const assessment& a) { return records_csv(a); })
      .def("save_records_csv", [](const assessment& a, const std::string& path) { save_records_csv(a, path); })
      .def("save_units_csv", [](const assessment& a, const std::string& path) { save_units_csv(a.units(), path); })
      .def_property_readonly("period", &assessment::period)
      .def_property_readonly("time_zone", [](const assessment& a) { return a.zone().name(); })
      .def_property_readonly("utc_offset_minutes", [](const assessment& a) { return a.zone().offset_minutes(); })
      .def_property("description", &assessment::description,
                    [](assessment& a, py::handle text) { a.set_description(utf8_of(text)); })
      .def_property_readonly("model", [](const assessment& a) { return std::const_pointer_cast<plan>(a.shared_plan()); })
      .def_property_readonly("require_appraisal", [](const assessment& a) { return a.policy().require_appraisal; })
      .def("units", [](const assessment& a) { return units_to(a.units()); })
      .def("add_units", [](assessment& a, const py::sequence& units) {
        a.add_units(units_from(units));
      })
      .def("instant", [](const assessment& a, const std::string& text, const std::string& where) {
        return a.instant(text, where);
      }, py::arg("text"), py::arg("where") = "timestamp", "An ISO 8601 time in µs since 1970 UTC, naive times in the period's zone.");
}

// The deadlines of the stages and their reopenings.
void define_assessment_schedule(assessment_class& c) {
  c.def("schedule", [](const assessment& a) { return schedule_to(a); })
      .def("set_deadline", [](assessment& a, const std::string& s, py::handle deadline, py::handle note,
                              py::handle author, py::handle timestamp, std::optional<std::int64_t> now) {
        a.set_deadline(stage_from(s), cell_text(deadline), cell_text(note), cell_text(author), cell_text(timestamp),
                       entry_of(false, now));
      }, py::arg("stage"), py::arg("deadline"), py::arg("note"), py::arg("author"), py::arg("timestamp"),
         py::arg("now") = py::none())
      .def("reopen", [](assessment& a, const std::string& s, py::handle until, py::handle note, py::handle author,
                        py::handle timestamp, std::optional<std::int64_t> now) {
        a.reopen(stage_from(s), cell_text(until), cell_text(note), cell_text(author), cell_text(timestamp),
                 entry_of(false, now));
      }, py::arg("stage"), py::arg("until"), py::arg("note"), py::arg("author"), py::arg("timestamp"),
         py::arg("now") = py::none());
}

// What goes in (records, survey inputs) and the evaluation.
void define_assessment_inputs(assessment_class& c) {
  c.def("records", [](const assessment& a) { return records_to(a.records()); })
      .def("add", [](assessment& a, const py::dict& cells, const std::string& source, bool history,
                     std::optional<std::int64_t> now, const std::vector<std::string>& row_names, bool author_required) {
        record_entry entry = entry_of(history, now);
        entry.author_required = author_required;
        a.add(records_from(cells, source, history, row_names), entry);
      },
           py::arg("records"), py::arg("source") = "records", py::arg("history") = false, py::arg("now") = py::none(),
           py::arg("row_names") = std::vector<std::string>{}, py::arg("author_required") = true,
           "Add records (a dict of columns, each a list of cells); all or nothing. Entered at `now` (µs since "
           "1970 UTC; default the system clock), or, as history, keeping the entry time and hash they carry. "
           "author_required=False: records an assessment already accepted, copied (a store write).")
      .def("history", [](const assessment& a, const std::string& unit, const std::string& criterion) {
        std::vector<record> records;
        for (const record* r : a.history(unit, criterion)) records.push_back(*r);
        return records_to(records);
      }, py::arg("unit"), py::arg("criterion"), "The records of a unit and criterion, oldest first.")
      .def("survey_matrix", [](const assessment& a) {
        Eigen::MatrixXd out(static_cast<Eigen::Index>(a.units().size()), a.leaf_count());
        for (Eigen::Index u = 0; u < out.rows(); ++u)
          for (Eigen::Index j = 0; j < out.cols(); ++j) out(u, j) = a.survey_input(u, j);
        return out;
      }, "Survey inputs, units × leaves (NaN: none).")
      .def("set_survey_inputs",
           [](assessment& a, std::vector<std::string> units, std::vector<std::string> leaves, Eigen::MatrixXd values,
              bool other_units_left_out) {
             return a.set_survey_inputs({std::move(units), std::move(leaves), std::move(values)}, other_units_left_out);
           }, py::arg("units"), py::arg("leaves"), py::arg("values"), py::arg("other_units_left_out") = false,
           "Survey inputs of units × survey leaves; returns the units left out (not in the assessment).")
      .def("evaluate",
           [](const assessment& a, bool provisional, bool self_view) {
             assessment_options o;
             o.provisional = provisional;
             o.self_view = self_view;
             return std::make_shared<assessment_result>(evaluate(a, o));
           },
           py::arg("provisional") = false, py::arg("self_view") = false);
}

// The reports on one assessment, as dicts of columns.
void define_assessment_reports(assessment_class& c) {
  c.def("self_vs_appraised", [](const assessment& a) { return cut_rows_to(self_vs_appraised(a)); })
      .def("scoring_table", [](const assessment& a, const assessment_result& r, const std::string& unit) {
        return scoring_rows_to(scoring_table(a, r, unit));
      })
      .def("evaluate_round_one", [](const assessment& a, const assessment_result& final) {
        return std::make_shared<assessment_result>(evaluate_round_one(a, final));
      }, "The evaluation as it stood after appraisal round 1 (round-2 inputs replaced by what they replaced).")
      .def("missing_evidence", [](const assessment& a) { return evidence_flags_to(missing_evidence(a)); })
      .def("self_vs_appraised_areas", [](const assessment& a) { return area_cut_rows_to(self_vs_appraised_areas(a)); })
      .def("progress", [](const assessment& a, const std::string& as_of) { return progress_rows_to(progress(a, as_of)); },
           py::arg("as_of") = "")
      .def("why_lost", [](const assessment& a, const assessment_result& r, const std::string& unit) {
        return loss_columns(why_lost(a, r, unit), true);
      });
}

void register_assessment_result(py::module_& m) {
  py::class_<assessment_result, std::shared_ptr<assessment_result>>(m, "AssessmentResult")
      .def("final_results", [](const assessment_result& r) { return final_results_to(final_results_report(r)); })
      .def_property_readonly("index", [](const assessment_result& r) { return Eigen::VectorXd(r.eval.index); })
      .def_property_readonly("rank", [](const assessment_result& r) {
        return Eigen::Matrix<std::int32_t, Eigen::Dynamic, 1>(r.eval.rank);
      })
      .def_property_readonly("inputs", [](const assessment_result& r) { return Eigen::MatrixXd(r.inputs); })
      .def_property_readonly("applicable", [](const assessment_result& r) {
        return Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>(r.applicable);
      })
      .def_property_readonly("origin", [](const assessment_result& r) {
        std::vector<std::string> out;
        for (const auto& f : r.resolved) out.push_back(to_string(f.origin));
        return out;
      })
      .def_property_readonly("final", [](const assessment_result& r) { return r.final; })
      .def("node_points", [](const assessment_result& r, const std::string& id) {
        return Eigen::VectorXd(r.eval.points.col(r.column(id)));
      });
}

// Two periods compared, and the units file and timestamps read alone.
void register_periods_and_units(py::module_& m) {
  m.def("compare_periods", [](const assessment& before, const assessment_result& rb, const assessment& after,
                              const assessment_result& ra) {
    return year_over_year_to(compare_periods(before, rb, after, ra));
  });
  m.def("check_chain", [](const std::string& text, const std::string& name, const std::vector<std::string>& noted) {
    const chain_state c = check_chain(text, name, noted);
    py::dict d;
    d["records"] = c.records;
    d["acts"] = c.acts;
    d["unchained"] = c.unchained;
    d["first_broken"] = c.first_broken < 0 ? py::object(py::none()) : py::object(py::int_(c.first_broken));
    d["first_broken_act"] = c.first_broken_act < 0 ? py::object(py::none()) : py::object(py::int_(c.first_broken_act));
    d["problem"] = c.problem;
    d["head"] = c.head;
    d["acts_head"] = c.acts_head;
    d["missing"] = c.missing;
    return d;
  }, py::arg("text"), py::arg("name") = "<text>", py::arg("noted") = std::vector<std::string>{},
     "The state of a document's hash chains, read without its model; `noted`: hashes noted earlier "
     "(at least 16 hex digits) that must still be in a chain.");
  m.def("load_units_csv", [](const std::string& path) { return units_to(load_units_csv(path)); });
}

void register_survey(py::module_& m) {
  py::class_<survey_data, std::shared_ptr<survey_data>>(m, "Survey")
      .def(py::init([](std::vector<std::string> respondents, std::vector<std::string> units,
                       std::vector<std::string> services, std::vector<double> weights,
                       std::vector<std::string> questions, Eigen::MatrixXd answers, std::vector<std::string> sources,
                       std::vector<std::string> known_units) {
             auto s = std::make_shared<survey_data>(survey_from(std::move(respondents), std::move(units),
                                                                std::move(services), std::move(weights),
                                                                std::move(questions), std::move(answers),
                                                                std::move(sources)));
             check_survey(*s, known_units);
             return s;
           }),
           py::arg("respondents"), py::arg("units"), py::arg("services"), py::arg("weights"), py::arg("questions"),
           py::arg("answers"), py::arg("sources"), py::arg("known_units"))
      .def_static("load_csv", [](const std::string& path, const std::vector<std::string>& units) {
        return std::make_shared<survey_data>(load_survey_csv(path, units));
      }, py::arg("path"), py::arg("units") = std::vector<std::string>{})
      .def_readonly("respondents", &survey_data::respondents)
      .def_readonly("units", &survey_data::units)
      .def_readonly("services", &survey_data::services)
      .def_readonly("weights", &survey_data::weights)
      .def_readonly("questions", &survey_data::questions)
      .def_readonly("answers", &survey_data::answers)
      .def("summarise", [](const survey_data& s, const std::map<std::string, std::string>& element_of) {
        const auto summary = summarise_survey(s, element_of);
        return py::make_tuple(stats_to(summary.by_question), stats_to(summary.by_element));
      }, py::arg("element_of") = std::map<std::string, std::string>{})
      .def("leaf_inputs", [](const survey_data& s, std::shared_ptr<plan> p,
                             const std::map<std::string, std::vector<std::string>>& mapping) {
        auto in = survey_leaf_inputs(p->compiled_model(), s, mapping);
        return py::make_tuple(in.units, in.leaves, in.values);
      }, py::arg("model"), py::arg("mapping") = std::map<std::string, std::vector<std::string>>{});

  m.def("question_elements", [](std::shared_ptr<plan> p) { return question_elements(p->compiled_model()); });
  m.def("survey_answers",
        [](const std::vector<std::string>& cells, const std::string& question, const std::vector<std::string>& units,
           const std::vector<std::string>& sources) {
          if (units.size() != cells.size() || sources.size() != cells.size())
            throw data_error("survey.shape", "", question, "survey answers: one unit and one source per answer cell");
          std::vector<double> out(cells.size());
          for (std::size_t r = 0; r < cells.size(); ++r) out[r] = survey_answer(cells[r], units[r], question, sources[r]);
          return out;
        },
        py::arg("cells"), py::arg("question"), py::arg("units"), py::arg("sources"),
        "Answers of one question's text cells, read as the survey CSV reader reads them.");
}

}  // namespace

void register_assessment(py::module_& root) {
  py::module_ m = root.def_submodule("assessment", "Assessments, surveys and reports");
  assessment_class assessment_type(m, "Assessment");
  define_assessment_files(assessment_type);
  define_assessment_schedule(assessment_type);
  define_assessment_inputs(assessment_type);
  define_assessment_reports(assessment_type);
  register_assessment_result(m);
  register_periods_and_units(m);
  register_survey(m);
}

}  // namespace chiso::bindings
