// The records of an assessment (docs/assessment.md) and their time: stages, units, one record of
// a unit, criterion and stage, timestamps, deadlines and reopenings.
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
  std::string criterion;  // a leaf id of the model
  chiso::stage stage = chiso::stage::self;
  double value = std::numeric_limits<double>::quiet_NaN();  // NaN when not applicable
  bool applicable = true;
  std::vector<std::string> evidence;  // document references (tài liệu kiểm chứng); none empty
  // The unit's written explanation: how it scored a criterion without evidence (self), or its
  // answer to round 1 (required on an `explanation` record, which may carry no value).
  std::string explanation;
  std::string note;                   // the reason for a cut or for "not applicable", or a remark
  std::string author;
  std::string timestamp;              // ISO 8601: 2023-10-31, 2023-10-31T09:00:00+07:00, …Z
  std::string source;                 // where it was read ("records.csv:12"); not saved, not compared
};
// Equal in every saved field (`source` aside); NaN values are equal to each other.
bool operator==(const record& a, const record& b);
inline bool operator!=(const record& a, const record& b) { return !(a == b); }

// Microseconds since 1970-01-01 UTC; a timestamp without offset is read as UTC. Throws
// data_error("assessment.timestamp") naming `where` when the text is not ISO 8601.
std::int64_t parse_timestamp(const std::string& text, const std::string& where = {});

// An explicit act that lets a closed stage take records again, up to `until`.
struct reopening {
  chiso::stage stage = chiso::stage::self;
  std::string until;      // ISO 8601; a date alone means the end of that day (UTC)
  std::string note;       // why (required)
  std::string author;
  std::string timestamp;  // when it was decided (ISO 8601)
};
bool operator==(const reopening& a, const reopening& b);

// When each stage closes. A record of a stage dated after its deadline is refused, unless a
// reopening of that stage runs at least to the record's time.
struct assessment_schedule {
  std::array<std::string, stage_count> deadline;  // per stage (index: the stage's value); empty: none
  std::vector<reopening> reopenings;
};

}  // namespace chiso
