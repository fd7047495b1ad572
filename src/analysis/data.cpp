#include "chiso/analysis/data.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

namespace chiso::analysis {

hierarchy::hierarchy(const std::vector<hierarchy_row>& rows) { build(rows, true); }

namespace {
// A `sum` node's max, the weight of its children in the view: Σ children's max (mean-type
// nodes: their declared max, else the same sum).
double max_of(const chiso::node& n) {
  if (n.is_leaf()) return n.max;
  if (n.combine != chiso::aggregate::sum && n.declared_max) return *n.declared_max;
  double total = 0;
  for (const auto& c : n.children) total += max_of(c);
  return total;
}
}  // namespace

hierarchy::hierarchy(const chiso::model& m) {
  const auto& nodes = m.nodes();
  const bool composite = m.composite();
  // A subtree of points outside the max is one indicator of the view: its root is kept, the rest
  // is not part of the view.
  std::vector<bool> outside(nodes.size(), false), hidden(nodes.size(), false);
  for (std::size_t i = 1; i < nodes.size(); ++i) {
    const auto p = static_cast<std::size_t>(m.parent_of(i));
    hidden[i] = hidden[p] || outside[p];
    outside[i] = !hidden[i] && chiso::adjustments_only(*nodes[i]);
  }
  std::vector<int> height(nodes.size(), 1);
  for (std::size_t i = nodes.size(); i-- > 1;) {  // pre-order reversed: children before parents
    if (hidden[i]) continue;
    const auto p = static_cast<std::size_t>(m.parent_of(i));
    height[p] = std::max(height[p], height[i] + 1);
  }
  std::vector<hierarchy_row> leaves, aggregates;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (hidden[i]) continue;
    const chiso::node& n = *nodes[i];
    const chiso::node* parent = i ? nodes[static_cast<std::size_t>(m.parent_of(i))] : nullptr;
    if (!outside[i] && (n.points_min || n.points_max))
      throw parameter_error("analysis.model_adjustments",
                            "hierarchy: '" + n.id + "' (" + m.paths()[i] +
                                ") bounds its points (points_min, points_max) over criteria scored out of a max, "
                                "which no weighted mean expresses: the composite view of model '" + m.id() +
                                "' cannot hold it");
    hierarchy_row row;
    row.code = n.id;
    row.level = height[i];
    row.parent = parent ? parent->id : std::string();
    row.outside_max = outside[i];
    row.weight = outside[i] ? 0.0 : parent && parent->combine == chiso::aggregate::sum ? max_of(n) : n.weight;
    if (n.is_leaf() && composite) {
      row.direction = n.rule->dir == chiso::direction::lower_is_better ? -1 : 1;
      row.target = n.rule->target;
      row.denominator = n.rule->denominator;
    }
    if (!n.is_leaf() && !outside[i]) row.combine = n.combine;
    (n.is_leaf() || outside[i] ? leaves : aggregates).push_back(std::move(row));
  }
  // Indicators in pre-order: the model's leaves in input-column order, an outside-the-max
  // subtotal where its subtree starts.
  leaves.insert(leaves.end(), aggregates.begin(), aggregates.end());
  build(leaves, false);
  source_ = std::make_shared<const chiso::model>(m);
}

namespace {
chiso::node model_node(const hierarchy& h, std::ptrdiff_t i) {
  const hierarchy_node& from = h.node(i);
  chiso::node n;
  if (i < h.n_indicators()) {
    chiso::rule r;
    r.kind = chiso::rule_kind::indicator;
    r.dir = from.direction < 0 ? chiso::direction::lower_is_better : chiso::direction::higher_is_better;
    r.target = from.target;
    r.denominator = from.denominator;
    n = chiso::node::leaf(from.code, from.code, 0.0, std::move(r));
    n.source = chiso::leaf_source::data;
  } else {
    std::vector<chiso::node> children;
    for (auto c : from.children) children.push_back(model_node(h, c));
    n = chiso::node::inner(from.code, from.code, from.combine, std::move(children));
  }
  n.weight = from.weight;
  n.weight_given = from.weight != 1.0;
  return n;
}
}  // namespace

chiso::model composite_model(const std::vector<hierarchy_row>& rows, const std::string& id) {
  const hierarchy h(rows);
  if (h.root() < 0) {
    std::string roots;
    for (const auto& n : h.nodes())
      if (n.parent < 0) roots += (roots.empty() ? "'" : ", '") + n.code + "'";
    throw parameter_error("analysis.hierarchy_roots", "hierarchy: a composite index has one root (the index), these rows have " +
                                                          roots + " without a parent: add the index row above them");
  }
  chiso::model_info info;
  info.id = id;
  info.name = id;
  return chiso::model(std::move(info), model_node(h, h.root()));
}

