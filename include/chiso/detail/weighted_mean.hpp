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

// Vectors of Lanes doubles (GCC/Clang vector extension); one lane is a plain double (a vector of
// one would go through a general register).
template <int Lanes>
struct lanes_of {
  typedef double type __attribute__((vector_size(Lanes * sizeof(double))));
};
template <>
struct lanes_of<1> {
  typedef double type;
};

// The arithmetic means of Vectors × (V's lanes) units from u into out. Each unit's sums stay in
// registers over all the children (left to itself the compiler vectorises over children
// instead) and are built in child order, as one child after another would, then divided: lane
// by lane, IEEE division gives the same bits at every vector width. Present: NaN children count
// as absent and each unit is divided by the weight of its present children; otherwise by
// `total` when `divide` (the caller has checked total > 0; x / 1 is x, so weights summing to 1
// cost no division).
template <class V, int Vectors, bool Present>
inline __attribute__((always_inline)) void arithmetic_block(const double* const* values, const double* weights,
                                                            std::ptrdiff_t children, std::ptrdiff_t u, bool divide,
                                                            double total, double* __restrict out) {
  constexpr std::ptrdiff_t lanes = sizeof(V) / sizeof(double);
  V sum[Vectors] = {}, weight[Vectors] = {};
  for (std::ptrdiff_t c = 0; c < children; ++c) {
    const double* x = values[c] + u;
    const double w = weights[c];
#pragma GCC unroll 8
    for (int k = 0; k < Vectors; ++k) {
      V v;
      __builtin_memcpy(&v, x + lanes * k, sizeof v);
      if (Present) {
        // Selects, then unconditional arithmetic: with trapping math (the default) the compiler
        // may not speculate a conditional multiply, and this form vectorises.
        const auto present = v == v;
        sum[k] += w * (present ? v : V{});
        weight[k] += present ? V{} + w : V{};
      } else {
        sum[k] += w * v;
      }
    }
  }
#pragma GCC unroll 8
  for (int k = 0; k < Vectors; ++k) {
    if (Present)
      sum[k] = weight[k] > V{} ? sum[k] / weight[k] : V{} + nan;
    else if (divide)
      sum[k] = sum[k] / total;
    __builtin_memcpy(out + u + lanes * k, &sum[k], sizeof sum[k]);  // one store each, no copy on the stack
  }
}

// The arithmetic means of n units (see arithmetic_block), in blocks of four vectors of Lanes
// doubles, then single vectors, then pairs and single units.
template <int Lanes, bool Present>
inline __attribute__((always_inline)) void arithmetic_means(const double* const* values, const double* weights,
                                                            std::ptrdiff_t children, std::ptrdiff_t n, bool divide,
                                                            double total, double* __restrict out) {
  typedef typename lanes_of<Lanes>::type wide;
  std::ptrdiff_t u = 0;
  for (; u + 4 * Lanes <= n; u += 4 * Lanes)
    arithmetic_block<wide, 4, Present>(values, weights, children, u, divide, total, out);
  for (; u + Lanes <= n; u += Lanes) arithmetic_block<wide, 1, Present>(values, weights, children, u, divide, total, out);
  if constexpr (Lanes > 2)
    for (; u + 2 <= n; u += 2)
      arithmetic_block<typename lanes_of<2>::type, 1, Present>(values, weights, children, u, divide, total, out);
  for (; u < n; ++u)
    arithmetic_block<typename lanes_of<1>::type, 1, Present>(values, weights, children, u, divide, total, out);
}

// out ← Σ w·f(x) over present children, wsum ← Σ w over them; false when a present value is
// outside the mean's domain.
template <mean_kind M>
bool accumulate(const double* const* values, const double* weights, std::ptrdiff_t children, std::ptrdiff_t n,
                double power, double* __restrict out, double* __restrict wsum) {
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

// The arithmetic mean of `children` columns of n units each (values[c][u]) into out[0, n), Lanes
// units to a vector: 2 (SSE2 or NEON) in every build; 4 and 8 from functions compiled for AVX2
// and AVX-512 (this is inlined into them), with floating-point contraction off. Every width
// gives the same bits. `complete` promises that no value is NaN (one weight sum then serves
// every unit).
template <int Lanes = 2>
inline __attribute__((always_inline)) void weighted_arithmetic_mean(const double* const* values, const double* weights,
                                                                    std::ptrdiff_t children, std::ptrdiff_t n,
                                                                    double* __restrict out, bool complete) {
  namespace wm = weighted_mean_detail;
  if (!complete) {
    wm::arithmetic_means<Lanes, true>(values, weights, children, n, false, 1.0, out);
    return;
  }
  double total = 0.0;
  for (std::ptrdiff_t c = 0; c < children; ++c) total += weights[c];
  if (!(total > 0.0)) {
    for (std::ptrdiff_t u = 0; u < n; ++u) out[u] = wm::nan;
    return;
  }
  wm::arithmetic_means<Lanes, false>(values, weights, children, n, total != 1.0, total, out);
}

// weighted_arithmetic_mean at the widest vectors of the kernels in use
// (chiso/detail/instruction_set.hpp), as the uncertainty engine calls it; the same bits as Lanes = 2.
// Defined in src/sensitivity/arithmetic_mean_kernels.cpp.
using arithmetic_mean_kernel = void (*)(const double* const* values, const double* weights, std::ptrdiff_t children,
                                        std::ptrdiff_t n, double* out, bool complete);
arithmetic_mean_kernel arithmetic_mean_in_use();

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
    weighted_arithmetic_mean(values, weights, children, n, out, complete);
    return true;
  } else {
    const bool all_in_domain = wm::accumulate<M>(values, weights, children, n, power, out, wsum);
    wm::finish<M>(n, power, out, wsum);
    return all_in_domain;
  }
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
