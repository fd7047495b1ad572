// Variance-based sensitivity indices (Sobol), as COINr computes them (R/sensitivity.R, COINr
// 1.1.14), made deterministic and parallel, from the outputs of the design of designs.hpp.
//
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

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "chiso/sensitivity/designs.hpp"

namespace chiso::sensitivity {

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

}  // namespace chiso::sensitivity
