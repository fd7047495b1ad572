// Leaf kernels, compiled once per instruction set (kernels_generic.cpp, kernels_avx2.cpp,
// kernels_avx512.cpp) and chosen at run time (dispatch.cpp). Private to src/. The code here calls
// nothing inline from other headers but the compiler's always-inlined intrinsics, so that no
// function compiled for AVX2 or AVX-512 can be picked by the linker for a machine without it.
//
// One loop per leaf and block computes the points, the max and whether an input is out of range,
// a vector of units at a time in GCC/Clang vector types (an AVX-512, AVX2 or SSE2 register), with
// conditions held as lane masks. Written as vectors rather than left to the auto-vectoriser: the
// bytes of the applicability mask would make it take 32 units at a time and spill. `here` holds
// 1 where the criterion applies; the kernel returns the number of units whose input broke its
// rule, or is missing where that is an error. Results do not depend on the
// instruction set: only IEEE additions, multiplications, divisions and comparisons, never
// contracted, the same in every lane.
#pragma once

#include <cfloat>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "chiso/detail/decimal.hpp"  // its table only: the lanes below compute as decimal_value does
#if defined(__SSE2__)
#include <immintrin.h>  // streaming stores (always inlined: nothing the linker could pick for another machine)
#endif

namespace chiso::detail::kernels {

enum class kind : int { points_step, points_values, points_range, yes_no, tiers_higher, tiers_lower,
                        linear_higher, linear_lower, proportional_higher, proportional_lower, adjustment };

constexpr int max_small = 8;  // tiers or allowed values held inline

// Everything a kernel needs of a leaf, copied once when the plan is compiled.
struct leaf_params {
  kind rule = kind::points_range;
  double max = 0;
  double step = 0;
  double step_inverse = 0;  // 1 / step when that is exact (a power of two), else 0: v / step is v × it
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
  const std::uint8_t* __restrict here;  // 1 where the criterion applies, else 0
  std::ptrdiff_t n;
  double keep_max_if_missing;  // missing: zero
  double missing_is_trouble;   // missing: error
  double* __restrict P;
  double* __restrict M;
  bool add_to;  // P and M are the parent's: add to them
  // A later leaf's input for the same units, asked for from memory a line per vector as this one
  // is scored (x itself when there is nothing to ask for).
  const double* ask_ahead;
};

// Returns the number of units in trouble (an input out of its rule, or missing under `missing: error`).
using leaf_kernel = double (*)(const leaf_block&, const leaf_params&);

// One unit of one rule leaf: its input, whether it applies (1 or 0), and where its points and
// max go (added to them with add_to).
struct unit_leaf {
  const leaf_params* params;
  const double* x;
  const std::uint8_t* here;
  double* P;
  double* M;
  bool add_to;
};

// One unit through `count` rule leaves; returns how many of them are in trouble.
using unit_leaves_kernel = double (*)(const unit_leaf* leaves, std::ptrdiff_t count, double keep_max_if_missing,
                                      double missing_is_trouble);

// A node's block of points, max and score, copied into the result; with `S` null the score is
// P / M where M > 0, else NaN.
struct node_output {
  const double* P;
  const double* M;
  const double* S;
  std::ptrdiff_t n;
  double* out_P;
  double* out_M;
  double* out_S;
  bool streaming;  // a result larger than the caches: write around them
};

using output_kernel = void (*)(const node_output&);

// A `sum` node's block (see sum_children).
struct sum_block {
  double* P;
  double* M;
  const double* const* child_P;  // the children that did not add themselves, in order
  const double* const* child_M;
  int children;
  std::ptrdiff_t n;
  bool snap;
};

using sum_kernel = void (*)(const sum_block&);

// The root's block of points, max and (a mean-type root) score, into the index (see write_index).
struct index_block {
  const double* P;
  const double* M;
  const double* S;  // null: P / M where M > 0, else NaN
  std::ptrdiff_t n;
  double scale;            // the model's scale
  bool clamp;              // the index bounded to [0, scale]
  bool rounds;             // the index rounded (else the raw index)
  double rounding_scale;   // 10^digits
  int digits, mode;        // the model's rounding: digits and chiso::rounding_mode
  double (*round)(double raw, int digits, int mode);  // chiso::round_decimal, for the units the fast path leaves
  double* raw_index;
  double* index;
};

using index_kernel = void (*)(const index_block&);

}  // namespace chiso::detail::kernels

