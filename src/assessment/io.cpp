// Assessment files: JSON ("chiso-assessment/1", lossless) and CSV (units and records).
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "chiso/assessment/io.hpp"
#include "chiso/detail/format_number.hpp"
#include "chiso/error.hpp"
#include "model/json_text.hpp"
#include "chain.hpp"
#include "csv.hpp"

namespace chiso {

using json = nlohmann::json;
using detail::format_number;

namespace {

constexpr const char* assessment_format = "chiso-assessment/1";
constexpr const char* stage_names = "stage must be \"self\", \"appraisal\" (round 1), \"explanation\" or \"appraisal_2\"";

[[noreturn]] void json_fail(const std::string& source, const std::string& path, const std::string& what,
                            const std::string& unit = {}, const std::string& criterion = {}) {
  throw data_error("assessment.json", unit, criterion, what, source + ":" + (path.empty() ? "/" : path));
}

const json& field(const json& object, const char* key, const std::string& source, const std::string& path) {
  if (!object.contains(key)) json_fail(source, path, std::string("missing field \"") + key + "\"");
  return object.at(key);
}

std::string text_field(const json& object, const char* key, const std::string& source, const std::string& path,
                       bool required = true) {
  if (!object.contains(key)) {
    if (required) json_fail(source, path, std::string("missing field \"") + key + "\"");
    return {};
  }
  const json& v = object.at(key);
  if (!v.is_string()) json_fail(source, path + "/" + key, "expected a string");
  return v.get<std::string>();
}

// What records and schedule acts both carry: who, why, the date stated, the entry time (absent or
// null: imported) and the hash of the chain.
template <class Entry>
void read_entry(const json& object, const std::string& source, const std::string& path, Entry& out) {
  out.note = text_field(object, "note", source, path, false);
  out.author = text_field(object, "author", source, path, false);
  out.timestamp = text_field(object, "timestamp", source, path);
  if (object.contains("entered_at") && !object.at("entered_at").is_null())
    out.entered_at = text_field(object, "entered_at", source, path);
  out.hash = text_field(object, "hash", source, path, false);
}

void only_fields(const json& object, std::initializer_list<const char*> keys, const std::string& source,
                 const std::string& path) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    bool known = false;
    for (const char* k : keys) known = known || it.key() == k;
    if (!known) json_fail(source, path + "/" + it.key(), "unknown field \"" + it.key() + "\"");
  }
}

record record_from_json(const json& v, const std::string& source, const std::string& path) {
  if (!v.is_object()) json_fail(source, path, "a record must be an object");
  only_fields(v, {"unit", "criterion", "input", "stage", "value", "applicable", "evidence", "explanation", "note",
                  "author", "timestamp", "entered_at", "hash"},
              source, path);
  record r;
  r.source = source + ":" + path;
  r.unit = text_field(v, "unit", source, path);
  r.criterion = text_field(v, "criterion", source, path);
  r.input = text_field(v, "input", source, path, false);
  const std::string s = text_field(v, "stage", source, path);
  if (auto parsed = parse_stage(s)) r.stage = *parsed;
  else json_fail(source, path + "/stage", std::string(stage_names) + ", got \"" + s + "\"", r.unit, r.criterion);
  if (v.contains("applicable")) {
    if (!v.at("applicable").is_boolean()) json_fail(source, path + "/applicable", "expected true or false", r.unit, r.criterion);
    r.applicable = v.at("applicable").get<bool>();
  }
  if (v.contains("value") && !v.at("value").is_null()) {
    if (!v.at("value").is_number()) json_fail(source, path + "/value", "expected a number (or null)", r.unit, r.criterion);
    r.value = v.at("value").get<double>();
  }
  if (v.contains("evidence")) {
    const json& e = v.at("evidence");
    if (!e.is_array()) json_fail(source, path + "/evidence", "expected a list of document references", r.unit, r.criterion);
    for (std::size_t k = 0; k < e.size(); ++k) {
      if (!e[k].is_string())
        json_fail(source, path + "/evidence/" + std::to_string(k), "expected a string", r.unit, r.criterion);
      r.evidence.push_back(e[k].get<std::string>());
    }
  }
  r.explanation = text_field(v, "explanation", source, path, false);
  read_entry(v, source, path, r);
  return r;
}

