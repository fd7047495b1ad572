#include "chiso/results.hpp"

#include <algorithm>
#include <limits>

#include "chiso/describe.hpp"
#include "chiso/error.hpp"

namespace chiso {

std::string area_of(const model& m, const std::string& id) {
  std::ptrdiff_t at = static_cast<std::ptrdiff_t>(m.index_of(id));
  while (at >= 0) {
    const std::ptrdiff_t parent = m.parent_of(static_cast<std::size_t>(at));
    if (parent >= 0 && m.parent_of(static_cast<std::size_t>(parent)) < 0) return m.nodes()[static_cast<std::size_t>(at)]->id;
    if (parent < 0) return m.nodes()[static_cast<std::size_t>(at)]->id;  // the root itself
    at = parent;
  }
  return {};
}

std::vector<loss_row> criterion_losses(const plan& p, const evaluation& e, std::ptrdiff_t unit) {
  if (unit < 0 || unit >= e.points.rows())
    throw parameter_error("result.unit", "unit row " + std::to_string(unit) + " is outside the " +
                                             std::to_string(e.points.rows()) + " units of the result");
  // Column of each kept node, by plan position.
  std::vector<std::ptrdiff_t> column_of(static_cast<std::size_t>(p.node_count()), -1);
  for (std::size_t c = 0; c < e.nodes.size(); ++c) column_of[static_cast<std::size_t>(e.nodes[c])] = static_cast<std::ptrdiff_t>(c);
  const model& m = p.compiled_model();
  std::vector<loss_row> rows;
  bool kept_a_leaf = false;
  for (std::size_t j = 0; j < m.leaves().size(); ++j) {
    const node& leaf = *m.leaves()[j];
    const std::ptrdiff_t c = column_of[static_cast<std::size_t>(p.plan_position(leaf.id))];
    if (c < 0) continue;
    kept_a_leaf = true;
    const double max = e.max(unit, c), points = e.points(unit, c);
    if (max == 0 && points == 0) continue;  // not applicable, or an adjustment that did not apply
    loss_row row;
    row.criterion = leaf.id;
    row.name = leaf.name;
    row.area = area_of(m, leaf.id);
    row.rule = describe_rule(leaf);
    row.value = std::numeric_limits<double>::quiet_NaN();
    row.points = points;
    row.max = max;
    row.score = e.score(unit, c);
    row.lost = max - points;
    row.leaf = j;
    rows.push_back(std::move(row));
  }
  if (!kept_a_leaf)
    throw parameter_error("result.no_criteria", "this result keeps no criteria: evaluate with keep='all'");
  std::stable_sort(rows.begin(), rows.end(), [](const loss_row& x, const loss_row& y) { return x.lost > y.lost; });
  return rows;
}

}  // namespace chiso
