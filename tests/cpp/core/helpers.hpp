// Shared helpers of the core tests (not a test file: the build globs *.cpp only).
#pragma once

#include <doctest/doctest.h>

#include <chiso/chiso.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace chiso_test {

using json = nlohmann::json;

inline const double nan_value = std::numeric_limits<double>::quiet_NaN();
inline const double inf_value = std::numeric_limits<double>::infinity();

// A complete model document around `root`; `extra` adds or replaces top-level fields.
inline json document(json root, const json& extra = json::object()) {
  json d = {{"format", "chiso-model/1"}, {"id", "test"}, {"root", std::move(root)}};
  for (auto it = extra.begin(); it != extra.end(); ++it) d[it.key()] = it.value();
  return d;
}

inline json leaf(const std::string& id, double max, json rule) {
  return {{"id", id}, {"name", id}, {"max", max}, {"rule", std::move(rule)}};
}

// A `formula` leaf; `inputs` names its inputs (none: the one unnamed input `x`), `extra` adds
// fields to its rule (e.g. clamp).
inline json formula_leaf(const std::string& id, double max, const std::string& expr, std::vector<std::string> inputs = {},
                         const json& extra = json::object()) {
  json rule = {{"kind", "formula"}, {"expr", expr}};
  for (auto it = extra.begin(); it != extra.end(); ++it) rule[it.key()] = it.value();
  json node = leaf(id, max, rule);
  if (!inputs.empty()) node["inputs"] = inputs;
  return node;
}

inline json adjustment(const std::string& id, json rule) {
  return {{"id", id}, {"name", id}, {"rule", std::move(rule)}};
}

// `children` is a list. With clang, a one-child list written `{leaf(...)}` arrives as the child
// itself (CWG 2137: list-initialisation from one element of the same type copies it) and `{}` as
// null; both are turned back into the list that was meant.
inline json inner(const std::string& id, const std::string& aggregate, json children) {
  if (children.is_null()) children = json::array();
  if (!children.is_array()) children = json::array({std::move(children)});
  return {{"id", id}, {"name", id}, {"aggregate", aggregate}, {"children", std::move(children)}};
}

inline json points_rule() { return {{"kind", "points"}}; }

inline chiso::model load(const json& d) { return chiso::model_from_json(d); }

// Units × leaves matrix from rows.
inline Eigen::MatrixXd matrix(const std::vector<std::vector<double>>& rows) {
  const auto cols = rows.empty() ? 0 : static_cast<Eigen::Index>(rows[0].size());
  Eigen::MatrixXd m(static_cast<Eigen::Index>(rows.size()), cols);
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c)
      m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = rows[r][c];
  return m;
}

using bool_matrix = Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>;

inline bool_matrix mask(const std::vector<std::vector<int>>& rows) {
  const auto cols = rows.empty() ? 0 : static_cast<Eigen::Index>(rows[0].size());
  bool_matrix m(static_cast<Eigen::Index>(rows.size()), cols);
  for (std::size_t r = 0; r < rows.size(); ++r)
    for (std::size_t c = 0; c < rows[r].size(); ++c)
      m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = rows[r][c] != 0;
  return m;
}

// Column of node `id` in an evaluation's results (kept nodes).
inline Eigen::Index column_of(const chiso::plan& p, const chiso::evaluation& e, const std::string& id) {
  const std::ptrdiff_t k = p.plan_position(id);
  for (std::size_t c = 0; c < e.nodes.size(); ++c)
    if (e.nodes[c] == k) return static_cast<Eigen::Index>(c);
  throw std::logic_error("node " + id + " is not kept in this evaluation");
}

// Evaluates one model document on rows of inputs.
struct run {
  chiso::plan p;
  chiso::evaluation e;
  run(const json& d, const std::vector<std::vector<double>>& rows, const std::vector<std::string>& ids = {},
      const std::vector<std::int32_t>& groups = {}, const bool_matrix* applicable = nullptr)
      : p(load(d)), e(chiso::evaluate(p, matrix(rows), ids, groups, applicable)) {}
  double points(const std::string& id, Eigen::Index unit = 0) const { return e.points(unit, column_of(p, e, id)); }
  double max(const std::string& id, Eigen::Index unit = 0) const { return e.max(unit, column_of(p, e, id)); }
  double score(const std::string& id, Eigen::Index unit = 0) const { return e.score(unit, column_of(p, e, id)); }
  double index(Eigen::Index unit = 0) const { return e.index(unit); }
};

// The exception of type E thrown by f; fails the test when f throws nothing or something else.
template <class E, class F>
E caught(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e;
  } catch (const std::exception& other) {
    FAIL("expected another exception type, got: " << other.what());
  }
  FAIL("expected an exception, none was thrown");
  throw std::logic_error("unreachable");
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace chiso_test