schedule_act act_from_json(const json& o, const std::string& source, const std::string& path, bool reopening) {
  const char* fields = reopening ? "{stage, until, note, author, timestamp, entered_at}"
                                 : "{stage, deadline, note, author, timestamp, entered_at}";
  if (!o.is_object()) json_fail(source, path, std::string("an act must be an object ") + fields);
  if (reopening) only_fields(o, {"act", "stage", "until", "note", "author", "timestamp", "entered_at", "hash"}, source, path);
  else only_fields(o, {"act", "stage", "deadline", "note", "author", "timestamp", "entered_at", "hash"}, source, path);
  schedule_act a;
  a.act = reopening ? schedule_act::kind::reopen : schedule_act::kind::deadline;
  const std::string s = text_field(o, "stage", source, path);
  if (auto parsed = parse_stage(s)) a.stage = *parsed;
  else json_fail(source, path + "/stage", std::string(stage_names) + ", got \"" + s + "\"");
  a.when = text_field(o, reopening ? "until" : "deadline", source, path, reopening);
  read_entry(o, source, path, a);
  return a;
}

assessment_schedule schedule_from_json(const json& v, const std::string& source) {
  assessment_schedule out;
  if (!v.is_object()) json_fail(source, "/schedule", "expected an object {deadlines, acts}");
  only_fields(v, {"deadlines", "acts", "reopenings"}, source, "/schedule");
  if (v.contains("deadlines")) {
    const json& d = v.at("deadlines");
    if (!d.is_object()) json_fail(source, "/schedule/deadlines", "expected an object stage → ISO 8601 timestamp");
    for (auto it = d.begin(); it != d.end(); ++it) {
      const std::string path = "/schedule/deadlines/" + it.key();
      const auto s = parse_stage(it.key());
      if (!s) json_fail(source, path, std::string("unknown stage: ") + stage_names);
      if (!it.value().is_string()) json_fail(source, path, "expected an ISO 8601 timestamp");
      out.deadline[static_cast<std::size_t>(*s)] = it.value().get<std::string>();
      parse_timestamp(it.value().get<std::string>(), source + ":" + path);  // its form; the zone comes later
    }
  }
  // "reopenings": files of chiso 0.3, whose only acts were reopenings.
  for (const char* key : {"reopenings", "acts"}) {
    if (!v.contains(key)) continue;
    const json& list = v.at(key);
    const std::string list_path = std::string("/schedule/") + key;
    if (!list.is_array()) json_fail(source, list_path, "expected a list");
    for (std::size_t k = 0; k < list.size(); ++k) {
      const std::string path = list_path + "/" + std::to_string(k);
      bool reopening = true;
      if (std::string(key) == "acts") {
        if (!list[k].is_object() || !list[k].contains("act")) json_fail(source, path, "an act needs its kind (act)");
        const std::string kind = text_field(list[k], "act", source, path);
        if (kind != "reopen" && kind != "deadline")
          json_fail(source, path + "/act", "act must be \"deadline\" or \"reopen\", got \"" + kind + "\"");
        reopening = kind == "reopen";
      }
      out.acts.push_back(act_from_json(list[k], source, path, reopening));
    }
  }
  return out;
}

json record_to_json(const record& r) {
  json v = json::object();
  v["unit"] = r.unit;
  v["criterion"] = r.criterion;
  v["stage"] = to_string(r.stage);
  v["value"] = std::isnan(r.value) ? json(nullptr) : json(r.value);
  v["applicable"] = r.applicable;
  v["evidence"] = r.evidence;
  if (!r.explanation.empty()) v["explanation"] = r.explanation;
  v["note"] = r.note;
  v["author"] = r.author;
  v["timestamp"] = r.timestamp;
  v["entered_at"] = r.entered_at.empty() ? json(nullptr) : json(r.entered_at);
  v["hash"] = r.hash;
  return v;
}

}  // namespace

