// Formula kernels: a `formula` rule compiled into a register program (src/model/formula.cpp), run
// over a block of units a chunk of units at a time: each instruction a loop over the chunk, then
// the leaf's points and max for it, so that the registers of a chunk stay in the first-level
// cache between instructions (each instruction a pass over the whole block read and wrote them in
// the second-level one). Every instruction acts unit by unit, so the order changes no result.
// Compiled once per instruction set like the leaf kernels (same constraints: nothing inline from
// other headers is called here), after them: the last step uses their vector types.
//
// Registers are arrays of one block: the leaf's inputs, constants (filled once, when the program
// is compiled) and stack slots. A division records, per unit, the column of the `/` that divided
// by zero, but only where its `active` register is non-zero: the units for which the branch that
// holds it (of `if`, `ratio`, `and`, `or`) is the one taken.
#pragma once

#include <cfloat>
#include <cstddef>
#include <cstdint>

#include "chiso/detail/decimal.hpp"
#include "model/formula_program.hpp"

namespace chiso::detail::kernels {

using op = formula_op;
using instruction = formula_instruction;

struct formula_block {
  const instruction* code;
  int count;
  double* const* regs;  // every register's block (inputs are only read)
  std::ptrdiff_t n;
  double* __restrict fault;  // per unit: column of the first division by zero, else 0 (zeroed by the caller;
                             // untouched by a program without `/`)
  void (*round)(double* x, std::ptrdiff_t n, int digits);
};

// After the program: whether the leaf's inputs are all there and finite, then points and max.
struct formula_leaf_block {
  const double* const* inputs;
  int input_count;
  const double* result;  // the program's result register
  const std::uint8_t* __restrict here;  // 1 where the criterion applies, else 0
  double keep_max_if_missing;  // missing: zero
  double missing_is_trouble;   // missing: error
  double max;
  double clamp;                // 1.0: results outside [0, max] are bounded, not errors
  double* P;
  double* M;
  bool add_to;
  // A later leaf's input for the same units, asked for from memory a line at a time as this one
  // is scored (null: nothing to ask for).
  const double* ask_ahead;
};

// Runs the program over the block and adds the leaf's points and max; returns the number of units
// in trouble (as the rule kernels do).
using formula_kernel = double (*)(const formula_block&, const formula_leaf_block&);

}  // namespace chiso::detail::kernels

