#include "chiso/evaluate.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <memory>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "chiso/error.hpp"
#include "chiso/detail/decimal.hpp"
#include "chiso/detail/format_number.hpp"
#include "chiso/detail/huge_pages.hpp"
#include "chiso/detail/parallel.hpp"
#include "chiso/detail/weighted_mean.hpp"
#include "chiso/formula.hpp"
#include "chiso/rounding.hpp"
#include "model/formula_program.hpp"
#include "evaluate/kernels/dispatch.hpp"
#include "plan/steps.hpp"

namespace chiso {

namespace {

// Units per block. Each leaf reads its input column a block at a time. Inputs streamed from
// memory go fastest in blocks of 1,024 units (8 kB runs the processor streams; 256 stalled on
// each run's first lines: bench_par_batch a quarter slower; 2048 and 4096 slower too); inputs
// that fit in the caches, in blocks of 256 (the blocks' points then stay in the first-level
// cache: 5,000 PAR units 40 % faster than with 1,024; from 30,000 on, 1,024 wins).
constexpr std::ptrdiff_t block_size = 1024;
constexpr std::ptrdiff_t cached_block_size = 256;
// Inputs or results larger than this are taken as streamed from memory, not held in the caches.
constexpr std::ptrdiff_t cache_bytes = std::ptrdiff_t{16} << 20;
static_assert(block_size == detail::formula_block_units, "formula constants are held as blocks of the largest size");
constexpr std::ptrdiff_t rows_per_thread_minimum = 16384;
// Evaluations of at most this many units (a unit scored in a loop) reuse their thread's scratch.
constexpr std::ptrdiff_t small_batch_units = 16;
constexpr std::ptrdiff_t cache_line = 64;      // bytes
constexpr std::ptrdiff_t prefetch_ahead = 8;   // leaves (measured: 4 to 8 is best; 3 slower with blocks of 1024)
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// The index's rounding for the units the index kernel leaves (near a half-way point, or not finite).
double round_index(double raw, int digits, int mode) {
  return round_decimal(raw, digits, static_cast<rounding_mode>(mode));
}

detail::mean_kind mean_kind_of(aggregate combine) {
  switch (combine) {
    case aggregate::geomean: return detail::mean_kind::geometric;
    case aggregate::harmonic: return detail::mean_kind::harmonic;
    case aggregate::min: return detail::mean_kind::minimum;
    case aggregate::max: return detail::mean_kind::maximum;
    case aggregate::mean:
    case aggregate::sum: break;
  }
  return detail::mean_kind::arithmetic;
}

std::string default_unit_name(std::ptrdiff_t row) { return "row " + std::to_string(row); }

namespace kn = detail::kernels;

// Rules too large for the kernels, one unit at a time with the scalar definitions of rule.hpp.
// Returns the number of units in trouble, as the kernels do.
double score_leaf_scalar(const kn::leaf_block& b, const node& leaf) {
  double trouble = 0.0;
  for (std::ptrdiff_t u = 0; u < b.n; ++u) {
    const double v = b.x[u];
    const bool here = b.here[u] != 0, present = !std::isnan(v);
    const bool valid = present && std::isfinite(v) && !check_leaf_input(*leaf.rule, leaf.max, v);
    if (here && (present ? !valid : b.missing_is_trouble != 0.0)) trouble += 1.0;
    const double achieved = here && valid ? leaf_points(*leaf.rule, leaf.max, v) : 0.0;
    const double possible = here && (present || b.keep_max_if_missing != 0.0) ? leaf.max : 0.0;
    b.P[u] = b.add_to ? b.P[u] + achieved : achieved;
    b.M[u] = b.add_to ? b.M[u] + possible : possible;
  }
  return trouble;
}

}  // namespace


// Where the input columns and the leaves' applicability are, for one evaluation.
struct plan::layout {
  // Per input column: its value for unit 0, in `input` when it is float64, else in `input_f32`
  // (and null in `input`).
  std::vector<const double*> input;
  std::vector<const float*> input_f32;
  std::vector<std::ptrdiff_t> stride;    // per input column: elements from one unit to the next
  std::vector<std::ptrdiff_t> mask_column;  // per leaf: its column in the mask (none without a mask)