json to_json(const assessment& a) {
  json doc = json::object();
  doc["format"] = assessment_format;
  doc["model"] = a.model().id();
  doc["period"] = a.period();
  if (!a.description().empty()) doc["description"] = a.description();
  doc["time_zone"] = a.zone().name();
  doc["policy"] = {{"require_appraisal", a.policy().require_appraisal}};
  const assessment_schedule& schedule = a.schedule();
  json deadlines = json::object();
  for (std::size_t k = 0; k < stage_count; ++k)
    if (!schedule.deadline[k].empty()) deadlines[to_string(static_cast<stage>(k))] = schedule.deadline[k];
  if (!deadlines.empty() || !schedule.acts.empty()) {
    json acts = json::array();
    for (const auto& act : schedule.acts) {
      const bool reopening = act.act == schedule_act::kind::reopen;
      acts.push_back({{"act", to_string(act.act)}, {"stage", to_string(act.stage)},
                      {reopening ? "until" : "deadline", act.when}, {"note", act.note}, {"author", act.author},
                      {"timestamp", act.timestamp},
                      {"entered_at", act.entered_at.empty() ? json(nullptr) : json(act.entered_at)},
                      {"hash", act.hash}});
    }
    doc["schedule"] = {{"deadlines", deadlines}, {"acts", acts}};
  }
  json units = json::array();
  for (const auto& u : a.units()) units.push_back({{"id", u.id}, {"name", u.name}, {"group", u.group}});
  doc["units"] = units;
  json records = json::array();
  for (const auto& r : a.records()) records.push_back(record_to_json(r));
  doc["records"] = records;
  return doc;
}

std::string dump_assessment(const assessment& a) {
  // One record per line: readable and diff-friendly, and still plain JSON.
  json head = to_json(a);
  json records = std::move(head["records"]);
  head.erase("records");
  std::string text = head.dump(1, ' ', false, json::error_handler_t::strict);
  text.erase(text.find_last_of('}'));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  text += ",\n \"records\": [";
  for (std::size_t i = 0; i < records.size(); ++i)
    text += std::string(i ? "," : "") + "\n  " + records[i].dump(-1, ' ', false, json::error_handler_t::strict);
  text += records.empty() ? "]\n}\n" : "\n ]\n}\n";
  return text;
}

void save_assessment_json(const assessment& a, const std::string& path) {
  detail::write_text_file(path, dump_assessment(a));
}

namespace {

// A hostile file (100 MB of nested lists) is refused at once, without building the document.
void check_nesting(std::string_view text, const std::string& source) {
  if (const auto at = detail::find_excess_nesting(text, assessment_limits::max_depth))
    throw data_error("assessment.json", "", "", "JSON nested deeper than " + std::to_string(assessment_limits::max_depth) +
                                                    " levels (an assessment has at most 4)",
                     source + ":byte " + std::to_string(at->byte));
}

void check_size(std::uintmax_t bytes, const std::string& source) {
  if (bytes > assessment_limits::max_bytes)
    throw data_error("assessment.json", "", "", "assessment text of " + std::to_string(bytes) +
                                                    " bytes is over the limit of " +
                                                    std::to_string(assessment_limits::max_bytes) + " bytes",
                     source);
}

}  // namespace