#ifdef CHISO_KERNEL_NAMESPACE
namespace chiso::detail::CHISO_KERNEL_NAMESPACE {

using kernels::kind;
using kernels::leaf_block;
using kernels::leaf_params;

// Eight lanes with AVX-512, four with AVX2; two (one SSE2 or NEON register) otherwise.
#if defined(__AVX512F__)
constexpr std::ptrdiff_t lanes = 8;
#elif defined(__AVX2__)
constexpr std::ptrdiff_t lanes = 4;
#else
constexpr std::ptrdiff_t lanes = 2;
#endif
typedef double vec __attribute__((vector_size(lanes * sizeof(double))));
typedef std::int64_t lanes_mask __attribute__((vector_size(lanes * sizeof(double))));  // -1 where true, else 0
// One unit in a lane of its own: the last units of a block (and a batch of a few units) run the
// same lane operations on these, with no padding to copy in and out.
typedef double vec1 __attribute__((vector_size(sizeof(double))));
typedef std::int64_t mask1 __attribute__((vector_size(sizeof(double))));
constexpr vec zeros = {};

// The lane mask of a vector type: lanes_mask for vec, mask1 for vec1 (named, not the type of a
// comparison, which is a vector of long long with clang).
template <class V>
struct mask_type;
template <>
struct mask_type<vec> {
  using type = lanes_mask;
};
template <>
struct mask_type<vec1> {
  using type = mask1;
};
template <class V>
using mask_of = typename mask_type<V>::type;
// x in every lane of a vector of v's type.
template <class V>
inline V splat(const V&, double x) { return V{} + x; }

template <class V = vec>
inline V load(const double* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof v);
  return v;
}
template <class V>
inline void store(double* p, const V& v) { __builtin_memcpy(p, &v, sizeof v); }
// `lanes` bytes of the mask as a lane mask. On little-endian machines each lane tests its own
// byte of one load (byte by byte, compilers build the vector through general registers).
inline lanes_mask load_flags(const std::uint8_t* p) {
  lanes_mask word = {};
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  lanes_mask byte_of_lane = {};
  for (std::ptrdiff_t k = 0; k < lanes; ++k) byte_of_lane[k] = static_cast<std::int64_t>(std::uint64_t{0xff} << (8 * k));
  std::uint64_t bytes = 0;
  __builtin_memcpy(&bytes, p, lanes);
  word += static_cast<std::int64_t>(bytes);
  return (word & byte_of_lane) != 0;
#else
  for (std::ptrdiff_t k = 0; k < lanes; ++k) word[k] = p[k];
  return word != 0;
#endif
}
inline mask1 load_flag(const std::uint8_t* p) { return mask1{} - (*p != 0 ? 1 : 0); }

template <class V>
inline mask_of<V> bits(const V& v) { return reinterpret_cast<mask_of<V>>(v); }
// v where m is true, else +0.0.
template <class V>
inline V masked(const V& v, const mask_of<V>& m) { return reinterpret_cast<V>(bits(v) & m); }
template <class V>
inline V absolute(const V& v) { return reinterpret_cast<V>(bits(v) & static_cast<std::int64_t>(0x7fffffffffffffff)); }
template <class V>
inline mask_of<V> finite(const V& v) { return absolute(v) <= DBL_MAX; }
template <class V>
inline V clamp01(const V& v) { return v < 0.0 ? V{} : (v > 1.0 ? V{} + 1.0 : v); }
// Rounds to the nearest whole number without a library call; exact for |x| < 2^51.
template <class V>
inline V round_whole(const V& x) {
  constexpr double magic = 6755399441055744.0;  // 1.5 × 2^52
  return (x + magic) - magic;
}
constexpr double step_tolerance = 1e-9;  // as chiso::step_tolerance

