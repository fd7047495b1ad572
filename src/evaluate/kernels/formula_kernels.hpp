// Formula kernels: a `formula` rule compiled into a register program (src/formula.cpp), run over
// a block of units one instruction at a time, each instruction a loop over the whole block.
// Compiled once per instruction set like the leaf kernels (same constraints: nothing inline from
// other headers is called here).
//
// Registers are arrays of one block: the leaf's inputs, constants (filled once, when the program
// is compiled) and stack slots. A division records, per unit, the column of the `/` that divided
// by zero, but only where its `active` register is non-zero: the units for which the branch that
// holds it (of `if`, `ratio`, `and`, `or`) is the one taken.
#pragma once

#include <cfloat>
#include <cstddef>

namespace chiso::detail::kernels {

enum class op : int {
  add, sub, mul, div, neg,
  lt, le, gt, ge, eq, ne,
  logical_and, logical_or, logical_not,
  select,   // a where c ≠ 0, else b
  minimum, maximum, clamp, absolute,
  ratio,    // a / b where b ≠ 0, else c
  round     // dst = a rounded to `digits` decimals (half up, decimal) by the `round` callback
};

struct instruction {
  op code = op::add;
  int dst = 0, a = 0, b = 0, c = 0;
  int active = -1;  // div: register holding where a zero divisor counts; -1: everywhere
  int digits = 0;   // round
  int column = 0;   // div: 1-based column of its `/` in the expression
};

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

inline void run_formula_block(const formula_block& f) {
  const std::ptrdiff_t n = f.n;
  for (int i = 0; i < f.count; ++i) {
    const instruction& ins = f.code[i];
    double* d = f.regs[ins.dst];
    const double* a = f.regs[ins.a];
    const double* b = f.regs[ins.b];
    const double* c = f.regs[ins.c];
    switch (ins.code) {
      case op::add: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = a[u] + b[u]; break;
      case op::sub: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = a[u] - b[u]; break;
      case op::mul: for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = a[u] * b[u]; break;
      case op::div: {
        const double column = ins.column;
        double* fault = f.fault;
        if (ins.active < 0) {
          for (std::ptrdiff_t u = 0; u < n; ++u) {
            const double q = a[u] / b[u];
            fault[u] = b[u] == 0.0 && fault[u] == 0.0 ? column : fault[u];
            d[u] = q;
          }
        } else {
          const double* active = f.regs[ins.active];
          for (std::ptrdiff_t u = 0; u < n; ++u) {
            const double q = a[u] / b[u];
            fault[u] = b[u] == 0.0 && active[u] != 0.0 && fault[u] == 0.0 ? column : fault[u];
            d[u] = q;
          }
        }
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
      case op::round:
        if (d != a)
          for (std::ptrdiff_t u = 0; u < n; ++u) d[u] = a[u];
        f.round(d, n, ins.digits);
        break;
    }
  }
}

// Points and max from the program's result, and trouble where it or the inputs are not valid.
// `present` and `finite` say whether all the unit's inputs are there and finite.
template <class Inputs>
void finish_formula_leaf(const formula_leaf_block& b, Inputs inputs) {
  const std::ptrdiff_t n = b.n;
  const double max = b.max, clamp = b.clamp, keep = b.keep_max_if_missing, missing_is_trouble = b.missing_is_trouble;
  for (std::ptrdiff_t u = 0; u < n; ++u) {
    double present = 1.0, finite = 1.0;
    inputs(u, present, finite);
    const double r = b.result[u];
    const double here = b.here[u];
    const double number = finite * fl(b.fault[u] == 0.0) * fl(__builtin_fabs(r) <= DBL_MAX);
    const double in_range = fl(r >= 0.0) * fl(r <= max);
    const double valid = number * (in_range + clamp - in_range * clamp);
    const double low = r < 0.0 ? 0.0 : r;
    const double bounded = low > max ? max : low;
    const double points = clamp != 0.0 ? bounded : r;
    const double scored = here * present;
    b.trouble[u] += scored * (1.0 - valid) + here * (1.0 - present) * missing_is_trouble;
    const double achieved = scored != 0.0 ? points : 0.0;
    const double possible = here * (present + keep - present * keep) * max;
    if (b.add_to) {
      b.P[u] += achieved;
      b.M[u] += possible;
    } else {
      b.P[u] = achieved;
      b.M[u] = possible;
    }
  }
}

// Leaves with up to 4 inputs check them in the same pass; more inputs are checked first.
template <int N>
void finish_small_formula_leaf(const formula_leaf_block& b) {
  const double* x[N];
  for (int i = 0; i < N; ++i) x[i] = b.inputs[i];
  finish_formula_leaf(b, [&x](std::ptrdiff_t u, double& present, double& finite) {
#pragma GCC unroll 4
    for (int i = 0; i < N; ++i) {
      const double v = x[i][u];
      present *= fl(v == v);
      finite *= fl(__builtin_fabs(v) <= DBL_MAX);
    }
  });
}

inline void finish_formula_leaf_block(const formula_leaf_block& b) {
  switch (b.input_count) {
    case 1: finish_small_formula_leaf<1>(b); return;
    case 2: finish_small_formula_leaf<2>(b); return;
    case 3: finish_small_formula_leaf<3>(b); return;
    case 4: finish_small_formula_leaf<4>(b); return;
    default: break;
  }
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
  finish_formula_leaf(b, [&b](std::ptrdiff_t u, double& present, double& finite) {
    present = b.present[u];
    finite = b.finite[u];
  });
}

}  // namespace chiso::detail::CHISO_KERNEL_NAMESPACE
#endif