assessment parse_assessment_json(const std::string& text, std::shared_ptr<const chiso::plan> plan,
                                 const std::string& source_name, bool verify) {
  const std::string source = source_name.empty() ? std::string("<text>") : source_name;
  check_size(text.size(), source);
  check_nesting(text, source);
  const json doc = detail::parse_json_strict(text, [&source](const detail::json_problem& problem) {
    if (problem.what == detail::json_problem::kind::syntax || problem.what == detail::json_problem::kind::encoding)
      throw data_error("assessment.json", "", "", problem.message, source + ":byte " + std::to_string(problem.byte));
    json_fail(source, problem.path, problem.message);
  });
  if (!doc.is_object()) json_fail(source, "/", "an assessment must be a JSON object");
  only_fields(doc, {"format", "model", "period", "description", "time_zone", "policy", "schedule", "units", "records"},
              source, "");
  const std::string format = text_field(doc, "format", source, "");
  if (format != assessment_format)
    json_fail(source, "/format", "expected \"" + std::string(assessment_format) + "\", got \"" + format + "\"");
  const std::string model_id = text_field(doc, "model", source, "");
  if (model_id != plan->compiled_model().id())
    json_fail(source, "/model", "the assessment is of model '" + model_id + "', not of the model given ('" +
                                     plan->compiled_model().id() + "')");
  const std::string period = text_field(doc, "period", source, "");
  const std::string description = text_field(doc, "description", source, "", false);
  // Files of chiso 0.3 have no zone and meant UTC by a time without offset: they keep that meaning.
  const std::string zone = doc.contains("time_zone") ? text_field(doc, "time_zone", source, "") : std::string("UTC");
  assessment_policy policy;
  if (doc.contains("policy")) {
    const json& p = doc.at("policy");
    if (!p.is_object()) json_fail(source, "/policy", "expected an object");
    only_fields(p, {"require_appraisal"}, source, "/policy");
    if (p.contains("require_appraisal")) {
      if (!p.at("require_appraisal").is_boolean()) json_fail(source, "/policy/require_appraisal", "expected true or false");
      policy.require_appraisal = p.at("require_appraisal").get<bool>();
    }
  }
  const json& units_json = field(doc, "units", source, "");
  if (!units_json.is_array()) json_fail(source, "/units", "expected a list of units");
  std::vector<unit_info> units;
  for (std::size_t u = 0; u < units_json.size(); ++u) {
    const std::string path = "/units/" + std::to_string(u);
    const json& v = units_json[u];
    if (!v.is_object()) json_fail(source, path, "a unit must be an object {id, name, group}");
    only_fields(v, {"id", "name", "group"}, source, path);
    units.push_back({text_field(v, "id", source, path), text_field(v, "name", source, path, false),
                     text_field(v, "group", source, path, false)});
  }
  std::vector<record> records;
  if (doc.contains("records")) {
    const json& rs = doc.at("records");
    if (!rs.is_array()) json_fail(source, "/records", "expected a list of records");
    for (std::size_t i = 0; i < rs.size(); ++i) records.push_back(record_from_json(rs[i], source, "/records/" + std::to_string(i)));
  }
  assessment_schedule schedule;
  if (doc.contains("schedule")) schedule = schedule_from_json(doc.at("schedule"), source);
  std::vector<schedule_act> acts = std::move(schedule.acts);
  schedule.acts.clear();
  time_zone period_zone = [&] {
    try {
      return time_zone(zone);
    } catch (const data_error& e) {
      json_fail(source, "/time_zone", e.what());
    }
  }();
  assessment a(std::move(plan), period, std::move(units), policy, std::move(schedule), std::move(period_zone));
  a.set_description(description);
  record_entry history;
  history.history = true;
  history.verify = verify;
  for (auto& act : acts) a.record_act(std::move(act), history);
  a.add(std::move(records), history);
  return a;
}

namespace {
// A hash noted from a report or an earlier `chiso verify`: 16 to 64 lowercase hex digits (a
// prefix is enough to compare by eye and to type from paper; 16 digits are 64 bits).
std::string noted_hash(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  const bool hex = text.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (!hex || text.size() < 16 || text.size() > 64) {
    std::string shown = text.substr(0, 80);
    for (char& c : shown)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) c = '?';
    throw parameter_error("assessment.noted_hash", "a noted hash must be 16 to 64 hex digits (the start of a record's "
                                                   "hash as chiso verify or a report prints it), not '" + shown + "'");
  }
  return text;
}
}  // namespace