// table[index] lane by lane (index ≥ 0 in every lane).
inline vec gather(const double* table, const lanes_mask& index) {
#if defined(__AVX512F__)
  // The masked form with every lane on: GCC 12's plain form warns of an uninitialised source.
  return reinterpret_cast<vec>(
      _mm512_mask_i64gather_pd(_mm512_setzero_pd(), 0xff, reinterpret_cast<__m512i>(index), table, 8));
#elif defined(__AVX2__)
  return reinterpret_cast<vec>(_mm256_i64gather_pd(table, reinterpret_cast<__m256i>(index), 8));
#else
  vec out;
  for (std::ptrdiff_t k = 0; k < lanes; ++k) out[k] = table[index[k]];
  return out;
#endif
}
inline vec1 gather(const double* table, const mask1& index) { return vec1{table[index[0]]}; }

// chiso::detail::decimal_value lane by lane: x on the decimal grid of 15 significant digits of
// `magnitude`, with the same table and the same IEEE operations (round_whole is nearbyint here).
template <class V>
inline V decimal_value(const V& x, const V& magnitude) {
  namespace grid = decimal_grid;
  const mask_of<V> exponent = ((bits(magnitude) >> 52) & 0x7ff) - (1023 + grid::first_exponent);
  const mask_of<V> inside = (exponent >= 0) & (exponent < grid::count);
  const mask_of<V> index = exponent & inside;
  const V from = gather(grid::grid.scale_from, index);
  // scale_below is 10 × scale_from wherever the comparison picks it (a range that reaches the
  // next power of ten; elsewhere the two are equal and it never holds): one gather, not two.
  const V scale = magnitude * from < grid::next_power_scaled ? from * 10.0 : from;
  const V on_grid = round_whole(x * scale) / scale;
  return inside ? on_grid : x;
}
// A product's or quotient's decimal value: 15 significant digits of itself.
template <class V>
inline V decimal_value(const V& x) { return decimal_value(x, absolute(x)); }
// A sum's or difference's: 15 significant digits of the larger operand.
template <class V>
inline V decimal_sum(const V& a, const V& b, const V& sum) {
  const V magnitude_a = absolute(a), magnitude_b = absolute(b);
  return decimal_value(sum, magnitude_a > magnitude_b ? magnitude_a : magnitude_b);
}

// What a missing input (NaN) does, known when compiling a kernel's loop: a lane's trouble and
// max are then not combined with the policy held in vectors (two to three fewer operations per
// vector of units, the same selections).
enum class if_missing { excluded, zero, error };

template <if_missing Missing>
struct fixed_policy {
  // Where units are in trouble: an input that is there but invalid; a missing one too under
  // `missing: error` (valid is false for NaN).
  template <class M>
  M trouble(const M& here, const M& valid, const M& present) const {
    return Missing == if_missing::error ? here & ~valid : here & ~valid & present;
  }
  // Where the leaf's max counts: it applies, and its input is there or counts as 0.
  template <class M>
  M counted(const M& here, const M& present) const {
    return Missing == if_missing::zero ? here : here & present;
  }
};

// The same selections with the policy as lane masks (one unit through many leaves: one loop,
// whatever the policy).
struct lanes_policy {
  mask1 keep_max_if_missing, missing_is_trouble;
  mask1 trouble(const mask1& here, const mask1& valid, const mask1& present) const {
    return here & ~valid & (present | missing_is_trouble);
  }
  mask1 counted(const mask1& here, const mask1& present) const { return here & (present | keep_max_if_missing); }
};

// One vector of units (vec, or vec1 for one unit): points and max into P and M (added to them
// with Add); `bad` counts down (−1 a lane) the units in trouble. `score(v, points, valid)` gives
// the rule's points for v and, in `valid`, where v is a valid input: a finite number the rule
// accepts (false for NaN and infinities). Points of an invalid input are not kept: its unit is in
// trouble, and the evaluation throws.
template <bool Add, class Policy, class V, class Score>
inline void score_lanes(const V& v, const mask_of<V>& here, double* __restrict P, double* __restrict M,
                        const V& max, const Policy& policy, const Score& score, mask_of<V>& bad) {
  const mask_of<V> present = v == v;
  V points;
  mask_of<V> valid;
  score(v, points, valid);
  bad += policy.trouble(here, valid, present);
  const V achieved = masked(points, here & valid);
  const V possible = masked(max, policy.counted(here, present));
  store(P, Add ? load<V>(P) + achieved : achieved);
  store(M, Add ? load<V>(M) + possible : possible);
}

