// chiso — scored indices over criteria trees. One include for the whole C++ API.
#pragma once

#include "chiso/error.hpp"
#include "chiso/rule.hpp"
#include "chiso/formula.hpp"
#include "chiso/model.hpp"
#include "chiso/model_json.hpp"
#include "chiso/rounding.hpp"
#include "chiso/ranking.hpp"
#include "chiso/evaluate.hpp"

namespace chiso {
inline const char* version() noexcept { return CHISO_VERSION_STRING; }
}  // namespace chiso