chain_state check_chain(const std::string& text, const std::string& source_name,
                        const std::vector<std::string>& noted) {
  std::vector<std::string> expected;
  for (const auto& n : noted) expected.push_back(noted_hash(n));
  std::vector<bool> found(expected.size(), false);
  const std::string source = source_name.empty() ? std::string("<text>") : source_name;
  check_size(text.size(), source);
  check_nesting(text, source);
  const json doc = detail::parse_json_strict(text, [&source](const detail::json_problem& problem) {
    throw data_error("assessment.json", "", "", problem.message, source + ":" + (problem.path.empty() ? "/" : problem.path));
  });
  if (!doc.is_object()) json_fail(source, "/", "an assessment must be a JSON object");
  const std::string model_id = text_field(doc, "model", source, "");
  const std::string period = text_field(doc, "period", source, "");
  chain_state out;
  // One chain: each entry's hash must hold, and once one carries a hash every later one must.
  auto walk = [&](const std::vector<std::pair<json, std::string>>& entries, const char* chain,
                  std::ptrdiff_t& first_broken, std::string& head, std::size_t* unchained) {
    std::string previous = detail::chain_genesis(model_id, period, chain);
    bool chained = false;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const std::string hash = detail::chain_hash(entries[i].first, previous);
      const std::string& carried = entries[i].second;
      if (first_broken < 0 && ((!carried.empty() && carried != hash) || (carried.empty() && chained))) {
        first_broken = static_cast<std::ptrdiff_t>(i);
        if (out.problem.empty())
          out.problem = std::string(chain) == "records"
                            ? "record " + std::to_string(i) +
                                  (carried.empty() ? " carries no hash after records that do"
                                                   : " does not match its hash (it, or a record before it, was changed)")
                            : "act " + std::to_string(i) +
                                  (carried.empty() ? " carries no hash after acts that do" : " does not match its hash");
      }
      if (!chained && carried.empty() && unchained) ++*unchained;
      chained = chained || !carried.empty();
      for (std::size_t k = 0; k < expected.size(); ++k)
        if (hash.compare(0, expected[k].size(), expected[k]) == 0) found[k] = true;
      previous = hash;
    }
    head = previous;
  };
  std::vector<std::pair<json, std::string>> records;
  if (doc.contains("records")) {
    const json& rs = doc.at("records");
    if (!rs.is_array()) json_fail(source, "/records", "expected a list of records");
    for (std::size_t i = 0; i < rs.size(); ++i) {
      record r = record_from_json(rs[i], source, "/records/" + std::to_string(i));
      if (!r.input.empty()) r.criterion += "." + r.input;  // as the assessment keeps it (record::input)
      records.emplace_back(detail::canonical(r), r.hash);
    }
  }
  std::vector<std::pair<json, std::string>> acts;
  if (doc.contains("schedule"))
    for (const auto& a : schedule_from_json(doc.at("schedule"), source).acts) acts.emplace_back(detail::canonical(a), a.hash);
  out.records = records.size();
  out.acts = acts.size();
  walk(records, "records", out.first_broken, out.head, &out.unchained);
  walk(acts, "schedule", out.first_broken_act, out.acts_head, nullptr);
  for (std::size_t k = 0; k < expected.size(); ++k)
    if (!found[k]) out.missing.push_back(expected[k]);
  if (!out.missing.empty() && out.problem.empty())
    out.problem = "no record or act has the noted hash " + out.missing.front() +
                  ": the entries from it on were removed, or the file was rewritten";
  return out;
}

assessment load_assessment_json(const std::string& path, std::shared_ptr<const chiso::plan> plan, bool verify) {
  std::error_code error;
  const std::uintmax_t bytes = std::filesystem::file_size(path, error);
  if (!error) check_size(bytes, path);
  return parse_assessment_json(detail::read_text_file(path), std::move(plan), path, verify);
}