template <bool Add, if_missing Missing, class Score>
double score_leaf_into(const leaf_block& b, double max, const Score& score) {
  const double* __restrict x = b.x;
  const std::uint8_t* __restrict here = b.here;
  double* __restrict P = b.P;
  double* __restrict M = b.M;
  const double* ask_ahead = b.ask_ahead;  // in a register, not read again after each store
  const std::ptrdiff_t n = b.n;
  lanes_mask bad = {};
  std::ptrdiff_t u = 0;
  if (u + lanes <= n) {
    const vec max_lanes = zeros + max;
    for (; u + lanes <= n; u += lanes) {
      __builtin_prefetch(ask_ahead + u);
      score_lanes<Add>(load(x + u), load_flags(here + u), P + u, M + u, max_lanes, fixed_policy<Missing>{}, score, bad);
    }
  }
  mask1 bad_rest = {};
  for (; u < n; ++u)  // the last units, one lane each
    score_lanes<Add>(load<vec1>(x + u), load_flag(here + u), P + u, M + u, vec1{max}, fixed_policy<Missing>{}, score,
                     bad_rest);
  std::int64_t count = -bad_rest[0];
  for (std::ptrdiff_t k = 0; k < lanes; ++k) count -= bad[k];
  return static_cast<double>(count);
}

// The policy of a missing input from the block's two flags.
inline if_missing missing_policy(double keep_max_if_missing, double missing_is_trouble) {
  return missing_is_trouble != 0.0 ? if_missing::error : keep_max_if_missing != 0.0 ? if_missing::zero : if_missing::excluded;
}

// run(std::integral_constant<if_missing, policy>{}) for the policy of the two flags.
template <class Run>
inline double with_missing_policy(double keep_max_if_missing, double missing_is_trouble, const Run& run) {
  switch (missing_policy(keep_max_if_missing, missing_is_trouble)) {
    case if_missing::zero: return run(std::integral_constant<if_missing, if_missing::zero>{});
    case if_missing::error: return run(std::integral_constant<if_missing, if_missing::error>{});
    case if_missing::excluded: break;
  }
  return run(std::integral_constant<if_missing, if_missing::excluded>{});
}

template <class Score>
double score_leaf(const leaf_block& b, double max, const Score& score) {
  return with_missing_policy(b.keep_max_if_missing, b.missing_is_trouble, [&](auto missing) {
    return b.add_to ? score_leaf_into<true, decltype(missing)::value>(b, max, score)
                    : score_leaf_into<false, decltype(missing)::value>(b, max, score);
  });
}

// Tiers and value sets: with a count N known at compile time, unrolled into straight-line
// selections over copies of the bounds (a block's loop); with N = 0, a loop over q's own arrays
// (one unit: no copies to make). The same selections, so the same points. The first matching
// tier wins: from the last tier to the first, each match overwrites.
template <int N, class Hit>
inline auto tiers_score(const leaf_params& q, Hit hit) {
  const double top = q.top;
  if constexpr (N == 0) {
    return [&q, top, hit](const auto& v, auto& p, auto& valid) {
      p = splat(v, 0.0);
      for (int t = q.count - 1; t >= 0; --t) p = hit(v, q.bound[t]) ? splat(v, q.points[t]) : p;
      valid = (v >= 0.0) & (v <= top);
    };
  } else {
    struct copies {
      double bound[N], points[N];
    } c;
    for (int t = 0; t < N; ++t) {
      c.bound[t] = q.bound[t];
      c.points[t] = q.points[t];
    }
    return [c, top, hit](const auto& v, auto& p, auto& valid) {
      p = splat(v, 0.0);
#pragma GCC unroll 8
      for (int t = N - 1; t >= 0; --t) p = hit(v, c.bound[t]) ? splat(v, c.points[t]) : p;
      valid = (v >= 0.0) & (v <= top);
    };
  }
}

