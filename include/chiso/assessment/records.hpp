// The records of an assessment (docs/assessment.md) and their time: stages, units, one record of
// a unit, criterion and stage, the two clocks (the date stated and the time entered), time zones,
// deadlines and the acts that change them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace chiso {

// `appraisal` is round 1 (the only appraisal of files written before rounds existed).
enum class stage : std::uint8_t { self, appraisal, explanation, appraisal_2 };
constexpr std::size_t stage_count = 4;
const char* to_string(stage s) noexcept;
// "self", "appraisal", "explanation", "appraisal_2"; nullopt for anything else.
std::optional<stage> parse_stage(const std::string& text) noexcept;

struct unit_info {
  std::string id;
  std::string name;
  std::string group;
};

struct record {
  std::string unit;
  // An input column of the model (plan::input_columns()): a leaf's id for a leaf of one input,
  // `<leaf>.<input>` for one named input of a leaf (`"inputs"` in the model). A leaf of named
  // inputs also takes records naming the leaf itself, without a value: "not applicable"
  // (applicability is per leaf), its self record of evidence and explanation (evidence is per
  // criterion), and an explanation.
  std::string criterion;
  // The other way to name an input: `criterion` the leaf's id and `input` the input's name. The
  // assessment moves it into `criterion` (`<leaf>.<input>`) when it accepts the record, before
  // hashing it, so records are kept, saved and chained in one form; empty afterwards.
  std::string input;
  chiso::stage stage = chiso::stage::self;
  double value = std::numeric_limits<double>::quiet_NaN();  // NaN when not applicable
  bool applicable = true;
  std::vector<std::string> evidence;  // document references (tài liệu kiểm chứng); none empty
  // The unit's written explanation: how it scored a criterion without evidence (self), or its
  // answer to round 1 (required on an `explanation` record, which may carry no value).
  std::string explanation;
  std::string note;                   // the reason for a cut or for "not applicable", or a remark
  std::string author;
  std::string timestamp;              // the date the user states: ISO 8601, read in the period's zone
  // When chiso first accepted the record (UTC, "2026-12-07T10:15:00.123456Z"); set by the
  // assessment. Empty: imported history whose entry time is unknown.
  std::string entered_at;
  // SHA-256 (hex) of the record and the hash of the record before it in the period: set by the
  // assessment, checked when history carrying it is loaded.
  std::string hash;
  std::string source;                 // where it was read ("records.csv:12"); not saved, not compared
};
// Equal in every saved field but the hash (`source` aside); NaN values are equal to each other.
bool operator==(const record& a, const record& b);
inline bool operator!=(const record& a, const record& b) { return !(a == b); }

// The time zone of a period, in which times without an offset and date-only deadlines are read:
// "Asia/Ho_Chi_Minh" (the default; +07:00 since 1975), "UTC", or a fixed offset "+07:00".
class time_zone {
 public:
  time_zone() : time_zone(default_name) {}
  explicit time_zone(std::string name);  // data_error "assessment.time_zone" for other names
  const std::string& name() const noexcept { return name_; }
  std::int64_t offset_minutes() const noexcept { return offset_minutes_; }
  static constexpr const char* default_name = "Asia/Ho_Chi_Minh";

 private:
  std::string name_;
  std::int64_t offset_minutes_ = 0;
};

// Microseconds since 1970-01-01 UTC of an ISO 8601 time (2023-10-31, 2023-10-31T09:00:00+07:00,
// …Z); one without an offset is local time of `zone`. Throws data_error("assessment.timestamp")
// naming `where` when the text is not ISO 8601.
std::int64_t parse_timestamp(const std::string& text, const time_zone& zone, const std::string& where = {});
// The same in UTC (for times that carry their offset, and for tests).
std::int64_t parse_timestamp(const std::string& text, const std::string& where = {});
// A deadline's instant: a date alone runs to the end of that day in the zone (23:59:59.999999).
std::int64_t deadline_instant(const std::string& text, const time_zone& zone, const std::string& where = {});
// "2026-12-07T10:15:00.123456Z" (UTC, microseconds): how chiso writes `entered_at`.
std::string format_instant(std::int64_t micros);
// The system clock, microseconds since 1970 UTC.
std::int64_t system_now();

// A change of the schedule, an act with an author, a reason and a time (nothing is changed
// without trace): a deadline set, moved or removed after the assessment was created, or a
// reopening that takes records of a closed stage again up to `until`.
struct schedule_act {
  enum class kind : std::uint8_t { deadline, reopen };
  kind act = kind::reopen;
  chiso::stage stage = chiso::stage::self;
  std::string when;        // deadline: the new deadline (empty: removed); reopen: until
  std::string note;        // why (required)
  std::string author;      // who decided (required)
  std::string timestamp;   // when it was decided, as stated
  std::string entered_at;  // when chiso accepted it (empty: imported history)
  std::string hash;        // chained as the records are, in a chain of the schedule's own
};
bool operator==(const schedule_act& a, const schedule_act& b);
const char* to_string(schedule_act::kind k) noexcept;

// When each stage closes: the deadlines set when the assessment was created, then the acts.
struct assessment_schedule {
  std::array<std::string, stage_count> deadline;  // per stage (index: the stage's value); empty: none
  std::vector<schedule_act> acts;
};

}  // namespace chiso