  double value(std::size_t i, std::ptrdiff_t u) const {
    return input[i] ? input[i][u * stride[i]] : static_cast<double>(input_f32[i][u * stride[i]]);
  }
};

namespace {

// Scratch for one thread: per node, a block of points, max and score. Sized to the rows it will
// see, so that scoring one unit does not allocate a whole block per node; the blocks of doubles
// are carved from one allocation (a call for a few units pays for one, not a dozen).
struct workspace {
  // What it was made for: a later evaluation of the same shape reuses it.
  std::ptrdiff_t nodes, formula_registers, formula_slots, formula_inputs_count;
  std::ptrdiff_t stride;
  std::vector<double> storage;
  // input: a strided input's copy; applies: where a bounded sum node applies.
  double *points, *max, *score, *input, *applies;
  // Formula leaves: stack slots, copies of strided inputs, faults, and the register table.
  // no_fault stays 0: the faults of a program without `/`.
  double *slots, *formula_inputs, *fault, *no_fault;
  std::vector<std::uint8_t> here;       // all ones: where no mask is given, every criterion applies
  std::vector<std::uint8_t> mask_copy;  // a strided mask's block, 1 where the criterion applies
  std::vector<double*> registers;
  std::vector<const double*> inputs;
  workspace(std::ptrdiff_t block, std::ptrdiff_t nodes, std::ptrdiff_t rows, std::ptrdiff_t formula_registers,
            std::ptrdiff_t formula_slots, std::ptrdiff_t formula_inputs_count)
      : nodes(nodes),
        formula_registers(formula_registers),
        formula_slots(formula_slots),
        formula_inputs_count(formula_inputs_count),
        stride(std::max<std::ptrdiff_t>(1, std::min(block, rows))),
        here(static_cast<std::size_t>(stride), 1),
        mask_copy(static_cast<std::size_t>(stride), 0),
        registers(static_cast<std::size_t>(formula_registers)),
        inputs(static_cast<std::size_t>(formula_inputs_count)) {
    const std::ptrdiff_t formula_blocks = formula_registers > 0 ? 2 : 0;  // fault, no_fault
    // The arrays start on cache lines (a vector load never straddles two) and a line beyond the
    // last one's blocks: arrays a whole number of 4 kB apart would have the processor take loads
    // from one for loads of stores to the other (4K aliasing).
    constexpr std::ptrdiff_t arrays = 9;
    constexpr std::ptrdiff_t line = cache_line / static_cast<std::ptrdiff_t>(sizeof(double));
    const std::ptrdiff_t blocks = 3 * nodes + 2 + formula_slots + formula_inputs_count + formula_blocks;
    storage.assign(static_cast<std::size_t>(blocks * stride + (arrays + 1) * line), 0.0);
    double* next = storage.data();
    while (reinterpret_cast<std::uintptr_t>(next) % cache_line != 0) ++next;
    const auto take = [&](std::ptrdiff_t blocks) {
      double* first = next;
      next += blocks * stride + line;
      return first;
    };
    points = take(nodes);
    max = take(nodes);
    score = take(nodes);
    input = take(1);
    applies = take(1);
    slots = take(formula_slots);
    formula_inputs = take(formula_inputs_count);
    fault = take(formula_blocks > 0 ? 1 : 0);
    no_fault = take(formula_blocks > 0 ? 1 : 0);
  }
  workspace(const workspace&) = delete;  // its pointers are into its own storage
  workspace& operator=(const workspace&) = delete;
  bool fits(std::ptrdiff_t block, std::ptrdiff_t nodes_wanted, std::ptrdiff_t rows, std::ptrdiff_t registers_wanted,
            std::ptrdiff_t slots_wanted, std::ptrdiff_t inputs_wanted) const {
    return stride == std::max<std::ptrdiff_t>(1, std::min(block, rows)) && nodes == nodes_wanted &&
           formula_registers == registers_wanted && formula_slots == slots_wanted &&
           formula_inputs_count == inputs_wanted;
  }
  double* P(std::ptrdiff_t k) { return points + k * stride; }
  double* M(std::ptrdiff_t k) { return max + k * stride; }
  double* S(std::ptrdiff_t k) { return score + k * stride; }
};

// One thread's scratch for the block evaluator: its workspace, and the tables made from the plan
// and the workspace (which leaves add their points to their parent's arrays; where the mean-type
// nodes' children's score blocks are). Kept by each thread between evaluations of a few units, so
// that scoring a unit in a loop builds them once.
struct evaluator_scratch {
  std::unique_ptr<workspace> ws;
  std::vector<char> added_to_parent;         // per plan position
  std::vector<const double*> child_scores;   // in step order
  // The `sum` nodes' children that did not add themselves: their point and max blocks in step
  // order (from first_child_score), and how many per inner step.
  std::vector<const double*> child_points, child_max;
  std::vector<int> children_to_add;
  // One unit (a unit scored in a loop): per leaf, where a rule kernel puts its points and max (its
  // input and applicability are filled in per call); per leaf, the end of the run of rule leaves
  // it starts (its own index + 1 for a leaf the kernels do not score); the rule leaves whose
  // points are rounded or scored once all leaves are.
  std::vector<kn::unit_leaf> unit_leaves;
  std::vector<std::size_t> rule_run_end;
  std::vector<std::size_t> unit_leaves_to_finish;
  std::vector<double> unit_inputs;  // one unit: per leaf, its float32 first input as a double
  std::uint64_t tables_plan = 0;             // the plan (plan::identity_) and kept nodes the tables are for
  kept_nodes tables_keep = kept_nodes::all;
  const workspace* tables_ws = nullptr;
};

// What a thread keeps for evaluations of at most small_batch_units units: the evaluator's
// scratch, the inputs' layout and the result's column map, so that such a call allocates only its
// result. Taken out of its slot while in use: an evaluation started inside another (from a
// unit-name callback) makes its own.
struct small_batch_scratch {
  evaluator_scratch evaluator;
  plan::layout where;
  std::vector<std::ptrdiff_t> out_column;
};
thread_local std::unique_ptr<small_batch_scratch> small_batch_slot;

std::string default_unit_name(const unit_table& units, std::ptrdiff_t row) {
  return units.unit_name ? units.unit_name(row) : default_unit_name(row);
}

[[noreturn]] void throw_leaf_error(const node& leaf, double v, missing_policy policy, const std::string& unit) {
  if (std::isnan(v) && policy == missing_policy::error)
    throw data_error("data.missing", unit, leaf.id,
                     "input is missing and the model's policy is `missing: error` "
                     "(mark the criterion not applicable, or give a value)");
  if (!std::isfinite(v)) throw data_error("data.range", unit, leaf.id, "input must be a finite number");
  const auto why = check_leaf_input(*leaf.rule, leaf.max, v);
  throw data_error("data.range", unit, leaf.id,
                   "input " + detail::format_number(v) + " is outside its rule (" + to_string(leaf.rule->kind) +
                       "): " + why.value_or("invalid"));
}

// Why a formula leaf fails for one unit (its inputs in `x`), or nullopt when it does not.
std::optional<data_error> formula_leaf_error(const node& leaf, const std::vector<double>& x,
                                             const std::vector<std::string>& columns, missing_policy policy,
                                             const std::string& unit) {
  for (std::size_t i = 0; i < x.size(); ++i)
    if (std::isnan(x[i]))
      return policy == missing_policy::error
                 ? std::optional(data_error("data.missing", unit, leaf.id,
                                            "input '" + columns[i] + "' is missing and the model's policy is "
                                            "`missing: error` (mark the criterion not applicable, or give a value)"))
                 : std::nullopt;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isfinite(x[i]))
      return data_error("data.range", unit, leaf.id, "input '" + columns[i] + "' must be a finite number");
  const rule& r = *leaf.rule;
  if (auto why = check_formula_result(r, leaf.max, r.compiled->evaluate(x.data())))
    return data_error("data.range", unit, leaf.id, *why);
  return std::nullopt;
}

}  // namespace

void plan::report_first_input_error(const unit_table& units, const layout& where, std::ptrdiff_t first_row,
                                    std::ptrdiff_t rows) const {
  const missing_policy policy = model_.info().missing;
  const auto& columns = input_columns();
  std::vector<double> x;
  std::vector<std::string> names;
  for (std::ptrdiff_t u = first_row; u < first_row + rows; ++u)
    for (std::size_t j = 0; j < leaves_.size(); ++j) {
      const leaf_step& step = *leaves_[j];
      const node& leaf = *step.source;
      if (!units.applicable.empty() && !units.applicable(u, where.mask_column[j])) continue;
      x.clear();
      names.clear();
      for (std::ptrdiff_t i = step.first_input; i < step.first_input + step.input_count; ++i) {
        x.push_back(where.value(static_cast<std::size_t>(i), u));
        names.push_back(columns[static_cast<std::size_t>(i)]);
      }
      if (step.program) {
        if (auto e = formula_leaf_error(leaf, x, names, policy, default_unit_name(units, u))) throw *e;
        continue;
      }
      const double v = x[0];
      const bool broken = std::isnan(v) ? policy == missing_policy::error
                                        : !std::isfinite(v) || check_leaf_input(*leaf.rule, leaf.max, v);
      if (broken) throw_leaf_error(leaf, v, policy, default_unit_name(units, u));
    }
}