template <int N>
inline auto values_score(const leaf_params& q) {
  if constexpr (N == 0) {
    return [&q](const auto& v, auto& p, auto& valid) {
      p = v;
      valid = bits(v) != bits(v);  // none yet
      for (int k = 0; k < q.count; ++k) valid |= absolute(v - q.bound[k]) <= step_tolerance;
    };
  } else {
    struct copies {
      double allowed[N];
    } c;
    for (int k = 0; k < N; ++k) c.allowed[k] = q.bound[k];
    return [c](const auto& v, auto& p, auto& valid) {
      p = v;
      valid = bits(v) != bits(v);  // none yet
#pragma GCC unroll 8
      for (int k = 0; k < N; ++k) valid |= absolute(v - c.allowed[k]) <= step_tolerance;
    };
  }
}

const auto tier_higher_hit = [](const auto& v, double bound) { return v >= bound; };
const auto tier_lower_hit = [](const auto& v, double bound) { return v <= bound; };

template <int N, class Run>
inline double with_small_rule(const leaf_params& q, const Run& run) {
  if (q.rule == kind::tiers_higher) return run(q.max, tiers_score<N>(q, tier_higher_hit));
  if (q.rule == kind::tiers_lower) return run(q.max, tiers_score<N>(q, tier_lower_hit));
  return run(q.max, values_score<N>(q));  // points_values
}

// run(max, score) with the leaf's rule as score(v, points, valid): the rule's points for v and,
// in `valid`, where v is a valid input (a finite number the rule accepts; false for NaN and
// infinities). Unrolled: tiers and value sets unrolled for their count (a block's loop), else
// read from the parameters as they go (one unit).
template <bool Unrolled, class Run>
inline double with_rule(const leaf_params& q, const Run& run) {
  const double max = q.max;
  switch (q.rule) {
    case kind::points_step: {
      const double step = q.step, inverse = q.step_inverse;
      auto check = [max](const auto& v, const auto& steps, auto& p, auto& valid) {
        const auto off = absolute(steps - round_whole(steps));
        p = v;
        valid = (v >= 0.0) & (v <= max) & (off <= step_tolerance * (steps > 1.0 ? steps : splat(v, 1.0)));
      };
      if (inverse != 0.0)  // the same quotient, without a division
        return run(max, [=](const auto& v, auto& p, auto& valid) { check(v, v * inverse, p, valid); });
      return run(max, [=](const auto& v, auto& p, auto& valid) { check(v, v / step, p, valid); });
    }
    case kind::points_range:
      return run(max, [max](const auto& v, auto& p, auto& valid) {
        p = v;
        valid = (v >= 0.0) & (v <= max);
      });
    case kind::yes_no:
      return run(max, [max](const auto& v, auto& p, auto& valid) {
        p = v == 1.0 ? splat(v, max) : splat(v, 0.0);
        valid = (v == 0.0) | (v == 1.0);
      });
    case kind::points_values:
    case kind::tiers_higher:
    case kind::tiers_lower:
      if constexpr (!Unrolled) {
        return with_small_rule<0>(q, run);
      } else {
        switch (q.count) {
          case 1: return with_small_rule<1>(q, run);
          case 2: return with_small_rule<2>(q, run);
          case 3: return with_small_rule<3>(q, run);
          case 4: return with_small_rule<4>(q, run);
          case 5: return with_small_rule<5>(q, run);
          case 6: return with_small_rule<6>(q, run);
          case 7: return with_small_rule<7>(q, run);
          default: return with_small_rule<8>(q, run);
        }
      }
    case kind::linear_higher: {
      const double lower = q.lower, width = q.width;
      return run(max, [=](const auto& v, auto& p, auto& valid) {
        p = max * clamp01(decimal_sum(v, splat(v, lower), v - lower) / width);
        valid = finite(v);
      });
    }
    case kind::linear_lower: {
      const double upper = q.upper, width = q.width;
      return run(max, [=](const auto& v, auto& p, auto& valid) {
        p = max * clamp01(decimal_sum(splat(v, upper), v, upper - v) / width);
        valid = finite(v);
      });
    }
    case kind::proportional_higher: {
      const double top = q.top;
      const std::int64_t accept_any = q.accept_any != 0.0 ? -1 : 0;
      return run(max, [=](const auto& v, auto& p, auto& valid) {
        p = max * clamp01(v / top);
        valid = ((v >= 0.0) & (v <= top)) | (finite(v) & accept_any);
      });
    }
    case kind::proportional_lower: {
      const double top = q.top;
      const std::int64_t accept_any = q.accept_any != 0.0 ? -1 : 0;
      return run(max, [=](const auto& v, auto& p, auto& valid) {
        const auto rate = clamp01(v / top);
        p = max * decimal_sum(splat(v, 1.0), rate, 1.0 - rate);
        valid = ((v >= 0.0) & (v <= top)) | (finite(v) & accept_any);
      });
    }
    case kind::adjustment: {
      const double sign = q.sign, per = q.per, cap = q.cap;
      return run(0.0, [=](const auto& v, auto& p, auto& valid) {
        const auto total = decimal_value(per * v);
        p = sign * (total < cap ? total : splat(v, cap)) + 0.0;  // + 0.0: no deduction is 0, not −0
        // A count: whole and ≥ 0 (every double ≥ 2^52 is whole).
        valid = (v >= 0.0) & (v <= DBL_MAX) & ((v >= 4503599627370496.0) | (v == round_whole(v)));
      });
    }
  }
  return 0.0;
}