// --- CSV ----------------------------------------------------------------------------------------
namespace {

// The columns written; `explanation` (optional on reading) comes after the nine columns of the
// files written before the appraisal rounds, then the entry time and the hash (chiso 0.4).
const std::vector<std::string> record_columns = {"unit", "criterion", "stage", "value", "applicable", "evidence",
                                                 "note", "author", "timestamp", "explanation", "entered_at", "hash"};

double parse_number(const std::string& text, bool& ok) {
  const std::optional<double> v = detail::parse_decimal(text);
  ok = v.has_value();
  return v.value_or(std::nan(""));
}

std::vector<std::string> split_evidence(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const std::size_t bar = text.find('|', start);
    out.push_back(text.substr(start, bar == std::string::npos ? std::string::npos : bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return out;
}

}  // namespace

std::vector<unit_info> load_units_csv(const std::string& path) {
  return parse_units_csv(detail::read_text_file(path), path);
}

std::vector<unit_info> parse_units_csv(const std::string& text, const std::string& path) {
  const auto rows = detail::parse_csv(text, path);
  if (rows.empty()) throw data_error("csv.header", "", "", "the file is empty (expected a header id,name,group)", path);
  const auto header = detail::map_header(rows[0], {"id"}, {"name", "group"}, false, path);
  std::vector<unit_info> units;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const std::string where = path + ":" + std::to_string(row.line);
    if (row.fields.size() != rows[0].fields.size())
      throw data_error("csv.fields", "", "", std::to_string(row.fields.size()) + " fields where the header has " +
                                                 std::to_string(rows[0].fields.size()), where);
    auto get = [&](std::size_t k) { return header.position[k] < 0 ? std::string() : row.fields[static_cast<std::size_t>(header.position[k])]; };
    unit_info u{get(0), get(1), get(2)};
    if (u.id.empty()) throw data_error("assessment.unit_id", "", "", "a unit with an empty id", where);
    // An empty cell would make a group of its own and rank the unit first in it.
    if (header.position[2] >= 0 && u.group.empty())
      throw data_error("assessment.unit_group", u.id, "",
                       "the group cell is empty (give every unit its group, or leave out the group column)", where);
    for (const auto& seen : units)
      if (seen.id == u.id) throw data_error("assessment.unit_duplicate", u.id, "", "the unit id appears twice", where);
    units.push_back(std::move(u));
  }
  return units;
}

void save_units_csv(const std::vector<unit_info>& units, const std::string& path) {
  // The group column only when the units have groups: an empty group cell does not load.
  const bool grouped = std::any_of(units.begin(), units.end(), [](const unit_info& u) { return !u.group.empty(); });
  std::string text = grouped ? "id,name,group\n" : "id,name\n";
  for (const auto& u : units)
    text += detail::csv_field(u.id) + "," + detail::csv_field(u.name) + (grouped ? "," + detail::csv_field(u.group) : "") +
            "\n";
  detail::write_text_file(path, text);
}

record record_from_cells(const record_cells& cells, const std::string& where) {
  record r;
  r.source = where;
  r.unit = cells.unit;
  r.criterion = cells.criterion;
  if (auto parsed = parse_stage(cells.stage)) r.stage = *parsed;
  else throw data_error("assessment.stage", r.unit, r.criterion, std::string(stage_names) + ", got \"" + cells.stage + "\"", where);
  const std::string& applicable = cells.applicable;
  if (applicable.empty() || applicable == "yes" || applicable == "1" || applicable == "true") r.applicable = true;
  else if (applicable == "no" || applicable == "0" || applicable == "false") r.applicable = false;
  else throw data_error("assessment.applicable", r.unit, r.criterion,
                        "applicable must be yes or no, got \"" + applicable + "\"", where);
  if (!cells.value.empty()) {
    bool ok = false;
    r.value = parse_number(cells.value, ok);
    if (!ok) throw data_error("assessment.value", r.unit, r.criterion, "value \"" + cells.value + "\" is not a number", where);
  }
  r.evidence = split_evidence(cells.evidence);
  r.note = cells.note;
  r.author = cells.author;
  r.timestamp = cells.timestamp;
  r.explanation = cells.explanation;
  r.entered_at = cells.entered_at;
  r.hash = cells.hash;
  r.input = cells.input;
  return r;
}

std::vector<record> parse_records_csv(const std::string& text, const std::string& source_name) {
  const auto rows = detail::parse_csv(text, source_name);
  if (rows.empty()) throw data_error("csv.header", "", "", "the file is empty (expected a header)", source_name);
  const auto header = detail::map_header(rows[0], {"unit", "criterion", "stage", "value", "timestamp"},
                                         {"applicable", "evidence", "note", "author", "explanation", "entered_at", "hash",
                                          "input"},
                                         false,
                                         source_name);
  const std::ptrdiff_t p_unit = header.position[0], p_crit = header.position[1], p_stage = header.position[2],
                       p_value = header.position[3], p_time = header.position[4], p_app = header.position[5],
                       p_ev = header.position[6], p_note = header.position[7], p_author = header.position[8],
                       p_explanation = header.position[9], p_entered = header.position[10],
                       p_hash = header.position[11], p_input = header.position[12];
  std::vector<record> out;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    const std::string where = source_name + ":" + std::to_string(row.line);
    if (row.fields.size() != rows[0].fields.size())
      throw data_error("csv.fields", "", "", std::to_string(row.fields.size()) + " fields where the header has " +
                                                 std::to_string(rows[0].fields.size()), where);
    auto get = [&](std::ptrdiff_t p) { return p < 0 ? std::string() : row.fields[static_cast<std::size_t>(p)]; };
    out.push_back(record_from_cells({get(p_unit), get(p_crit), get(p_stage), get(p_value), get(p_app), get(p_ev),
                                     get(p_note), get(p_author), get(p_time), get(p_explanation), get(p_entered),
                                     get(p_hash), get(p_input)},
                                    where));
  }
  return out;
}

