// Counter-based random numbers for reproducible Monte Carlo.
//
// Every random number chiso's uncertainty and sensitivity analysis draws is a pure function of
// (seed, replication, stream, position): the Philox4x32-10 bijection of Salmon, Moraes, Dror and
// Shaw ("Parallel random numbers: as easy as 1, 2, 3", SC 2011) applied to a counter built from
// those coordinates, keyed by the seed. Nothing is carried from one replication to the next, so
// a replication computes the same numbers on any thread, in any order, with any thread count.
// std::*_distribution is deliberately not used: its algorithms differ between standard libraries.
#pragma once

#include <array>
#include <cstdint>

namespace chiso::random {

using philox_block = std::array<std::uint32_t, 4>;
using philox_key = std::array<std::uint32_t, 2>;

// Philox4x32-10 (Random123 reference; checked against its known-answer vectors in the tests).
inline philox_block philox4x32_10(philox_block ctr, philox_key key) noexcept {
  constexpr std::uint32_t m0 = 0xD2511F53u, m1 = 0xCD9E8D57u;
  constexpr std::uint32_t w0 = 0x9E3779B9u, w1 = 0xBB67AE85u;  // Weyl key increments
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      key[0] += w0;
      key[1] += w1;
    }
    const std::uint64_t p0 = static_cast<std::uint64_t>(m0) * ctr[0];
    const std::uint64_t p1 = static_cast<std::uint64_t>(m1) * ctr[2];
    const auto hi0 = static_cast<std::uint32_t>(p0 >> 32), lo0 = static_cast<std::uint32_t>(p0);
    const auto hi1 = static_cast<std::uint32_t>(p1 >> 32), lo1 = static_cast<std::uint32_t>(p1);
    ctr = {hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0};
  }
  return ctr;
}

// splitmix64 finaliser: a bijective 64-bit mix, used to turn a 64-bit value (for instance the
// bits of a sampled coordinate) into a well-spread key.
constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Exact uniform double in [0, 1) from the top 53 bits of a 64-bit word: every value is a multiple
// of 2^-53, each equally likely.
constexpr double to_unit_double(std::uint64_t bits) noexcept {
  return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

// One independent sequence, identified by (seed, replication, stream). The key is the seed; the
// 128-bit counter is (position, stream, replication low, replication high), so sequences never
// overlap: each has 2^32 blocks of four 32-bit words (2^33 doubles).
class stream {
 public:
  stream(std::uint64_t seed, std::uint64_t replication, std::uint32_t stream_id = 0) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        ctr_{0u, stream_id, static_cast<std::uint32_t>(replication),
             static_cast<std::uint32_t>(replication >> 32)} {}

  std::uint32_t next_u32() noexcept {
    if (used_ == 4) refill();
    return block_[used_++];
  }
  std::uint64_t next_u64() noexcept {
    const std::uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
  }
  // Uniform in [0, 1), 53 random bits.
  double uniform() noexcept { return to_unit_double(next_u64()); }
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }
  // Uniform integer in [0, n), n ≥ 1, without bias (Lemire's multiply-and-reject, 2019).
  std::uint32_t below(std::uint32_t n) noexcept {
    std::uint64_t m = static_cast<std::uint64_t>(next_u32()) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
      while (low < threshold) {
        m = static_cast<std::uint64_t>(next_u32()) * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

 private:
  void refill() noexcept {
    block_ = philox4x32_10(ctr_, key_);
    ++ctr_[0];
    used_ = 0;
  }
  philox_key key_;
  philox_block ctr_;
  philox_block block_{};
  int used_ = 4;
};

// The d-th uniform of replication `replication` in stream `stream_id`, computed directly (random
// access, no state): the same number stream(seed, replication, stream_id) yields at position d.
inline double uniform_at(std::uint64_t seed, std::uint64_t replication, std::uint32_t stream_id,
                         std::uint32_t d) noexcept {
  const philox_block out =
      philox4x32_10({d / 2, stream_id, static_cast<std::uint32_t>(replication),
                     static_cast<std::uint32_t>(replication >> 32)},
                    {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
  const std::uint64_t bits = (d % 2 == 0)
                                 ? (static_cast<std::uint64_t>(out[0]) << 32) | out[1]
                                 : (static_cast<std::uint64_t>(out[2]) << 32) | out[3];
  return to_unit_double(bits);
}

}  // namespace chiso::random