namespace {

// The unit count of one unit known when compiling: the loops over a block's units become single
// statements (the same operations as in a block of many: the same bits).
using one_unit = std::integral_constant<std::ptrdiff_t, 1>;

// Rounds each of n points half up to `digits` decimals, on their decimal value (also the
// formula kernels' `round`).
template <class Count>
void round_points(double* P, Count n, int digits) {
  for (std::ptrdiff_t u = 0; u < n; ++u) P[u] = round_decimal(P[u], digits, rounding_mode::half_up);
}

// A sum node's points and max on their decimal value (chiso/detail/decimal.hpp), where deductions
// can cancel its other points: the grid of the larger of its points and its max, which bounds
// the positive children's points (deductions that outweigh them leave the points their own
// magnitude).
template <class Count>
void decimal_sums(double* P, double* M, Count n) {
  for (std::ptrdiff_t u = 0; u < n; ++u) {
    const double magnitude = std::fmax(std::fabs(P[u]), M[u]);
    P[u] = detail::decimal_value(P[u], magnitude);
    M[u] = detail::decimal_value(M[u], M[u]);
  }
}

// A node's score: its points over its max where the max is > 0, else NaN (nothing applies).
template <class Count>
void score_of(double* S, const double* P, const double* M, Count n) {
  for (std::ptrdiff_t u = 0; u < n; ++u) S[u] = M[u] > 0.0 ? P[u] / M[u] : not_a_number;
}

// A `sum` node's points within its bounds where it applies (a node to which nothing applies
// keeps its 0 points: no floor or ceiling is invented for it).
template <class Count>
void bound_points(double* P, const double* applies, Count n, const std::optional<double>& low,
                  const std::optional<double>& high) {
  if (low)
    for (std::ptrdiff_t u = 0; u < n; ++u) P[u] = applies[u] != 0.0 ? std::fmax(P[u], *low) : P[u];
  if (high)
    for (std::ptrdiff_t u = 0; u < n; ++u) P[u] = applies[u] != 0.0 ? std::fmin(P[u], *high) : P[u];
}

}  // namespace

// One thread's evaluation of a range of rows, block by block: the leaves, then the inner nodes
// children first, then the kept nodes and the index into the result.
class plan::block_evaluator {
 public:
  block_evaluator(const plan& p, const unit_table& units, const layout& where, std::ptrdiff_t begin,
                  std::ptrdiff_t end, evaluation& out, const std::vector<std::ptrdiff_t>& out_column,
                  kept_nodes keep, evaluator_scratch& scratch)
      : plan_(p), units_(units), where_(where), begin_(begin), end_(end), out_(out), out_column_(out_column),
        info_(p.model_.info()), mask_(units.applicable),
        block_(units.rows() * p.input_count() * static_cast<std::ptrdiff_t>(sizeof(double)) > cache_bytes
                   ? block_size
                   : cached_block_size),
        stream_outputs_(units.rows() * out.points.cols() * 3 * static_cast<std::ptrdiff_t>(sizeof(double)) >
                        cache_bytes),
        prefetch_(end - begin > block_),
        ws_(prepared_workspace(p, block_, end - begin, scratch)),
        added_to_parent_(scratch.added_to_parent),
        child_scores_(scratch.child_scores),
        child_points_(scratch.child_points),
        child_max_(scratch.child_max),
        children_to_add_(scratch.children_to_add),
        unit_leaves_(scratch.unit_leaves),
        rule_run_end_(scratch.rule_run_end),
        unit_leaves_to_finish_(scratch.unit_leaves_to_finish),
        unit_inputs_(scratch.unit_inputs),
        kernels_(kn::kernels_in_use()),
        keep_max_if_missing_(info_.missing == missing_policy::zero ? 1.0 : 0.0),
        missing_is_trouble_(info_.missing == missing_policy::error ? 1.0 : 0.0) {
    if (scratch.tables_plan == p.identity_ && scratch.tables_keep == keep && scratch.tables_ws == &ws_) return;
    scratch.added_to_parent.assign(static_cast<std::size_t>(p.node_count()), 0);
    for (const auto& leaf : p.leaves_)
      scratch.added_to_parent[static_cast<std::size_t>(leaf->position)] =
          leaf->sum_parent >= 0 && out_column[static_cast<std::size_t>(leaf->position)] < 0;
    scratch.child_scores.resize(static_cast<std::size_t>(p.node_count()));  // each node is one parent's child
    scratch.child_points.resize(static_cast<std::size_t>(p.node_count()));
    scratch.child_max.resize(static_cast<std::size_t>(p.node_count()));
    scratch.children_to_add.assign(p.inners_.size(), 0);
    for (std::size_t k = 0; k < p.inners_.size(); ++k) {
      const inner_step& step = *p.inners_[k];
      const auto first = static_cast<std::size_t>(step.first_child_score);
      int added = 0;
      for (std::size_t c = 0; c < step.children.size(); ++c) {
        const std::ptrdiff_t child = step.children[c];
        if (is_mean_type(*step.source)) scratch.child_scores[first + c] = ws_.S(child);
        if (scratch.added_to_parent[static_cast<std::size_t>(child)]) continue;
        scratch.child_points[first + static_cast<std::size_t>(added)] = ws_.P(child);
        scratch.child_max[first + static_cast<std::size_t>(added)] = ws_.M(child);
        ++added;
      }
      scratch.children_to_add[k] = added;
    }
    const std::size_t leaves = p.leaves_.size();
    scratch.unit_leaves.assign(leaves, {});
    scratch.rule_run_end.assign(leaves, 0);
    scratch.unit_leaves_to_finish.clear();
    scratch.unit_inputs.assign(leaves, 0.0);
    for (std::size_t j = leaves; j-- > 0;) {
      const leaf_step& leaf = *p.leaves_[j];
      const bool add_to_parent = scratch.added_to_parent[static_cast<std::size_t>(leaf.position)] != 0;
      const std::ptrdiff_t target = add_to_parent ? leaf.sum_parent : leaf.position;
      scratch.unit_leaves[j] = {&leaf.params, nullptr, nullptr, ws_.P(target), ws_.M(target), add_to_parent};
      scratch.rule_run_end[j] = leaf.vectorised && j + 1 < leaves && p.leaves_[j + 1]->vectorised
                                    ? scratch.rule_run_end[j + 1]
                                    : j + 1;
    }
    for (std::size_t j = 0; j < leaves; ++j)
      if (p.leaves_[j]->vectorised && (p.leaves_[j]->source->round_digits || p.leaves_[j]->needs_score))
        scratch.unit_leaves_to_finish.push_back(j);
    scratch.tables_plan = p.identity_;
    scratch.tables_keep = keep;
    scratch.tables_ws = &ws_;
  }

