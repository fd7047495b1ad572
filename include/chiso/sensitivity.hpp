// Variance-based sensitivity analysis (Sobol indices) and the statistics of Monte Carlo
// replications, as COINr computes them (R/sensitivity.R, COINr 1.1.14), made deterministic and
// parallel.
//
// - Design: the N(d+2) "radial" design of Saltelli et al. (2010): two independent N × d uniform
//   matrices A and B, and for each input i the matrix A_B^i = A with column i taken from B.
//   Rows are run in the order [A; B; A_B^1; …; A_B^d] (COINr's SA_sample).
// - First-order index (Saltelli et al. 2010, Table 2 (b)):
//       S_i  = mean( y_B · (y_{A_B^i} − y_A) ) / V,
// - total-order index (Jansen 1999; Saltelli et al. 2010, Table 2 (f)):
//       ST_i = Σ (y_A − y_{A_B^i})² / (2 N V),
//   with V = var([y_A; y_B]) (sample variance, n − 1 denominator, as R's var).
// - Confidence intervals: bootstrap of the per-row terms, each input resampled on its own, V kept
//   fixed, 5% and 95% quantiles (type 7) — COINr's SA_estimate — with resampling indices drawn
//   from chiso::random so that a seed fixes them.
//
// References: A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto, S. Tarantola,
// "Variance based sensitivity analysis of model output. Design and estimator for the total
// sensitivity index", Computer Physics Communications 181 (2010) 259–270.
// M. J. W. Jansen, "Analysis of variance designs for model output", Computer Physics
// Communications 117 (1999) 35–43.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <Eigen/Core>

namespace chiso::sensitivity {

using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// ---------------------------------------------------------------------------------------------
// Statistics

// Quantile of sorted data with R's default definition (type 7, Hyndman and Fan 1996):
// h = (n − 1) p, q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]). NaN for empty data.
double quantile_sorted(const double* sorted, std::size_t n, double p);
// The same on unsorted data (NaN values are dropped first, as R's na.rm = TRUE).
double quantile(std::vector<double> values, double p);

// Ranks as R's rank(-score, ties.method = "min", na.last = "keep"): 1 is the highest score,
// equal scores share the smallest rank (1, 2, 2, 4), NaN scores get rank 0 ("not ranked").
// `order` is scratch space of `n` entries (so that a replication loop does not allocate).
void rank_descending_min(const double* score, std::size_t n, std::int32_t* rank,
                         std::uint32_t* order);
// The same with a warm start: `order` holds a permutation of 0…n−1 on entry (for instance the
// previous replication's order) and is left sorted by descending score. Replications that move
// few units then cost about n comparisons (insertion sort); a start far from sorted falls back to
// std::sort. The ranks never depend on the starting permutation.
void rank_descending_min_warm(const double* score, std::size_t n, std::int32_t* rank,
                              std::uint32_t* order);
// The same with `keys`, scratch space of n doubles: sorts the scores themselves alongside the
// order (no indirection in the inner loop) — the form the replication loops use.
void rank_descending_min_warm(const double* score, std::size_t n, std::int32_t* rank,
                              std::uint32_t* order, double* keys);

// Mean, standard deviation (n − 1) and three type-7 quantiles of the non-NaN values of x[0, n),
// exactly (no approximation), in about three linear passes: values are counted into buckets of
// equal width between their minimum and maximum, the buckets holding the wanted order statistics
// are located from the cumulative counts, and only their values are selected among. `scratch` is
// reused between calls. NaN results when there is no value (sd: fewer than two).
struct distribution_summary {
  std::size_t count = 0;
  double mean, sd, lower, median, upper;
};
distribution_summary summarise(const double* x, std::size_t n, double lower_p, double upper_p,
                               std::vector<double>& scratch);

// ---------------------------------------------------------------------------------------------
// Parallel replications with static partitioning.
//
// Replications [0, n) are cut into `threads` contiguous blocks of near-equal size; thread t runs
// `body(begin, end, t)` on its block. Callers make every replication's work depend only on the
// replication index (and the seed) and write to a slot owned by that replication, so that results
// are bitwise identical for any thread count. threads ≤ 0 means std::thread::hardware_concurrency.
// The first exception (from the lowest block) is rethrown after all threads have joined.
int resolve_threads(int threads, std::size_t work_items);

template <class Body>
void parallel_blocks(std::size_t n, int threads, Body&& body) {
  const int t_count = resolve_threads(threads, n);
  if (t_count <= 1) {
    body(std::size_t{0}, n, 0);
    return;
  }
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(t_count));
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(t_count - 1));
  auto run = [&](int t) {
    const std::size_t begin = n * static_cast<std::size_t>(t) / static_cast<std::size_t>(t_count);
    const std::size_t end = n * static_cast<std::size_t>(t + 1) / static_cast<std::size_t>(t_count);
    try {
      body(begin, end, t);
    } catch (...) {
      errors[static_cast<std::size_t>(t)] = std::current_exception();
    }
  };
  for (int t = 1; t < t_count; ++t) pool.emplace_back(run, t);
  run(0);  // the calling thread does block 0
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

