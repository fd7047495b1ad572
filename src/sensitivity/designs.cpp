#include "chiso/sensitivity/designs.hpp"

#include "chiso/error.hpp"
#include "chiso/random.hpp"

namespace chiso::sensitivity {

namespace {
// Stream ids of the designs, so that a UA and an SA with the same seed do not share numbers
// with each other or with the bootstrap (sobol.cpp, from 0x10000).
constexpr std::uint32_t stream_random_design = 0;
constexpr std::uint32_t stream_saltelli_design = 1;
}  // namespace

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

}  // namespace chiso::sensitivity