  void evaluate() {
    if (end_ - begin_ == 1) {  // a unit scored in a loop
      score_block(begin_, one_unit{});
      return;
    }
    if (prefetch_)
      for (std::ptrdiff_t j = 0; j < std::min(prefetch_ahead, leaf_count()); ++j) prefetch_leaf(j, begin_, false);
    for (std::ptrdiff_t u0 = begin_; u0 < end_; u0 += block_) score_block(u0, std::min(block_, end_ - u0));
#if defined(__SSE2__)
    if (stream_outputs_) _mm_sfence();  // the streamed results are seen by the thread that reads them
#endif
  }

 private:
  std::ptrdiff_t leaf_count() const { return plan_.leaf_count(); }

  // The units u0 … u0 + n − 1: the leaves, then the inner nodes children first, then the kept
  // nodes and the index into the result.
  template <class Count>
  void score_block(std::ptrdiff_t u0, Count n) {
    if constexpr (std::is_same_v<Count, one_unit>)
      score_unit_leaves(u0);
    else
      score_leaves(u0, n);
    for (std::size_t k = 0; k < plan_.inners_.size(); ++k) {
      const inner_step& step = *plan_.inners_[k];
      if (step.source->combine == aggregate::sum)
        sum_node(step, k, u0, n);
      else
        mean_node(step, u0, n);
    }
    write_kept_nodes(u0, n);
    write_index(u0, n);
  }

  // The scratch's workspace, made anew unless it has this evaluation's shape.
  static workspace& prepared_workspace(const plan& p, std::ptrdiff_t block, std::ptrdiff_t rows,
                                       evaluator_scratch& scratch) {
    if (!scratch.ws || !scratch.ws->fits(block, p.node_count(), rows, p.formula_registers_, p.formula_slots_,
                                         p.formula_inputs_))
      scratch.ws = std::make_unique<workspace>(block, p.node_count(), rows, p.formula_registers_, p.formula_slots_,
                                               p.formula_inputs_);
    return *scratch.ws;
  }

  // The block of input column i for units u0 … u0 + n − 1: where it is, or a copy when strided
  // (one unit's value is a block of one wherever it is: a row of a row-major table). A float32
  // column is always converted into `scratch` (exact), which stays in the first-level cache: the
  // kernels read doubles, and a whole-table float64 copy would cost its fresh pages.
  template <class Count>
  const double* input_block(std::ptrdiff_t i, std::ptrdiff_t u0, Count n, double* scratch) const {
    const auto k = static_cast<std::size_t>(i);
    const std::ptrdiff_t stride = where_.stride[k];
    if (const float* narrow = where_.input_f32[k]) {
      if (stride == 1)
        widen(narrow + u0, n, scratch);
      else
        for (std::ptrdiff_t u = 0; u < n; ++u) scratch[u] = static_cast<double>(narrow[(u0 + u) * stride]);
      return scratch;
    }
    const double* first = where_.input[k];
    if (stride == 1 || n == 1) return first + u0 * stride;
    for (std::ptrdiff_t u = 0; u < n; ++u) scratch[u] = first[(u0 + u) * stride];
    return scratch;
  }

  // Contiguous float32 to double, a vector at a time (the compiler's conversion instructions).
  template <class Count>
  static void widen(const float* __restrict from, Count n, double* __restrict to) {
    for (std::ptrdiff_t u = 0; u < n; ++u) to[u] = static_cast<double>(from[u]);
  }

  // Where leaf j applies in this block: 1 or 0 per unit.
  template <class Count>
  const std::uint8_t* applicability(std::size_t j, std::ptrdiff_t u0, Count n) {
    if (mask_.empty()) return ws_.here.data();
    const std::ptrdiff_t column = where_.mask_column[j];
    if (mask_.row_stride == 1) return reinterpret_cast<const std::uint8_t*>(&mask_(u0, column));
    for (std::ptrdiff_t u = 0; u < n; ++u) ws_.mask_copy[static_cast<std::size_t>(u)] = mask_(u0 + u, column) ? 1 : 0;
    return ws_.mask_copy.data();
  }

  // Leaves read their inputs block by block, one column after another: too many streams for the
  // processor's prefetcher to follow, so the inputs and mask of the leaf `prefetch_ahead` places on
  // (in this block or the next) are asked for while this one is scored. A rule's kernel asks for its
  // first input itself, a line per vector as it scores (returned here; null when there is none to
  // ask for): a burst of a block's lines at once stalls on the processor's few outstanding misses.
  const double* prefetch_leaf(std::ptrdiff_t j, std::ptrdiff_t u0, bool kernel_asks_first_input) const {
    if (u0 >= end_) return nullptr;
    const std::ptrdiff_t n = std::min(block_, end_ - u0);
    const leaf_step& leaf = *plan_.leaves_[static_cast<std::size_t>(j)];
    const double* left_to_kernel = nullptr;
    for (std::ptrdiff_t i = leaf.first_input; i < leaf.first_input + leaf.input_count; ++i) {
      const auto k = static_cast<std::size_t>(i);
      if (where_.stride[k] != 1) continue;
      const float* narrow = where_.input_f32[k];
      if (kernel_asks_first_input && i == leaf.first_input) {
        // The kernel asks for a line per 8 units from here, as for doubles: for a float32 column,
        // this block's lines and as many of the same column's next block (only asked for, never
        // read: a prefetch past the column's end does not fault).
        left_to_kernel = narrow ? reinterpret_cast<const double*>(narrow + u0) : where_.input[k] + u0;
        continue;
      }
      const char* first = narrow ? reinterpret_cast<const char*>(narrow + u0)
                                 : reinterpret_cast<const char*>(where_.input[k] + u0);
      const std::ptrdiff_t bytes = n * static_cast<std::ptrdiff_t>(narrow ? sizeof(float) : sizeof(double));
      for (std::ptrdiff_t byte = 0; byte < bytes; byte += cache_line) __builtin_prefetch(first + byte);
    }
    if (!mask_.empty() && mask_.row_stride == 1) {
      const char* first = reinterpret_cast<const char*>(&mask_(u0, where_.mask_column[static_cast<std::size_t>(j)]));
      for (std::ptrdiff_t byte = 0; byte < n; byte += cache_line) __builtin_prefetch(first + byte);
    }
    return left_to_kernel;
  }

