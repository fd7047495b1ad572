#include "chiso/sensitivity/statistics.hpp"

#include <algorithm>
#include <cmath>
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

struct range_and_count {
  double low, high;
  std::size_t count;  // values that are not NaN
};

// Selects only (an unordered comparison keeps the running value), so the loop vectorises and NaN
// are skipped; four independent lanes, so that no loop-carried latency chain runs through one
// register.
range_and_count scan_range(const double* x, std::size_t n) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double l0 = inf, l1 = inf, l2 = inf, l3 = inf, h0 = -inf, h1 = -inf, h2 = -inf, h3 = -inf;
  std::size_t c0 = 0, c1 = 0, c2 = 0, c3 = 0;
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) {
    const double v0 = x[k], v1 = x[k + 1], v2 = x[k + 2], v3 = x[k + 3];
    l0 = v0 < l0 ? v0 : l0;
    l1 = v1 < l1 ? v1 : l1;
    l2 = v2 < l2 ? v2 : l2;
    l3 = v3 < l3 ? v3 : l3;
    h0 = v0 > h0 ? v0 : h0;
    h1 = v1 > h1 ? v1 : h1;
    h2 = v2 > h2 ? v2 : h2;
    h3 = v3 > h3 ? v3 : h3;
    c0 += v0 == v0;
    c1 += v1 == v1;
    c2 += v2 == v2;
    c3 += v3 == v3;
  }
  for (; k < n; ++k) {
    const double v = x[k];
    l0 = v < l0 ? v : l0;
    h0 = v > h0 ? v : h0;
    c0 += v == v;
  }
  return {std::min(std::min(l0, l1), std::min(l2, l3)), std::max(std::max(h0, h1), std::max(h2, h3)),
          c0 + c1 + c2 + c3};
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
// in order.
struct bucketing {
  double low, scale;
  std::size_t of(double v) const {
    const auto b = static_cast<std::size_t>((v - low) * scale);
    return b < bucket_count ? b : bucket_count - 1;
  }
};

// Counts per bucket, and mean and standard deviation from the moments shifted by a data value
// (numerically safe in one pass), in four interleaved partial sums combined in a fixed order:
// the result depends only on the data, never on threads.
void count_buckets_and_moments(const double* x, std::size_t n, std::size_t count, const bucketing& bucket,
                               std::vector<std::uint32_t>& counts, distribution_summary& out) {
  const double shift = bucket.low;
  double sums[4] = {0, 0, 0, 0}, squares[4] = {0, 0, 0, 0};
  for (std::size_t k = 0; k < n; ++k) {
    const double v = x[k];
    if (v != v) continue;
    ++counts[bucket.of(v)];
    const double shifted = v - shift;
    sums[k & 3] += shifted;
    squares[k & 3] += shifted * shifted;
  }
  const double sum = (sums[0] + sums[1]) + (sums[2] + sums[3]);
  const double sum_of_squares = (squares[0] + squares[1]) + (squares[2] + squares[3]);
  const double values = static_cast<double>(count);
  out.mean = shift + sum / values;
  out.sd = count > 1 ? std::sqrt(std::max(0.0, (sum_of_squares - sum * sum / values) / (values - 1))) : nan_value;
}

// The values of the wanted order statistics: one more pass gathers the values of the (at most
// six) buckets holding them into `scratch`, each bucket's values sorted.
void order_statistics(const double* x, std::size_t n, const bucketing& bucket,
                      const std::vector<std::uint32_t>& counts, const std::size_t (&wanted)[wanted_count],
                      std::vector<double>& scratch, double (&value)[wanted_count]) {
  // First order statistic of each bucket.
  std::vector<std::size_t> first(bucket_count + 1, 0);
  for (std::size_t b = 0; b < bucket_count; ++b) first[b + 1] = first[b] + counts[b];
  std::size_t bucket_of_wanted[wanted_count], slot_of_wanted[wanted_count], slots = 0;
  std::vector<std::int8_t> slot(bucket_count, -1);
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
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    if (v != v) continue;
    const int in_slot = slot[bucket.of(v)];
    if (in_slot >= 0) scratch[offset[in_slot] + fill[in_slot]++] = v;
  }
  for (std::size_t k = 0; k < slots; ++k)
    std::sort(scratch.begin() + static_cast<std::ptrdiff_t>(offset[k]),
              scratch.begin() + static_cast<std::ptrdiff_t>(offset[k + 1]));
  for (int w = 0; w < wanted_count; ++w)
    value[w] = scratch[offset[slot_of_wanted[w]] + (wanted[w] - first[bucket_of_wanted[w]])];
}

}  // namespace

distribution_summary summarise(const double* x, std::size_t n, double lower_p, double upper_p,
                               std::vector<double>& scratch) {
  distribution_summary out;
  out.mean = out.sd = out.lower = out.median = out.upper = nan_value;
  const range_and_count range = scan_range(x, n);
  const std::size_t count = range.count;
  out.count = count;
  if (count == 0) return out;
  if (!(range.high > range.low) || !std::isfinite(range.high - range.low)) {
    summarise_by_sorting(x, n, count, lower_p, upper_p, scratch, out);
    return out;
  }
  const bucketing bucket{range.low, static_cast<double>(bucket_count) / (range.high - range.low)};
  std::vector<std::uint32_t> counts(bucket_count, 0);
  count_buckets_and_moments(x, n, count, bucket, counts, out);

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
  order_statistics(x, n, bucket, counts, wanted, scratch, value);
  out.lower = value[0] + fraction[0] * (value[1] - value[0]);
  out.median = value[2] + fraction[1] * (value[3] - value[2]);
  out.upper = value[4] + fraction[2] * (value[5] - value[4]);
  return out;
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
