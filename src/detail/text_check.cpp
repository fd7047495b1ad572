#include "chiso/detail/text_check.hpp"

#include <cstdint>
#include <cstdio>

#include "chiso/detail/utf8.hpp"

namespace chiso::detail {

namespace {

std::string code_point_name(std::uint32_t c) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(c));
  return buffer;
}

const char* refused_kind(std::uint32_t c) {
  if (c == '\t' || c == '\n') return nullptr;
  if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) return "a control character";
  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) return "a bidirectional override";
  return nullptr;
}

// The code point of the well-formed sequence of `length` bytes at text[i].
std::uint32_t code_point_at(std::string_view text, std::size_t i, std::size_t length) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  std::uint32_t c = length == 1 ? byte(i) : byte(i) & (0xFFu >> (length + 1));
  for (std::size_t k = 1; k < length; ++k) c = (c << 6) | (byte(i + k) & 0x3Fu);
  return c;
}

bool is_space(std::uint32_t c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200D) ||
         c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x2060 || c == 0x3000 || c == 0xFEFF;
}

}  // namespace

bool says_nothing(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0 || !is_space(code_point_at(text, i, length))) return false;
    i += length;
  }
  return true;
}

std::optional<std::string> text_problem(std::string_view text) {
  std::size_t character = 0;
  for (std::size_t i = 0; i < text.size(); ++character) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    // A surrogate encoded as three bytes (ED A0..BF xx), as Python's "surrogatepass" writes it.
    if (byte(i) == 0xED && i + 2 < text.size() && byte(i + 1) >= 0xA0 && byte(i + 1) <= 0xBF &&
        (byte(i + 2) & 0xC0) == 0x80) {
      const std::uint32_t c = 0xD000u | ((byte(i + 1) & 0x3Fu) << 6) | (byte(i + 2) & 0x3Fu);
      return "contains a lone surrogate " + code_point_name(c) + " at character " + std::to_string(character + 1) +
             " (not a character)";
    }
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0)
      return "is not UTF-8 (byte " + std::to_string(i) + " is 0x" + escape_invalid_utf8(text.substr(i, 1)).substr(2) +
             ")";
    const std::uint32_t c = code_point_at(text, i, length);
    if (const char* kind = refused_kind(c))
      return std::string("contains ") + kind + " " + code_point_name(c) + " at character " +
             std::to_string(character + 1);
    i += length;
  }
  return std::nullopt;
}

}  // namespace chiso::detail
