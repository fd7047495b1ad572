// Strict reading of JSON text, shared by the model and assessment readers (internal).
// nlohmann's parser takes a repeated key (the last wins) and throws its own out_of_range for a
// number beyond a double (9e500) with no JSON path; this reader reports both, and bytes that
// are not UTF-8, with the JSON path (RFC 6901) of the value where the text broke.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace chiso::detail {

struct json_problem {
  enum class kind { syntax, encoding, duplicate_key, number_range };
  kind what = kind::syntax;
  std::string path;     // JSON path of the value being read, "/" for the document
  std::string message;  // for people, without the path; valid UTF-8
  std::size_t byte = 0;  // offset in the text where the parser stopped (0 for duplicate keys)
};

// Parses `text` into a document. On any problem calls `fail`, which must throw the caller's
// own chiso error (the reader adds its source and id).
nlohmann::json parse_json_strict(std::string_view text, const std::function<void(const json_problem&)>& fail);

// Where a bracket outside strings first opens a level deeper than `max_depth`, or nullopt. Checked
// before parsing, so that a hostile text (100 MB of nested lists) cannot exhaust the stack in the
// parser or in the destructor of the parsed document, nor the memory, and is refused at once.
struct json_position {
  std::size_t byte = 0, line = 1, column = 0;  // column counts bytes from 1
};
std::optional<json_position> find_excess_nesting(std::string_view text, std::size_t max_depth);

}  // namespace chiso::detail
