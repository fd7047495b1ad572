#include "chiso/sensitivity/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <numeric>

namespace chiso::sensitivity {

namespace {
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
}  // namespace

double quantile_sorted(const double* sorted, std::size_t n, double p) {
  if (n == 0) return nan_value;
  const double h = static_cast<double>(n - 1) * p;
  const double floor_h = std::floor(h);
  const auto lo = static_cast<std::size_t>(floor_h);
  if (lo + 1 >= n) return sorted[n - 1];
  return sorted[lo] + (h - floor_h) * (sorted[lo + 1] - sorted[lo]);
}

double quantile(std::vector<double> values, double p) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  std::sort(values.begin(), values.end());
  return quantile_sorted(values.data(), values.size(), p);
}

namespace {

constexpr std::size_t bucket_count = 2048;
constexpr int wanted_count = 6;  // order statistics ⌊h⌋ and ⌊h⌋ + 1 for each of three quantiles

// Selects only (an unordered comparison keeps the running value: minpd and maxpd), so NaN are
// skipped; two vectors of two lanes, so that no loop-carried latency chain runs through one
// register.
value_range scan_range(const double* x, std::size_t n) {
  typedef double two __attribute__((vector_size(2 * sizeof(double))));
  typedef std::int64_t two_masks __attribute__((vector_size(2 * sizeof(double))));
  constexpr double inf = std::numeric_limits<double>::infinity();
  two low[2] = {two{} + inf, two{} + inf}, high[2] = {two{} - inf, two{} - inf};
  two_masks present[2] = {};  // minus the count of values that are not NaN, per lane
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
#pragma GCC unroll 2
    for (int half = 0; half < 2; ++half) {
      two v;
      __builtin_memcpy(&v, x + k + 2 * half, sizeof v);
      low[half] = v < low[half] ? v : low[half];
      high[half] = v > high[half] ? v : high[half];
      present[half] += v == v;
    }
  }
  double l = std::min(std::min(low[0][0], low[0][1]), std::min(low[1][0], low[1][1]));
  double h = std::max(std::max(high[0][0], high[0][1]), std::max(high[1][0], high[1][1]));
  std::size_t count = static_cast<std::size_t>(-(present[0][0] + present[0][1] + present[1][0] + present[1][1]));
  for (; k < n; ++k) {
    const double v = x[k];
    l = v < l ? v : l;
    h = v > h ? v : h;
    count += v == v;
  }
  return {l, h, count};
}

// A constant sample (or one with an infinite range), which buckets cannot split: sort a copy.
void summarise_by_sorting(const double* x, std::size_t n, std::size_t count, double lower_p, double upper_p,
                          std::vector<double>& scratch, distribution_summary& out) {
  scratch.clear();
  for (std::size_t k = 0; k < n; ++k)
    if (x[k] == x[k]) scratch.push_back(x[k]);
  double sum = 0;
  for (double v : scratch) sum += v;
  out.mean = sum / static_cast<double>(count);
  double squares = 0;
  for (double v : scratch) squares += (v - out.mean) * (v - out.mean);
  out.sd = count > 1 ? std::sqrt(squares / static_cast<double>(count - 1)) : nan_value;
  std::sort(scratch.begin(), scratch.end());
  out.lower = quantile_sorted(scratch.data(), count, lower_p);
  out.median = quantile_sorted(scratch.data(), count, 0.5);
  out.upper = quantile_sorted(scratch.data(), count, upper_p);
}

// Bucket b(v) = ⌊(v − low) · scale⌋ is non-decreasing in v, so order statistics fall in buckets
// in order. Values are in [low, high], so (v − low) · scale ≤ bucket_count (+ rounding): a 32-bit
// conversion is exact, and it vectorises (a 64-bit one does not before AVX-512).
struct bucketing {
  double low, scale;
};
constexpr std::int32_t last_bucket = bucket_count - 1;

typedef double two_values __attribute__((vector_size(2 * sizeof(double))));
typedef std::int64_t two_masks __attribute__((vector_size(2 * sizeof(double))));
typedef std::int32_t two_buckets __attribute__((vector_size(2 * sizeof(std::int32_t))));
typedef std::int32_t four_buckets __attribute__((vector_size(4 * sizeof(std::int32_t))));
typedef std::uint16_t four_ids __attribute__((vector_size(4 * sizeof(std::uint16_t))));
typedef std::uint16_t eight_ids __attribute__((vector_size(8 * sizeof(std::uint16_t))));
static_assert(bucket_count <= 65536, "bucket ids are 16-bit");