inline double score_leaf_block(const leaf_block& b, const leaf_params& q) {
  return with_rule<true>(q, [&b](double max, const auto& score) { return score_leaf(b, max, score); });
}

// One unit through a run of rule leaves (a unit scored in a loop): the lanes of a block's last
// units, with no vector loop to set up and the tiers read where they are.
inline double score_unit_leaves(const kernels::unit_leaf* leaves, std::ptrdiff_t count, double keep_max_if_missing,
                                double missing_is_trouble) {
  const lanes_policy policy{mask1{keep_max_if_missing != 0.0 ? -1 : 0}, mask1{missing_is_trouble != 0.0 ? -1 : 0}};
  mask1 bad = {};
  for (std::ptrdiff_t j = 0; j < count; ++j) {
    const kernels::unit_leaf& leaf = leaves[j];
    const vec1 v = load<vec1>(leaf.x);
    const mask1 here = load_flag(leaf.here);
    with_rule<false>(*leaf.params, [&](double max, const auto& score) {
      if (leaf.add_to)
        score_lanes<true>(v, here, leaf.P, leaf.M, vec1{max}, policy, score, bad);
      else
        score_lanes<false>(v, here, leaf.P, leaf.M, vec1{max}, policy, score, bad);
      return 0.0;
    });
  }
  return static_cast<double>(-bad[0]);
}

// Writes n values into `out`, value(u) giving the vector of units u … u + lanes − 1 and
// value_at(u) one unit. With `streaming`, the aligned part goes around the caches (a result
// larger than they are is not read back before the caller reads it, and the processor then
// need not read each line before writing it).
template <class Vector, class Scalar>
inline void write_out(double* __restrict out, std::ptrdiff_t n, bool streaming, const Vector& value,
                      const Scalar& value_at) {
  std::ptrdiff_t u = 0;
#if defined(__SSE2__)
  if (streaming) {
    for (; u < n && reinterpret_cast<std::uintptr_t>(out + u) % sizeof(vec) != 0; ++u) out[u] = value_at(u);
    for (; u + lanes <= n; u += lanes)
#if defined(__AVX512F__)
      _mm512_stream_pd(out + u, value(u));
#elif defined(__AVX__)
      _mm256_stream_pd(out + u, value(u));
#else
      _mm_stream_pd(out + u, value(u));
#endif
  }
#endif
  for (; u + lanes <= n; u += lanes) store(out + u, value(u));
  for (; u < n; ++u) out[u] = value_at(u);
}

inline void write_node_output(const kernels::node_output& o) {
  const double* __restrict P = o.P;
  const double* __restrict M = o.M;
  const double* __restrict S = o.S;
  const std::ptrdiff_t n = o.n;
  const vec not_a_number = zeros + std::numeric_limits<double>::quiet_NaN();  // clang: no constexpr NaN arithmetic
  write_out(o.out_P, n, o.streaming, [P](std::ptrdiff_t u) { return load(P + u); }, [P](std::ptrdiff_t u) { return P[u]; });
  write_out(o.out_M, n, o.streaming, [M](std::ptrdiff_t u) { return load(M + u); }, [M](std::ptrdiff_t u) { return M[u]; });
  if (S) {
    write_out(o.out_S, n, o.streaming, [S](std::ptrdiff_t u) { return load(S + u); }, [S](std::ptrdiff_t u) { return S[u]; });
    return;
  }
  write_out(
      o.out_S, n, o.streaming,
      [=](std::ptrdiff_t u) {
        const vec points = load(P + u), max = load(M + u);
        return max > 0.0 ? points / max : not_a_number;
      },
      [=](std::ptrdiff_t u) { return M[u] > 0.0 ? P[u] / M[u] : __builtin_nan(""); });
}


