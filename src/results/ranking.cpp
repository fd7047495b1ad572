#include "chiso/ranking.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <type_traits>

#include "chiso/detail/instruction_set.hpp"
#include "chiso/error.hpp"

namespace chiso {

const char* to_string(tie_rule t) noexcept {
  switch (t) {
    case tie_rule::competition: return "competition";
    case tie_rule::dense: return "dense";
    case tie_rule::ordinal: return "ordinal";
    case tie_rule::average: return "average";
    case tie_rule::max: return "max";
  }
  return "?";
}

const char* r_name(tie_rule t) noexcept {
  switch (t) {
    case tie_rule::competition: return "min";
    case tie_rule::dense: return "dense";
    case tie_rule::ordinal: return "first";
    case tie_rule::average: return "average";
    case tie_rule::max: return "max";
  }
  return "?";
}

tie_rule tie_rule_from_r_name(const std::string& name) {
  for (auto t : {tie_rule::competition, tie_rule::average, tie_rule::max, tie_rule::dense, tie_rule::ordinal})
    if (name == r_name(t)) return t;
  throw parameter_error("analysis.tie_rule", "unknown tie rule '" + name + "' (min, average, max, dense, first)");
}

namespace {

// 1 + the largest group code (1 without groups); a negative code is an error naming its row.
std::int32_t count_groups(const std::int32_t* groups, std::ptrdiff_t units) {
  std::int32_t group_count = 1;
  if (!groups) return group_count;
  for (std::ptrdiff_t u = 0; u < units; ++u) {
    if (groups[u] < 0) throw data_error("data.group", "", "", "group code of row " + std::to_string(u) + " is negative");
    group_count = std::max(group_count, groups[u] + 1);
  }
  return group_count;
}

// Rows with a defined index, ordered by group, then index (higher first), then row.
std::vector<std::ptrdiff_t> ranking_order(const double* index, std::ptrdiff_t units,
                                          const std::int32_t* groups, int digits) {
  std::vector<std::ptrdiff_t> rows;
  rows.reserve(static_cast<std::size_t>(units));
  const std::int32_t group_count = count_groups(groups, units);
  for (std::ptrdiff_t u = 0; u < units; ++u)
    if (!std::isnan(index[u])) rows.push_back(u);
  auto group_of = [groups](std::ptrdiff_t u) { return groups ? groups[u] : 0; };
  const auto n = static_cast<std::ptrdiff_t>(rows.size());

  // Rounded indices are whole numbers of 10^-digits: two stable counting sorts (by index, then
  // by group) order a million units in linear time. Indices that are not (two different ones
  // near the same whole number: 51.6 and 52.4 at 0 digits) are sorted by comparison.
  const double scale = digits >= 0 && digits <= 9 ? std::pow(10.0, digits) : 0.0;
  if (scale > 0 && n > 0) {
    long long lowest = 0, highest = 0;
    std::vector<long long> keys(static_cast<std::size_t>(n));
    bool whole = true;
    for (std::ptrdiff_t k = 0; k < n; ++k) {
      const double scaled = index[rows[k]] * scale;
      whole = whole && std::fabs(scaled) < 9e15;
      keys[k] = whole ? std::llround(scaled) : 0;
      lowest = k == 0 ? keys[k] : std::min(lowest, keys[k]);
      highest = k == 0 ? keys[k] : std::max(highest, keys[k]);
    }
    const long long limit = std::max<long long>(4 * static_cast<long long>(n), 1 << 20);
    std::vector<std::ptrdiff_t> count;
    if (whole && highest - lowest < limit && group_count <= limit) {
      count.assign(static_cast<std::size_t>(highest - lowest + 2), 0);
      std::vector<double> seen(count.size());  // the index of each key's first unit
      for (std::ptrdiff_t k = 0; k < n && whole; ++k) {
        const auto bucket = static_cast<std::size_t>(highest - keys[k] + 1);
        if (count[bucket]++ == 0)
          seen[bucket] = index[rows[k]];
        else
          whole = seen[bucket] == index[rows[k]];
      }
    }
    if (whole && !count.empty()) {
      std::partial_sum(count.begin(), count.end(), count.begin());
      std::vector<std::ptrdiff_t> by_index(static_cast<std::size_t>(n));
      for (std::ptrdiff_t k = 0; k < n; ++k)
        by_index[static_cast<std::size_t>(count[static_cast<std::size_t>(highest - keys[k])]++)] = rows[k];
      if (!groups) return by_index;
      std::vector<std::ptrdiff_t> group_start(static_cast<std::size_t>(group_count) + 1, 0);
      for (std::ptrdiff_t u : by_index) ++group_start[static_cast<std::size_t>(groups[u]) + 1];
      std::partial_sum(group_start.begin(), group_start.end(), group_start.begin());
      std::vector<std::ptrdiff_t> ordered(static_cast<std::size_t>(n));
      for (std::ptrdiff_t u : by_index) ordered[static_cast<std::size_t>(group_start[static_cast<std::size_t>(groups[u])]++)] = u;
      return ordered;
    }
  }
  std::sort(rows.begin(), rows.end(), [&](std::ptrdiff_t a, std::ptrdiff_t b) {
    if (group_of(a) != group_of(b)) return group_of(a) < group_of(b);
    if (index[a] != index[b]) return index[a] > index[b];
    return a < b;
  });
  return rows;
}

// Competition and dense ranks of indices rounded to `digits`, without ordering the units: a count
// per (group, rounded index), then ranks from the counts of the higher indices. False (nothing
// written) when the indices are not such whole numbers of 10^-digits, so that equal counts could
// mean unequal indices, or their range is too wide for counts; `ranks` is scratch until then.
bool rank_by_counts(const double* index, std::ptrdiff_t units, const std::int32_t* groups, tie_rule ties,
                    int digits, std::int32_t* ranks) {
  if ((ties != tie_rule::competition && ties != tie_rule::dense) || digits < 0 || digits > 9 || units == 0) return false;
  const double scale = std::pow(10.0, digits);
  constexpr double largest_whole = 2251799813685248.0;  // 2^51: rounding by the magic number is exact below
  constexpr double magic = 6755399441055744.0;           // 1.5 × 2^52
  long long lowest = 0, highest = -1;
  const std::int32_t group_count = count_groups(groups, units);
  for (std::ptrdiff_t u = 0; u < units; ++u) {
    const double scaled = index[u] * scale;
    if (std::isnan(scaled)) continue;
    if (!(std::fabs(scaled) < largest_whole)) return false;
    const auto key = static_cast<long long>((scaled + magic) - magic);
    if (highest < lowest) lowest = highest = key;
    lowest = std::min(lowest, key);
    highest = std::max(highest, key);
  }
  if (highest < lowest) {  // no unit is ranked
    std::fill(ranks, ranks + units, not_ranked);
    return true;
  }
  const long long width = highest - lowest + 1;
  const long long limit = std::min<long long>(std::max<long long>(4 * static_cast<long long>(units), 1 << 20),
                                              std::numeric_limits<std::int32_t>::max());
  if (width > limit / group_count) return false;
  // Bucket of a unit: its group's row of `width` counts, highest index first. Each bucket keeps
  // the first index seen in it; another index in the same bucket leaves this path.
  const auto buckets = static_cast<std::size_t>(width * group_count);
  std::vector<std::int32_t> count(buckets, 0);
  std::vector<double> seen(buckets, 0.0);
  for (std::ptrdiff_t u = 0; u < units; ++u) {
    const double scaled = index[u] * scale;
    if (std::isnan(scaled)) {
      ranks[u] = -1;
      continue;
    }
    const auto key = static_cast<long long>((scaled + magic) - magic);
    const auto bucket = static_cast<std::int32_t>((groups ? groups[u] : 0) * width + (highest - key));
    if (count[static_cast<std::size_t>(bucket)]++ == 0)
      seen[static_cast<std::size_t>(bucket)] = index[u];
    else if (seen[static_cast<std::size_t>(bucket)] != index[u])
      return false;
    ranks[u] = bucket;
  }
  // Rank of each bucket: 1 + the units (competition) or the distinct indices (dense) above it.
  for (std::int32_t g = 0; g < group_count; ++g) {
    std::int32_t above = 0, distinct_above = 0;
    for (std::size_t b = static_cast<std::size_t>(g * width); b < static_cast<std::size_t>((g + 1) * width); ++b) {
      const std::int32_t here = count[b];
      count[b] = 1 + (ties == tie_rule::dense ? distinct_above : above);
      above += here;
      distinct_above += here > 0 ? 1 : 0;
    }
  }
  for (std::ptrdiff_t u = 0; u < units; ++u) ranks[u] = ranks[u] < 0 ? not_ranked : count[static_cast<std::size_t>(ranks[u])];
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Natural order of unit ids: runs of digits compare as numbers ("9" < "10", "HN-9" < "HN-10"),
// other text byte by byte; ids equal that way ("07", "7") fall back to byte order.
bool natural_less(const std::string& a, const std::string& b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t i_end = i, j_end = j;
      while (i_end < a.size() && is_digit(a[i_end])) ++i_end;
      while (j_end < b.size() && is_digit(b[j_end])) ++j_end;
      std::size_t i_first = i, j_first = j;  // skip leading zeros
      while (i_first + 1 < i_end && a[i_first] == '0') ++i_first;
      while (j_first + 1 < j_end && b[j_first] == '0') ++j_first;
      const std::size_t i_digits = i_end - i_first, j_digits = j_end - j_first;
      if (i_digits != j_digits) return i_digits < j_digits;
      const int order = a.compare(i_first, i_digits, b, j_first, j_digits);
      if (order != 0) return order < 0;
      i = i_end;
      j = j_end;
    } else {
      if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
      ++i;
      ++j;
    }
  }
  if ((i < a.size()) != (j < b.size())) return j < b.size();  // a prefix comes first
  return a < b;
}

}  // namespace

