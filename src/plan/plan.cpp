#include "chiso/plan.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>

#include "chiso/error.hpp"
#include "chiso/formula.hpp"
#include "chiso/rounding.hpp"
#include "plan/steps.hpp"

namespace chiso {

namespace {

bool whole_hundredths(double v) {
  const double scaled = v * 100.0;
  return std::fabs(scaled - std::nearbyint(scaled)) <= 1e-9 * std::fmax(1.0, std::fabs(scaled));
}

// Points rounded to at most two decimals are exact hundredths.
bool rounded_to_hundredths(const node& n) { return n.round_digits && *n.round_digits <= 2; }

bool leaf_points_are_hundredths(const node& leaf) {
  if (rounded_to_hundredths(leaf)) return true;
  const rule& r = *leaf.rule;
  if (!whole_hundredths(leaf.max)) return false;
  switch (r.kind) {
    case rule_kind::points:
      if (r.step) return whole_hundredths(*r.step);
      if (r.values.empty()) return false;
      return std::all_of(r.values.begin(), r.values.end(), whole_hundredths);
    case rule_kind::yes_no:
      return true;
    case rule_kind::tiers:
      return std::all_of(r.tiers.begin(), r.tiers.end(), [](const tier& t) { return whole_hundredths(t.points); });
    case rule_kind::deduction:
    case rule_kind::bonus:
      return whole_hundredths(r.per) && whole_hundredths(r.cap);
    default:
      return false;
  }
}

namespace kn = detail::kernels;

// The kernel parameters of a leaf; false when its rule has more tiers or values than a kernel
// holds inline (then the scalar path scores it).
bool make_params(const node& leaf, kn::leaf_params& q) {
  const rule& r = *leaf.rule;
  q.max = leaf.max;
  q.top = rate_scale(r.unit);
  const bool higher = r.dir == direction::higher_is_better;
  switch (r.kind) {
    case rule_kind::points:
      if (r.step) {
        q.rule = kn::kind::points_step;
        q.step = *r.step;
        // v / step is v × (1 / step), rounded alike, when 1 / step is an exact power of two.
        int exponent = 0;
        if (std::frexp(q.step, &exponent) == 0.5 && std::isnormal(1.0 / q.step)) q.step_inverse = 1.0 / q.step;
      } else if (!r.values.empty()) {
        q.rule = kn::kind::points_values;
        if (r.values.size() > static_cast<std::size_t>(kn::max_small)) return false;
        q.count = static_cast<int>(r.values.size());
        std::copy(r.values.begin(), r.values.end(), q.bound);
      } else {
        q.rule = kn::kind::points_range;
      }
      return true;
    case rule_kind::yes_no:
      q.rule = kn::kind::yes_no;
      return true;
    case rule_kind::tiers:
      q.rule = higher ? kn::kind::tiers_higher : kn::kind::tiers_lower;
      if (r.tiers.size() > static_cast<std::size_t>(kn::max_small)) return false;
      q.count = static_cast<int>(r.tiers.size());
      for (std::size_t t = 0; t < r.tiers.size(); ++t) {
        // The kernels compare with the input from which the tier matches on decimal values.
        q.bound[t] = tier_threshold(r, r.tiers[t]);
        q.points[t] = r.tiers[t].points;
      }
      return true;
    case rule_kind::linear:
      q.rule = higher ? kn::kind::linear_higher : kn::kind::linear_lower;
      q.lower = r.lower;
      q.upper = r.upper;
      q.width = linear_width(r);
      return true;
    case rule_kind::proportional:
      q.rule = higher ? kn::kind::proportional_higher : kn::kind::proportional_lower;
      q.accept_any = r.clamp ? 1.0 : 0.0;
      return true;
    case rule_kind::deduction:
    case rule_kind::bonus:
      q.rule = kn::kind::adjustment;
      q.sign = r.kind == rule_kind::bonus ? 1.0 : -1.0;
      q.per = r.per;
      q.cap = r.cap;
      return true;
    case rule_kind::formula:
      return false;  // a program of its own (formula kernels)
    case rule_kind::indicator:
      return false;  // no points: evaluate refuses a composite index
  }
  return false;
}

}  // namespace

namespace {
std::uint64_t next_plan_identity() {
  static std::atomic<std::uint64_t> compiled{0};
  return ++compiled;
}
}  // namespace

plan::plan(chiso::model m) : model_(std::move(m)), identity_(next_plan_identity()) {
  // Post-order: leaves and inner nodes numbered so that every child comes before its parent.
  const auto& nodes = model_.nodes();
  std::vector<std::ptrdiff_t> position(nodes.size(), -1);
  std::vector<std::vector<std::size_t>> children(nodes.size());
  for (std::size_t i = 1; i < nodes.size(); ++i) children[static_cast<std::size_t>(model_.parent_of(i))].push_back(i);
  std::vector<std::pair<std::size_t, bool>> stack{{0, false}};
  while (!stack.empty()) {
    auto [i, expanded] = stack.back();
    stack.pop_back();
    if (expanded || nodes[i]->is_leaf()) {
      position[i] = static_cast<std::ptrdiff_t>(node_model_index_.size());
      node_model_index_.push_back(i);
      continue;
    }
    stack.push_back({i, true});
    for (std::size_t k = children[i].size(); k-- > 0;) stack.push_back({children[i][k], false});
  }
  std::vector<bool> snap(nodes.size(), false);
  auto parent_is_mean = [&](std::size_t i) {
    return model_.parent_of(i) >= 0 && is_mean_type(*nodes[static_cast<std::size_t>(model_.parent_of(i))]);
  };
  std::ptrdiff_t child_scores = 0;
  std::vector<std::vector<std::size_t>> adjustments_below(nodes.size());  // leaf indices, per node
  std::vector<bool> deductions_flow(nodes.size(), false);  // deduction points reach the node's points
  for (std::size_t k = 0; k < node_model_index_.size(); ++k) {
    const std::size_t i = node_model_index_[k];
    const node& n = *nodes[i];
    if (n.is_leaf()) {
      if (is_adjustment(n.rule->kind)) adjustments_below[i].push_back(leaves_.size());
      deductions_flow[i] = n.rule->kind == rule_kind::deduction;
      snap[i] = leaf_points_are_hundredths(n);
      const std::ptrdiff_t parent = model_.parent_of(i);
      const bool sum_parent = parent >= 0 && !is_mean_type(*nodes[static_cast<std::size_t>(parent)]) && !n.round_digits;
      const std::size_t j = leaves_.size();
      leaf_step step{&n, static_cast<std::ptrdiff_t>(k), snap[i], parent_is_mean(i),
                     sum_parent ? position[static_cast<std::size_t>(parent)] : -1, {}, false,
                     static_cast<std::ptrdiff_t>(model_.first_input(j)),
                     static_cast<std::ptrdiff_t>(model_.first_input(j + 1) - model_.first_input(j)), nullptr};
      step.vectorised = make_params(n, step.params);
      if (n.rule->kind == rule_kind::formula) {
        step.program = &n.rule->compiled->program();
        formula_registers_ = std::max<std::ptrdiff_t>(formula_registers_, step.program->register_count());
        formula_slots_ = std::max<std::ptrdiff_t>(formula_slots_, step.program->stack_size);
        formula_inputs_ = std::max<std::ptrdiff_t>(formula_inputs_, step.input_count);
      }
      leaves_.push_back(std::make_shared<const leaf_step>(step));
      continue;
    }
    inner_step step{&n, static_cast<std::ptrdiff_t>(k), {}, {}, n.combine == aggregate::sum, parent_is_mean(i),
                    child_scores, {}, false};
    child_scores += static_cast<std::ptrdiff_t>(children[i].size());
    for (std::size_t c : children[i]) {
      step.children.push_back(position[c]);
      step.weights.push_back(nodes[c]->weight);
      step.snap = step.snap && snap[c];
      adjustments_below[i].insert(adjustments_below[i].end(), adjustments_below[c].begin(), adjustments_below[c].end());
      deductions_flow[i] = deductions_flow[i] || (n.combine == aggregate::sum && deductions_flow[c]);
    }
    step.cancels = deductions_flow[i];
    if (n.combine == aggregate::sum && (n.points_min || n.points_max)) step.adjustments_below = adjustments_below[i];
    // What its parent sees: exact hundredths when snapped (and bounded by hundredths), or rounded.
    const bool bounds_in_hundredths = (!n.points_min || whole_hundredths(*n.points_min)) &&
                                      (!n.points_max || whole_hundredths(*n.points_max));
    snap[i] = (step.snap && bounds_in_hundredths) || rounded_to_hundredths(n);
    inners_.push_back(std::make_shared<const inner_step>(std::move(step)));
  }
  // Leaves in input-column order (the order of the file), which post-order keeps.
}

std::ptrdiff_t plan::plan_position(std::string_view id) const {
  const std::size_t i = model_.index_of(id);
  for (std::size_t k = 0; k < node_model_index_.size(); ++k)
    if (node_model_index_[k] == i) return static_cast<std::ptrdiff_t>(k);
  return -1;
}

std::ptrdiff_t plan::leaf_column(std::string_view id) const {
  for (std::size_t j = 0; j < leaves_.size(); ++j)
    if (leaves_[j]->source->id == id) return static_cast<std::ptrdiff_t>(j);
  if (model_.find(id))
    throw data_error("data.not_a_leaf", "", std::string(id), "is not a leaf: it takes no input");
  throw data_error("data.unknown_criterion", "", std::string(id), "no such criterion in model '" + model_.id() + "'");
}

std::ptrdiff_t plan::input_column(std::string_view name) const {
  const auto& columns = input_columns();
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i] == name) return static_cast<std::ptrdiff_t>(i);
  throw data_error("data.unknown_input", "", std::string(name), "no such input column in model '" + model_.id() + "'");
}

}  // namespace chiso
