// The one check of text that enters chiso from users (names, notes, evidence, authors): what a
// spreadsheet, a Word file or a terminal would break on or display misleadingly is refused at the
// door, where the field that carries it can still be named.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chiso::detail {

// Nullopt when `text` may be stored; otherwise what is wrong, for a message after the field's
// name ("contains a control character U+000B at character 5"). Refused: bytes that are not
// UTF-8, surrogate code points (a lone surrogate of a Python string arrives encoded as one),
// control characters (C0 except tab and line feed, DEL, C1) and the bidirectional overrides and
// isolates (U+202A–U+202E, U+2066–U+2069), which make text display in another order than it is
// stored. Carriage return is refused too: a line break is "\n".
std::optional<std::string> text_problem(std::string_view text);

// True when `text` (well-formed UTF-8) holds nothing but spaces: ASCII white space, Unicode's
// space separators (no-break, ideographic, …) and the invisible zero-width characters. A reason
// or an author made of them names no reason and nobody.
bool says_nothing(std::string_view text);

}  // namespace chiso::detail