std::vector<record> load_records_csv(const std::string& path) {
  return parse_records_csv(detail::read_text_file(path), path);
}

std::string records_csv(const assessment& a) {
  std::string text;
  for (std::size_t c = 0; c < record_columns.size(); ++c) text += (c ? "," : "") + record_columns[c];
  text += "\n";
  for (const auto& r : a.records()) {
    std::string evidence;
    for (std::size_t k = 0; k < r.evidence.size(); ++k) evidence += (k ? "|" : "") + r.evidence[k];
    text += detail::csv_field(r.unit) + "," + detail::csv_field(r.criterion) + "," + to_string(r.stage) + "," +
            (std::isnan(r.value) ? std::string() : format_number(r.value)) + "," + (r.applicable ? "yes" : "no") +
            "," + detail::csv_field(evidence) + "," + detail::csv_field(r.note) + "," + detail::csv_field(r.author) +
            "," + detail::csv_field(r.timestamp) + "," + detail::csv_field(r.explanation) + "," +
            detail::csv_field(r.entered_at) + "," + r.hash + "\n";
  }
  return text;
}

void save_records_csv(const assessment& a, const std::string& path) { detail::write_text_file(path, records_csv(a)); }

assessment load_assessment_csv(std::shared_ptr<const chiso::plan> plan, std::string period,
                               const std::string& units_path, const std::string& records_path,
                               assessment_policy policy, assessment_schedule schedule, time_zone zone) {
  assessment a(std::move(plan), std::move(period), load_units_csv(units_path), policy, std::move(schedule),
               std::move(zone));
  record_entry history;
  history.history = true;
  a.add(load_records_csv(records_path), history);
  return a;
}

}  // namespace chiso
