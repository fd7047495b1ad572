#include "chiso/sensitivity.hpp"

#include <cmath>
#include <limits>
#include <numeric>

#include "chiso/error.hpp"
#include "chiso/random.hpp"

namespace chiso::sensitivity {

namespace {
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
// Stream ids of the designs, so that a UA and an SA with the same seed do not share numbers
// with each other or with the bootstrap.
constexpr std::uint32_t stream_random_design = 0;
constexpr std::uint32_t stream_saltelli_design = 1;
constexpr std::uint32_t stream_bootstrap_base = 0x10000u;  // + input index
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
    const auto b = static_cast<std::size_t>((v - lo) * scale);
    return b < buckets ? b : buckets - 1;
  };
  // Pass 2: bucket counts, and the moments shifted by a data value K (numerically safe in one
  // pass), in four interleaved partial sums combined in a fixed order: the result depends only
  // on the data, never on threads.
  const double K = lo;
  std::vector<std::uint32_t> counts(buckets, 0);
  double s1[4] = {0, 0, 0, 0}, s2[4] = {0, 0, 0, 0};
  for (std::size_t k = 0; k < n; ++k) {
    const double v = x[k];
    if (v != v) continue;
    ++counts[bucket_of(v)];
    const double dv = v - K;
    s1[k & 3] += dv;
    s2[k & 3] += dv * dv;
  }
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

void rank_descending_min(const double* score, std::size_t n, std::int32_t* rank,
                         std::uint32_t* order) {
  std::size_t ranked = 0;
  for (std::size_t u = 0; u < n; ++u) {
    if (std::isnan(score[u]))
      rank[u] = 0;
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

void rank_descending_min_warm(const double* score, std::size_t n, std::int32_t* rank,
                              std::uint32_t* order) {
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
      rank[u] = 0;
      continue;
    }
    rank[u] = (position > 0 && score[u] == score[order[i - 1]]) ? rank[order[i - 1]]
                                                                 : static_cast<std::int32_t>(position + 1);
    ++position;
  }
}

void rank_descending_min_warm(const double* score, std::size_t n, std::int32_t* rank,
                              std::uint32_t* order, double* keys) {
  bool any_missing = false;
  for (std::size_t u = 0; u < n; ++u) any_missing |= score[u] != score[u];
  if (any_missing) {  // rare: the general path
    rank_descending_min_warm(score, n, rank, order);
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

int resolve_threads(int threads, std::size_t work_items) {
  if (threads <= 0) {
    const unsigned hw = std::thread::hardware_concurrency();
    threads = hw == 0 ? 1 : static_cast<int>(hw);
  }
  if (static_cast<std::size_t>(threads) > work_items)
    threads = static_cast<int>(std::max<std::size_t>(work_items, 1));
  return threads;
}

row_matrix random_sample(std::size_t N, std::size_t d, std::uint64_t seed) {
  row_matrix x(static_cast<Eigen::Index>(N), static_cast<Eigen::Index>(d));
  for (std::size_t r = 0; r < N; ++r) {
    random::stream s(seed, r, stream_random_design);
    for (std::size_t i = 0; i < d; ++i) x(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(i)) = s.uniform();
  }
  return x;
}

row_matrix saltelli_sample(std::size_t N, std::size_t d, std::uint64_t seed) {
  if (N < 2) throw parameter_error("sensitivity.N", "N (sample points per input) must be at least 2");
  if (d < 1) throw parameter_error("sensitivity.d", "the number of uncertain inputs d must be at least 1");
  const auto n = static_cast<Eigen::Index>(N), dd = static_cast<Eigen::Index>(d);
  row_matrix x(n * (dd + 2), dd);
  for (Eigen::Index r = 0; r < n; ++r) {
    random::stream s(seed, static_cast<std::uint64_t>(r), stream_saltelli_design);
    for (Eigen::Index i = 0; i < dd; ++i) x(r, i) = s.uniform();      // A
    for (Eigen::Index i = 0; i < dd; ++i) x(n + r, i) = s.uniform();  // B
  }
  for (Eigen::Index i = 0; i < dd; ++i) {
    auto block = x.middleRows((2 + i) * n, n);
    block = x.topRows(n);                          // A …
    block.col(i) = x.middleRows(n, n).col(i);      // … with column i from B
  }
  return x;
}

sobol_indices estimate_sobol(const double* y, std::size_t N, std::size_t d,
                             const sobol_options& options) {
  if (N < 2) throw parameter_error("sensitivity.N", "N (sample points per input) must be at least 2");
  if (options.lower_p < 0 || options.upper_p > 1 || options.lower_p > options.upper_p)
    throw parameter_error("sensitivity.quantiles",
                          "lower_p and upper_p must satisfy 0 <= lower_p <= upper_p <= 1");
  sobol_indices out;
  out.N = N;
  out.d = d;
  out.lower_p = options.lower_p;
  out.upper_p = options.upper_p;
  const double* yA = y;
  const double* yB = y + N;

  // V = var([yA; yB]) with the n − 1 denominator, two-pass for accuracy.
  double sum = 0;
  for (std::size_t k = 0; k < 2 * N; ++k) sum += y[k];
  const double mean = sum / static_cast<double>(2 * N);
  double ss = 0;
  for (std::size_t k = 0; k < 2 * N; ++k) ss += (y[k] - mean) * (y[k] - mean);
  const double V = ss / static_cast<double>(2 * N - 1);
  out.variance = V;

  out.first.assign(d, nan_value);
  out.total.assign(d, nan_value);
  for (std::size_t i = 0; i < d; ++i) {
    const double* yABi = y + (2 + i) * N;
    double s_first = 0, s_total = 0;
    for (std::size_t k = 0; k < N; ++k) {
      s_first += yB[k] * (yABi[k] - yA[k]);
      const double diff = yA[k] - yABi[k];
      s_total += diff * diff;
    }
    out.first[i] = s_first / static_cast<double>(N) / V;
    out.total[i] = s_total / (2.0 * static_cast<double>(N) * V);
  }

  out.bootstrap = options.bootstrap;
  if (options.bootstrap == 0) return out;
  if (N > std::numeric_limits<std::uint32_t>::max())
    throw parameter_error("sensitivity.N", "bootstrap needs N below 2^32");

  // Per-row terms: COINr's Sidiffs and STdiffs.
  std::vector<double> first_terms(N * d), total_terms(N * d);
  for (std::size_t i = 0; i < d; ++i) {
    const double* yABi = y + (2 + i) * N;
    for (std::size_t k = 0; k < N; ++k) {
      first_terms[i * N + k] = yB[k] * (yABi[k] - yA[k]);
      total_terms[i * N + k] = yA[k] - yABi[k];
    }
  }
  const std::size_t n_boot = options.bootstrap;
  // boot[i * n_boot + b]; each bootstrap sample b writes only its own slots.
  std::vector<double> first_boot(d * n_boot), total_boot(d * n_boot);
  parallel_blocks(n_boot, options.threads, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t b = begin; b < end; ++b) {
      for (std::size_t i = 0; i < d; ++i) {
        random::stream s(options.seed, b, stream_bootstrap_base + static_cast<std::uint32_t>(i));
        double s_first = 0, s_total = 0;
        for (std::size_t k = 0; k < N; ++k) {
          const std::size_t pick = i * N + s.below(static_cast<std::uint32_t>(N));
          s_first += first_terms[pick];
          s_total += total_terms[pick] * total_terms[pick];
        }
        first_boot[i * n_boot + b] = s_first / static_cast<double>(N) / V;
        total_boot[i * n_boot + b] = s_total / (2.0 * static_cast<double>(N) * V);
      }
    }
  });
  out.first_lower.resize(d);
  out.first_upper.resize(d);
  out.total_lower.resize(d);
  out.total_upper.resize(d);
  for (std::size_t i = 0; i < d; ++i) {
    std::vector<double> f(first_boot.begin() + static_cast<std::ptrdiff_t>(i * n_boot),
                          first_boot.begin() + static_cast<std::ptrdiff_t>((i + 1) * n_boot));
    std::vector<double> t(total_boot.begin() + static_cast<std::ptrdiff_t>(i * n_boot),
                          total_boot.begin() + static_cast<std::ptrdiff_t>((i + 1) * n_boot));
    out.first_lower[i] = quantile(f, options.lower_p);
    out.first_upper[i] = quantile(f, options.upper_p);
    out.total_lower[i] = quantile(t, options.lower_p);
    out.total_upper[i] = quantile(t, options.upper_p);
  }
  return out;
}

function_sensitivity analyse_function(const std::function<double(const double* u)>& f,
                                      std::size_t d, std::size_t N, std::uint64_t seed,
                                      const sobol_options& options) {
  function_sensitivity out;
  out.design = saltelli_sample(N, d, seed);
  const std::size_t rows = static_cast<std::size_t>(out.design.rows());
  out.y.resize(rows);
  parallel_blocks(rows, options.threads, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t r = begin; r < end; ++r)
      out.y[r] = f(out.design.data() + r * d);
  });
  out.indices = estimate_sobol(out.y.data(), N, d, options);
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
