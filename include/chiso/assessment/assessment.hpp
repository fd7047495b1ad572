// Assessment of a period (kỳ đánh giá): units self-assess each criterion with evidence, the
// appraisal council confirms or adjusts; nothing is overwritten. See docs/assessment.md.
//
// Records form a long table (unit, criterion, stage, value, evidence, explanation, note, author,
// timestamp). The stages are those provinces run: self-scoring, appraisal round 1 (`appraisal`),
// the unit's explanation with added evidence, appraisal round 2 (`appraisal_2`, final). For one
// unit, criterion and stage the record with the latest timestamp is in force; older ones stay in
// the history. The final input of a criterion is, in this order: the round-2 appraisal in force;
// the round-1 appraisal in force; the survey input (survey leaves fed from microdata); the self
// record in force. Each stage may close at a deadline, after which its records are refused
// unless the period is reopened for it (a recorded act).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <Eigen/Core>

#include "chiso/assessment/records.hpp"
#include "chiso/evaluate.hpp"
#include "chiso/model.hpp"

namespace chiso {

struct assessment_policy {
  // The index is final only when every applicable appraisal criterion has an appraisal record.
  bool require_appraisal = false;
};

enum class input_origin : std::uint8_t { none, self, appraisal, survey, appraisal_2 };
const char* to_string(input_origin o) noexcept;

// The value that goes into the evaluation for one unit and criterion (a leaf), or one input column.
// For a leaf of named inputs the leaf's own final input says whether it applies and from which
// stage (value NaN); each input column has its own.
struct final_input {
  double value = std::numeric_limits<double>::quiet_NaN();
  bool applicable = true;
  input_origin origin = input_origin::none;
  std::ptrdiff_t record = -1;  // position in assessment::records() of the record used; -1: none
};

// Inputs of survey leaves for some units, in each leaf's rule unit (fraction or percent).
struct survey_inputs {
  std::vector<std::string> units;
  std::vector<std::string> leaves;
  Eigen::MatrixXd values;  // units × leaves; NaN: no valid answer
};

// How records and schedule acts enter an assessment (docs/assessment.md, "Two clocks").
struct record_entry {
  // The entry clock, microseconds since 1970 UTC (a database's clock); nullopt: the system clock.
  std::optional<std::int64_t> now;
  // History (a file, records given with the assessment, a store): each keeps the `entered_at`
  // it carries (none: imported, entry time unknown) and its hash is checked. Otherwise every
  // record is entered at `now`.
  bool history = false;
  // History only: false reads a broken hash chain (forensics) and recomputes it.
  bool verify = true;
  // A record entered now names its author. False only where records an assessment already
  // accepted are copied, entered again at another clock (a store write): some were imported from
  // files written before authors were asked for.
  bool author_required = true;
};

// A stated date may run ahead of the entry clock by this much (clocks of different machines).
constexpr std::int64_t clock_tolerance_us = 5LL * 60 * 1000000;

class assessment {
 public:
  // Throws data_error for an empty or repeated unit id, for text that chiso refuses in a unit
  // (detail/text_check.hpp) and for a bad schedule. The schedule's acts enter as history.
  assessment(std::shared_ptr<const chiso::plan> plan, std::string period, std::vector<unit_info> units,
             assessment_policy policy = {}, assessment_schedule schedule = {}, time_zone zone = {});
  assessment(chiso::model m, std::string period, std::vector<unit_info> units, assessment_policy policy = {},
             assessment_schedule schedule = {}, time_zone zone = {});

  const chiso::plan& plan() const noexcept { return *plan_; }
  const std::shared_ptr<const chiso::plan>& shared_plan() const noexcept { return plan_; }
  const chiso::model& model() const noexcept { return plan_->compiled_model(); }
  const std::string& period() const noexcept { return period_; }
  const std::vector<unit_info>& units() const noexcept { return units_; }
  const assessment_policy& policy() const noexcept { return policy_; }
  const chiso::time_zone& zone() const noexcept { return zone_; }
  const std::string& description() const noexcept { return description_; }
  void set_description(std::string text);  // checked as every text is
  std::ptrdiff_t unit_row(const std::string& id) const;  // -1 when unknown
  // Appends units (a store merging writers' units); checked as the constructor checks them.
  void add_units(std::vector<unit_info> units);
  // An ISO 8601 time read in the period's zone (naive times are local).
  std::int64_t instant(const std::string& text, const std::string& where = {}) const {
    return parse_timestamp(text, zone_, where);
  }

