#include "chiso/assessment/assessment.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "chiso/detail/format_number.hpp"
#include "chiso/detail/text_check.hpp"
#include "chiso/error.hpp"
#include "chiso/rule.hpp"
#include "chain.hpp"

namespace chiso {

using detail::format_number;

const char* to_string(input_origin o) noexcept {
  switch (o) {
    case input_origin::self: return "self";
    case input_origin::appraisal: return "appraisal";
    case input_origin::appraisal_2: return "appraisal_2";
    case input_origin::survey: return "survey";
    case input_origin::none: break;
  }
  return "none";
}

namespace {

std::string describe_record(const record& r) {
  return r.source.empty() ? std::string() : r.source;
}

bool is_appraisal(stage s) { return s == stage::appraisal || s == stage::appraisal_2; }

// A field of text that chiso stores: refused when detail::text_problem finds something in it.
void check_text(const std::string& text, const char* field, const std::string& unit, const std::string& criterion,
                const std::string& where) {
  if (auto problem = detail::text_problem(text))
    throw data_error("assessment.text", unit, criterion, std::string("field ") + field + " " + *problem, where);
}

void check_record_text(const record& r) {
  const std::string& where = r.source;
  check_text(r.unit, "unit", "", "", where);
  check_text(r.criterion, "criterion", r.unit, "", where);
  check_text(r.input, "input", r.unit, r.criterion, where);
  for (const auto& reference : r.evidence) check_text(reference, "evidence", r.unit, r.criterion, where);
  check_text(r.explanation, "explanation", r.unit, r.criterion, where);
  check_text(r.note, "note", r.unit, r.criterion, where);
  check_text(r.author, "author", r.unit, r.criterion, where);
  check_text(r.timestamp, "timestamp", r.unit, r.criterion, where);
  check_text(r.entered_at, "entered_at", r.unit, r.criterion, where);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
assessment::assessment(std::shared_ptr<const chiso::plan> plan, std::string period, std::vector<unit_info> units,
                       assessment_policy policy, assessment_schedule schedule, time_zone zone)
    : plan_(std::move(plan)), period_(std::move(period)), units_(std::move(units)), policy_(policy),
      zone_(std::move(zone)) {
  if (!plan_) throw parameter_error("assessment.plan", "an assessment needs a model (the plan is null)");
  if (auto problem = detail::text_problem(period_))
    throw data_error("assessment.text", "", "", "the period " + *problem);
  const auto& leaves = model().leaves();
  const auto& columns = plan_->input_columns();
  leaf_of_column_.resize(columns.size());
  for (std::size_t j = 0; j < leaves.size(); ++j) {
    const auto leaf = static_cast<std::ptrdiff_t>(j);
    leaf_columns_.emplace(leaves[j]->id, leaf);
    if (!leaves[j]->inputs.empty()) cells_.emplace(leaves[j]->id, cell_of{leaf, leaf_cell(leaf)});
    for (std::size_t c = model().first_input(j); c < model().first_input(j + 1); ++c) {
      cells_.emplace(columns[c], cell_of{leaf, static_cast<std::ptrdiff_t>(c)});
      leaf_of_column_[c] = leaf;
    }
  }
  check_units(0);
  survey_.assign(units_.size() * leaves.size(), std::numeric_limits<double>::quiet_NaN());
  for (std::size_t k = 0; k < stage_count; ++k) {
    const std::string& text = schedule.deadline[k];
    if (text.empty()) continue;
    const std::string where = std::string("the deadline of the ") + to_string(static_cast<stage>(k)) + " stage";
    if (auto problem = detail::text_problem(text)) throw data_error("assessment.text", "", "", where + " " + *problem);
    deadline_[k] = deadline_instant(text, zone_, where);
    deadline_text_[k] = text;
    schedule_.deadline[k] = text;
  }
  record_entry history;
  history.history = true;
  for (auto& act : schedule.acts) record_act(std::move(act), history);
}

assessment::assessment(chiso::model m, std::string period, std::vector<unit_info> units, assessment_policy policy,
                       assessment_schedule schedule, time_zone zone)
    : assessment(std::make_shared<const chiso::plan>(std::move(m)), std::move(period), std::move(units), policy,
                 std::move(schedule), std::move(zone)) {}

void assessment::check_units(std::size_t from) {
  const bool grouped = std::any_of(units_.begin(), units_.end(), [](const unit_info& u) { return !u.group.empty(); });
  try {
    for (std::size_t u = from; u < units_.size(); ++u) {
      const unit_info& unit = units_[u];
      const std::string where = "unit number " + std::to_string(u + 1);
      if (unit.id.empty()) throw data_error("assessment.unit_id", "", "", where + " has an empty id");
      for (const auto& [field, text] : {std::pair<const char*, const std::string&>{"id", unit.id}, {"name", unit.name},
                                        {"group", unit.group}})
        if (auto problem = detail::text_problem(text))
          throw data_error("assessment.text", unit.id, "", std::string("the unit's ") + field + " " + *problem, where);
      if (!unit_rows_.emplace(unit.id, static_cast<std::ptrdiff_t>(u)).second)
        throw data_error("assessment.unit_duplicate", unit.id, "", "the unit id appears twice in the list of units");
      // A unit without a group among grouped ones would make a group of its own and rank first in it.
      if (grouped && unit.group.empty())
        throw data_error("assessment.unit_group", unit.id, "",
                         "the unit has no group while others have one (give every unit its group, or none)");
    }
    // Units added later must not leave earlier ones without a group among grouped ones.
    if (grouped)
      for (std::size_t u = 0; u < from; ++u)
        if (units_[u].group.empty())
          throw data_error("assessment.unit_group", units_[u].id, "",
                           "the unit has no group while others have one (give every unit its group, or none)");
  } catch (...) {
    for (std::size_t u = from; u < units_.size(); ++u) {
      auto it = unit_rows_.find(units_[u].id);
      if (it != unit_rows_.end() && it->second == static_cast<std::ptrdiff_t>(u)) unit_rows_.erase(it);
    }
    units_.resize(from);
    throw;
  }
}

void assessment::add_units(std::vector<unit_info> units) {
  const std::size_t from = units_.size();
  for (auto& u : units) units_.push_back(std::move(u));
  check_units(from);
  survey_.resize(units_.size() * static_cast<std::size_t>(leaf_count()), std::numeric_limits<double>::quiet_NaN());
}

void assessment::set_description(std::string text) {
  if (auto problem = detail::text_problem(text))
    throw data_error("assessment.text", "", "", "the description " + *problem);
  description_ = std::move(text);
}

std::string assessment::genesis(const char* chain) const { return detail::chain_genesis(model().id(), period_, chain); }

std::optional<std::int64_t> assessment::entry_time(const std::string& entered_at, std::int64_t now,
                                                   const std::string& where) const {
  if (entered_at.empty()) return std::nullopt;
  const std::int64_t t = parse_timestamp(entered_at, where + " (entered_at)");
  if (t > now + clock_tolerance_us)
    throw data_error("assessment.future", "", "",
                     "entered_at " + entered_at + " lies in the future (the clock says " + format_instant(now) + ")",
                     where);
  return t;
}

std::optional<std::int64_t> assessment::closes_at(chiso::stage s) const {
  const auto k = static_cast<std::size_t>(s);
  auto closes = deadline_[k];
  if (closes)
    for (const window& w : windows_[k]) closes = std::max(*closes, w.until);
  return closes;
}

bool assessment::in_time(chiso::stage s, std::int64_t t, bool imported, std::optional<std::int64_t> deadline) const {
  if (!deadline || t <= *deadline) return true;
  for (const window& w : windows_[static_cast<std::size_t>(s)])
    if ((imported || t >= w.from) && t <= w.until) return true;
  return false;
}

void assessment::check_deadline(const record& r, std::int64_t t, bool imported) const {
  const auto k = static_cast<std::size_t>(r.stage);
  if (in_time(r.stage, t, imported, deadline_[k])) return;
  std::string latest;
  for (const auto& o : schedule_.acts)
    if (o.act == schedule_act::kind::reopen && o.stage == r.stage) latest = o.when;
  const std::string when = imported ? "dated " + r.timestamp + " (imported: its entry time is unknown)"
                                    : "entered at " + r.entered_at + " (dated " + r.timestamp + ")";
  throw data_error("assessment.deadline", r.unit, r.criterion,
                   std::string(r.stage == stage::self ? "a " : "an ") +
                       to_string(r.stage) + " record " + when + " comes after the " +
                       to_string(r.stage) + " stage closed (deadline " + deadline_text_[k] +
                       (latest.empty() ? std::string() : ", reopened until " + latest) +
                       "); reopen the period for this stage to take it",
                   describe_record(r));
}

void assessment::record_act(schedule_act act, const record_entry& entry) {
  const bool reopening = act.act == schedule_act::kind::reopen;
  const auto k = static_cast<std::size_t>(act.stage);
  const std::string what = std::string(reopening ? "the reopening of the " : "the deadline change of the ") +
                           to_string(act.stage) + " stage";
  auto fail = [&](const char* error_id, const std::string& why) -> void {
    throw data_error(error_id, "", "", what + ": " + why, "schedule act " + std::to_string(schedule_.acts.size()));
  };
  for (const auto& [field, text] : {std::pair<const char*, const std::string&>{"note", act.note}, {"author", act.author},
                                    {reopening ? "until" : "deadline", act.when}, {"timestamp", act.timestamp},
                                    {"entered_at", act.entered_at}})
    if (auto problem = detail::text_problem(text)) fail("assessment.text", std::string("field ") + field + " " + *problem);
  auto refuse = [&](const std::string& why) { fail(reopening ? "assessment.reopen" : "assessment.deadline_change", why); };
  if (detail::says_nothing(act.note)) refuse("it needs a reason (note)");
  if (detail::says_nothing(act.author)) refuse("it needs an author (who decided it)");
  const std::int64_t now = entry.now.value_or(system_now());
  std::optional<std::int64_t> entered;
  if (entry.history) {
    entered = entry_time(act.entered_at, now, what);
  } else {
    entered = now;
    act.entered_at = format_instant(now);
  }
  const std::int64_t decided = instant(act.timestamp, what + " (timestamp)");
  if (decided > entered.value_or(now) + clock_tolerance_us)
    fail("assessment.future", "dated " + act.timestamp + ", later than " +
                                  (entered ? "its entry at " + act.entered_at : std::string("now")) +
                                  " (a date may run at most 5 minutes ahead of the clock)");
  std::optional<std::int64_t> new_deadline;
  if (reopening) {
    const std::int64_t until = deadline_instant(act.when, zone_, what + " (until)");
    if (!deadline_[k]) refuse("the stage has no deadline to reopen");
    if (decided < *deadline_[k])
      refuse("dated " + act.timestamp + ", before the deadline it reopens (" + deadline_text_[k] + ")");
    if (until <= *deadline_[k]) refuse("until " + act.when + " does not run past the deadline " + deadline_text_[k]);
  } else if (!act.when.empty()) {
    new_deadline = deadline_instant(act.when, zone_, what);
    const auto saved = deadline_[k];
    const std::string saved_text = deadline_text_[k];
    deadline_[k] = new_deadline;
    deadline_text_[k] = act.when;
    try {
      for (std::size_t i = 0; i < records_.size(); ++i)
        if (records_[i].stage == act.stage) check_deadline(records_[i], entries_[i].value_or(times_[i]), !entries_[i]);
    } catch (...) {
      deadline_[k] = saved;
      deadline_text_[k] = saved_text;
      throw;
    }
    deadline_[k] = saved;
    deadline_text_[k] = saved_text;
  }
  // The chain of the schedule's acts.
  const std::string previous = schedule_.acts.empty() ? genesis("schedule") : schedule_.acts.back().hash;
  const std::string hash = detail::chain_hash(detail::canonical(act), previous);
  if (entry.history && entry.verify) {
    if (!act.hash.empty() && act.hash != hash)
      fail("assessment.chain", "it does not match its hash: it, or an act before it, was changed after it was written");
    if (act.hash.empty() && chained_schedule_)
      fail("assessment.chain", "it carries no hash after acts that carry one: acts after it were removed or added "
                               "behind chiso's back");
  }
  chained_schedule_ = chained_schedule_ || (entry.history && !act.hash.empty());
  act.hash = hash;
  if (reopening) {
    windows_[k].push_back({entered.value_or(decided), deadline_instant(act.when, zone_, what)});
  } else {
    deadline_[k] = new_deadline;
    deadline_text_[k] = act.when;
  }
  schedule_.acts.push_back(std::move(act));
}

void assessment::set_deadline(chiso::stage s, std::string deadline, std::string note, std::string author,
                              std::string timestamp, const record_entry& entry) {
  record_act({schedule_act::kind::deadline, s, std::move(deadline), std::move(note), std::move(author),
              std::move(timestamp), {}, {}},
             entry);
}

void assessment::reopen(chiso::stage s, std::string until, std::string note, std::string author,
                        std::string timestamp, const record_entry& entry) {
  record_act({schedule_act::kind::reopen, s, std::move(until), std::move(note), std::move(author),
              std::move(timestamp), {}, {}},
             entry);
}

std::ptrdiff_t assessment::unit_row(const std::string& id) const {
  auto it = unit_rows_.find(id);
  return it == unit_rows_.end() ? -1 : it->second;
}

bool assessment::named_inputs(std::ptrdiff_t leaf) const noexcept {
  return !model().leaves()[static_cast<std::size_t>(leaf)]->inputs.empty();
}

std::vector<std::ptrdiff_t> assessment::cells_of_leaf(std::ptrdiff_t leaf) const {
  std::vector<std::ptrdiff_t> out;
  if (named_inputs(leaf)) out.push_back(leaf_cell(leaf));
  const auto j = static_cast<std::size_t>(leaf);
  for (std::size_t c = model().first_input(j); c < model().first_input(j + 1); ++c)
    out.push_back(static_cast<std::ptrdiff_t>(c));
  return out;
}

namespace {

std::string input_names(const node& leaf) {
  std::string names;
  for (const auto& input : leaf.inputs) names += (names.empty() ? "" : ", ") + input;
  return names;
}

}  // namespace

void assessment::check_record(record& r, std::ptrdiff_t& u, cell_of& at) const {
  const std::string where = describe_record(r);
  u = unit_row(r.unit);
  if (u < 0)
    throw data_error("assessment.unknown_unit", r.unit, r.criterion,
                     "unknown unit (not in the assessment's list of units)", where);
  auto unknown_criterion = [&] {
    const node* n = model().find(r.criterion);
    throw data_error("assessment.unknown_criterion", r.unit, r.criterion,
                     n ? "is a group of criteria, not a criterion that takes a value"
                       : "unknown criterion (not a leaf or an input column of model '" + model().id() + "')",
                     where);
  };
  if (!r.input.empty()) {
    // The leaf in `criterion`, the input in `input`: kept as the input column, `<leaf>.<input>`.
    auto leaf = leaf_columns_.find(r.criterion);
    if (leaf == leaf_columns_.end()) {
      if (cells_.count(r.criterion))
        throw data_error("assessment.input", r.unit, r.criterion,
                         "field input \"" + r.input + "\": the criterion field already names an input column; give "
                         "the leaf's id with an input, or the input column alone",
                         where);
      unknown_criterion();
    }
    const node& n = *model().leaves()[static_cast<std::size_t>(leaf->second)];
    if (n.inputs.empty())
      throw data_error("assessment.input", r.unit, r.criterion,
                       "field input \"" + r.input + "\": the criterion takes one value, not named inputs (leave the "
                       "field input empty)",
                       where);
    if (std::find(n.inputs.begin(), n.inputs.end(), r.input) == n.inputs.end())
      throw data_error("assessment.input", r.unit, r.criterion,
                       "field input: unknown input \"" + r.input + "\" (the criterion's inputs: " + input_names(n) +
                           ")",
                       where);
    r.criterion += "." + r.input;
    r.input.clear();
  }
  auto found = cells_.find(r.criterion);
  if (found == cells_.end()) {
    // `<leaf>.<name>` of a leaf of named inputs, with a name it does not take.
    const std::size_t dot = r.criterion.rfind('.');
    auto leaf = dot == std::string::npos ? leaf_columns_.end() : leaf_columns_.find(r.criterion.substr(0, dot));
    if (leaf != leaf_columns_.end() && named_inputs(leaf->second)) {
      const node& n = *model().leaves()[static_cast<std::size_t>(leaf->second)];
      throw data_error("assessment.input", r.unit, r.criterion,
                       "field criterion: unknown input \"" + r.criterion.substr(dot + 1) + "\" of criterion " + n.id +
                           " (its inputs: " + input_names(n) + ")",
                       where);
    }
    unknown_criterion();
  }
  at = found->second;
  for (const auto& reference : r.evidence)
    if (reference.empty() || reference.find('|') != std::string::npos)
      throw data_error("assessment.evidence", r.unit, r.criterion,
                       reference.empty() ? "an empty evidence reference"
                                         : "the evidence reference '" + reference +
                                               "' contains '|', which separates references in the CSV form",
                       where);
  const node& n = *model().leaves()[static_cast<std::size_t>(at.leaf)];
  const bool leaf_of_inputs = named_inputs(at.leaf) && at.cell == leaf_cell(at.leaf);  // the leaf's own record
  const bool one_input = named_inputs(at.leaf) && !leaf_of_inputs;                     // one of its inputs
  if (r.stage == stage::explanation && detail::says_nothing(r.explanation))
    throw data_error("assessment.explanation", r.unit, r.criterion,
                     "an explanation record needs the unit's explanation (field explanation)", where);
  if (!r.applicable) {
    if (one_input)
      throw data_error("assessment.input", r.unit, r.criterion,
                       "field applicable: applicability is per criterion; mark criterion " + n.id +
                           " not applicable (criterion " + n.id + ", no input)",
                       where);
    if (!std::isnan(r.value))
      throw data_error("assessment.value", r.unit, r.criterion,
                       "a not-applicable record has no value (got " + format_number(r.value) + ")", where);
    if (detail::says_nothing(r.note) && r.stage != stage::explanation)
      throw data_error("assessment.reason_missing", r.unit, r.criterion,
                       "a criterion marked not applicable needs a reason (note)", where);
    return;
  }
  if (r.stage == stage::explanation && std::isnan(r.value)) return;  // an explanation may ask for no particular score
  // The criterion's own self record holds its evidence and explanation; its values go on its inputs.
  if (leaf_of_inputs && r.stage == stage::self && std::isnan(r.value)) return;
  if (leaf_of_inputs)
    throw data_error("assessment.input", r.unit, r.criterion,
                     "the criterion takes named inputs (" + input_names(n) + "): a record gives one of them (criterion " +
                         n.id + "." + n.inputs.front() + ", or criterion " + n.id + " with field input), marks the "
                         "criterion not applicable, or (self, no value) holds the criterion's evidence",
                     where);
  if (!std::isfinite(r.value))
    throw data_error("assessment.value", r.unit, r.criterion,
                     "a value is required (or mark the criterion not applicable, with a reason)", where);
  // The inputs of a formula are checked together, by the formula's result, when it is evaluated.
  if (one_input) return;
  if (auto why = check_leaf_input(*n.rule, n.max, r.value))
    throw data_error("assessment.range", r.unit, r.criterion, "value " + format_number(r.value) + ": " + *why, where);
}

void assessment::index_insert(std::size_t i, std::ptrdiff_t u, std::ptrdiff_t cell) {
  const std::size_t k = key(u, cell, records_[i].stage);
  auto& list = index_[k];
  const std::int64_t t = times_[i];
  for (std::size_t other : list)
    if (times_[other] == t) {
      const record& r = records_[i];
      const std::string other_where = records_[other].source.empty() ? std::string("an earlier record")
                                                                     : records_[other].source;
      throw data_error("assessment.duplicate", r.unit, r.criterion,
                       std::string("a second ") + to_string(r.stage) + " record with the same timestamp " +
                           r.timestamp + " (the first: " + other_where + ")",
                       describe_record(r));
    }
  auto at = std::upper_bound(list.begin(), list.end(), t,
                             [this](std::int64_t time, std::size_t other) { return time < times_[other]; });
  list.insert(at, i);
  keys_[i] = k;
}

void assessment::index_erase(std::size_t i) {
  auto it = index_.find(keys_[i]);
  if (it == index_.end()) return;
  auto& list = it->second;
  list.erase(std::remove(list.begin(), list.end(), i), list.end());
  if (list.empty()) index_.erase(it);
}

std::ptrdiff_t assessment::in_force(std::size_t k, std::optional<std::int64_t> as_of) const {
  auto it = index_.find(k);
  if (it == index_.end()) return -1;
  const auto& list = it->second;
  for (auto r = list.rbegin(); r != list.rend(); ++r)
    if (!as_of || times_[*r] <= *as_of) return static_cast<std::ptrdiff_t>(*r);
  return -1;
}

std::ptrdiff_t assessment::state(std::ptrdiff_t u, const cell_of& at, chiso::stage s,
                                std::optional<std::int64_t> as_of) const {
  if (!named_inputs(at.leaf)) return in_force(key(u, at.cell, s), as_of);
  const std::ptrdiff_t own = in_force(key(u, leaf_cell(at.leaf), s), as_of);
  std::ptrdiff_t latest = -1;  // the latest record of the leaf's inputs at this stage
  for (std::ptrdiff_t cell : cells_of_leaf(at.leaf)) {
    if (cell == leaf_cell(at.leaf)) continue;
    const std::ptrdiff_t i = in_force(key(u, cell, s), as_of);
    if (i >= 0 && (latest < 0 || times_[static_cast<std::size_t>(i)] > times_[static_cast<std::size_t>(latest)]))
      latest = i;
  }
  if (own >= 0 && !records_[static_cast<std::size_t>(own)].applicable &&
      (latest < 0 || times_[static_cast<std::size_t>(own)] >= times_[static_cast<std::size_t>(latest)]))
    return own;
  return at.cell == leaf_cell(at.leaf) ? latest : in_force(key(u, at.cell, s), as_of);
}

// An appraisal that changes the score in force at its time must say why: round 1 against the
// self record, round 2 against round 1 (else the self record).
std::optional<std::string> assessment::missing_reason(std::size_t i) const {
  const record& a = records_[i];
  if (!is_appraisal(a.stage) || !detail::says_nothing(a.note)) return std::nullopt;
  const std::ptrdiff_t u = unit_row(a.unit);
  const cell_of& at = cell_at_[i];
  std::ptrdiff_t before = -1;
  if (a.stage == stage::appraisal_2) before = state(u, at, stage::appraisal, times_[i]);
  if (before < 0) before = state(u, at, stage::self, times_[i]);
  if (before < 0) return std::nullopt;
  const record& earlier = records_[static_cast<std::size_t>(before)];
  const bool differs = earlier.applicable != a.applicable ||
                       (a.applicable && std::fabs(earlier.value - a.value) > step_tolerance);
  if (!differs) return std::nullopt;
  const std::string old_text = earlier.applicable ? format_number(earlier.value) : std::string("not applicable");
  const std::string new_text = a.applicable ? format_number(a.value) : std::string("not applicable");
  return std::string("the ") + (a.stage == stage::appraisal_2 ? "round-2 appraisal" : "appraisal") + " dated " +
         a.timestamp + " changes the " + (earlier.stage == stage::self ? "self-score " : "round-1 score ") +
         old_text + " to " + new_text + " and needs the council's reason (note); the score it changes is dated " +
         earlier.timestamp;
}

// Record i may change the score an appraisal of its cell compares with: check those appraisals
// that were in before this batch (those of the batch are checked, and named, themselves).
void assessment::check_reasons_affected_by(std::size_t i, std::size_t batch_start) const {
  const record& r = records_[i];
  if (auto why = missing_reason(i)) throw data_error("assessment.reason_missing", r.unit, r.criterion, *why, describe_record(r));
  if (r.stage != stage::self && r.stage != stage::appraisal) return;
  const std::ptrdiff_t u = unit_row(r.unit);
  // Every cell of the leaf: a leaf's records together decide whether it applies.
  for (stage later : {stage::appraisal, stage::appraisal_2}) {
    if (later == r.stage) continue;
    for (std::ptrdiff_t cell : cells_of_leaf(cell_at_[i].leaf)) {
      auto it = index_.find(key(u, cell, later));
      if (it == index_.end()) continue;
      for (std::size_t other : it->second) {
        if (other >= batch_start || times_[other] < times_[i]) continue;
        if (auto why = missing_reason(other)) {
          const std::string other_where =
              records_[other].source.empty() ? std::string() : " (" + records_[other].source + ")";
          throw data_error("assessment.reason_missing", r.unit, r.criterion,
                           std::string("this ") + to_string(r.stage) + " record dated " + r.timestamp +
                               " would leave an appraisal without its reason: " + *why + other_where,
                           describe_record(r));
        }
      }
    }
  }
}

void assessment::add(record r, const record_entry& entry) {
  std::vector<record> batch;
  batch.push_back(std::move(r));
  add(std::move(batch), entry);
}

void assessment::add(std::vector<record> batch, const record_entry& entry) {
  const std::size_t before = records_.size();
  const bool chained_before = chained_history_;
  const std::int64_t now = entry.now.value_or(system_now());
  try {
    for (record& r : batch) {
      check_record_text(r);
      std::ptrdiff_t u = -1;
      cell_of at{-1, -1};
      check_record(r, u, at);
      const std::int64_t t = instant(r.timestamp, r.source);
      std::optional<std::int64_t> entered;
      if (entry.history) {
        entered = entry_time(r.entered_at, now, r.source);
      } else {  // entered now: by somebody (history may predate authors)
        if (entry.author_required && detail::says_nothing(r.author))
          throw data_error("assessment.author", r.unit, r.criterion,
                           "a record entered needs its author (field author: who states it)", describe_record(r));
        entered = now;
        r.entered_at = format_instant(now);
      }
      if (t > entered.value_or(now) + clock_tolerance_us)
        throw data_error("assessment.future", r.unit, r.criterion,
                         "dated " + r.timestamp + ", later than " +
                             (entered ? "its entry at " + r.entered_at : "now (" + format_instant(now) + ")") +
                             ": a stated date may run at most 5 minutes ahead of the clock",
                         describe_record(r));
      check_deadline(r, entered.value_or(t), !entered);
      // The chain: each record's hash covers it and the hash of the record before it.
      const std::string previous = records_.empty() ? genesis("records") : records_.back().hash;
      const std::string hash = detail::chain_hash(detail::canonical(r), previous);
      if (entry.history && entry.verify) {
        if (!r.hash.empty() && r.hash != hash)
          throw data_error("assessment.chain", r.unit, r.criterion,
                           "the record does not match its hash: it, or a record before it, was changed after it "
                           "was written (read with verify=False to see it anyway)",
                           describe_record(r));
        if (r.hash.empty() && chained_history_)
          throw data_error("assessment.chain", r.unit, r.criterion,
                           "the record carries no hash after records that carry one: records after it were "
                           "removed or added behind chiso's back (read with verify=False to see it anyway)",
                           describe_record(r));
      }
      chained_history_ = chained_history_ || (entry.history && !r.hash.empty());
      r.hash = hash;
      records_.push_back(std::move(r));
      times_.push_back(t);
      entries_.push_back(entered);
      keys_.push_back(static_cast<std::size_t>(-1));
      cell_at_.push_back(at);
      index_insert(records_.size() - 1, u, at.cell);
    }
    for (std::size_t i = before; i < records_.size(); ++i) check_reasons_affected_by(i, before);
  } catch (...) {
    for (std::size_t i = records_.size(); i-- > before;)
      if (keys_[i] != static_cast<std::size_t>(-1)) index_erase(i);
    records_.resize(before);
    times_.resize(before);
    entries_.resize(before);
    keys_.resize(before);
    cell_at_.resize(before);
    chained_history_ = chained_before;
    throw;
  }
}

const record* assessment::current(const std::string& unit, const std::string& criterion, chiso::stage s,
                                  std::optional<std::int64_t> as_of) const {
  const std::ptrdiff_t u = unit_row(unit);
  auto found = cells_.find(criterion);
  if (u < 0 || found == cells_.end()) return nullptr;
  const std::ptrdiff_t i = in_force(key(u, found->second.cell, s), as_of);
  return i < 0 ? nullptr : &records_[static_cast<std::size_t>(i)];
}

std::vector<const record*> assessment::history(const std::string& unit, const std::string& criterion) const {
  std::vector<std::size_t> found;
  const std::ptrdiff_t u = unit_row(unit);
  auto named = cells_.find(criterion);
  if (u >= 0 && named != cells_.end()) {
    // A leaf of named inputs: its own records and those of its inputs; else the one cell.
    const cell_of& at = named->second;
    const bool whole_leaf = named_inputs(at.leaf) && at.cell == leaf_cell(at.leaf);
    for (std::ptrdiff_t cell : whole_leaf ? cells_of_leaf(at.leaf) : std::vector<std::ptrdiff_t>{at.cell})
      for (stage s : {stage::self, stage::appraisal, stage::explanation, stage::appraisal_2}) {
        auto it = index_.find(key(u, cell, s));
        if (it != index_.end()) found.insert(found.end(), it->second.begin(), it->second.end());
      }
  }
  std::stable_sort(found.begin(), found.end(), [this](std::size_t a, std::size_t b) { return times_[a] < times_[b]; });
  std::vector<const record*> out;
  for (std::size_t i : found) out.push_back(&records_[i]);
  return out;
}

std::vector<std::string> assessment::set_survey_inputs(const survey_inputs& in, bool other_units_left_out) {
  if (in.values.rows() != static_cast<Eigen::Index>(in.units.size()) ||
      in.values.cols() != static_cast<Eigen::Index>(in.leaves.size()))
    throw data_error("survey.shape", "", "", "survey inputs: the values are not units × leaves");
  std::vector<std::ptrdiff_t> rows, columns;  // rows: the unit's row, or -1 for a unit left out
  std::vector<std::string> left_out;
  for (const auto& id : in.units) {
    const std::ptrdiff_t u = unit_row(id);
    if (u < 0 && !other_units_left_out)
      throw data_error("survey.unknown_unit", id, "", "survey answers for a unit that is not in the assessment");
    if (u < 0) left_out.push_back(id);
    rows.push_back(u);
  }
  for (const auto& id : in.leaves) {
    auto it = leaf_columns_.find(id);
    if (it == leaf_columns_.end())
      throw data_error("survey.unknown_criterion", "", id, "not a criterion of model '" + model().id() + "'");
    const node& n = *model().leaves()[static_cast<std::size_t>(it->second)];
    if (n.source != leaf_source::survey)
      throw data_error("survey.not_survey", "", id, "the criterion is not a survey criterion (source: survey)");
    if (!n.inputs.empty())
      throw data_error("survey.not_survey", "", id, "the criterion takes named inputs, which a survey rate does not feed");
    columns.push_back(it->second);
  }
  // Check every value first, so that a bad one leaves the assessment as it was.
  for (Eigen::Index r = 0; r < in.values.rows(); ++r)
    for (Eigen::Index c = 0; c < in.values.cols(); ++c) {
      const double x = in.values(r, c);
      if (std::isnan(x) || rows[static_cast<std::size_t>(r)] < 0) continue;
      const node& n = *model().leaves()[static_cast<std::size_t>(columns[static_cast<std::size_t>(c)])];
      if (auto why = check_leaf_input(*n.rule, n.max, x))
        throw data_error("survey.range", in.units[static_cast<std::size_t>(r)], n.id,
                         "survey input " + format_number(x) + ": " + *why);
    }
  for (Eigen::Index r = 0; r < in.values.rows(); ++r) {
    if (rows[static_cast<std::size_t>(r)] < 0) continue;
    for (Eigen::Index c = 0; c < in.values.cols(); ++c)
      survey_[static_cast<std::size_t>(rows[static_cast<std::size_t>(r)] * leaf_count() +
                                       columns[static_cast<std::size_t>(c)])] = in.values(r, c);
  }
  return left_out;
}

namespace {

input_origin origin_of(stage s) {
  switch (s) {
    case stage::appraisal_2: return input_origin::appraisal_2;
    case stage::appraisal: return input_origin::appraisal;
    default: return input_origin::self;
  }
}

}  // namespace

final_input assessment::resolve(std::ptrdiff_t u, std::ptrdiff_t j, bool self_view) const {
  final_input out;
  auto use = [&](std::ptrdiff_t i, input_origin from) {
    const record& r = records_[static_cast<std::size_t>(i)];
    out.value = r.value;
    out.applicable = r.applicable;
    out.origin = from;
    out.record = i;
  };
  if (named_inputs(j)) {
    // Whether the leaf applies: from the highest stage with a record of it.
    const cell_of own{j, leaf_cell(j)};
    for (stage s : {stage::appraisal_2, stage::appraisal, stage::self}) {
      const std::ptrdiff_t i = state(u, own, s, std::nullopt);
      if (i < 0) continue;
      out.applicable = records_[static_cast<std::size_t>(i)].applicable;
      out.origin = origin_of(s);
      out.record = i;
      break;
    }
    if (self_view && (out.origin == input_origin::appraisal || out.origin == input_origin::appraisal_2)) {
      const std::ptrdiff_t i = state(u, own, stage::self, std::nullopt);
      if (i >= 0) {
        out.applicable = records_[static_cast<std::size_t>(i)].applicable;
        out.origin = input_origin::self;
        out.record = i;
      }
    }
    return out;
  }
  const std::ptrdiff_t cell = static_cast<std::ptrdiff_t>(model().first_input(static_cast<std::size_t>(j)));
  const std::ptrdiff_t self = in_force(key(u, cell, stage::self), std::nullopt);
  const std::ptrdiff_t round2 = in_force(key(u, cell, stage::appraisal_2), std::nullopt);
  const std::ptrdiff_t a = in_force(key(u, cell, stage::appraisal), std::nullopt);
  if (round2 >= 0 || a >= 0) {
    // The unit's own view: its self record where there is one.
    if (self_view && self >= 0) use(self, input_origin::self);
    else if (round2 >= 0) use(round2, input_origin::appraisal_2);
    else use(a, input_origin::appraisal);
    return out;
  }
  const double survey = survey_input(u, j);
  if (!std::isnan(survey)) {
    out.value = survey;
    out.origin = input_origin::survey;
    // A unit may have marked the survey criterion not applicable (self stage).
    if (self >= 0 && !records_[static_cast<std::size_t>(self)].applicable) use(self, input_origin::self);
    return out;
  }
  if (self >= 0) use(self, input_origin::self);
  return out;
}

final_input assessment::resolve_input(std::ptrdiff_t u, std::ptrdiff_t c, bool self_view) const {
  const std::ptrdiff_t j = leaf_of_column_[static_cast<std::size_t>(c)];
  final_input out = resolve(u, j, self_view);
  if (!named_inputs(j) || !out.applicable) return out;
  // The leaf applies: each input from its own records, round 2 over round 1 over self.
  out = final_input{};
  std::vector<stage> order{stage::appraisal_2, stage::appraisal, stage::self};
  if (self_view && in_force(key(u, c, stage::self), std::nullopt) >= 0) order = {stage::self};
  for (stage s : order) {
    const std::ptrdiff_t i = in_force(key(u, c, s), std::nullopt);
    if (i < 0) continue;
    out.value = records_[static_cast<std::size_t>(i)].value;
    out.origin = origin_of(s);
    out.record = i;
    break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
std::ptrdiff_t assessment_result::column(const std::string& id) const {
  const std::ptrdiff_t k = plan->plan_position(id);
  for (std::size_t c = 0; c < eval.nodes.size(); ++c)
    if (eval.nodes[c] == k) return static_cast<std::ptrdiff_t>(c);
  throw data_error("result.node", "", id, "the result does not keep this node");
}

assessment_result evaluate(const assessment& a, const assessment_options& options) {
  assessment_result out;
  out.plan = a.shared_plan();
  out.units = a.units();
  const auto n_units = static_cast<Eigen::Index>(a.units().size());
  const Eigen::Index n_leaves = a.leaf_count();
  const Eigen::Index n_inputs = a.input_count();
  const auto& leaves = a.model().leaves();
  std::set<std::string> labels;
  for (const auto& u : a.units()) labels.insert(u.group);
  out.group_labels.assign(labels.begin(), labels.end());
  for (const auto& u : a.units())
    out.groups.push_back(static_cast<std::int32_t>(
        std::lower_bound(out.group_labels.begin(), out.group_labels.end(), u.group) - out.group_labels.begin()));
  out.inputs.resize(n_units, n_inputs);
  out.applicable.resize(n_units, n_leaves);
  out.resolved.resize(static_cast<std::size_t>(n_units * n_leaves));
  out.resolved_inputs.resize(static_cast<std::size_t>(n_units * n_inputs));
  out.final.assign(static_cast<std::size_t>(n_units), true);
  const std::string* pending_unit = nullptr;
  const std::string* pending_leaf = nullptr;
  for (Eigen::Index u = 0; u < n_units; ++u)
    for (Eigen::Index j = 0; j < n_leaves; ++j) {
      final_input f = a.resolve(u, j);
      const node& n = *leaves[static_cast<std::size_t>(j)];
      const bool appraised = f.origin == input_origin::appraisal || f.origin == input_origin::appraisal_2;
      if (n.source == leaf_source::appraisal && !appraised && f.applicable) {
        out.final[static_cast<std::size_t>(u)] = false;
        if (!pending_unit) {
          pending_unit = &a.units()[static_cast<std::size_t>(u)].id;
          pending_leaf = &n.id;
        }
      }
      // The unit's own view: its self records where there are, else the final input.
      if (options.self_view) f = a.resolve(u, j, true);
      out.applicable(u, j) = f.applicable;
      out.resolved[static_cast<std::size_t>(u * n_leaves + j)] = f;
      const auto first = static_cast<Eigen::Index>(a.model().first_input(static_cast<std::size_t>(j)));
      const auto end = static_cast<Eigen::Index>(a.model().first_input(static_cast<std::size_t>(j) + 1));
      for (Eigen::Index c = first; c < end; ++c) {
        const final_input input = n.inputs.empty() ? f : a.resolve_input(u, c, options.self_view);
        out.inputs(u, c) = f.applicable ? input.value : 0.0;
        out.resolved_inputs[static_cast<std::size_t>(u * n_inputs + c)] = input;
      }
    }
  if (a.policy().require_appraisal && !options.provisional && !options.self_view && pending_unit)
    throw data_error("assessment.not_final", *pending_unit, *pending_leaf,
                     "the policy requires an appraisal of every appraisal criterion before the index is final; "
                     "this one has none (evaluate with provisional results to see the index so far)");
  std::vector<std::string> ids;
  for (const auto& u : a.units()) ids.push_back(u.id);
  out.eval = chiso::evaluate(*out.plan, out.inputs, ids, out.groups, &out.applicable);
  return out;
}

}  // namespace chiso
