// What an evaluation says about one unit, beyond its points: where it lost them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "chiso/evaluate.hpp"
#include "chiso/model.hpp"

namespace chiso {

// Why a unit lost points, from any evaluation `e` of plan `p` (row `unit` of it): the criteria
// (leaves kept in `e`) that apply to the unit or scored (a deduction), in model order, then sorted
// by points lost (max − points), largest first, with the rule in words. `value`, `origin` and
// `reason` are left empty (NaN, "") here: they are the assessment's (why_lost below). One table
// for Result.explain and Assessment.why_lost. Throws parameter_error result.no_criteria when `e`
// keeps no leaf.
struct loss_row {
  std::string criterion, name, area, rule;
  double value = 0, points = 0, max = 0, score = 0, lost = 0;
  std::string origin, reason;
  std::size_t leaf = 0;  // position among the model's leaves
};
std::vector<loss_row> criterion_losses(const plan& p, const evaluation& e, std::ptrdiff_t unit);
// The area (child of the root) that holds node `id`; the root's own id for the root.
std::string area_of(const model& m, const std::string& id);

}  // namespace chiso