#ifdef CHISO_KERNEL_NAMESPACE
namespace chiso::detail::CHISO_KERNEL_NAMESPACE {

using kernels::formula_block;
using kernels::formula_leaf_block;
using kernels::instruction;
using kernels::op;

inline double fl(bool b) { return b ? 1.0 : 0.0; }

// d[u] = f(a[u], b[u], c[u]) a vector of units at a time (d may be a, b or c); the last units one
// lane each.
template <class F>
inline void over_lanes(double* d, const double* a, const double* b, const double* c, std::ptrdiff_t n, const F& f) {
  std::ptrdiff_t u = 0;
  for (; u + lanes <= n; u += lanes) store(d + u, f(load(a + u), load(b + u), load(c + u)));
  for (; u < n; ++u) store(d + u, f(load<vec1>(a + u), load<vec1>(b + u), load<vec1>(c + u)));
}

// Units of a block run together through the program: 64 (a register in eight cache lines) keep a
// program's registers, inputs and the leaf's points and max within the first-level cache
// (bench_par_batch, formulas on one thread: 64 a few per cent faster than 128, 256 slower).
constexpr std::ptrdiff_t formula_chunk = 64;

// The program over units u0 … u0 + n − 1 of the block. Sums and differences, and op::decimal, give
// decimal values (chiso/detail/decimal.hpp), as formula::evaluate does.
inline void run_formula_chunk(const formula_block& f, std::ptrdiff_t u0, std::ptrdiff_t n) {
  for (int i = 0; i < f.count; ++i) {
    const instruction& ins = f.code[i];
    double* d = f.regs[ins.dst] + u0;
    const double* a = f.regs[ins.a] + u0;
    const double* b = f.regs[ins.b] + u0;
    const double* c = f.regs[ins.c] + u0;
    switch (ins.code) {
      case op::add: over_lanes(d, a, b, a, n, [](const auto& x, const auto& y, const auto&) { return decimal_sum(x, y, x + y); }); break;
      case op::sub: over_lanes(d, a, b, a, n, [](const auto& x, const auto& y, const auto&) { return decimal_sum(x, y, x - y); }); break;
      case op::mul: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = a[u] * b[u]; break;
      case op::div: {
        const double column = ins.column;
        double* fault = f.fault + u0;
        if (ins.active < 0) {
          for (std::ptrdiff_t u = 0; u < n; ++u) fault[u] = b[u] == 0.0 && fault[u] == 0.0 ? column : fault[u];
        } else {
          const double* active = f.regs[ins.active] + u0;
          for (std::ptrdiff_t u = 0; u < n; ++u)
            fault[u] = b[u] == 0.0 && active[u] != 0.0 && fault[u] == 0.0 ? column : fault[u];
        }
        for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = a[u] / b[u];
        break;
      }
      case op::neg: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = -a[u]; break;
      case op::lt: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = fl(a[u] < b[u]); break;
      case op::le: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = fl(a[u] <= b[u]); break;
      case op::gt: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = fl(a[u] > b[u]); break;
      case op::ge: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = fl(a[u] >= b[u]); break;
      case op::eq: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = fl(a[u] == b[u]); break;
      case op::ne: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = fl(a[u] != b[u]); break;
      case op::logical_and:
        for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = fl(a[u] != 0.0) * fl(b[u] != 0.0);
        break;
      case op::logical_or:
        for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = fl(a[u] != 0.0 || b[u] != 0.0);
        break;
      case op::logical_not: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = fl(a[u] == 0.0); break;
      case op::select: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = c[u] != 0.0 ? a[u] : b[u]; break;
      case op::minimum: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = b[u] < a[u] ? b[u] : a[u]; break;
      case op::maximum: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = b[u] > a[u] ? b[u] : a[u]; break;
      case op::clamp:
        for (std::ptrdiff_t u = 0; u < n; ++u) {
          const double low = a[u] < b[u] ? b[u] : a[u];
          d[u] = low > c[u] ? c[u] : low;
        }
        break;
      case op::absolute: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = __builtin_fabs(a[u]); break;
      case op::ratio:
        for (std::ptrdiff_t u = 0; u < n; ++u) {
          const double q = a[u] / b[u];
          d[u] = b[u] != 0.0 ? q : c[u];
        }
        break;
      case op::decimal: over_lanes(d, a, a, a, n, [](const auto& x, const auto&, const auto&) { return decimal_value(x); }); break;
      case op::round:
        if (d != a)
          for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = a[u];
        f.round(d, n, ins.digits);
        break;
    }
  }
}

// One vector of units (vec, or vec1 for one unit) of a formula leaf: points and max from the
// program's result; `bad` counts down (−1 a lane) the units in trouble: where it or the inputs are
// not valid (all inputs there and finite; with Faults, no division by zero recorded in `fault`);
// `here`: where the criterion applies. The policy of a missing input, and whether the program
// divides, known when compiling: no policy masks combined lane by lane, no faults read when there
// can be none.
template <bool Add, if_missing Missing, bool Faults, class V>
inline void finish_formula_lanes(const kernels::formula_leaf_block& b, const double* fault, std::ptrdiff_t u,
                                 const mask_of<V>& here, const V& max, const mask_of<V>& clamp, mask_of<V>& bad) {
  mask_of<V> present = ~mask_of<V>{}, finite = present;  // all true
  for (int i = 0; i < b.input_count; ++i) {
    const V x = load<V>(b.inputs[i] + u);
    present &= x == x;
    finite &= absolute(x) <= DBL_MAX;
  }
  const V r = load<V>(b.result + u);
  mask_of<V> number = finite & (absolute(r) <= DBL_MAX);
  if constexpr (Faults) number &= load<V>(fault + u) == 0.0;
  const mask_of<V> valid = number & (((r >= 0.0) & (r <= max)) | clamp);
  const V low = r < 0.0 ? V{} : r;
  const V bounded = low > max ? max : low;
  const V points = clamp != 0 ? bounded : r;
  const fixed_policy<Missing> policy;  // as the rule kernels (valid is false where an input is missing)
  bad += policy.trouble(here, valid, present);
  const V achieved = masked(points, here & present);
  const V possible = masked(max, policy.counted(here, present));
  store(b.P + u, Add ? load<V>(b.P + u) + achieved : achieved);
  store(b.M + u, Add ? load<V>(b.M + u) + possible : possible);
}

// The leaf's points and max for units u0 … u0 + n − 1 of the block; returns its units in trouble.
template <bool Add, if_missing Missing, bool Faults>
double finish_formula_chunk(const kernels::formula_leaf_block& leaf, const double* fault, std::ptrdiff_t u0,
                            std::ptrdiff_t n) {
  // A copy the stores cannot reach (they are byte copies, which may write anywhere in memory the
  // caller can see): its pointers stay in registers instead of being read again at each vector.
  const kernels::formula_leaf_block b = leaf;
  const std::ptrdiff_t end = u0 + n;
  const std::int64_t clamp = b.clamp != 0.0 ? -1 : 0;  // all bits: a lane mask's true
  std::ptrdiff_t u = u0;
  lanes_mask bad = {};
  if (u + lanes <= end) {
    const vec max = zeros + b.max;
    const lanes_mask clamp_lanes = lanes_mask{} + clamp;
    for (; u + lanes <= end; u += lanes)
      finish_formula_lanes<Add, Missing, Faults>(b, fault, u, load_flags(b.here + u), max, clamp_lanes, bad);
  }
  mask1 bad_rest = {};
  for (; u < end; ++u)  // the last units, one lane each
    finish_formula_lanes<Add, Missing, Faults>(b, fault, u, load_flag(b.here + u), vec1{b.max}, mask1{clamp},
                                               bad_rest);
  std::int64_t count = -bad_rest[0];
  for (std::ptrdiff_t k = 0; k < lanes; ++k) count -= bad[k];
  return static_cast<double>(count);
}

// The program chunk by chunk, each followed by the leaf's points and max for its units.
template <bool Add, if_missing Missing, bool Faults>
double score_formula_chunks(const kernels::formula_block& f, const kernels::formula_leaf_block& b) {
  double trouble = 0.0;
  for (std::ptrdiff_t u0 = 0; u0 < f.n; u0 += formula_chunk) {
    const std::ptrdiff_t n = f.n - u0 < formula_chunk ? f.n - u0 : formula_chunk;
    if (b.ask_ahead)
      for (std::ptrdiff_t u = u0; u < u0 + n; u += 8) __builtin_prefetch(b.ask_ahead + u);  // 8 doubles a line
    run_formula_chunk(f, u0, n);
    trouble += finish_formula_chunk<Add, Missing, Faults>(b, f.fault, u0, n);
  }
  return trouble;
}

inline double score_formula_leaf_block(const kernels::formula_block& f, const kernels::formula_leaf_block& b) {
  bool divides = false;  // else no unit has a fault: none to read
  for (int i = 0; i < f.count; ++i) divides |= f.code[i].code == op::div;
  return with_missing_policy(b.keep_max_if_missing, b.missing_is_trouble, [&](auto missing) {
    constexpr if_missing policy = decltype(missing)::value;
    if (divides)
      return b.add_to ? score_formula_chunks<true, policy, true>(f, b) : score_formula_chunks<false, policy, true>(f, b);
    return b.add_to ? score_formula_chunks<true, policy, false>(f, b) : score_formula_chunks<false, policy, false>(f, b);
  });
}

}  // namespace chiso::detail::CHISO_KERNEL_NAMESPACE
#endif
