#include "chiso/assessment/records.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

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

const char* to_string(schedule_act::kind k) noexcept { return k == schedule_act::kind::deadline ? "deadline" : "reopen"; }

bool operator==(const schedule_act& a, const schedule_act& b) {
  return a.act == b.act && a.stage == b.stage && a.when == b.when && a.note == b.note && a.author == b.author &&
         a.timestamp == b.timestamp && a.entered_at == b.entered_at;
}

bool operator==(const record& a, const record& b) {
  const bool same_value = (std::isnan(a.value) && std::isnan(b.value)) || a.value == b.value;
  return a.unit == b.unit && a.criterion == b.criterion && a.stage == b.stage && same_value &&
         a.applicable == b.applicable && a.evidence == b.evidence && a.explanation == b.explanation &&
         a.note == b.note && a.author == b.author && a.timestamp == b.timestamp && a.entered_at == b.entered_at;
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

time_zone::time_zone(std::string name) : name_(std::move(name)) {
  int hours = 0, minutes = 0;
  if (name_ == "Asia/Ho_Chi_Minh" || name_ == "Asia/Saigon") {
    offset_minutes_ = 7 * 60;  // Indochina Time, unchanged since 1975
  } else if (name_ == "UTC" || name_ == "Etc/UTC") {
    offset_minutes_ = 0;
  } else if (name_.size() == 6 && (name_[0] == '+' || name_[0] == '-') && name_[3] == ':' &&
             digits(name_, 1, 2, hours) && digits(name_, 4, 2, minutes) && hours <= 14 && minutes <= 59) {
    offset_minutes_ = (name_[0] == '+' ? 1 : -1) * (hours * 60 + minutes);
  } else {
    throw data_error("assessment.time_zone", "", "",
                     "unknown time zone \"" + name_ + "\" (expected Asia/Ho_Chi_Minh, UTC or a fixed offset such as +07:00)");
  }
}

std::int64_t parse_timestamp(const std::string& t, const std::string& where) {
  static const time_zone utc("UTC");
  return parse_timestamp(t, utc, where);
}

std::int64_t deadline_instant(const std::string& text, const time_zone& zone, const std::string& where) {
  const std::int64_t t = parse_timestamp(text, zone, where);
  return text.size() == 10 ? t + 86400LL * 1000000 - 1 : t;
}

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string format_instant(std::int64_t micros) {
  // Civil date from days since 1970 (Howard Hinnant's algorithm, the inverse of days_from_civil).
  std::int64_t seconds = micros >= 0 ? micros / 1000000 : -((-micros + 999999) / 1000000);
  const std::int64_t fraction = micros - seconds * 1000000;
  std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  const std::int64_t in_day = seconds - days * 86400;
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2);
  char buffer[80];
  std::snprintf(buffer, sizeof buffer, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%06lldZ", static_cast<long long>(year),
                month, day, static_cast<long long>(in_day / 3600), static_cast<long long>(in_day / 60 % 60),
                static_cast<long long>(in_day % 60), static_cast<long long>(fraction));
  return buffer;
}

std::int64_t parse_timestamp(const std::string& t, const time_zone& zone, const std::string& where) {
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
  std::int64_t offset_minutes = zone.offset_minutes();
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
        offset_minutes = 0;
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