// The buckets of x[0, 4) without a branch (a NaN: bucket 0, taken out of its count after), and
// the values less `low` in `shifted` (a NaN: +0, which adds nothing to a sum of values ≥ +0).
inline four_buckets buckets_of_four(const double* x, const bucketing& bucket, two_values (&shifted)[2]) {
  two_buckets truncated[2];
  for (int half = 0; half < 2; ++half) {
    two_values v;
    __builtin_memcpy(&v, x + 2 * half, sizeof v);
    const two_masks present = v == v;
    shifted[half] = present ? v - bucket.low : two_values{};
    truncated[half] = __builtin_convertvector(shifted[half] * bucket.scale, two_buckets);
  }
  // Joined in registers: two 8-byte stores read back as one 16-byte load stall the pipeline.
  const four_buckets b = __builtin_shufflevector(truncated[0], truncated[1], 0, 1, 2, 3);
  return b > last_bucket ? four_buckets{} + last_bucket : b;
}
inline std::int32_t bucket_of_one(double v, const bucketing& bucket) {
  return v == v ? std::min(static_cast<std::int32_t>((v - bucket.low) * bucket.scale), last_bucket) : 0;
}

// Counts per bucket, and mean and standard deviation from the moments shifted by a data value
// (numerically safe in one pass), in four interleaved partial sums (partial sum j holds the x[k],
// k mod 4 = j) combined in a fixed order: the result depends only on the data, never on threads.
// Each value's bucket goes to `ids`, for the pass that gathers the order statistics.
void count_buckets_and_moments(const double* x, std::size_t n, std::size_t count, const bucketing& bucket,
                               std::vector<std::uint32_t>& counts, std::vector<std::uint16_t>& ids,
                               distribution_summary& out) {
  counts.assign(bucket_count, 0);
  ids.resize(n);
  two_values sums[2] = {}, squares[2] = {};  // lanes: partial sums 0, 1 and 2, 3
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    two_values shifted[2];
    const four_buckets b = buckets_of_four(x + k, bucket, shifted);
    for (int half = 0; half < 2; ++half) {
      sums[half] += shifted[half];
      squares[half] += shifted[half] * shifted[half];
    }
    for (int lane = 0; lane < 4; ++lane) ++counts[static_cast<std::size_t>(b[lane])];
    const four_ids id = __builtin_convertvector(b, four_ids);
    __builtin_memcpy(ids.data() + k, &id, sizeof id);
  }
  double sum_lanes[4] = {sums[0][0], sums[0][1], sums[1][0], sums[1][1]};
  double square_lanes[4] = {squares[0][0], squares[0][1], squares[1][0], squares[1][1]};
  for (std::size_t j = 0; k < n; ++k, ++j) {
    const double v = x[k];
    const double shifted = v == v ? v - bucket.low : 0.0;
    sum_lanes[j] += shifted;
    square_lanes[j] += shifted * shifted;
    const std::int32_t b = bucket_of_one(v, bucket);
    ++counts[static_cast<std::size_t>(b)];
    ids[k] = static_cast<std::uint16_t>(b);
  }
  counts[0] -= static_cast<std::uint32_t>(n - count);  // the NaN
  const double sum = (sum_lanes[0] + sum_lanes[1]) + (sum_lanes[2] + sum_lanes[3]);
  const double sum_of_squares = (square_lanes[0] + square_lanes[1]) + (square_lanes[2] + square_lanes[3]);
  const double values = static_cast<double>(count);
  out.mean = bucket.low + sum / values;
  out.sd = count > 1 ? std::sqrt(std::max(0.0, (sum_of_squares - sum * sum / values) / (values - 1))) : nan_value;
}