  const assessment_schedule& schedule() const noexcept { return schedule_; }
  // The deadline in force for a stage (empty: none).
  const std::string& deadline(chiso::stage s) const noexcept { return deadline_text_[static_cast<std::size_t>(s)]; }
  // Records an act of the schedule (a deadline set, moved or removed, or a reopening). Each needs a
  // reason (`note`) and an `author` and is dated (`timestamp`, not later than its entry + 5
  // minutes). A reopening is dated after the deadline it reopens and runs past it; it takes
  // records of the stage entered from its entry up to `until`. A deadline that a record already
  // in comes after is refused, naming the record. Errors: data_error "assessment.reopen",
  // "assessment.deadline_change", "assessment.future", "assessment.chain".
  void record_act(schedule_act act, const record_entry& entry = {});
  void set_deadline(chiso::stage s, std::string deadline, std::string note, std::string author,
                    std::string timestamp, const record_entry& entry = {});
  void reopen(chiso::stage s, std::string until, std::string note, std::string author, std::string timestamp,
              const record_entry& entry = {});
  // The last instant up to which records of the stage may be entered (deadline or the latest
  // reopening); nullopt when the stage has no deadline.
  std::optional<std::int64_t> closes_at(chiso::stage s) const;

  // Adds records. Each is checked: known unit and criterion (an input column, or a leaf; a record
  // naming a leaf of named inputs gives one of them in `input`, which is moved into `criterion`,
  // or marks the leaf not applicable; assessment.input otherwise), text chiso accepts in every
  // field, ISO timestamps, a value in its rule's range (steps, allowed values, rates, counts), a
  // reason for "not applicable", no empty evidence reference, an explanation text on an
  // `explanation` record, a stated date not later than its entry + 5 minutes, entered before its
  // stage's deadline (or within a reopening; an imported record is checked on its stated date),
  // no second record of the same unit, criterion and stage with the same timestamp, and (history)
  // the hash it carries. Then every appraisal of the cells the batch touches is checked again: one
  // that changes the score in force at its time (round 1: the self record; round 2: the round-1
  // appraisal, else the self record) needs a reason. A record that would leave an existing
  // appraisal without one (a self record dated before it) is refused, naming both. So whatever is
  // accepted reloads from its JSON or CSV. The first failure throws data_error naming the record
  // (its `source`, unit and criterion), and nothing of the batch is kept.
  void add(record r, const record_entry& entry = {});
  void add(std::vector<record> batch, const record_entry& entry = {});

  // Every record, in the order added (the history). Pointers and references into it (also those
  // from current() and history()) stay valid until the next add().
  const std::vector<record>& records() const noexcept { return records_; }
  // The record in force for a unit, criterion and stage (latest stated date), or nullptr. With
  // `as_of`, only records up to that time count.
  const record* current(const std::string& unit, const std::string& criterion, chiso::stage s,
                        std::optional<std::int64_t> as_of = std::nullopt) const;
  // Every record of a unit and criterion, every stage, oldest first.
  std::vector<const record*> history(const std::string& unit, const std::string& criterion) const;

  // Survey inputs (from survey.hpp's survey_leaf_inputs). Leaves must be known survey leaves;
  // replaces earlier survey inputs of the same cells. A unit not in the assessment is an error
  // (survey.unknown_unit), or with `other_units_left_out` left out (a survey covering several
  // groups): returns the units left out.
  std::vector<std::string> set_survey_inputs(const survey_inputs& inputs, bool other_units_left_out = false);
  double survey_input(std::ptrdiff_t unit_row, std::ptrdiff_t leaf) const {
    return survey_[static_cast<std::size_t>(unit_row * leaf_count() + leaf)];
  }

  // The input of unit row u and leaf column j (leaf order of the model). For a leaf of named
  // inputs: whether it applies, from the highest stage (round 2, round 1, self) with a record of
  // it (the latest of that stage's records decides: a not-applicable record of the leaf, or any
  // record of its inputs), value NaN.
  // `self_view`: the unit's own view — its self record where the final input is an appraisal.
  final_input resolve(std::ptrdiff_t u, std::ptrdiff_t j, bool self_view = false) const;
  // The input of unit row u and input column c (plan::input_columns()): round 2 over round 1 over
  // survey over self, per column; not applicable when its leaf is not.
  final_input resolve_input(std::ptrdiff_t u, std::ptrdiff_t c, bool self_view = false) const;
  std::ptrdiff_t leaf_count() const noexcept { return plan_->leaf_count(); }
  std::ptrdiff_t input_count() const noexcept { return plan_->input_count(); }

