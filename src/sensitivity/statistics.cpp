#include "chiso/sensitivity/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
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

distribution_summary summarise(const double* x, std::size_t n, double lower_p, double upper_p,
                               std::vector<double>& scratch) {
  distribution_summary out;
  out.mean = out.sd = out.lower = out.median = out.upper = nan_value;
  // Pass 1: range and count. Selects only (an unordered comparison keeps the running value),
  // so the loop vectorises and NaN are skipped.
  double lo, hi;
  std::size_t count = 0;
  {
    // Four independent lanes: no loop-carried latency chain through one register.
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
    lo = std::min(std::min(l0, l1), std::min(l2, l3));
    hi = std::max(std::max(h0, h1), std::max(h2, h3));
    count = c0 + c1 + c2 + c3;
  }
  out.count = count;
  if (count == 0) return out;
  if (!(hi > lo) || !std::isfinite(hi - lo)) {  // constant (or infinite range): no buckets
    scratch.clear();
    for (std::size_t k = 0; k < n; ++k)
      if (x[k] == x[k]) scratch.push_back(x[k]);
    double sum = 0;
    for (double v : scratch) sum += v;
    out.mean = sum / static_cast<double>(count);
    double ss = 0;
    for (double v : scratch) ss += (v - out.mean) * (v - out.mean);
    out.sd = count > 1 ? std::sqrt(ss / static_cast<double>(count - 1)) : nan_value;
    std::sort(scratch.begin(), scratch.end());
    out.lower = quantile_sorted(scratch.data(), count, lower_p);
    out.median = quantile_sorted(scratch.data(), count, 0.5);
    out.upper = quantile_sorted(scratch.data(), count, upper_p);
    return out;
  }
  // Bucket b(v) = ⌊(v − lo) · scale⌋ is non-decreasing in v, so order statistics fall in
  // buckets in order.
  constexpr std::size_t buckets = 2048;
  const double scale = static_cast<double>(buckets) / (hi - lo);
  auto bucket_of = [lo, scale](double v) {
    // v ≥ lo: a signed conversion (one instruction, where an unsigned one branches) is exact.
    const auto b = static_cast<std::size_t>(static_cast<std::int64_t>((v - lo) * scale));
    return b < buckets ? b : buckets - 1;
  };
  // Pass 2: bucket counts, and the moments shifted by a data value K (numerically safe in one
  // pass), in four interleaved partial sums combined in a fixed order: the result depends only
  // on the data, never on threads.
  const double K = lo;
  std::vector<std::uint32_t> counts(buckets, 0);
  double s1[4] = {0, 0, 0, 0}, s2[4] = {0, 0, 0, 0};  // partial sum j holds the values x[k], k mod 4 = j
  auto add = [&](double v, double& sum, double& squares) {
    if (v != v) return;
    ++counts[bucket_of(v)];
    const double dv = v - K;
    sum += dv;
    squares += dv * dv;
  };
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4)
    for (int j = 0; j < 4; ++j) add(x[k + static_cast<std::size_t>(j)], s1[j], s2[j]);
  for (int j = 0; k < n; ++k, ++j) add(x[k], s1[j], s2[j]);
  const double S1 = (s1[0] + s1[1]) + (s1[2] + s1[3]);
  const double S2 = (s2[0] + s2[1]) + (s2[2] + s2[3]);
  const double cnt = static_cast<double>(count);
  out.mean = K + S1 / cnt;
  out.sd = count > 1 ? std::sqrt(std::max(0.0, (S2 - S1 * S1 / cnt) / (cnt - 1))) : nan_value;

  // The order statistics needed: ⌊h⌋ and ⌊h⌋ + 1 for each probability.
  const double probs[3] = {lower_p, 0.5, upper_p};
  std::size_t wanted[6];
  double frac[3];
  for (int q = 0; q < 3; ++q) {
    const double h = static_cast<double>(count - 1) * probs[q];
    const auto f = static_cast<std::size_t>(std::floor(h));
    wanted[2 * q] = std::min(f, count - 1);
    wanted[2 * q + 1] = std::min(f + 1, count - 1);
    frac[q] = h - std::floor(h);
  }
  // Bucket and first order statistic of each wanted index.
  std::vector<std::size_t> first(buckets + 1, 0);
  for (std::size_t b = 0; b < buckets; ++b) first[b + 1] = first[b] + counts[b];
  // One more pass gathers the values of the (at most six) buckets holding them.
  std::size_t bucket_of_wanted[6], slot_of_wanted[6], n_slots = 0;
  std::vector<std::int8_t> slot(buckets, -1);
  for (int w = 0; w < 6; ++w) {
    const std::size_t b = static_cast<std::size_t>(
        std::upper_bound(first.begin() + 1, first.end(), wanted[w]) - (first.begin() + 1));
    bucket_of_wanted[w] = b;
    if (slot[b] < 0) slot[b] = static_cast<std::int8_t>(n_slots++);
    slot_of_wanted[w] = static_cast<std::size_t>(slot[b]);
  }
  // scratch holds the slots' values back to back, each slot sized by its bucket's count.
  std::size_t offset[7] = {0, 0, 0, 0, 0, 0, 0}, fill[6] = {0, 0, 0, 0, 0, 0};
  for (int w = 0; w < 6; ++w) offset[slot_of_wanted[w] + 1] = counts[bucket_of_wanted[w]];
  for (std::size_t k = 0; k < n_slots; ++k) offset[k + 1] += offset[k];
  scratch.resize(offset[n_slots]);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = x[i];
    if (v != v) continue;
    const int sl = slot[bucket_of(v)];
    if (sl >= 0) scratch[offset[sl] + fill[sl]++] = v;
  }
  for (std::size_t k = 0; k < n_slots; ++k)
    std::sort(scratch.begin() + static_cast<std::ptrdiff_t>(offset[k]),
              scratch.begin() + static_cast<std::ptrdiff_t>(offset[k + 1]));
  double value[6];
  for (int w = 0; w < 6; ++w)
    value[w] = scratch[offset[slot_of_wanted[w]] + (wanted[w] - first[bucket_of_wanted[w]])];
  out.lower = value[0] + frac[0] * (value[1] - value[0]);
  out.median = value[2] + frac[1] * (value[3] - value[2]);
  out.upper = value[4] + frac[2] * (value[5] - value[4]);
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