  // Every leaf's points and max (straight into the parent's arrays for a leaf that is not kept
  // and has a `sum` parent), then the first input error, if any, thrown.
  template <class Count>
  void score_leaves(std::ptrdiff_t u0, Count n) {
    for (const auto& step : plan_.inners_) {
      std::fill(ws_.P(step->position), ws_.P(step->position) + n, 0.0);
      std::fill(ws_.M(step->position), ws_.M(step->position) + n, 0.0);
    }
    double any_trouble = 0.0;  // units in trouble, from the kernels
    for (std::size_t j = 0; j < plan_.leaves_.size(); ++j) {
      const leaf_step& leaf = *plan_.leaves_[j];
      const std::ptrdiff_t ahead = static_cast<std::ptrdiff_t>(j) + prefetch_ahead;
      const double* ask_ahead =
          prefetch_ ? prefetch_leaf(ahead % leaf_count(), ahead < leaf_count() ? u0 : u0 + block_,
                                  leaf.vectorised || leaf.program)
                    : nullptr;
      any_trouble += score_leaf(leaf, applicability(j, u0, n), u0, n, ask_ahead);
    }
    if (any_trouble != 0.0) {
      plan_.report_first_input_error(units_, where_, u0, n);
      throw std::logic_error("chiso: an input was flagged but no error was found");
    }
  }

  // score_leaves for one unit: each run of rule leaves through the kernels in one call, in leaf
  // order (a parent's points are added in the same order as in a block), then the rounding and
  // scores of those leaves (their own points, which no other leaf touches).
  void score_unit_leaves(std::ptrdiff_t u0) {
    for (const auto& step : plan_.inners_) {
      ws_.P(step->position)[0] = 0.0;
      ws_.M(step->position)[0] = 0.0;
    }
    const std::size_t leaves = plan_.leaves_.size();
    for (std::size_t j = 0; j < leaves; ++j) {
      const std::size_t i = static_cast<std::size_t>(plan_.leaves_[j]->first_input);
      if (where_.input[i]) {
        unit_leaves_[j].x = where_.input[i] + u0 * where_.stride[i];
      } else {
        unit_inputs_[j] = where_.value(i, u0);
        unit_leaves_[j].x = &unit_inputs_[j];
      }
      // One unit's flag is where it is, whatever the mask's layout.
      unit_leaves_[j].here =
          mask_.empty() ? ws_.here.data() : reinterpret_cast<const std::uint8_t*>(&mask_(u0, where_.mask_column[j]));
    }
    double any_trouble = 0.0;  // units in trouble, from the kernels
    for (std::size_t j = 0; j < leaves;) {
      const leaf_step& leaf = *plan_.leaves_[j];
      if (leaf.vectorised) {
        const std::size_t end = rule_run_end_[j];
        any_trouble += kernels_.unit_leaves(&unit_leaves_[j], static_cast<std::ptrdiff_t>(end - j),
                                            keep_max_if_missing_, missing_is_trouble_);
        j = end;
      } else {
        any_trouble += score_leaf(leaf, unit_leaves_[j].here, u0, one_unit{}, nullptr);
        ++j;
      }
    }
    for (std::size_t j : unit_leaves_to_finish_) {
      const leaf_step& leaf = *plan_.leaves_[j];
      double* P = ws_.P(leaf.position);
      if (leaf.source->round_digits) round_points(P, one_unit{}, *leaf.source->round_digits);
      if (leaf.needs_score) score_of(ws_.S(leaf.position), P, ws_.M(leaf.position), one_unit{});
    }
    if (any_trouble != 0.0) {
      plan_.report_first_input_error(units_, where_, u0, 1);
      throw std::logic_error("chiso: an input was flagged but no error was found");
    }
  }

  // One leaf's points and max for the block; returns the units in trouble the kernel counted. A
  // rule kernel asks for `ask_ahead` (a later leaf's input) as it goes.
  template <class Count>
  double score_leaf(const leaf_step& leaf, const std::uint8_t* here, std::ptrdiff_t u0, Count n,
                    const double* ask_ahead) {
    const bool add_to_parent = added_to_parent_[static_cast<std::size_t>(leaf.position)] != 0;
    const std::ptrdiff_t target = add_to_parent ? leaf.sum_parent : leaf.position;
    double* P = ws_.P(target);
    double* M = ws_.M(target);
    double trouble = 0.0;
    if (leaf.program) {
      trouble = score_formula_leaf(leaf, here, u0, n, P, M, add_to_parent, ask_ahead);
    } else {
      const double* x = input_block(leaf.first_input, u0, n, ws_.input);
      const kn::leaf_block scored{x, here, n, keep_max_if_missing_, missing_is_trouble_, P, M, add_to_parent,
                                  ask_ahead ? ask_ahead : x};
      trouble = leaf.vectorised ? kernels_.leaf(scored, leaf.params) : score_leaf_scalar(scored, *leaf.source);
    }
    if (leaf.source->round_digits) round_points(P, n, *leaf.source->round_digits);
    if (leaf.needs_score) score_of(ws_.S(leaf.position), P, M, n);
    return trouble;
  }

  // A formula leaf: its program over the block, then points and max; returns its units in trouble.
  double score_formula_leaf(const leaf_step& leaf, const std::uint8_t* here, std::ptrdiff_t u0, std::ptrdiff_t n,
                          double* P, double* M, bool add_to_parent, const double* ask_ahead) {
    const detail::formula_program& program = *leaf.program;
    for (std::ptrdiff_t i = 0; i < leaf.input_count; ++i) {
      const double* x = input_block(leaf.first_input + i, u0, n, ws_.formula_inputs + i * ws_.stride);
      ws_.inputs[static_cast<std::size_t>(i)] = x;
      ws_.registers[static_cast<std::size_t>(i)] = const_cast<double*>(x);  // read only
    }
    for (std::size_t k = 0; k < program.constants.size(); ++k)
      ws_.registers[static_cast<std::size_t>(program.first_constant()) + k] = const_cast<double*>(program.constant_block(k));
    for (int slot = 0; slot < program.stack_size; ++slot)
      ws_.registers[static_cast<std::size_t>(program.first_slot() + slot)] = ws_.slots + slot * ws_.stride;
    double* fault = program.divides ? ws_.fault : ws_.no_fault;
    if (program.divides) std::fill(fault, fault + n, 0.0);
    return kernels_.formula({program.code.data(), static_cast<int>(program.code.size()), ws_.registers.data(), n,
                             fault, round_points<std::ptrdiff_t>},
                            {ws_.inputs.data(), static_cast<int>(leaf.input_count),
                             ws_.registers[static_cast<std::size_t>(program.result)], here, keep_max_if_missing_,
                             missing_is_trouble_, leaf.source->max, leaf.source->rule->clamp ? 1.0 : 0.0, P, M,
                             add_to_parent, ask_ahead});
  }

