// Assessment files: JSON ("chiso-assessment/1", lossless) and CSV (the spreadsheet form; units and
// records tables). See docs/assessment.md.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chiso/assessment/assessment.hpp"
#include "chiso/assessment/records.hpp"
#include "chiso/plan.hpp"

namespace chiso {

// Files. JSON ("chiso-assessment/1") is lossless; CSV is the spreadsheet form (docs/assessment.md).
// Errors are data_error whose source names the file and line, or the file and JSON path.
nlohmann::json to_json(const assessment& a);
std::string dump_assessment(const assessment& a);
void save_assessment_json(const assessment& a, const std::string& path);
// `source_name` is used in messages ("<text>" when empty).
assessment parse_assessment_json(const std::string& text, std::shared_ptr<const chiso::plan> plan,
                                 const std::string& source_name = {});
assessment load_assessment_json(const std::string& path, std::shared_ptr<const chiso::plan> plan);

// An empty id, a repeated id, or an empty group cell (when the file has a group column) is an
// error naming file:line.
std::vector<unit_info> load_units_csv(const std::string& path);
std::vector<unit_info> parse_units_csv(const std::string& text, const std::string& source_name);
void save_units_csv(const std::vector<unit_info>& units, const std::string& path);
// One row of a records table as text cells (the records CSV, or a DataFrame's cells).
struct record_cells {
  std::string unit, criterion, stage, value, applicable, evidence, note, author, timestamp, explanation;
};
// The record of a row, read as the records CSV reader reads it: the stage by name, the value a
// decimal (empty: none), applicable yes/no/true/false/1/0 (empty: yes), evidence "|"-separated.
// A bad cell is a data_error naming `where` (file:line, or "<source> row N"), unit and criterion.
record record_from_cells(const record_cells& cells, const std::string& where);
std::vector<record> load_records_csv(const std::string& path);
std::vector<record> parse_records_csv(const std::string& text, const std::string& source_name);
void save_records_csv(const assessment& a, const std::string& path);
std::string records_csv(const assessment& a);
assessment load_assessment_csv(std::shared_ptr<const chiso::plan> plan, std::string period,
                               const std::string& units_path, const std::string& records_path,
                               assessment_policy policy = {}, assessment_schedule schedule = {});

}  // namespace chiso
