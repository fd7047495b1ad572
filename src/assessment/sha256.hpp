// SHA-256 (FIPS 180-4) of a byte string, in lowercase hexadecimal: the hash chain of an
// assessment's records (internal; tested against the FIPS examples and Python's hashlib).
#pragma once

#include <string>
#include <string_view>

namespace chiso::detail {

std::string sha256_hex(std::string_view bytes);

}  // namespace chiso::detail
