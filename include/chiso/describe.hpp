// A model in words: its rules and nodes as the model's repr and the reports show them.
#pragma once

#include <string>

#include "chiso/model.hpp"

namespace chiso {

// A readable form of a leaf's rule: "tiers (percent): ≥ 100 → 1; ≥ 90 → 0.5; else 0".
std::string describe_rule(const node& leaf);
// A node in words, as the model's repr shows it: a leaf's rule (and its source when it is not an
// appraisal), an inner node's aggregation and max, its points window, rounding and weight:
// "sum, max 100, points within [0, 20], rounded to 2 decimals, weight 2".
std::string describe_node(const node& n);

}  // namespace chiso