void rank_units(const double* index, std::ptrdiff_t units, const std::int32_t* groups,
                tie_rule ties, int digits, const unit_namer& names, std::int32_t* ranks) {
  if (ties == tie_rule::average)
    throw parameter_error("ranking.ties", "average ties give half ranks, which unit ranks (whole numbers) cannot hold");
  if (rank_by_counts(index, units, groups, ties, digits, ranks)) return;
  std::fill(ranks, ranks + units, not_ranked);
  std::vector<std::ptrdiff_t> order = ranking_order(index, units, groups, digits);
  auto group_of = [groups](std::ptrdiff_t u) { return groups ? groups[u] : 0; };
  const auto n = order.size();
  std::size_t group_begin = 0;
  std::int32_t distinct = 0;
  for (std::size_t k = 0; k < n;) {
    const std::ptrdiff_t first = order[k];
    if (k == 0 || group_of(first) != group_of(order[k - 1])) {
      group_begin = k;
      distinct = 0;
    }
    // The run of units tied with `first` in its group.
    std::size_t end = k + 1;
    while (end < n && group_of(order[end]) == group_of(first) && index[order[end]] == index[first]) ++end;
    ++distinct;
    const auto competition = static_cast<std::int32_t>(k - group_begin + 1);
    if (ties == tie_rule::ordinal && end - k > 1 && names) {
      std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(k), order.begin() + static_cast<std::ptrdiff_t>(end),
                       [&names](std::ptrdiff_t a, std::ptrdiff_t b) { return natural_less(names(a), names(b)); });
    }
    for (std::size_t j = k; j < end; ++j) {
      switch (ties) {
        case tie_rule::competition: ranks[order[j]] = competition; break;
        case tie_rule::dense: ranks[order[j]] = distinct; break;
        case tie_rule::ordinal: ranks[order[j]] = competition + static_cast<std::int32_t>(j - k); break;
        case tie_rule::max: ranks[order[j]] = competition + static_cast<std::int32_t>(end - k - 1); break;
        case tie_rule::average: break;  // refused above
      }
    }
    k = end;
  }
}

