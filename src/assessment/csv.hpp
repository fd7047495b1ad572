// A small RFC 4180 CSV reader and writer for the assessment and survey files (internal).
// Quoted fields may hold commas, quotes ("") and line breaks; a UTF-8 byte-order mark and CRLF
// line ends are accepted. Every row keeps the line where it starts, for error messages.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chiso/detail/write_file.hpp"

namespace chiso::detail {

struct csv_row {
  std::size_t line = 0;
  std::vector<std::string> fields;
};

// Throws data_error("csv.malformed") naming `source_name`:line for an unterminated quote or text
// after a closing quote, and data_error("csv.encoding") naming the line and byte offset of the
// first byte that is not UTF-8 (a Windows-1258 or TCVN3 export). Blank lines are skipped.
std::vector<csv_row> parse_csv(const std::string& text, const std::string& source_name);

// A number written in a data cell: optional sign, decimal digits with an optional '.', optional
// exponent; nothing else (no spaces, hexadecimal, "nan" or "inf"), whatever the C locale says.
// Empty when the text is not such a number or lies beyond the range of a double.
std::optional<double> parse_decimal(std::string_view text);
std::string read_text_file(const std::string& path);  // data_error("io.read") when unreadable
std::string csv_field(const std::string& value);  // quoted when needed

// Maps a header to column positions: every required column must be there, no unknown or repeated
// column (a misspelt header is an error, never ignored). Missing optional columns get -1.
struct csv_header {
  std::vector<std::ptrdiff_t> position;  // per name in `required` then `optional`
  std::vector<std::string> extra;        // columns left over (only when extra columns are allowed)
  std::vector<std::ptrdiff_t> extra_position;
};
csv_header map_header(const csv_row& header, const std::vector<std::string>& required,
                      const std::vector<std::string>& optional, bool allow_extra,
                      const std::string& source_name);

}  // namespace chiso::detail
