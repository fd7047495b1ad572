// Leaf kernels, compiled once per instruction set (kernels_generic.cpp, kernels_avx2.cpp) and
// chosen at run time. Private to src/. The code here calls nothing inline from other headers, so
// that no function compiled for AVX2 can be picked by the linker for a machine without it.
//
// One loop per leaf and block computes the points, the max and whether an input is out of range,
// with flags held as 0.0 or 1.0 and one selection per statement: the form compilers vectorise.
// `here` holds 1.0 where the criterion applies; `trouble` becomes non-zero where an input broke
// its rule, or is missing where that is an error. Results do not depend on the instruction set:
// only IEEE additions, multiplications, divisions and comparisons, never contracted.
#pragma once

#include <cfloat>
#include <cstddef>

namespace chiso::detail::kernels {

enum class kind : int { points_step, points_values, points_range, yes_no, tiers_higher, tiers_lower,
                        linear_higher, linear_lower, proportional_higher, proportional_lower, adjustment };

constexpr int max_small = 8;  // tiers or allowed values held inline

// Everything a kernel needs of a leaf, copied once when the plan is compiled.
struct leaf_params {
  kind rule = kind::points_range;
  double max = 0;
  double step = 0;
  double top = 1;          // 1 (fraction) or 100 (percent)
  double lower = 0, width = 1, upper = 1;
  double accept_any = 0;   // proportional with clamp: 1.0
  double sign = 1, per = 0, cap = 0;
  int count = 0;           // tiers or allowed values
  double bound[max_small] = {};   // tier bounds (exclusive ones moved to the next double) or values
  double points[max_small] = {};
};

struct leaf_block {
  const double* __restrict x;
  const double* __restrict here;
  std::ptrdiff_t n;
  double keep_max_if_missing;  // missing: zero
  double missing_is_trouble;   // missing: error
  double* __restrict P;
  double* __restrict M;
  double* __restrict trouble;
  bool add_to;  // P and M are the parent's: add to them
};

using leaf_kernel = void (*)(const leaf_block&, const leaf_params&);

}  // namespace chiso::detail::kernels

#ifdef CHISO_KERNEL_NAMESPACE
namespace chiso::detail::CHISO_KERNEL_NAMESPACE {

using kernels::kind;
using kernels::leaf_block;
using kernels::leaf_params;

inline double clamp01(double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); }
inline double flag(bool b) { return b ? 1.0 : 0.0; }
inline double absolute(double v) { return __builtin_fabs(v); }
// Rounds to the nearest whole number without a library call; exact for |x| < 2^51.
inline double round_whole(double x) {
  constexpr double magic = 6755399441055744.0;  // 1.5 × 2^52
  return (x + magic) - magic;
}
constexpr double step_tolerance = 1e-9;  // as chiso::step_tolerance

template <bool Add, class Score>
void score_leaf_into(const leaf_block& b, double max, Score score) {
  const double keep = b.keep_max_if_missing, missing_is_trouble = b.missing_is_trouble;
  for (std::ptrdiff_t u = 0; u < b.n; ++u) {
    const double v = b.x[u];
    const double here = b.here[u];
    const double present = flag(v == v);
    const double finite = flag(absolute(v) <= DBL_MAX);
    double points = 0.0, valid = 0.0;
    score(v, points, valid);
    const double scored = here * present;
    b.trouble[u] += scored * (1.0 - valid * finite) + here * (1.0 - present) * missing_is_trouble;
    const double achieved = scored != 0.0 ? points : 0.0;
    const double possible = here * (present + keep - present * keep) * max;
    if (Add) {
      b.P[u] += achieved;
      b.M[u] += possible;
    } else {
      b.P[u] = achieved;
      b.M[u] = possible;
    }
  }
}

// `score(v, points, valid)` gives the rule's points for v and 1.0 when v is a valid input.
template <class Score>
void score_leaf(const leaf_block& b, double max, Score score) {
  if (b.add_to)
    score_leaf_into<true>(b, max, score);
  else
    score_leaf_into<false>(b, max, score);
}

// Tiers and value sets with a count known at compile time unroll into straight-line selections.
// The first matching tier wins: from the last tier to the first, each match overwrites.
template <int N, class Hit>
void score_tiers(const leaf_block& b, const leaf_params& q, Hit hit) {
  const double max = q.max, top = q.top;
  double bound[N], points[N];
  for (int t = 0; t < N; ++t) {
    bound[t] = q.bound[t];
    points[t] = q.points[t];
  }
  score_leaf(b, max, [=](double v, double& p, double& valid) {
    p = 0.0;
#pragma GCC unroll 8
    for (int t = N - 1; t >= 0; --t) p = hit(v, bound[t]) ? points[t] : p;
    valid = flag(v >= 0.0) * flag(v <= top);
  });
}