void hierarchy::build(const std::vector<hierarchy_row>& rows, bool parent_exactly_one_up) {
  if (rows.empty()) throw parameter_error("analysis.hierarchy_empty", "hierarchy: no rows");
  std::unordered_map<std::string, const hierarchy_row*> by_code;
  for (const auto& r : rows) {
    if (r.code.empty()) throw parameter_error("analysis.hierarchy_code", "hierarchy: a row has an empty code");
    if (!by_code.emplace(r.code, &r).second)
      throw parameter_error("analysis.hierarchy_duplicate", "hierarchy: code '" + r.code + "' appears twice");
    if (r.level < 1) throw parameter_error("analysis.hierarchy_level", "hierarchy: '" + r.code + "' has level < 1");
    if (r.direction != 1 && r.direction != -1)
      throw parameter_error("analysis.hierarchy_direction", "hierarchy: '" + r.code + "' has direction other than 1 or -1");
    if (!std::isfinite(r.weight) || r.weight < 0)
      throw parameter_error("analysis.hierarchy_weight", "hierarchy: '" + r.code + "' has a negative or non-finite weight");
    n_levels_ = std::max(n_levels_, r.level);
  }
  // Order: indicators in row order, then aggregates by level, each level in row order.
  for (int level = 1; level <= n_levels_; ++level)
    for (const auto& r : rows)
      if (r.level == level) {
        hierarchy_node n;
        n.code = r.code; n.level = r.level; n.weight = r.weight; n.direction = r.direction;
        n.target = r.target; n.denominator = r.denominator; n.combine = r.combine; n.outside_max = r.outside_max;
        nodes_.push_back(std::move(n));
      }
  n_indicators_ = std::count_if(rows.begin(), rows.end(), [](const hierarchy_row& r) { return r.level == 1; });
  std::unordered_map<std::string, std::ptrdiff_t> index;
  for (std::ptrdiff_t i = 0; i < n_nodes(); ++i) index[nodes_[static_cast<std::size_t>(i)].code] = i;
  std::ptrdiff_t roots = 0;
  for (std::ptrdiff_t i = 0; i < n_nodes(); ++i) {
    auto& n = nodes_[static_cast<std::size_t>(i)];
    const auto& r = *by_code.at(n.code);
    if (r.parent.empty()) { ++roots; root_ = i; continue; }
    auto p = index.find(r.parent);
    if (p == index.end())
      throw parameter_error("analysis.hierarchy_parent", "hierarchy: parent '" + r.parent + "' of '" + n.code + "' is not a code");
    auto& pn = nodes_[static_cast<std::size_t>(p->second)];
    if (parent_exactly_one_up ? pn.level != n.level + 1 : pn.level <= n.level)
      throw parameter_error("analysis.hierarchy_parent_level", "hierarchy: parent '" + r.parent + "' of '" + n.code +
                                                                   "' is not exactly one level up");
    n.parent = p->second;
    pn.children.push_back(i);
  }
  if (roots != 1) root_ = -1;
  for (std::ptrdiff_t i = n_indicators_; i < n_nodes(); ++i)
    if (nodes_[static_cast<std::size_t>(i)].children.empty())
      throw parameter_error("analysis.hierarchy_childless", "hierarchy: aggregate '" + nodes_[static_cast<std::size_t>(i)].code + "' has no children");
  if (n_indicators_ == 0) throw parameter_error("analysis.hierarchy_no_indicators", "hierarchy: no level-1 rows");
}

std::ptrdiff_t hierarchy::find(const std::string& code) const {
  for (std::ptrdiff_t i = 0; i < n_nodes(); ++i)
    if (nodes_[static_cast<std::size_t>(i)].code == code) return i;
  return -1;
}

std::ptrdiff_t hierarchy::at(const std::string& code, const std::string& step) const {
  auto i = find(code);
  if (i < 0) throw parameter_error("analysis.unknown_code", step + ": '" + code + "' is not a code of the hierarchy");
  return i;
}

std::vector<std::string> hierarchy::codes() const {
  std::vector<std::string> out;
  for (const auto& n : nodes_) out.push_back(n.code);
  return out;
}
std::vector<std::string> hierarchy::indicator_codes() const {
  std::vector<std::string> out;
  for (std::ptrdiff_t i = 0; i < n_indicators_; ++i) out.push_back(nodes_[static_cast<std::size_t>(i)].code);
  return out;
}
std::vector<int> hierarchy::directions() const {
  std::vector<int> out;
  for (std::ptrdiff_t i = 0; i < n_indicators_; ++i) out.push_back(nodes_[static_cast<std::size_t>(i)].direction);
  return out;
}
std::vector<double> hierarchy::weights() const {
  std::vector<double> out;
  for (const auto& n : nodes_) out.push_back(n.weight);
  return out;
}
std::vector<bool> hierarchy::outside_max() const {
  std::vector<bool> out;
  for (const auto& n : nodes_) out.push_back(n.outside_max);
  return out;
}

namespace detail {
long double r_sum(const double* x, std::ptrdiff_t n) {
  long double s = 0;
  for (std::ptrdiff_t i = 0; i < n; ++i) s += x[i];
  return s;
}
double r_mean(const double* x, std::ptrdiff_t n) {
  long double s = r_sum(x, n) / static_cast<long double>(n);
  if (std::isfinite(static_cast<double>(s))) {
    long double t = 0;
    for (std::ptrdiff_t i = 0; i < n; ++i) t += x[i] - s;
    s += t / static_cast<long double>(n);
  }
  return static_cast<double>(s);
}
std::vector<double> present(const double* x, std::ptrdiff_t n) {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(n));
  for (std::ptrdiff_t i = 0; i < n; ++i)
    if (!std::isnan(x[i])) out.push_back(x[i]);
  return out;
}
}  // namespace detail

}  // namespace chiso::analysis