// Rounds to the nearest whole number below (floor) without a library call: exact for |x| < 2^51.
template <class V>
inline V round_down(const V& x) {
  const V nearest = round_whole(x);
  return nearest > x ? nearest - 1.0 : nearest;
}

// A `sum` node's points and max: the children that did not add themselves added to what those
// that did left there, child by child in order (as unit by unit), then, with `snap` (points that
// are all whole hundredths: 0.25, 0.5, 0.01 steps), each put on the double nearest the exact
// decimal sum: 0.1 + 0.2 gives 0.3, not 0.30000000000000004.
template <class V>
inline void sum_children_lanes(const kernels::sum_block& s, std::ptrdiff_t u) {
  V p = load<V>(s.P + u), m = load<V>(s.M + u);
  for (int c = 0; c < s.children; ++c) {
    p = p + load<V>(s.child_P[c] + u);
    m = m + load<V>(s.child_M[c] + u);
  }
  if (s.snap) {
    p = round_whole(p * 100.0) / 100.0;
    m = round_whole(m * 100.0) / 100.0;
  }
  store(s.P + u, p);
  store(s.M + u, m);
}

inline void sum_children(const kernels::sum_block& s) {
  std::ptrdiff_t u = 0;
  for (; u + lanes <= s.n; u += lanes) sum_children_lanes<vec>(s, u);
  for (; u < s.n; ++u) sum_children_lanes<double>(s, u);  // the same operations (vec1 went through the stack)
}

// The index of a block of units: the root's score (its points over its max where the max is
// > 0, else NaN) on the model's scale, bounded when the model says so, then rounded half-way
// cases aside as chiso::round_decimal does (its fast path, the same operations); the units near
// a half-way point (or not finite) go through `round`.
template <class V>
inline void index_lanes(const kernels::index_block& b, std::ptrdiff_t u) {
  const V points = load<V>(b.P + u), max = load<V>(b.M + u);
  const V score = b.S ? load<V>(b.S + u) : (max > 0.0 ? points / max : splat(points, __builtin_nan("")));
  V x = score * b.scale;
  // Bounded as fmin(fmax(x, 0), scale) are (maxsd, minsd); a NaN index (nothing applies) stays NaN.
  const mask_of<V> bound = (x == x) & static_cast<std::int64_t>(b.clamp ? -1 : 0);
  const V low = x > 0.0 ? x : splat(x, 0.0);
  x = bound ? (low < b.scale ? low : splat(x, b.scale)) : x;
  store(b.raw_index + u, x);
  if (!b.rounds) {
    store(b.index + u, x);
    return;
  }
  const V y = x * b.rounding_scale;
  const V whole = round_down(y);
  const V fraction = y - whole;
  const V margin = 1e-6 + 1e-14 * absolute(y);
  const mask_of<V> fast = (absolute(fraction - 0.5) > margin) & (absolute(y) < 1e15);
  store(b.index + u, (fraction > 0.5 ? whole + 1.0 : whole) / b.rounding_scale);
  for (std::size_t k = 0; k < sizeof(V) / sizeof(double); ++k)
    if (!fast[k]) b.index[u + static_cast<std::ptrdiff_t>(k)] = b.round(x[k], b.digits, b.mode);  // also NaN, infinities
}

inline void write_index(const kernels::index_block& b) {
  std::ptrdiff_t u = 0;
  for (; u + lanes <= b.n; u += lanes) index_lanes<vec>(b, u);
  for (; u < b.n; ++u) index_lanes<vec1>(b, u);
}

}  // namespace chiso::detail::CHISO_KERNEL_NAMESPACE
#endif
