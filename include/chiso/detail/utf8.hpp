// UTF-8 checks for text that enters chiso (files, names) and for the messages it leaves with:
// a message must stay valid UTF-8 even when it quotes a byte of a file in another encoding
// (Windows-1258, TCVN3), or Python cannot even decode the error that explains the problem.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chiso::detail {

// Length of the well-formed UTF-8 sequence starting at text[i] (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF), or 0 when the bytes there are not one.
inline std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) length = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    if (c == 0xE0) low = 0xA0;
    if (c == 0xED) high = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    if (c == 0xF0) low = 0x90;
    if (c == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  return length;
}

// Offset of the first byte that is not part of well-formed UTF-8, or npos when all is.
inline std::size_t first_invalid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return i;
    i += length;
  }
  return std::string_view::npos;
}

inline bool valid_utf8(std::string_view text) { return first_invalid_utf8(text) == std::string_view::npos; }

// The text with every byte outside well-formed UTF-8 written as \xNN (valid text is unchanged).
inline std::string escape_invalid_utf8(std::string_view text) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      const auto c = static_cast<unsigned char>(text[i]);
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 0xF];
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  return out;
}

// Where an invalid byte sits, for a message: "byte offset 17 (byte 5 of line 3): 0xE0";
// `offset` counts bytes from 0 at the start of `text`, lines count from 1.
inline std::string describe_invalid_utf8(std::string_view text, std::size_t offset) {
  static const char hex[] = "0123456789ABCDEF";
  std::size_t line = 1, line_start = 0;
  for (std::size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  const auto c = static_cast<unsigned char>(text[offset]);
  return "byte offset " + std::to_string(offset) + " (byte " + std::to_string(offset - line_start + 1) + " of line " +
         std::to_string(line) + "): 0x" + hex[c >> 4] + hex[c & 0xF];
}

}  // namespace chiso::detail
