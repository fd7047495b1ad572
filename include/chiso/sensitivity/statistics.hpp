// Statistics of Monte Carlo replications: type-7 quantiles, exact summaries of a distribution
// and rank histograms (the distribution of each unit's rank over the replications).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace chiso::sensitivity {

// Quantile of sorted data with R's default definition (type 7, Hyndman and Fan 1996):
// h = (n − 1) p, q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋ + 1] − x[⌊h⌋]). NaN for empty data.
double quantile_sorted(const double* sorted, std::size_t n, double p);
// The same on unsorted data (NaN values are dropped first, as R's na.rm = TRUE).
double quantile(std::vector<double> values, double p);

// Mean, standard deviation (n − 1) and three type-7 quantiles of the non-NaN values of x[0, n),
// exactly (no approximation), in three linear passes: values are counted into buckets of equal
// width between their minimum and maximum, the buckets holding the wanted order statistics are
// located from the cumulative counts, and only their values are selected among. `scratch` is
// reused between calls (no allocation once it has grown). NaN results when there is no value
// (sd: fewer than two).
struct distribution_summary {
  std::size_t count = 0;
  double mean, sd, lower, median, upper;
};
struct summary_scratch {
  std::vector<double> values;        // the values of the buckets holding the quantiles
  std::vector<std::uint32_t> counts;  // values per bucket
  std::vector<std::uint16_t> ids;     // each value's bucket
};
distribution_summary summarise(const double* x, std::size_t n, double lower_p, double upper_p,
                               summary_scratch& scratch);

// The smallest and largest non-NaN values of some data and how many there are: summarise's first
// pass. Ranges of parts merge into the range of the whole.
struct value_range {
  double low = std::numeric_limits<double>::infinity(), high = -std::numeric_limits<double>::infinity();
  std::size_t count = 0;
  void merge(const value_range& other) noexcept;
};
value_range range_of(const double* x, std::size_t n);
// summarise(x, n, …) when the range of x[0, n) is known already (a pass fewer over x): the
// uncertainty engine takes each block of replications' range while the block is in cache.
distribution_summary summarise(const double* x, std::size_t n, const value_range& range, double lower_p,
                               double upper_p, summary_scratch& scratch);

// COINr's mean absolute rank shift of a replication: mean(abs(rank − nominal), na.rm = TRUE)
// over the units ranked both times (rank 0: not ranked); NaN when there is none. Exact for any
// unit count (the sums are integers).
double mean_absolute_rank_shift(const std::int32_t* rank, const std::int32_t* nominal_rank, std::size_t unit_count);

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