// ---------------------------------------------------------------------------------------------
// Sampling designs (uniform on [0,1)^d; map to distributions with to_discrete / to_uniform).

// Random design for an uncertainty analysis: N × d, row r from random::stream(seed, r, 0).
row_matrix random_sample(std::size_t N, std::size_t d, std::uint64_t seed);

// The N(d+2) × d design [A; B; A_B^1; …; A_B^d]. Row r of A and of B comes from
// random::stream(seed, r, 1): its first d uniforms are A's row, the next d are B's row.
row_matrix saltelli_sample(std::size_t N, std::size_t d, std::uint64_t seed);

// The k-th of n alternatives for a uniform u in [0,1): ⌊u n⌋ (COINr maps with cut(x, n), equal
// intervals over the sample's range, which tends to [0,1] — the mapping here is exact).
inline std::size_t to_discrete(double u, std::size_t n) {
  const auto k = static_cast<std::size_t>(u * static_cast<double>(n));
  return k < n ? k : n - 1;
}
// Uniform on [lo, hi).
inline double to_uniform(double u, double lo, double hi) { return lo + u * (hi - lo); }

// ---------------------------------------------------------------------------------------------
// Estimators

struct sobol_indices {
  std::size_t N = 0, d = 0;
  double variance = 0;                    // V = var([y_A; y_B])
  std::vector<double> first, total;       // S_i, ST_i
  std::size_t bootstrap = 0;              // number of bootstrap samples (0: no intervals)
  double lower_p = 0.05, upper_p = 0.95;  // quantiles of the bootstrap distribution
  std::vector<double> first_lower, first_upper, total_lower, total_upper;
};

struct sobol_options {
  std::size_t bootstrap = 0;   // COINr's Nboot; 0 = no confidence intervals
  std::uint64_t seed = 0;      // seed of the bootstrap resampling
  double lower_p = 0.05, upper_p = 0.95;
  int threads = 0;             // for the bootstrap; results do not depend on it
};

// Estimates S_i and ST_i from the outputs y of the N(d+2) design in the order of saltelli_sample.
// Non-finite outputs (failed replications) make the indices NaN rather than being dropped.
sobol_indices estimate_sobol(const double* y, std::size_t N, std::size_t d,
                             const sobol_options& options = {});

// Whole analysis of a scalar function of d uniforms on [0,1)^d: builds the design, evaluates
// `f(u)` for every row in parallel (f must be thread-safe), estimates the indices.
struct function_sensitivity {
  row_matrix design;      // N(d+2) × d
  std::vector<double> y;  // outputs, one per design row
  sobol_indices indices;
};
function_sensitivity analyse_function(const std::function<double(const double* u)>& f,
                                      std::size_t d, std::size_t N, std::uint64_t seed,
                                      const sobol_options& options = {});

// ---------------------------------------------------------------------------------------------
// Rank statistics by counting: ranks are small integers, so a units × (units + 1) histogram holds
// their whole distribution, merges exactly across threads and gives exact type-7 quantiles.
class rank_histogram {
 public:
  rank_histogram() = default;
  explicit rank_histogram(std::size_t units) : units_(units), counts_(units * (units + 1), 0) {}
  void add(const std::int32_t* ranks) noexcept {  // one replication; rank 0 = not ranked
    for (std::size_t u = 0; u < units_; ++u)
      ++counts_[u * (units_ + 1) + static_cast<std::size_t>(ranks[u])];
  }
  void merge(const rank_histogram& other) noexcept {
    for (std::size_t k = 0; k < counts_.size(); ++k) counts_[k] += other.counts_[k];
  }
  std::size_t units() const noexcept { return units_; }
  // Replications where unit u had rank r (r = 0: not ranked).
  std::uint64_t count(std::size_t u, std::size_t r) const noexcept {
    return counts_[u * (units_ + 1) + r];
  }
  std::uint64_t ranked(std::size_t u) const noexcept;  // replications where u was ranked
  double mean(std::size_t u) const noexcept;           // over ranked replications; NaN if none
  double quantile(std::size_t u, double p) const noexcept;  // type 7; NaN if none

 private:
  double order_statistic(std::size_t u, std::uint64_t k) const noexcept;  // k-th smallest, 0-based
  std::size_t units_ = 0;
  std::vector<std::uint64_t> counts_;
};

}  // namespace chiso::sensitivity
