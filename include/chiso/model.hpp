// The model (bộ chỉ số): an immutable tree of criteria with the rules that score it.
// Built from a JSON file (model_json.hpp) or in code; validated once, when it is built.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "chiso/ranking.hpp"
#include "chiso/rule.hpp"

namespace chiso {

enum class aggregate { sum, mean, geomean, harmonic, min, max };
enum class leaf_source { appraisal, survey, data, self };
enum class missing_policy { error, zero, exclude };
enum class rounding_mode { half_up, half_even, none };
enum class rank_scope { group, all };

const char* to_string(aggregate a) noexcept;
const char* to_string(leaf_source s) noexcept;
const char* to_string(missing_policy p) noexcept;
const char* to_string(rounding_mode m) noexcept;
const char* to_string(rank_scope s) noexcept;

// A node of the tree: an inner node (area, criterion with sub-criteria) combines its children
// with `aggregate`; a leaf (criterion, tiêu chí) scores its input with `rule` out of `max`.
struct node {
  std::string id;
  std::string name;
  std::string description;
  nlohmann::json meta;  // free JSON, kept as written; null when absent
  double weight = 1.0;
  bool weight_given = false;  // written in the file (kept so that saving gives the same file)
  std::optional<int> round_digits;  // points rounded half up (decimal) to this many places

  // Inner node.
  aggregate combine = aggregate::sum;
  std::vector<node> children;
  std::optional<double> declared_max;  // mean-type nodes: points = score × max
  std::optional<double> points_min, points_max;  // `sum` nodes: bounds on the points (max unchanged)

  // Leaf.
  std::optional<chiso::rule> rule;
  double max = 0.0;  // 0 for deduction and bonus leaves
  leaf_source source = leaf_source::appraisal;
  // Named inputs, each an input column "<id>.<name>"; empty: one input, column "<id>".
  std::vector<std::string> inputs;

  bool is_leaf() const noexcept { return rule.has_value(); }

  static node leaf(std::string id, std::string name, double max, chiso::rule r);
  static node inner(std::string id, std::string name, aggregate combine,
                    std::vector<node> children);
};

// A `deduction`/`bonus` leaf, or a `sum` of only such: max 0, points outside any max.
bool adjustments_only(const node& n);

struct band {
  double min = 0;
  std::string label;
};

// Position of the first band whose min ≤ index, or -1 (no band, or a NaN index).
inline std::int32_t band_of(const std::vector<band>& bands, double index) {
  for (std::size_t b = 0; b < bands.size(); ++b)
    if (bands[b].min <= index) return static_cast<std::int32_t>(b);
  return -1;
}

// Everything of a model but its tree.
struct model_info {
  std::string format = "chiso-model/1";
  std::string id;
  std::string name;
  std::string description;
  nlohmann::json meta;
  double scale = 100.0;
  int rounding_digits = 2;
  rounding_mode rounding = rounding_mode::half_up;
  tie_rule ties = tie_rule::competition;
  rank_scope rank_by = rank_scope::group;
  missing_policy missing = missing_policy::error;
  std::vector<band> bands;
  bool clamp = false;
};

// Limits that protect a reader from hostile or broken files.
struct model_limits {
  std::size_t max_depth = 32;          // levels of nodes below the root
  std::size_t max_nodes = 1'000'000;
  std::size_t max_bytes = 64u << 20;  // size of a model file or string
};

class model {
 public:
  // Validates; throws model_error naming the JSON path the value has (or would have) in a file.
  model(model_info info, node root, const model_limits& limits = {});

  const model_info& info() const noexcept { return info_; }
  const node& root() const noexcept { return *root_; }
  const std::string& id() const noexcept { return info_.id; }

  // Nodes in pre-order (a parent before its children), with their JSON paths.
  const std::vector<const node*>& nodes() const noexcept { return nodes_; }
  const std::vector<std::string>& paths() const noexcept { return paths_; }
  // Leaves in the order of the input columns (the order they appear in the file).
  const std::vector<const node*>& leaves() const noexcept { return leaves_; }
  std::vector<std::string> leaf_ids() const;
  // A composite index: its leaves are raw `indicator`s, for the composite pipeline
  // (chiso/analysis/pipeline.hpp), not scored by a plan.
  bool composite() const noexcept { return leaves_.front()->rule->kind == rule_kind::indicator; }
  // Input columns in order: each leaf's, leaf after leaf ("<id>" or "<id>.<input>").
  const std::vector<std::string>& input_columns() const noexcept { return input_columns_; }
  // The input columns of leaf j are first_input(j) … first_input(j + 1) − 1.
  std::size_t first_input(std::size_t leaf) const noexcept { return first_input_[leaf]; }

  // nullptr when no node has this id.
  const node* find(std::string_view id) const noexcept;
  // Position in nodes(); throws data_error for an unknown id.
  std::size_t index_of(std::string_view id) const;
  // The parent of the node at position i of nodes(); -1 for the root.
  std::ptrdiff_t parent_of(std::size_t i) const noexcept { return parents_[i]; }

 private:
  model_info info_;
  // Held by pointer so that the node pointers above stay valid when a model is moved or copied.
  std::shared_ptr<const node> root_;
  std::vector<const node*> nodes_;
  std::vector<std::string> paths_;
  std::vector<std::ptrdiff_t> parents_;
  std::vector<const node*> leaves_;
  std::vector<std::string> input_columns_;
  std::vector<std::size_t> first_input_;  // one per leaf, and the count at the end
  std::vector<std::pair<std::string_view, std::size_t>> sorted_ids_;
};

}  // namespace chiso

namespace chiso {
// Structural equality (ids, names, rules, weights, meta, settings): a saved and reloaded model
// equals the original.
bool operator==(const tier& a, const tier& b);
bool operator==(const rule& a, const rule& b);
bool operator==(const node& a, const node& b);
bool operator==(const band& a, const band& b);
bool operator==(const model_info& a, const model_info& b);
bool operator==(const model& a, const model& b);
inline bool operator!=(const model& a, const model& b) { return !(a == b); }
}  // namespace chiso