template <int N>
void score_small(const leaf_block& b, const leaf_params& q) {
  if (q.rule == kind::tiers_higher) {
    score_tiers<N>(b, q, [](double v, double bound) { return v >= bound; });
  } else if (q.rule == kind::tiers_lower) {
    score_tiers<N>(b, q, [](double v, double bound) { return v <= bound; });
  } else {  // points_values
    double allowed[N];
    for (int k = 0; k < N; ++k) allowed[k] = q.bound[k];
    score_leaf(b, q.max, [=](double v, double& p, double& valid) {
      p = v;
      valid = 0.0;
#pragma GCC unroll 8
      for (int k = 0; k < N; ++k) valid = absolute(v - allowed[k]) <= step_tolerance ? 1.0 : valid;
    });
  }
}

inline void score_leaf_block(const leaf_block& b, const leaf_params& q) {
  const double max = q.max;
  switch (q.rule) {
    case kind::points_step: {
      const double step = q.step;
      score_leaf(b, max, [max, step](double v, double& p, double& valid) {
        const double steps = v / step;
        const double off = absolute(steps - round_whole(steps));
        p = v;
        valid = flag(v >= 0.0) * flag(v <= max) * flag(off <= step_tolerance * (steps > 1.0 ? steps : 1.0));
      });
      break;
    }
    case kind::points_range:
      score_leaf(b, max, [max](double v, double& p, double& valid) {
        p = v;
        valid = flag(v >= 0.0) * flag(v <= max);
      });
      break;
    case kind::yes_no:
      score_leaf(b, max, [max](double v, double& p, double& valid) {
        p = v == 1.0 ? max : 0.0;
        valid = flag(v == 0.0) + flag(v == 1.0);
      });
      break;
    case kind::points_values:
    case kind::tiers_higher:
    case kind::tiers_lower:
      switch (q.count) {
        case 1: score_small<1>(b, q); break;
        case 2: score_small<2>(b, q); break;
        case 3: score_small<3>(b, q); break;
        case 4: score_small<4>(b, q); break;
        case 5: score_small<5>(b, q); break;
        case 6: score_small<6>(b, q); break;
        case 7: score_small<7>(b, q); break;
        default: score_small<8>(b, q); break;
      }
      break;
    case kind::linear_higher: {
      const double lower = q.lower, width = q.width;
      score_leaf(b, max, [=](double v, double& p, double& valid) {
        p = max * clamp01((v - lower) / width);
        valid = 1.0;
      });
      break;
    }
    case kind::linear_lower: {
      const double upper = q.upper, width = q.width;
      score_leaf(b, max, [=](double v, double& p, double& valid) {
        p = max * clamp01((upper - v) / width);
        valid = 1.0;
      });
      break;
    }
    case kind::proportional_higher: {
      const double top = q.top, accept_any = q.accept_any;
      score_leaf(b, max, [=](double v, double& p, double& valid) {
        p = max * clamp01(v / top);
        const double in_range = flag(v >= 0.0) * flag(v <= top);
        valid = in_range + accept_any - in_range * accept_any;
      });
      break;
    }
    case kind::proportional_lower: {
      const double top = q.top, accept_any = q.accept_any;
      score_leaf(b, max, [=](double v, double& p, double& valid) {
        p = max * (1.0 - clamp01(v / top));
        const double in_range = flag(v >= 0.0) * flag(v <= top);
        valid = in_range + accept_any - in_range * accept_any;
      });
      break;
    }
    case kind::adjustment: {
      const double sign = q.sign, per = q.per, cap = q.cap;
      score_leaf(b, 0.0, [=](double v, double& p, double& valid) {
        const double total = per * v;
        p = sign * (total < cap ? total : cap) + 0.0;  // + 0.0: no deduction is 0, not −0
        // A count: whole and ≥ 0 (every double ≥ 2^52 is whole).
        const double whole = flag(v >= 4503599627370496.0) + flag(v == round_whole(v));
        valid = flag(v >= 0.0) * flag(whole != 0.0);
      });
      break;
    }
  }
}

}  // namespace chiso::detail::CHISO_KERNEL_NAMESPACE
#endif