 private:
  // A reopening's window: records entered from `from` (its own entry) up to `until` are in time.
  struct window {
    std::int64_t from;
    std::int64_t until;
  };
  // Records are kept per cell: one per input column, and for a leaf of named inputs one more, of
  // the leaf itself (input_count() + its leaf column), for its not-applicable and explanation records.
  struct cell_of {
    std::ptrdiff_t leaf;  // leaf column
    std::ptrdiff_t cell;  // input column, or input_count() + leaf for the leaf's own records
  };
  std::size_t key(std::ptrdiff_t u, std::ptrdiff_t cell, chiso::stage s) const noexcept {
    return (static_cast<std::size_t>(u) * static_cast<std::size_t>(input_count() + leaf_count()) +
            static_cast<std::size_t>(cell)) *
               stage_count +
           static_cast<std::size_t>(s);
  }
  bool named_inputs(std::ptrdiff_t leaf) const noexcept;
  std::ptrdiff_t leaf_cell(std::ptrdiff_t leaf) const noexcept { return input_count() + leaf; }
  // The cells of a leaf: its input columns, and its own cell when it has named inputs.
  std::vector<std::ptrdiff_t> cells_of_leaf(std::ptrdiff_t leaf) const;
  // The record that decides a cell at a stage (as of a time): for a cell of a leaf of named
  // inputs, the leaf's not-applicable record where it is the latest of the stage's records of the
  // leaf; for the leaf's own cell, else the latest record of its inputs at that stage. -1: none.
  std::ptrdiff_t state(std::ptrdiff_t u, const cell_of& at, chiso::stage s, std::optional<std::int64_t> as_of) const;
  void check_units(std::size_t from) ;
  // Checks a record and moves its `input` into `criterion`; gives its unit row and cell.
  void check_record(record& r, std::ptrdiff_t& u, cell_of& at) const;
  bool in_time(chiso::stage s, std::int64_t t, bool imported, std::optional<std::int64_t> deadline) const;
  void check_deadline(const record& r, std::int64_t t, bool imported) const;
  void index_insert(std::size_t i, std::ptrdiff_t u, std::ptrdiff_t cell);
  void index_erase(std::size_t i);
  // The reason an appraisal `i` lacks, or nullopt when it needs none.
  std::optional<std::string> missing_reason(std::size_t i) const;
  void check_reasons_affected_by(std::size_t i, std::size_t batch_start) const;
  std::ptrdiff_t in_force(std::size_t key, std::optional<std::int64_t> as_of) const;
  // The entry instant of history carrying `entered_at` (nullopt: imported), checked against now.
  std::optional<std::int64_t> entry_time(const std::string& entered_at, std::int64_t now,
                                         const std::string& where) const;
  std::string genesis(const char* chain) const;

  std::shared_ptr<const chiso::plan> plan_;
  std::string period_;
  std::vector<unit_info> units_;
  assessment_policy policy_;
  chiso::time_zone zone_;
  std::string description_;
  assessment_schedule schedule_;
  std::array<std::optional<std::int64_t>, stage_count> deadline_;    // in force, parsed
  std::array<std::string, stage_count> deadline_text_;                // in force, as given
  std::array<std::vector<window>, stage_count> windows_;             // reopenings
  bool chained_history_ = false;                                     // history so far carried hashes
  bool chained_schedule_ = false;                                    // the schedule's acts so far did
  std::unordered_map<std::string, std::ptrdiff_t> unit_rows_;
  std::unordered_map<std::string, std::ptrdiff_t> leaf_columns_;
  std::unordered_map<std::string, cell_of> cells_;                   // input column or leaf id → its cell
  std::vector<std::ptrdiff_t> leaf_of_column_;                       // input column → its leaf column
  std::vector<record> records_;
  std::vector<std::int64_t> times_;                                  // stated dates, parsed
  std::vector<std::optional<std::int64_t>> entries_;                 // entry times (nullopt: imported)
  std::vector<std::size_t> keys_;                                    // key of each record
  std::vector<cell_of> cell_at_;                                     // cell of each record
  std::unordered_map<std::size_t, std::vector<std::size_t>> index_;  // key → records, oldest first
  std::vector<double> survey_;                                       // units × leaves; NaN = none
};

// The evaluation of an assessment: inputs as resolved, and the core's results.
struct assessment_result {
  std::shared_ptr<const chiso::plan> plan;
  std::vector<unit_info> units;
  std::vector<std::string> group_labels;  // sorted; group code g is group_labels[g]
  std::vector<std::int32_t> groups;       // per unit
  Eigen::MatrixXd inputs;                 // units × input columns (NaN: missing; 0 where not applicable)
  Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic> applicable;  // units × leaves
  std::vector<final_input> resolved;      // row-major, units × leaves
  std::vector<final_input> resolved_inputs;  // row-major, units × input columns
  std::vector<bool> final;                // per unit: every applicable appraisal criterion appraised
  chiso::evaluation eval;

  const final_input& at(std::ptrdiff_t u, std::ptrdiff_t j) const {
    return resolved[static_cast<std::size_t>(u * applicable.cols() + j)];
  }
  const final_input& input_at(std::ptrdiff_t u, std::ptrdiff_t c) const {
    return resolved_inputs[static_cast<std::size_t>(u * inputs.cols() + c)];
  }
  // Column of node `id` in eval (every node is kept); throws data_error when unknown.
  std::ptrdiff_t column(const std::string& id) const;
};

struct assessment_options {
  // Under require_appraisal, evaluate anyway and mark units not final (else: an error).
  bool provisional = false;
  // Which stage's values to use: final inputs (round 2 over round 1 over self), or the
  // self-scores (the final input where a criterion has no self record), for the
  // self-vs-appraised report.
  bool self_view = false;
};

// Resolves every input and scores the units with the model's plan. A missing input follows the
// model's `missing` policy (an error names the unit and criterion).
assessment_result evaluate(const assessment& a, const assessment_options& options = {});

}  // namespace chiso