  // The points and max its children did not add themselves.
  template <class Count>
  void add_children(const inner_step& step, double* P, double* M, Count n) {
    for (std::ptrdiff_t c : step.children) {
      if (added_to_parent_[static_cast<std::size_t>(c)]) continue;
      const double* Pc = ws_.P(c);
      const double* Mc = ws_.M(c);
      for (std::ptrdiff_t u = 0; u < n; ++u) {
        P[u] += Pc[u];
        M[u] += Mc[u];
      }
    }
  }

  // Where a bounded `sum` node applies: its max is > 0 (a criterion scored out of a max applies)
  // or a bonus or deduction below it applies (then its max may be 0). 1.0 or 0.0 per unit.
  template <class Count>
  const double* where_applies(const inner_step& step, const double* M, std::ptrdiff_t u0, Count n) {
    double* applies = ws_.applies;
    for (std::ptrdiff_t u = 0; u < n; ++u) applies[u] = M[u] > 0.0 ? 1.0 : 0.0;
    for (std::size_t j : step.adjustments_below) {
      const std::uint8_t* here = applicability(j, u0, n);
      const double* x = input_block(plan_.leaves_[j]->first_input, u0, n, ws_.input);
      for (std::ptrdiff_t u = 0; u < n; ++u)
        applies[u] = here[u] != 0 && (x[u] == x[u] || keep_max_if_missing_ != 0.0) ? 1.0 : applies[u];
    }
    return applies;
  }

  // A `sum` node (inner step k): its children's points and max, on their decimal value, bounded
  // and rounded. The children's sums and the snap to hundredths in one pass of the kernels.
  template <class Count>
  void sum_node(const inner_step& step, std::size_t k, std::ptrdiff_t u0, Count n) {
    const node& source = *step.source;
    double* P = ws_.P(step.position);
    double* M = ws_.M(step.position);
    const std::size_t first = static_cast<std::size_t>(step.first_child_score);
    kernels_.sum_children({P, M, child_points_.data() + first, child_max_.data() + first, children_to_add_[k], n,
                           step.snap});
    if (!step.snap && step.cancels) decimal_sums(P, M, n);
    if (source.points_min || source.points_max)
      bound_points(P, where_applies(step, M, u0, n), n, source.points_min, source.points_max);
    if (source.round_digits) round_points(P, n, *source.round_digits);
    if (step.needs_score) score_of(ws_.S(step.position), P, M, n);
  }

  // A mean-type node: over the children that apply (their score is NaN where they do not), with
  // their weights; its max is the declared one, or its children's.
  template <class Count>
  void mean_node(const inner_step& step, std::ptrdiff_t u0, Count n) {
    const node& source = *step.source;
    double* P = ws_.P(step.position);
    double* M = ws_.M(step.position);
    double* S = ws_.S(step.position);
    add_children(step, P, M, n);
    double* weight_sums = ws_.input;
    const double* const* child_scores = child_scores_.data() + step.first_child_score;
    const detail::mean_kind kind = mean_kind_of(source.combine);
    const auto children = static_cast<std::ptrdiff_t>(step.children.size());
    if (!detail::weighted_mean(kind, child_scores, step.weights.data(), children, n, S, weight_sums))
      throw_outside_domain(step, kind, child_scores, u0, n);
    const std::optional<double>& declared = source.declared_max;
    for (std::ptrdiff_t u = 0; u < n; ++u) {
      const bool defined = S[u] == S[u];
      M[u] = defined ? (declared ? *declared : M[u]) : 0.0;
      P[u] = defined ? S[u] * M[u] : 0.0;
    }
    if (source.round_digits) {
      round_points(P, n, *source.round_digits);
      score_of(S, P, M, n);
    }
  }

  [[noreturn]] void throw_outside_domain(const inner_step& step, detail::mean_kind kind,
                                         const double* const* child_scores, std::ptrdiff_t u0, std::ptrdiff_t n) const {
    std::ptrdiff_t u = 0, c = 0;
    detail::first_outside_domain(kind, child_scores, static_cast<std::ptrdiff_t>(step.children.size()), n, u, c, 1.0,
                                 step.weights.data());
    throw data_error("data.nonpositive_score", default_unit_name(units_, u0 + u), step.source->id,
                     std::string("a ") + (step.source->combine == aggregate::geomean ? "geometric" : "harmonic") +
                         " mean needs scores > 0, but child '" +
                         plan_.node_at(step.children[static_cast<std::size_t>(c)]).id + "' scores " +
                         detail::format_number(child_scores[c][u]));
  }

  template <class Count>
  void write_kept_nodes(std::ptrdiff_t u0, Count n) {
    for (std::ptrdiff_t k = 0; k < plan_.node_count(); ++k) {
      const std::ptrdiff_t column = out_column_[static_cast<std::size_t>(k)];
      if (column < 0) continue;
      kernels_.output({ws_.P(k), ws_.M(k), is_mean_type(plan_.node_at(k)) ? ws_.S(k) : nullptr, n,
                       &out_.points(u0, column), &out_.max(u0, column), &out_.score(u0, column), stream_outputs_});
    }
  }

  // The root's score on the model's scale, bounded when the model says so, and rounded.
  // (The kernels round where a unit is far from a half-way point; round_index, the others.)
  template <class Count>
  void write_index(std::ptrdiff_t u0, Count n) {
    const std::ptrdiff_t root = plan_.node_count() - 1;
    const bool root_is_mean = is_mean_type(plan_.node_at(root));
    const bool rounds = info_.rounding != rounding_mode::none;
    kernels_.index({ws_.P(root), ws_.M(root), root_is_mean ? ws_.S(root) : nullptr, n, info_.scale, info_.clamp,
                    rounds, rounds ? detail::power_of_ten(info_.rounding_digits) : 1.0, info_.rounding_digits,
                    static_cast<int>(info_.rounding), round_index,
                    &out_.raw_index[u0], &out_.index[u0]});
  }