// The values of the wanted order statistics: one more pass gathers the values of the (at most
// six) buckets holding them, each bucket's values sorted. The buckets of eight values at a time
// (`ids`, from the counting pass) are compared with the wanted buckets: most hold none of them.
void order_statistics(const double* x, const std::vector<std::uint16_t>& ids, const std::vector<std::uint32_t>& counts,
                      const std::size_t (&wanted)[wanted_count], std::vector<double>& scratch,
                      double (&value)[wanted_count]) {
  const std::size_t n = ids.size();
  // First order statistic of each bucket.
  std::vector<std::size_t> first(bucket_count + 1, 0);
  for (std::size_t b = 0; b < bucket_count; ++b) first[b + 1] = first[b] + counts[b];
  std::size_t bucket_of_wanted[wanted_count], slot_of_wanted[wanted_count], slots = 0;
  std::int8_t slot[bucket_count];
  std::fill(slot, slot + bucket_count, std::int8_t{-1});
  for (int w = 0; w < wanted_count; ++w) {
    const std::size_t b = static_cast<std::size_t>(
        std::upper_bound(first.begin() + 1, first.end(), wanted[w]) - (first.begin() + 1));
    bucket_of_wanted[w] = b;
    if (slot[b] < 0) slot[b] = static_cast<std::int8_t>(slots++);
    slot_of_wanted[w] = static_cast<std::size_t>(slot[b]);
  }
  // scratch holds the slots' values back to back, each slot sized by its bucket's count.
  std::size_t offset[wanted_count + 1] = {0, 0, 0, 0, 0, 0, 0}, fill[wanted_count] = {0, 0, 0, 0, 0, 0};
  for (int w = 0; w < wanted_count; ++w) offset[slot_of_wanted[w] + 1] = counts[bucket_of_wanted[w]];
  for (std::size_t k = 0; k < slots; ++k) offset[k + 1] += offset[k];
  scratch.resize(offset[slots]);
  auto gather = [&](double v, std::int32_t b) {
    const int in_slot = slot[b];
    if (in_slot >= 0 && v == v) scratch[offset[in_slot] + fill[in_slot]++] = v;  // a NaN is in bucket 0
  };
  eight_ids wanted_bucket[wanted_count];
  for (int w = 0; w < wanted_count; ++w) wanted_bucket[w] = eight_ids{} + static_cast<std::uint16_t>(bucket_of_wanted[w]);
  const std::uint16_t* id = ids.data();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    eight_ids b;
    __builtin_memcpy(&b, id + i, sizeof b);
    eight_ids hit = b == wanted_bucket[0];
    for (int w = 1; w < wanted_count; ++w) hit |= b == wanted_bucket[w];
    std::uint64_t halves[2];
    __builtin_memcpy(halves, &hit, sizeof halves);
    if (halves[0] | halves[1])
      for (std::size_t lane = 0; lane < 8; ++lane) gather(x[i + lane], id[i + lane]);
  }
  for (; i < n; ++i) gather(x[i], id[i]);
  for (std::size_t k = 0; k < slots; ++k)
    std::sort(scratch.begin() + static_cast<std::ptrdiff_t>(offset[k]),
              scratch.begin() + static_cast<std::ptrdiff_t>(offset[k + 1]));
  for (int w = 0; w < wanted_count; ++w)
    value[w] = scratch[offset[slot_of_wanted[w]] + (wanted[w] - first[bucket_of_wanted[w]])];
}

}  // namespace

void value_range::merge(const value_range& other) noexcept {
  // The comparisons of scan_range: the result is the one scan_range gives on the whole data.
  low = other.low < low ? other.low : low;
  high = other.high > high ? other.high : high;
  count += other.count;
}

value_range range_of(const double* x, std::size_t n) { return scan_range(x, n); }

distribution_summary summarise(const double* x, std::size_t n, double lower_p, double upper_p,
                               summary_scratch& scratch) {
  return summarise(x, n, scan_range(x, n), lower_p, upper_p, scratch);
}