void rank_values(const double* x, std::ptrdiff_t n, bool ascending, tie_rule ties, double* ranks) {
  std::vector<std::ptrdiff_t> order;
  order.reserve(static_cast<std::size_t>(n));
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    ranks[i] = std::numeric_limits<double>::quiet_NaN();
    if (!std::isnan(x[i])) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::ptrdiff_t a, std::ptrdiff_t b) { return ascending ? x[a] < x[b] : x[a] > x[b]; });
  double distinct = 0;
  for (std::size_t first = 0; first < order.size();) {
    std::size_t last = first;  // the run of values equal to x[order[first]]: first … last
    while (last + 1 < order.size() && x[order[last + 1]] == x[order[first]]) ++last;
    ++distinct;
    const auto best = static_cast<double>(first + 1), worst = static_cast<double>(last + 1);
    for (std::size_t k = first; k <= last; ++k) {
      double rank = best;
      switch (ties) {
        case tie_rule::competition: rank = best; break;
        case tie_rule::max: rank = worst; break;
        case tie_rule::average: rank = (best + worst) / 2; break;
        case tie_rule::dense: rank = distinct; break;
        case tie_rule::ordinal: rank = static_cast<double>(k + 1); break;
      }
      ranks[order[k]] = rank;
    }
    first = last + 1;
  }
}

