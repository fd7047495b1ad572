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
// Limits on an assessment file, checked before it is parsed (data_error "assessment.json").
struct assessment_limits {
  static constexpr std::size_t max_bytes = 256u << 20;  // 256 MiB: about a million records
  static constexpr std::size_t max_depth = 8;           // the format nests 4 levels
};
// `source_name` is used in messages ("<text>" when empty). Records and schedule acts are read as
// history: they keep their `entered_at` (none: imported) and their hash chains are checked
// (data_error "assessment.chain" naming the first record that breaks; `verify` false reads a
// broken chain anyway and recomputes it, for forensics).
assessment parse_assessment_json(const std::string& text, std::shared_ptr<const chiso::plan> plan,
                                 const std::string& source_name = {}, bool verify = true);
assessment load_assessment_json(const std::string& path, std::shared_ptr<const chiso::plan> plan,
                                bool verify = true);

// The state of an assessment document's hash chains, read without its model (`chiso verify`).
struct chain_state {
  std::size_t records = 0, acts = 0;
  std::size_t unchained = 0;           // records before the first that carries a hash (older files)
  std::ptrdiff_t first_broken = -1;    // the first record whose hash does not hold; -1: none
  std::ptrdiff_t first_broken_act = -1;
  std::string problem;                 // what is wrong with the first broken entry (records first)
  std::string head, acts_head;         // hash of the last record and of the last act
  std::vector<std::string> missing;    // hashes noted earlier that neither chain holds any more
};
// Throws data_error("assessment.json") when the text is not an assessment document. `noted`:
// hashes (or prefixes of at least 16 hex digits) of records or acts noted earlier, e.g. the last
// hash printed on a report; one that no recomputed hash starts with goes to `missing` and makes
// the state broken: the records from it on were removed, or the file was rewritten (a
// parameter_error "assessment.noted_hash" when one is not 16 to 64 hex digits).
chain_state check_chain(const std::string& text, const std::string& source_name = {},
                        const std::vector<std::string>& noted = {});

// An empty id, a repeated id, or an empty group cell (when the file has a group column) is an
// error naming file:line.
std::vector<unit_info> load_units_csv(const std::string& path);
std::vector<unit_info> parse_units_csv(const std::string& text, const std::string& source_name);
void save_units_csv(const std::vector<unit_info>& units, const std::string& path);
// One row of a records table as text cells (the records CSV, or a DataFrame's cells).
struct record_cells {
  std::string unit, criterion, stage, value, applicable, evidence, note, author, timestamp, explanation, entered_at,
      hash;
  std::string input;  // optional: the input of a leaf of named inputs (see record::input)
};
// The record of a row, read as the records CSV reader reads it: the stage by name, the value a
// decimal (empty: none), applicable yes/no/true/false/1/0 (empty: yes), evidence "|"-separated.
// A bad cell is a data_error naming `where` (file:line, or "<source> row N"), unit and criterion.
record record_from_cells(const record_cells& cells, const std::string& where);
// The records CSV keeps `entered_at` and `hash` (optional columns on reading): it round-trips.
// Cells are written as they are, so a note starting with "=" stays one; docs/assessment.md warns
// about opening the file in a spreadsheet.
std::vector<record> load_records_csv(const std::string& path);
std::vector<record> parse_records_csv(const std::string& text, const std::string& source_name);
void save_records_csv(const assessment& a, const std::string& path);
std::string records_csv(const assessment& a);
// The records are history (as from a JSON file).
assessment load_assessment_csv(std::shared_ptr<const chiso::plan> plan, std::string period,
                               const std::string& units_path, const std::string& records_path,
                               assessment_policy policy = {}, assessment_schedule schedule = {},
                               time_zone zone = {});

}  // namespace chiso
