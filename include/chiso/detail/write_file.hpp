// Files chiso writes are written whole or not at all: the text goes to a temporary file beside
// the target, renamed over it at the end, so that a full disk or a killed process leaves the
// previous file (and at most a hidden `.name-….tmp` beside it), never a half-written one.
#pragma once

#include <string>

namespace chiso::detail {

// data_error("io.write") naming the path when the folder cannot be written or the text not
// written whole; the target is then as it was.
void write_text_file(const std::string& path, const std::string& text);

}  // namespace chiso::detail