  const plan& plan_;
  const unit_table& units_;
  const layout& where_;
  const std::ptrdiff_t begin_, end_;
  evaluation& out_;
  const std::vector<std::ptrdiff_t>& out_column_;
  const model_info& info_;
  const matrix_view<bool>& mask_;
  const std::ptrdiff_t block_;
  const bool stream_outputs_;
  const bool prefetch_;  // more than one block: the next block's inputs are worth asking for early
  workspace& ws_;
  const std::vector<char>& added_to_parent_;
  const std::vector<const double*>& child_scores_;  // the children's score blocks of the mean-type nodes, in step order
  const std::vector<const double*>& child_points_;
  const std::vector<const double*>& child_max_;
  const std::vector<int>& children_to_add_;
  std::vector<kn::unit_leaf>& unit_leaves_;
  const std::vector<std::size_t>& rule_run_end_;
  const std::vector<std::size_t>& unit_leaves_to_finish_;
  std::vector<double>& unit_inputs_;
  const kn::kernel_set& kernels_;
  const double keep_max_if_missing_;
  const double missing_is_trouble_;
};

namespace {

std::string count_of(std::ptrdiff_t n, const char* what) { return std::to_string(n) + " " + what; }

// Where each input column is in a matrix of the inputs (`values` or `values_f32` of `units`).
template <class T>
void locate_matrix_columns(const plan& p, const matrix_view<T>& values, const unit_table& units,
                           std::vector<const T*>& input, std::vector<std::ptrdiff_t>& stride) {
  const std::ptrdiff_t inputs = p.input_count();
  const auto& names = p.input_columns();
  if (values.empty() && units.rows() > 0) throw data_error("data.shape", "", "", "no input values were given");
  if (!units.columns && values.cols != inputs)
    throw data_error("data.shape", "", "",
                     "inputs have " + count_of(values.cols, "columns") + ", the model has " +
                         (inputs == p.leaf_count() ? count_of(inputs, "leaves")
                                                 : count_of(inputs, "input columns") + " (for " +
                                                       count_of(p.leaf_count(), "leaves") + ")"));
  for (std::ptrdiff_t i = 0; i < inputs; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const std::ptrdiff_t column = units.columns ? units.columns[i] : i;
    // Without a column map the count was checked above: only a map's columns can be outside.
    if (units.columns && (column < 0 || column >= values.cols))
      throw data_error("data.shape", "", names[k],
                       "its input column " + std::to_string(column) + " is outside the " +
                           count_of(values.cols, "input columns"));
    input[k] = values.data ? &values(0, column) : nullptr;
    stride[k] = values.row_stride;
  }
}

}  // namespace

void plan::require_scorable() const {
  if (model_.composite())
    throw model_error("model.composite", model_.paths()[model_.index_of(model_.leaves().front()->id)],
                      "model '" + model_.id() + "' is a composite index: its `indicator` leaves are normalised "
                      "across units by the composite pipeline (chiso::analysis::pipeline, chiso.analysis.Pipeline), "
                      "not scored by rules");
}

void plan::locate_inputs(const unit_table& units, layout& where) const {
  const std::ptrdiff_t inputs = input_count();
  const std::ptrdiff_t rows = units.rows();
  const auto& names = input_columns();
  where.input.assign(static_cast<std::size_t>(inputs), nullptr);
  where.input_f32.assign(static_cast<std::size_t>(inputs), nullptr);
  where.stride.resize(static_cast<std::size_t>(inputs));
  if (units.has_input_arrays()) {
    if (rows < 0) throw data_error("data.shape", "", "", "the number of units is negative");
    for (std::ptrdiff_t i = 0; i < inputs; ++i) {
      const auto k = static_cast<std::size_t>(i);
      where.input[k] = units.input_arrays ? units.input_arrays[i] : nullptr;
      where.input_f32[k] = units.input_arrays_f32 && !where.input[k] ? units.input_arrays_f32[i] : nullptr;
      where.stride[k] = units.input_strides ? units.input_strides[i] : 1;
      if (!where.input[k] && !where.input_f32[k] && rows > 0)
        throw data_error("data.shape", "", names[k], "no array was given for input column '" + names[k] + "'");
    }
  } else if (units.values_f32.empty()) {
    locate_matrix_columns(*this, units.values, units, where.input, where.stride);
  } else {
    locate_matrix_columns(*this, units.values_f32, units, where.input_f32, where.stride);
  }
  where.mask_column.clear();
  if (!units.applicable.empty()) locate_mask_columns(units, where.mask_column);
}

// The mask's own column map only: a mask is never taken as laid out like the inputs (whose columns
// may be in any order).
void plan::locate_mask_columns(const unit_table& units, std::vector<std::ptrdiff_t>& mask_column) const {
  const matrix_view<bool>& mask = units.applicable;
  if (mask.rows != units.rows())
    throw data_error("data.shape", "", "",
                     "the applicability mask has " + count_of(mask.rows, "rows") + ", the inputs " +
                         count_of(units.rows(), "rows"));
  if (!units.applicable_columns && mask.cols != leaf_count())
    throw data_error("data.shape", "", "",
                     "the applicability mask has " + count_of(mask.cols, "columns") + ", the model has " +
                         count_of(leaf_count(), "leaves") + " (the mask is units × leaves)");
  mask_column.clear();
  for (std::ptrdiff_t j = 0; j < leaf_count(); ++j) {
    const std::ptrdiff_t column = units.applicable_columns ? units.applicable_columns[j] : j;
    if (column < 0 || column >= mask.cols)
      throw data_error("data.shape", "", leaves_[static_cast<std::size_t>(j)]->source->id,
                       "its column " + std::to_string(column) + " in the applicability mask is outside its " +
                           count_of(mask.cols, "columns"));
    mask_column.push_back(column);
  }
}

