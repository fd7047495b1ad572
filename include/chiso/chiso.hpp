// chiso — scored indices over criteria trees. One include for the whole C++ API.
#pragma once

// The model
#include "chiso/error.hpp"
#include "chiso/rounding.hpp"
#include "chiso/rule.hpp"
#include "chiso/formula.hpp"
#include "chiso/model.hpp"
#include "chiso/model_json.hpp"
#include "chiso/describe.hpp"
// Compiled to a plan, evaluated
#include "chiso/plan.hpp"
#include "chiso/evaluate.hpp"
// Results
#include "chiso/ranking.hpp"
#include "chiso/results.hpp"

namespace chiso {
inline const char* version() noexcept { return CHISO_VERSION_STRING; }
}  // namespace chiso
