#include "csv.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "chiso/detail/utf8.hpp"
#include "chiso/error.hpp"

namespace chiso::detail {

std::vector<csv_row> parse_csv(const std::string& text, const std::string& source_name) {
  std::vector<csv_row> rows;
  std::size_t i = 0, line = 1;
  const std::size_t n = text.size();
  if (text.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
  auto where = [&](std::size_t at_line) { return source_name + ":" + std::to_string(at_line); };
  if (const std::size_t bad = first_invalid_utf8(text); bad != std::string::npos) {
    const auto line_of_bad = static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n')) + 1;
    throw data_error("csv.encoding", "", "", "the file is not UTF-8 at " + describe_invalid_utf8(text, bad) +
                                                 "; re-save it as UTF-8 (in Excel: Save As, \"CSV UTF-8\")",
                     where(line_of_bad));
  }
  while (i < n) {
    csv_row row;
    row.line = line;
    std::string field;
    bool row_done = false;
    while (!row_done) {
      field.clear();
      if (i < n && text[i] == '"') {
        const std::size_t start_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') { field += '"'; i += 2; continue; }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field += c;
          ++i;
        }
        if (!closed)
          throw data_error("csv.malformed", "", "", "a quoted field is never closed", where(start_line));
        if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r')
          throw data_error("csv.malformed", "", "", "text after a closing quote (write \"\" for a quote inside a quoted field)",
                           where(line));
      } else {
        while (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
          if (text[i] == '"')
            throw data_error("csv.malformed", "", "", "a quote inside an unquoted field (quote the whole field)",
                             where(line));
          field += text[i++];
        }
      }
      row.fields.push_back(field);
      if (i >= n) { row_done = true; break; }
      if (text[i] == ',') { ++i; continue; }
      if (text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      row_done = true;
    }
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) rows.push_back(std::move(row));
  }
  return rows;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data_error("io.read", "", "", "cannot open the file for reading", path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::optional<double> parse_decimal(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  const std::size_t number_start = text[0] == '+' ? 1 : 0;  // from_chars takes '-' but not '+'
  auto digits = [&] {
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - start;
  };
  std::size_t mantissa_digits = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa_digits += digits();
  }
  if (mantissa_digits == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  double value = 0;
  const auto [end, status] = std::from_chars(text.data() + number_start, text.data() + text.size(), value);
  if (status != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

csv_header map_header(const csv_row& header, const std::vector<std::string>& required,
                      const std::vector<std::string>& optional, bool allow_extra,
                      const std::string& source_name) {
  const std::string where = source_name + ":" + std::to_string(header.line);
  csv_header out;
  std::vector<std::string> names = required;
  names.insert(names.end(), optional.begin(), optional.end());
  out.position.assign(names.size(), -1);
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    const std::string& column = header.fields[c];
    bool known = false;
    for (std::size_t k = 0; k < names.size(); ++k) {
      if (names[k] != column) continue;
      if (out.position[k] >= 0)
        throw data_error("csv.header", "", "", "column \"" + column + "\" appears twice", where);
      out.position[k] = static_cast<std::ptrdiff_t>(c);
      known = true;
    }
    if (known) continue;
    if (!allow_extra) {
      std::string list;
      for (const auto& name : names) list += (list.empty() ? "" : ", ") + name;
      throw data_error("csv.header", "", "", "unknown column \"" + column + "\" (expected " + list + ")", where);
    }
    for (const auto& seen : out.extra)
      if (seen == column) throw data_error("csv.header", "", "", "column \"" + column + "\" appears twice", where);
    out.extra.push_back(column);
    out.extra_position.push_back(static_cast<std::ptrdiff_t>(c));
  }
  for (std::size_t k = 0; k < required.size(); ++k)
    if (out.position[k] < 0)
      throw data_error("csv.header", "", "", "the header has no column \"" + required[k] + "\"", where);
  return out;
}

}  // namespace chiso::detail
