#include "chiso/assessment/records.hpp"

#include <cmath>

#include "chiso/error.hpp"

namespace chiso {

const char* to_string(stage s) noexcept {
  switch (s) {
    case stage::appraisal: return "appraisal";
    case stage::explanation: return "explanation";
    case stage::appraisal_2: return "appraisal_2";
    case stage::self: break;
  }
  return "self";
}

std::optional<stage> parse_stage(const std::string& text) noexcept {
  for (stage s : {stage::self, stage::appraisal, stage::explanation, stage::appraisal_2})
    if (text == to_string(s)) return s;
  return std::nullopt;
}

bool operator==(const reopening& a, const reopening& b) {
  return a.stage == b.stage && a.until == b.until && a.note == b.note && a.author == b.author &&
         a.timestamp == b.timestamp;
}

bool operator==(const record& a, const record& b) {
  const bool same_value = (std::isnan(a.value) && std::isnan(b.value)) || a.value == b.value;
  return a.unit == b.unit && a.criterion == b.criterion && a.stage == b.stage && same_value &&
         a.applicable == b.applicable && a.evidence == b.evidence && a.explanation == b.explanation &&
         a.note == b.note &&
         a.author == b.author && a.timestamp == b.timestamp;
}

namespace {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool digits(const std::string& s, std::size_t at, std::size_t count, int& out) {
  if (at + count > s.size()) return false;
  out = 0;
  for (std::size_t k = at; k < at + count; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
    out = out * 10 + (s[k] - '0');
  }
  return true;
}

}  // namespace

std::int64_t parse_timestamp(const std::string& t, const std::string& where) {
  auto fail = [&]() -> std::int64_t {
    throw data_error("assessment.timestamp", "", "",
                     "timestamp \"" + t + "\" is not ISO 8601 (2023-10-31, 2023-10-31T09:00:00+07:00 or …Z)", where);
  };
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!digits(t, 0, 4, year) || t.size() < 10 || t[4] != '-' || !digits(t, 5, 2, month) || t[7] != '-' ||
      !digits(t, 8, 2, day))
    return fail();
  static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1]) return fail();
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return fail();
  std::size_t i = 10;
  std::int64_t micros = 0;
  std::int64_t offset_minutes = 0;
  if (i < t.size()) {
    if (t[i] != 'T' && t[i] != ' ') return fail();
    if (!digits(t, i + 1, 2, hour) || i + 3 >= t.size() || t[i + 3] != ':' || !digits(t, i + 4, 2, minute))
      return fail();
    i += 6;
    if (i < t.size() && t[i] == ':') {
      if (!digits(t, i + 1, 2, second)) return fail();
      i += 3;
      if (i < t.size() && t[i] == '.') {
        ++i;
        std::int64_t scale = 100000;
        const std::size_t start = i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
          if (scale > 0) micros += (t[i] - '0') * scale;
          scale /= 10;
          ++i;
        }
        if (i == start) return fail();
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return fail();
    if (i < t.size()) {
      if (t[i] == 'Z' && i + 1 == t.size()) {
        ++i;
      } else if ((t[i] == '+' || t[i] == '-') && i + 6 == t.size() && t[i + 3] == ':') {
        int oh = 0, om = 0;
        if (!digits(t, i + 1, 2, oh) || !digits(t, i + 4, 2, om) || oh > 23 || om > 59) return fail();
        offset_minutes = (t[i] == '+' ? 1 : -1) * (oh * 60 + om);
        i = t.size();
      } else {
        return fail();
      }
    }
  }
  const std::int64_t seconds = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 +
                               hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return seconds * 1000000 + micros;
}

}  // namespace chiso