std::vector<std::ptrdiff_t> column_map(const std::vector<std::string>& wanted, const std::vector<std::string>& names,
                                       const std::string& table) {
  constexpr std::ptrdiff_t twice = -1;
  std::unordered_map<std::string_view, std::ptrdiff_t> position;
  position.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto [at, first] = position.emplace(names[i], static_cast<std::ptrdiff_t>(i));
    if (!first) at->second = twice;
  }
  std::vector<std::ptrdiff_t> map;
  map.reserve(wanted.size());
  std::vector<std::string> missing;
  for (const std::string& name : wanted) {
    const auto found = position.find(name);
    if (found == position.end()) {
      missing.push_back(name);
    } else if (found->second == twice) {
      throw data_error("data.columns", "", name, "the column appears twice", table);
    } else {
      map.push_back(found->second);
    }
  }
  if (missing.empty()) return map;
  // The columns not wanted are named too: a misspelt column shows beside the one it should be.
  const std::unordered_set<std::string_view> known(wanted.begin(), wanted.end());
  std::vector<std::string> extra;
  for (const std::string& name : names)
    if (!known.count(name)) extra.push_back(name);
  const auto quoted = [](const std::vector<std::string>& list) {
    std::string text;
    for (std::size_t i = 0; i < list.size() && i < 5; ++i) text += (i ? ", '" : "'") + list[i] + "'";
    return list.size() > 5 ? text + " and " + std::to_string(list.size() - 5) + " more" : text;
  };
  throw data_error("data.columns", "", missing.front(),
                   "missing columns for criteria " + quoted(missing) +
                       (extra.empty() ? "" : " (its columns that are not criteria of the model: " + quoted(extra) + ")"),
                   table);
}

void plan::prepare_result(std::ptrdiff_t rows, kept_nodes keep, evaluation& out,
                          std::vector<std::ptrdiff_t>& out_column) const {
  out_column.assign(static_cast<std::size_t>(node_count()), -1);
  out.nodes.clear();
  for (std::ptrdiff_t k = keep == kept_nodes::root ? node_count() - 1 : 0; k < node_count(); ++k) {
    const bool kept = keep == kept_nodes::all || (keep == kept_nodes::inner && !node_at(k).is_leaf()) ||
                      k == node_count() - 1;
    if (!kept) continue;
    out_column[static_cast<std::size_t>(k)] = static_cast<std::ptrdiff_t>(out.nodes.size());
    out.nodes.push_back(k);
  }
  const auto columns = static_cast<Eigen::Index>(out.nodes.size());
  out.points.resize(rows, columns);
  out.max.resize(rows, columns);
  out.score.resize(rows, columns);
  out.raw_index.resize(rows);
  out.index.resize(rows);
  out.rank.resize(rows);
  out.band.resize(rows);
  for (Eigen::MatrixXd* m : {&out.points, &out.max, &out.score})
    detail::ask_for_huge_pages(m->data(), static_cast<std::size_t>(m->size()) * sizeof(double));
  for (Eigen::VectorXd* v : {&out.raw_index, &out.index})
    detail::ask_for_huge_pages(v->data(), static_cast<std::size_t>(v->size()) * sizeof(double));
  for (auto* v : {&out.rank, &out.band})
    detail::ask_for_huge_pages(v->data(), static_cast<std::size_t>(v->size()) * sizeof(std::int32_t));
}

void plan::evaluate_into(const unit_table& units, evaluation& out, const evaluate_options& options) const {
  require_scorable();
  const std::ptrdiff_t rows = units.rows();
  if (rows <= small_batch_units) {
    // One block on this thread, with the scratch this thread kept from its last such call.
    std::unique_ptr<small_batch_scratch> scratch = std::move(small_batch_slot);
    if (!scratch) scratch = std::make_unique<small_batch_scratch>();
    locate_inputs(units, scratch->where);
    prepare_result(rows, options.keep, out, scratch->out_column);
    block_evaluator(*this, units, scratch->where, 0, std::max<std::ptrdiff_t>(rows, 0), out, scratch->out_column,
                    options.keep, scratch->evaluator)
        .evaluate();
    small_batch_slot = std::move(scratch);
  } else {
    layout where;
    locate_inputs(units, where);
    std::vector<std::ptrdiff_t> out_column;
    prepare_result(rows, options.keep, out, out_column);
    // Whole blocks of units per thread, and at least rows_per_thread_minimum units per thread.
    const std::ptrdiff_t blocks = (rows + block_size - 1) / block_size;
    const int threads = detail::resolve_threads(
        options.threads, static_cast<std::size_t>(std::max<std::ptrdiff_t>(1, rows / rows_per_thread_minimum)));
    detail::parallel_blocks(static_cast<std::size_t>(blocks), threads, [&](std::size_t first, std::size_t last, int) {
      const std::ptrdiff_t begin = std::min(rows, static_cast<std::ptrdiff_t>(first) * block_size);
      const std::ptrdiff_t end = std::min(rows, static_cast<std::ptrdiff_t>(last) * block_size);
      evaluator_scratch scratch;
      block_evaluator(*this, units, where, begin, end, out, out_column, options.keep, scratch).evaluate();
    });
  }

  const model_info& info = model_.info();
  const int digits = info.rounding == rounding_mode::none ? -1 : info.rounding_digits;
  rank_units(out.index.data(), rows, info.rank_by == rank_scope::group ? units.groups : nullptr, info.ties,
             digits, units.unit_name, out.rank.data());
  for (std::ptrdiff_t u = 0; u < rows; ++u) out.band[u] = band_of(info.bands, out.index[u]);
}

evaluation plan::evaluate(const unit_table& units, const evaluate_options& options) const {
  evaluation out;
  evaluate_into(units, out, options);
  return out;
}

evaluation evaluate(const plan& p, const Eigen::Ref<const Eigen::MatrixXd>& values,
                    const std::vector<std::string>& unit_ids, const std::vector<std::int32_t>& groups,
                    const Eigen::Matrix<bool, Eigen::Dynamic, Eigen::Dynamic>* applicable,
                    const evaluate_options& options) {
  if (!unit_ids.empty() && static_cast<Eigen::Index>(unit_ids.size()) != values.rows())
    throw data_error("data.shape", "", "", std::to_string(unit_ids.size()) + " unit ids for " +
                                               std::to_string(values.rows()) + " rows of inputs");
  if (!groups.empty() && static_cast<Eigen::Index>(groups.size()) != values.rows())
    throw data_error("data.shape", "", "", std::to_string(groups.size()) + " groups for " +
                                               std::to_string(values.rows()) + " rows of inputs");
  unit_table table;
  table.values = view_of(values);
  if (applicable) table.applicable = view_of(*applicable);
  table.groups = groups.empty() ? nullptr : groups.data();
  if (!unit_ids.empty()) table.unit_name = [&unit_ids](std::ptrdiff_t row) { return unit_ids[static_cast<std::size_t>(row)]; };
  return p.evaluate(table, options);
}

}  // namespace chiso
