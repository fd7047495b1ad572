// The weighted means that combine a node's children, for every engine: the scored-index
// evaluation (chiso::plan), the composite-indicator tree (analysis::aggregation_plan) and the
// uncertainty engine (uncertainty::composite_analysis). Header-only so that the loops over units
// are inlined and vectorised in each caller.
//
// Over the children c with a present (not NaN) value x_c and weight w_c, for one unit:
//   arithmetic  Σ w x / Σ w
//   geometric   exp(Σ w ln x / Σ w)
//   harmonic    Σ w / Σ (w / x)
//   power       (Σ w x^p / Σ w)^(1/p), p finite and ≠ 0 (the generalised mean)
//   minimum     min x, maximum max x (weights ignored: a child of weight 0 still counts)
// A NaN child (missing, or not applicable) is dropped and the weights of the others are
// renormalised. A child of weight 0 does not enter the weighted kinds (its value is not looked at:
// a zero-weight 0 is no error under a geometric mean). The mean is NaN when no child is present,
// or, for the weighted kinds, when the weights of the present children sum to 0.
//
// The rule for values ≤ 0: the geometric and harmonic means, and power means with p < 0, need
// every present value > 0 (ln x and 1/x are undefined at 0 and meaningless below); a power mean
// with p > 0 needs values ≥ 0 (x^p of a negative x is not a mean, or not a number). A value
// outside that domain makes the call return false — nothing is thrown — and each caller turns that into its own behaviour:
// a chiso error naming the unit and the node (evaluation, aggregation), or a failed replication
// (Monte Carlo). `first_outside_domain` finds the unit and the child to name.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

