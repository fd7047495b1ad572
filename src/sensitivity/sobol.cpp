#include "chiso/sensitivity/sobol.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "chiso/detail/parallel.hpp"
#include "chiso/error.hpp"
#include "chiso/random.hpp"
#include "chiso/sensitivity/statistics.hpp"

namespace chiso::sensitivity {

namespace {
constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
// Stream ids of the bootstrap (designs.cpp uses 0 and 1), so that an analysis and its bootstrap
// do not share numbers.
constexpr std::uint32_t stream_bootstrap_base = 0x10000u;  // + input index
}  // namespace

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
  detail::parallel_blocks(n_boot, options.threads, [&](std::size_t begin, std::size_t end, int) {
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
  detail::parallel_blocks(rows, options.threads, [&](std::size_t begin, std::size_t end, int) {
    for (std::size_t r = begin; r < end; ++r)
      out.y[r] = f(out.design.data() + r * d);
  });
  out.indices = estimate_sobol(out.y.data(), N, d, options);
  return out;
}

}  // namespace chiso::sensitivity