void rank_descending_competition(const double* score, std::size_t n, std::int32_t* rank, std::uint32_t* order) {
  std::size_t ranked = 0;
  for (std::size_t u = 0; u < n; ++u) {
    if (std::isnan(score[u]))
      rank[u] = not_ranked;
    else
      order[ranked++] = static_cast<std::uint32_t>(u);
  }
  // Ties need no stable order: tied units all receive the rank of the first of them.
  std::sort(order, order + ranked,
            [score](std::uint32_t a, std::uint32_t b) { return score[a] > score[b]; });
  for (std::size_t k = 0; k < ranked; ++k) {
    const std::uint32_t u = order[k];
    rank[u] = (k > 0 && score[u] == score[order[k - 1]]) ? rank[order[k - 1]]
                                                          : static_cast<std::int32_t>(k + 1);
  }
}

namespace {
// Insertion sort with a budget: a nearly sorted start finishes in about n steps; past the
// budget std::sort finishes the job.
template <class Less>
void warm_sort(std::uint32_t* order, std::size_t n, Less less) {
  std::size_t moves = 0;
  const std::size_t budget = 8 * n + 64;
  std::size_t k = 1;
  for (; k < n && moves <= budget; ++k) {
    const std::uint32_t v = order[k];
    std::size_t j = k;
    while (j > 0 && less(v, order[j - 1])) {
      order[j] = order[j - 1];
      --j;
    }
    moves += k - j;
    order[j] = v;
  }
  if (k < n) std::sort(order, order + n, less);
}
}  // namespace

void rank_descending_competition_warm(const double* score, std::size_t n, std::int32_t* rank, std::uint32_t* order) {
  // NaN sorts last (below −inf): key ordering "a before b" = a present and (b missing or a > b).
  auto before = [score](std::uint32_t a, std::uint32_t b) {
    const double sa = score[a], sb = score[b];
    return sa == sa && (sb != sb || sa > sb);
  };
  bool any_missing = false;
  for (std::size_t u = 0; u < n; ++u) any_missing |= score[u] != score[u];
  if (!any_missing) {
    warm_sort(order, n, [score](std::uint32_t a, std::uint32_t b) { return score[a] > score[b]; });
  } else {
    warm_sort(order, n, before);
  }
  std::size_t position = 0;  // units with a score seen so far
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t u = order[i];
    if (score[u] != score[u]) {
      rank[u] = not_ranked;
      continue;
    }
    rank[u] = (position > 0 && score[u] == score[order[i - 1]]) ? rank[order[i - 1]]
                                                                 : static_cast<std::int32_t>(position + 1);
    ++position;
  }
}

