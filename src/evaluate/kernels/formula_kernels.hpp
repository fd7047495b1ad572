// Formula kernels: a `formula` rule compiled into a register program (src/formula.cpp), run over
// a block of units one instruction at a time, each instruction a loop over the whole block.
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
  const double* result;
  const double* fault;
  const double* __restrict here;
  std::ptrdiff_t n;
  double keep_max_if_missing;  // missing: zero
  double missing_is_trouble;   // missing: error
  double max;
  double clamp;                // 1.0: results outside [0, max] are bounded, not errors
  double* __restrict present;  // scratch of n
  double* __restrict finite;   // scratch of n
  double* P;
  double* M;
  double* __restrict trouble;
  bool add_to;
};

using formula_kernel = void (*)(const formula_block&);
using formula_leaf_kernel = void (*)(const formula_leaf_block&);

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

// Sums and differences, and op::decimal, give decimal values (chiso/detail/decimal.hpp), as
// formula::evaluate does.
inline void run_formula_block(const formula_block& f) {
  const std::ptrdiff_t n = f.n;
  for (int i = 0; i < f.count; ++i) {
    const instruction& ins = f.code[i];
    double* d = f.regs[ins.dst];
    const double* a = f.regs[ins.a];
    const double* b = f.regs[ins.b];
    const double* c = f.regs[ins.c];
    switch (ins.code) {
      case op::add: over_lanes(d, a, b, a, n, [](const auto& x, const auto& y, const auto&) { return decimal_sum(x, y, x + y); }); break;
      case op::sub: over_lanes(d, a, b, a, n, [](const auto& x, const auto& y, const auto&) { return decimal_sum(x, y, x - y); }); break;
      case op::mul: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = a[u] * b[u]; break;
      case op::div: {
        const double column = ins.column;
        double* fault = f.fault;
        if (ins.active < 0) {
          for (std::ptrdiff_t u = 0; u < n; ++u) fault[u] = b[u] == 0.0 && fault[u] == 0.0 ? column : fault[u];
        } else {
          const double* active = f.regs[ins.active];
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
// program's result, and trouble where it or the inputs are not valid. `present` and `finite`
// (1.0 or 0.0) say whether all the unit's inputs are there and finite; `here` whether the
// criterion applies.
template <bool Add, class V>
inline void finish_formula_lanes(const double* present_flags, const double* finite_flags, const double* result,
                                 const double* fault, const double* here_flags, double* P, double* M,
                                 double* trouble, const V& max, const mask_of<V>& clamp, const mask_of<V>& keep,
                                 const mask_of<V>& missing_is_trouble) {
  const mask_of<V> present = load<V>(present_flags) != 0.0, here = load<V>(here_flags) != 0.0;
  const V r = load<V>(result);
  const mask_of<V> number = (load<V>(finite_flags) != 0.0) & (load<V>(fault) == 0.0) & (absolute(r) <= DBL_MAX);
  const mask_of<V> valid = number & (((r >= 0.0) & (r <= max)) | clamp);
  const V low = r < 0.0 ? V{} : r;
  const V bounded = low > max ? max : low;
  const V points = clamp != 0 ? bounded : r;
  const mask_of<V> scored = here & present;
  const mask_of<V> bad = (scored & ~valid) | (here & ~present & missing_is_trouble);
  store(trouble, load<V>(trouble) + masked(splat(r, 1.0), bad));
  const V achieved = masked(points, scored);
  const V possible = masked(max, here & (present | keep));
  store(P, Add ? load<V>(P) + achieved : achieved);
  store(M, Add ? load<V>(M) + possible : possible);
}

template <bool Add>
void finish_formula_leaf(const formula_leaf_block& b) {
  const std::ptrdiff_t n = b.n;
  const std::int64_t clamp = b.clamp != 0.0 ? -1 : 0;  // all bits: a lane mask's true
  const std::int64_t keep = b.keep_max_if_missing != 0.0 ? -1 : 0;
  const std::int64_t missing_is_trouble = b.missing_is_trouble != 0.0 ? -1 : 0;
  std::ptrdiff_t u = 0;
  if (u + lanes <= n) {
    const vec max = zeros + b.max;
    const lanes_mask clamp_lanes = lanes_mask{} + clamp, keep_lanes = lanes_mask{} + keep,
                     trouble_lanes = lanes_mask{} + missing_is_trouble;
    for (; u + lanes <= n; u += lanes)
      finish_formula_lanes<Add>(b.present + u, b.finite + u, b.result + u, b.fault + u, b.here + u, b.P + u, b.M + u,
                                b.trouble + u, max, clamp_lanes, keep_lanes, trouble_lanes);
  }
  for (; u < n; ++u)  // the last units, one lane each
    finish_formula_lanes<Add>(b.present + u, b.finite + u, b.result + u, b.fault + u, b.here + u, b.P + u, b.M + u,
                              b.trouble + u, vec1{b.max}, mask1{clamp}, mask1{keep}, mask1{missing_is_trouble});
}

inline void finish_formula_leaf_block(const formula_leaf_block& b) {
  const std::ptrdiff_t n = b.n;
  for (std::ptrdiff_t u = 0; u < n; ++u) {
    b.present[u] = 1.0;
    b.finite[u] = 1.0;
  }
  for (int i = 0; i < b.input_count; ++i) {
    const double* x = b.inputs[i];
    for (std::ptrdiff_t u = 0; u < n; ++u) {
      const double v = x[u];
      b.present[u] *= fl(v == v);
      b.finite[u] *= fl(__builtin_fabs(v) <= DBL_MAX);
    }
  }
  if (b.add_to)
    finish_formula_leaf<true>(b);
  else
    finish_formula_leaf<false>(b);
}

}  // namespace chiso::detail::CHISO_KERNEL_NAMESPACE
#endif