namespace chiso::detail {

enum class mean_kind { arithmetic, geometric, harmonic, power, minimum, maximum };

// Whether a present value lies in the mean's domain (see above).
constexpr bool in_domain(mean_kind kind, double power, double x) {
  switch (kind) {
    case mean_kind::geometric:
    case mean_kind::harmonic: return x > 0.0;
    case mean_kind::power: return power < 0.0 ? x > 0.0 : x >= 0.0;
    default: return true;
  }
}

namespace weighted_mean_detail {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// out ← Σ w·x over the children (and, when Present, wsum ← Σ w) with NaN children counting as
// absent. Eight units at a time stay in registers over all the children (GCC/Clang vectors of two
// doubles: left to itself the compiler vectorises over children instead); each sum is built in
// child order, as one child after another would.
template <bool Present>
void arithmetic_sums(const double* const* values, const double* weights, std::ptrdiff_t children, std::ptrdiff_t n,
                     double* __restrict out, double* __restrict wsum) {
  typedef double two __attribute__((vector_size(2 * sizeof(double))));
  constexpr int pairs = 4;
  std::ptrdiff_t u = 0;
  for (; u + 2 * pairs <= n; u += 2 * pairs) {
    two sum[pairs] = {}, weight[pairs] = {};
    for (std::ptrdiff_t c = 0; c < children; ++c) {
      const double* x = values[c] + u;
      const double w = weights[c];
#pragma GCC unroll 4
      for (int k = 0; k < pairs; ++k) {
        two v;
        __builtin_memcpy(&v, x + 2 * k, sizeof v);
        if (Present) {
          // Selects, then unconditional arithmetic: with trapping math (the default) the compiler
          // may not speculate a conditional multiply, and this form vectorises.
          const auto present = v == v;
          sum[k] += w * (present ? v : two{});
          weight[k] += present ? two{} + w : two{};
        } else {
          sum[k] += w * v;
        }
      }
    }
    __builtin_memcpy(out + u, sum, sizeof sum);
    if (Present) __builtin_memcpy(wsum + u, weight, sizeof weight);
  }
  for (; u < n; ++u) {
    double sum = 0.0, weight = 0.0;
    for (std::ptrdiff_t c = 0; c < children; ++c) {
      const double v = values[c][u], w = weights[c];
      const bool present = !Present || v == v;
      sum += w * (present ? v : 0.0);
      weight += present ? w : 0.0;
    }
    out[u] = sum;
    if (Present) wsum[u] = weight;
  }
}

// out ← Σ w·f(x) over present children, wsum ← Σ w over them; false when a present value is
// outside the mean's domain.
template <mean_kind M>
bool accumulate(const double* const* values, const double* weights, std::ptrdiff_t children, std::ptrdiff_t n,
                double power, double* __restrict out, double* __restrict wsum) {
  if constexpr (M == mean_kind::arithmetic) {
    arithmetic_sums<true>(values, weights, children, n, out, wsum);
    return true;
  }
  for (std::ptrdiff_t u = 0; u < n; ++u) out[u] = 0.0;
  for (std::ptrdiff_t u = 0; u < n; ++u) wsum[u] = 0.0;
  bool all_in_domain = true;
  const bool zero_allowed = M == mean_kind::power && power > 0.0;
  for (std::ptrdiff_t c = 0; c < children; ++c) {
    const double* __restrict x = values[c];
    const double w = weights[c];
    if (w == 0.0) continue;  // adds nothing, and its value need not be in the domain
    for (std::ptrdiff_t u = 0; u < n; ++u) {
      const double v = x[u];
      if (v == v) {
        all_in_domain &= v > 0.0 || (zero_allowed && v == 0.0);
        if constexpr (M == mean_kind::geometric) out[u] += w * std::log(v);
        if constexpr (M == mean_kind::harmonic) out[u] += w / v;
        if constexpr (M == mean_kind::power) out[u] += w * std::pow(v, power);
        wsum[u] += w;
      }
    }
  }
  return all_in_domain;
}

template <mean_kind M>
void finish(std::ptrdiff_t n, double power, double* __restrict out, const double* __restrict wsum) {
  for (std::ptrdiff_t u = 0; u < n; ++u) {
    const double a = out[u], w = wsum[u];
    double mean = nan;
    if constexpr (M == mean_kind::arithmetic) mean = a / w;
    if constexpr (M == mean_kind::geometric) mean = std::exp(a / w);
    if constexpr (M == mean_kind::harmonic) mean = w / a;
    if constexpr (M == mean_kind::power) mean = std::pow(a / w, 1.0 / power);
    out[u] = w > 0.0 ? mean : nan;
  }
}

template <bool is_min>
void extremum(const double* const* values, std::ptrdiff_t children, std::ptrdiff_t n, double* __restrict out) {
  for (std::ptrdiff_t u = 0; u < n; ++u) out[u] = nan;
  for (std::ptrdiff_t c = 0; c < children; ++c) {
    const double* __restrict x = values[c];
    // fmin / fmax return the other argument when one is NaN: absent children drop out.
    for (std::ptrdiff_t u = 0; u < n; ++u) out[u] = is_min ? std::fmin(out[u], x[u]) : std::fmax(out[u], x[u]);
  }
}

}  // namespace weighted_mean_detail

// The mean of `children` columns of n units each (values[c][u]) into out[0, n), with wsum as
// scratch (n doubles); out must not overlap the values. `complete` promises that no value is NaN
// (the arithmetic mean then skips the per-unit weight sums); the result is the same either way.
// `power` is the generalised mean's exponent (used by mean_kind::power only). Returns false when
// a present value is outside the mean's domain (the affected units' results are then
// meaningless).
template <mean_kind M>
bool weighted_mean(const double* const* values, const double* weights, std::ptrdiff_t children, std::ptrdiff_t n,
                   double* __restrict out, double* __restrict wsum, bool complete = false, double power = 1.0) {
  namespace wm = weighted_mean_detail;
  if constexpr (M == mean_kind::minimum || M == mean_kind::maximum) {
    wm::extremum<M == mean_kind::minimum>(values, children, n, out);
    return true;
  } else if constexpr (M == mean_kind::arithmetic) {
    if (complete) {
      // Every unit has every child: one weight sum for all, and a plain weighted sum.
      double total = 0.0;
      for (std::ptrdiff_t c = 0; c < children; ++c) total += weights[c];
      wm::arithmetic_sums<false>(values, weights, children, n, out, wsum);
      // Exact: x / 1 is x, so normalised weights cost no division.
      if (total != 1.0)
        for (std::ptrdiff_t u = 0; u < n; ++u) out[u] = total > 0.0 ? out[u] / total : wm::nan;
      return true;
    }
  }
  if constexpr (M != mean_kind::minimum && M != mean_kind::maximum) {
    const bool all_in_domain = wm::accumulate<M>(values, weights, children, n, power, out, wsum);
    wm::finish<M>(n, power, out, wsum);
    return all_in_domain;
  }
  return true;
}

// The same with the kind chosen at run time.
inline bool weighted_mean(mean_kind kind, const double* const* values, const double* weights, std::ptrdiff_t children,
                          std::ptrdiff_t n, double* out, double* wsum, bool complete = false, double power = 1.0) {
  switch (kind) {
    case mean_kind::arithmetic:
      return weighted_mean<mean_kind::arithmetic>(values, weights, children, n, out, wsum, complete, power);
    case mean_kind::geometric:
      return weighted_mean<mean_kind::geometric>(values, weights, children, n, out, wsum, complete, power);
    case mean_kind::harmonic:
      return weighted_mean<mean_kind::harmonic>(values, weights, children, n, out, wsum, complete, power);
    case mean_kind::power:
      return weighted_mean<mean_kind::power>(values, weights, children, n, out, wsum, complete, power);
    case mean_kind::minimum:
      return weighted_mean<mean_kind::minimum>(values, weights, children, n, out, wsum, complete, power);
    case mean_kind::maximum:
      return weighted_mean<mean_kind::maximum>(values, weights, children, n, out, wsum, complete, power);
  }
  return false;
}

// Points outside the max (bonus, deduction) under a `sum` node, in the node's score terms: the
// node's score is (Σ max_c score_c + Σ points) / Σ max_c over the applicable children, that is
// its arithmetic mean (weights = max) plus Σ points / Σ present weights. out[u] gets
// Σ_a outside[a][u] / Σ_c weights[c] [values[c][u] present]; a missing (NaN) point count adds 0.
inline void add_points_outside_max(const double* const* values, const double* weights, std::ptrdiff_t children,
                                   const double* const* outside, std::ptrdiff_t outside_count, std::ptrdiff_t n,
                                   double* out) {
  for (std::ptrdiff_t u = 0; u < n; ++u) {
    double present_weight = 0.0, points = 0.0;
    for (std::ptrdiff_t c = 0; c < children; ++c)
      if (values[c][u] == values[c][u]) present_weight += weights[c];
    for (std::ptrdiff_t a = 0; a < outside_count; ++a)
      if (outside[a][u] == outside[a][u]) points += outside[a][u];
    out[u] += points / present_weight;
  }
}

// After weighted_mean returned false: the first unit (then child) whose present value is outside
// the mean's domain, as positions; false when there is none. With `weights`, children of weight 0
// are passed over, as the mean passes over them.
inline bool first_outside_domain(mean_kind kind, const double* const* values, std::ptrdiff_t children,
                                 std::ptrdiff_t n, std::ptrdiff_t& unit, std::ptrdiff_t& child, double power = 1.0,
                                 const double* weights = nullptr) {
  for (std::ptrdiff_t u = 0; u < n; ++u)
    for (std::ptrdiff_t c = 0; c < children; ++c)
      if ((!weights || weights[c] != 0.0) && values[c][u] == values[c][u] && !in_domain(kind, power, values[c][u])) {
        unit = u;
        child = c;
        return true;
      }
  return false;
}

}  // namespace chiso::detail