namespace {
// For each of `n` values, how many of the values are above it, a block of units at a time: the
// block's values sit in `Vectors` GCC/Clang vectors (the last block padded with NaN), each
// compared with every value; the count of those above is a lane mask (−1 where true) subtracted.
// NaN is above nothing. Then rank = count + 1 for the units whose `score` is a number, not_ranked
// for the others. One loop for doubles and for floats (Value, Lanes and LaneCounts agree in
// width: four doubles with four 64-bit counts, eight floats with eight 32-bit counts). Where
// `value` is already padded with NaN up to `readable` entries, a block is loaded from it
// directly: a copy made value by value and read back in vectors stalls each load.
template <class Value, class Lanes, class LaneCounts, std::size_t Vectors>
inline __attribute__((always_inline)) void rank_by_counting_above(const Value* value, std::size_t n,
                                                                  std::size_t readable, const double* score,
                                                                  std::int32_t* rank) {
  constexpr std::size_t lanes = sizeof(Lanes) / sizeof(Value), block = Vectors * lanes;
  static_assert(sizeof(LaneCounts) == sizeof(Lanes) && sizeof(Lanes) % sizeof(Value) == 0);
  using count = std::remove_reference_t<decltype(LaneCounts{}[0])>;
  for (std::size_t u = 0; u < n; u += block) {
    const std::size_t units = std::min(block, n - u);
    // One vector load each: a whole-array copy is split into narrower moves, whose stores the
    // vector loads then wait for.
    Lanes own[Vectors];
    if (u + block <= readable) {
#pragma GCC unroll 8
      for (std::size_t k = 0; k < Vectors; ++k) __builtin_memcpy(&own[k], value + u + k * lanes, sizeof(Lanes));
    } else {
      Value own_values[block];
      for (std::size_t k = 0; k < block; ++k)
        own_values[k] = k < units ? value[u + k] : std::numeric_limits<Value>::quiet_NaN();
#pragma GCC unroll 8
      for (std::size_t k = 0; k < Vectors; ++k) __builtin_memcpy(&own[k], own_values + k * lanes, sizeof(Lanes));
    }
    LaneCounts above[Vectors] = {};
    for (std::size_t v = 0; v < n; ++v) {
      const Value other = value[v];
#pragma GCC unroll 8
      for (std::size_t k = 0; k < Vectors; ++k) above[k] -= other > own[k];
    }
    count counts[block];
    __builtin_memcpy(counts, above, sizeof counts);
    for (std::size_t k = 0; k < units; ++k)
      rank[u + k] = score[u + k] == score[u + k] ? static_cast<std::int32_t>(counts[k] + 1) : not_ranked;
  }
}

typedef double two_doubles __attribute__((vector_size(2 * sizeof(double))));
typedef std::int64_t two_counts __attribute__((vector_size(2 * sizeof(double))));
typedef double four_doubles __attribute__((vector_size(4 * sizeof(double))));
typedef std::int64_t four_counts __attribute__((vector_size(4 * sizeof(double))));
typedef float four_floats __attribute__((vector_size(4 * sizeof(float))));
typedef std::int32_t four_counts32 __attribute__((vector_size(4 * sizeof(float))));
typedef float eight_floats __attribute__((vector_size(8 * sizeof(float))));
typedef std::int32_t eight_counts32 __attribute__((vector_size(8 * sizeof(float))));
constexpr std::size_t max_units_counted_in_floats = 256;

// The count on the scores rounded to float: twice the units per vector. Rounding to float is
// monotone, so a unit above another in floats is above it in doubles, and the two orders can
// differ only between units equal in floats — which then share a rank. So when the ranked units'
// ranks are all distinct, they are the ranks of the doubles; otherwise (a float tie, or a true
// tie) this returns false and the caller counts in doubles. Competition ranks are distinct
// exactly when they sum to 1 + 2 + … + m over the m ranked units (a tie gives its units the
// lowest rank of their run, so the sum falls short), which costs no branch.
template <class Lanes, class LaneCounts, std::size_t Vectors>
inline __attribute__((always_inline)) bool rank_by_counting_floats_above(const double* score, std::size_t n,
                                                                         std::int32_t* rank) {
  constexpr std::size_t block = Vectors * sizeof(Lanes) / sizeof(float);
  float value[max_units_counted_in_floats + block];
  for (std::size_t u = 0; u < n; ++u) value[u] = static_cast<float>(score[u]);
  for (std::size_t u = n; u < n + block; ++u) value[u] = std::numeric_limits<float>::quiet_NaN();
  rank_by_counting_above<float, Lanes, LaneCounts, Vectors>(value, n, n + block, score, rank);
  std::int64_t sum = 0, ranked = 0;
  for (std::size_t u = 0; u < n; ++u) {
    sum += rank[u];
    ranked += rank[u] != not_ranked;
  }
  return sum == ranked * (ranked + 1) / 2;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CHISO_RANK_AVX2 1
// Four lanes where the processor has AVX2 (two otherwise: wider vectors without it are split
// badly); comparisons only, so the same ranks either way.
__attribute__((target("avx2"))) void rank_by_counting_doubles_avx2(const double* score, std::size_t n,
                                                                    std::int32_t* rank) {
  rank_by_counting_above<double, four_doubles, four_counts, 2>(score, n, n, score, rank);
}
// Up to 56 units (ASEM's 51) in one block of seven vectors, fourteen of the sixteen registers:
// two blocks of four would compare 64 lanes with every score.
__attribute__((target("avx2"))) bool rank_by_counting_floats_avx2(const double* score, std::size_t n,
                                                                  std::int32_t* rank) {
  if (n > 32 && n <= 56) return rank_by_counting_floats_above<eight_floats, eight_counts32, 7>(score, n, rank);
  return rank_by_counting_floats_above<eight_floats, eight_counts32, 4>(score, n, rank);
}
#endif
}  // namespace

void rank_descending_competition_counting(const double* score, std::size_t n, std::int32_t* rank) {
#if defined(CHISO_RANK_AVX2)
  if (detail::avx2_kernels()) {
    if (n > max_units_counted_in_floats || !rank_by_counting_floats_avx2(score, n, rank))
      rank_by_counting_doubles_avx2(score, n, rank);
    return;
  }
#endif
  if (n > max_units_counted_in_floats || !rank_by_counting_floats_above<four_floats, four_counts32, 4>(score, n, rank))
    rank_by_counting_above<double, two_doubles, two_counts, 4>(score, n, n, score, rank);
}

void rank_descending_competition_warm(const double* score, std::size_t n, std::int32_t* rank, std::uint32_t* order,
                                      double* keys) {
  bool any_missing = false;
  for (std::size_t u = 0; u < n; ++u) any_missing |= score[u] != score[u];
  if (any_missing) {  // rare: the general path
    rank_descending_competition_warm(score, n, rank, order);
    return;
  }
  for (std::size_t k = 0; k < n; ++k) keys[k] = score[order[k]];
  std::size_t moves = 0;
  const std::size_t budget = 8 * n + 64;
  std::size_t k = 1;
  for (; k < n && moves <= budget; ++k) {
    const double key = keys[k];
    const std::uint32_t v = order[k];
    std::size_t j = k;
    while (j > 0 && keys[j - 1] < key) {
      keys[j] = keys[j - 1];
      order[j] = order[j - 1];
      --j;
    }
    moves += k - j;
    keys[j] = key;
    order[j] = v;
  }
  if (k < n) {
    std::sort(order, order + n, [score](std::uint32_t a, std::uint32_t b) { return score[a] > score[b]; });
    for (std::size_t i = 0; i < n; ++i) keys[i] = score[order[i]];
  }
  std::int32_t current = 1;
  for (std::size_t i = 0; i < n; ++i) {
    if (i > 0 && keys[i] != keys[i - 1]) current = static_cast<std::int32_t>(i + 1);
    rank[order[i]] = current;
  }
}

}  // namespace chiso
