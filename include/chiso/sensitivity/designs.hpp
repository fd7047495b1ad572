// Sampling designs of an uncertainty or sensitivity analysis, uniform on [0,1)^d (map them to
// distributions with to_discrete and to_uniform).
//
// The N(d+2) "radial" design of Saltelli et al. (2010): two independent N × d uniform matrices A
// and B, and for each input i the matrix A_B^i = A with column i taken from B. Rows are run in
// the order [A; B; A_B^1; …; A_B^d] (COINr's SA_sample, R/sensitivity.R, COINr 1.1.14).
//
// Reference: A. Saltelli, P. Annoni, I. Azzini, F. Campolongo, M. Ratto, S. Tarantola,
// "Variance based sensitivity analysis of model output. Design and estimator for the total
// sensitivity index", Computer Physics Communications 181 (2010) 259–270.
#pragma once

#include <cstddef>
#include <cstdint>

#include <Eigen/Core>

namespace chiso::sensitivity {

using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Random design for an uncertainty analysis: N × d, row r from random::stream(seed, r, 0).
row_matrix random_sample(std::size_t N, std::size_t d, std::uint64_t seed);

// The N(d+2) × d design [A; B; A_B^1; …; A_B^d]. Row r of A and of B comes from
// random::stream(seed, r, 1): its first d uniforms are A's row, the next d are B's row.
row_matrix saltelli_sample(std::size_t N, std::size_t d, std::uint64_t seed);

// The first `count` uniforms of random::stream(seed, replication, stream_id), as `count` calls of
// its uniform() give them, into out[0, count) (the weight noise of a replication). Where the
// kernels in use (chiso/detail/instruction_set.hpp) are AVX2 or wider, the function returned
// computes four Philox blocks side by side in vectors (a block's ten rounds wait on each other's
// multiplications); otherwise the stream itself. Integers only: the same numbers either way.
using uniforms_kernel = void (*)(std::uint64_t seed, std::uint64_t replication, std::uint32_t stream_id,
                                 std::size_t count, double* out);
uniforms_kernel first_uniforms_in_use();

// The k-th of n alternatives for a uniform u in [0,1): ⌊u n⌋ (COINr maps with cut(x, n), equal
// intervals over the sample's range, which tends to [0,1] — the mapping here is exact).
inline std::size_t to_discrete(double u, std::size_t n) {
  const auto k = static_cast<std::size_t>(u * static_cast<double>(n));
  return k < n ? k : n - 1;
}
// Uniform on [lo, hi).
inline double to_uniform(double u, double lo, double hi) { return lo + u * (hi - lo); }

}  // namespace chiso::sensitivity