distribution_summary summarise(const double* x, std::size_t n, const value_range& range, double lower_p,
                               double upper_p, summary_scratch& scratch) {
  distribution_summary out;
  out.mean = out.sd = out.lower = out.median = out.upper = nan_value;
  const std::size_t count = range.count;
  out.count = count;
  if (count == 0) return out;
  if (!(range.high > range.low) || !std::isfinite(range.high - range.low)) {
    summarise_by_sorting(x, n, count, lower_p, upper_p, scratch.values, out);
    return out;
  }
  const bucketing bucket{range.low, static_cast<double>(bucket_count) / (range.high - range.low)};
  count_buckets_and_moments(x, n, count, bucket, scratch.counts, scratch.ids, out);

  const double probabilities[3] = {lower_p, 0.5, upper_p};
  std::size_t wanted[wanted_count];
  double fraction[3];
  for (int q = 0; q < 3; ++q) {
    const double h = static_cast<double>(count - 1) * probabilities[q];
    const auto below = static_cast<std::size_t>(std::floor(h));
    wanted[2 * q] = std::min(below, count - 1);
    wanted[2 * q + 1] = std::min(below + 1, count - 1);
    fraction[q] = h - std::floor(h);
  }
  double value[wanted_count];
  order_statistics(x, scratch.ids, scratch.counts, wanted, scratch.values, value);
  out.lower = value[0] + fraction[0] * (value[1] - value[0]);
  out.median = value[2] + fraction[1] * (value[3] - value[2]);
  out.upper = value[4] + fraction[2] * (value[5] - value[4]);
  return out;
}

// Four units at a time, masks and integer arithmetic only (ranks move
// unpredictably: a branch on them is mispredicted). Ranks lie in [0, units], so a shift is at most
// `unit_count`: the lanes add up to `per_lane` shifts each in 32 bits (all of ASEM's 51 units, and
// any count below 46341), then the chunk's total is carried into 64 bits.
double mean_absolute_rank_shift(const std::int32_t* rank, const std::int32_t* nominal_rank,
                                std::size_t unit_count) {
  typedef std::int32_t four __attribute__((vector_size(4 * sizeof(std::int32_t))));
  const std::size_t per_lane =
      std::max<std::size_t>(1, std::numeric_limits<std::int32_t>::max() / std::max<std::size_t>(unit_count, 1));
  std::int64_t sum = 0, ranked = 0;
  std::size_t u = 0;
  while (u + 4 <= unit_count) {
    const std::size_t stop = u + 4 * std::min(per_lane, (unit_count - u) / 4);
    four sum_lanes = {}, ranked_lanes = {};
    for (; u < stop; u += 4) {
      four r, nominal;
      __builtin_memcpy(&r, rank + u, sizeof r);
      __builtin_memcpy(&nominal, nominal_rank + u, sizeof nominal);
      const four both = (r > 0) & (nominal > 0);  // all ones or 0
      const four shift = r - nominal, sign = shift >> 31;
      sum_lanes += ((shift ^ sign) - sign) & both;
      ranked_lanes -= both;
    }
    for (int lane = 0; lane < 4; ++lane) {
      sum += sum_lanes[lane];
      ranked += ranked_lanes[lane];
    }
  }
  for (; u < unit_count; ++u) {
    const bool both = rank[u] > 0 && nominal_rank[u] > 0;
    sum += both ? std::abs(rank[u] - nominal_rank[u]) : 0;
    ranked += both;
  }
  return ranked ? static_cast<double>(sum) / static_cast<double>(ranked) : nan_value;
}

std::uint64_t rank_histogram::ranked(std::size_t u) const noexcept {
  std::uint64_t n = 0;
  for (std::size_t r = 1; r <= units_; ++r) n += count(u, r);
  return n;
}

double rank_histogram::mean(std::size_t u) const noexcept {
  std::uint64_t n = 0, sum = 0;
  for (std::size_t r = 1; r <= units_; ++r) {
    n += count(u, r);
    sum += count(u, r) * r;
  }
  return n == 0 ? nan_value : static_cast<double>(sum) / static_cast<double>(n);
}

double rank_histogram::order_statistic(std::size_t u, std::uint64_t k) const noexcept {
  std::uint64_t seen = 0;
  for (std::size_t r = 1; r <= units_; ++r) {
    seen += count(u, r);
    if (k < seen) return static_cast<double>(r);
  }
  return nan_value;
}

double rank_histogram::quantile(std::size_t u, double p) const noexcept {
  const std::uint64_t n = ranked(u);
  if (n == 0) return nan_value;
  const double h = static_cast<double>(n - 1) * p;
  const double floor_h = std::floor(h);
  const auto lo = static_cast<std::uint64_t>(floor_h);
  const double x_lo = order_statistic(u, lo);
  if (lo + 1 >= n) return x_lo;
  return x_lo + (h - floor_h) * (order_statistic(u, lo + 1) - x_lo);
}

}  // namespace chiso::sensitivity
