#include "chiso/sensitivity/designs.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define CHISO_UNIFORMS_AVX2 1
#endif

#include "chiso/detail/instruction_set.hpp"
#include "chiso/error.hpp"
#include "chiso/random.hpp"

namespace chiso::sensitivity {

namespace {
// Stream ids of the designs, so that a UA and an SA with the same seed do not share numbers
// with each other or with the bootstrap (sobol.cpp, from 0x10000).
constexpr std::uint32_t stream_random_design = 0;
constexpr std::uint32_t stream_saltelli_design = 1;
void first_uniforms_by_stream(std::uint64_t seed, std::uint64_t replication, std::uint32_t stream_id,
                              std::size_t count, double* out) {
  random::stream s(seed, replication, stream_id);
  for (std::size_t k = 0; k < count; ++k) out[k] = s.uniform();
}

#if defined(CHISO_UNIFORMS_AVX2)
// random::philox4x32_10 on blocks first_block … first_block + 7 of the stream, one block per
// 64-bit lane, each 32-bit word of the block in the low half of its lane (vpmuludq multiplies
// those halves into 64 bits). Two groups of four blocks go through the rounds together: each
// round's products wait for the last round's, and one group alone leaves the multipliers idle
// most of that time (ASEM's ten noisy weights take five blocks: one pass of both groups instead
// of two passes of one).
__attribute__((target("avx2"))) void first_uniforms_avx2(std::uint64_t seed, std::uint64_t replication,
                                                         std::uint32_t stream_id, std::size_t count, double* out) {
  constexpr std::size_t groups = 2, lanes = 4;
  const __m256i m0 = _mm256_set1_epi64x(0xD2511F53u), m1 = _mm256_set1_epi64x(0xCD9E8D57u);
  const __m256i low_half = _mm256_set1_epi64x(0xFFFFFFFFu);
  for (std::size_t first_block = 0; 2 * first_block < count; first_block += groups * lanes) {
    __m256i word0[groups], word1[groups], word2[groups], word3[groups];
    for (std::size_t g = 0; g < groups; ++g) {
      word0[g] = _mm256_add_epi64(_mm256_set_epi64x(3, 2, 1, 0),
                                  _mm256_set1_epi64x(static_cast<long long>(first_block + g * lanes)));
      word1[g] = _mm256_set1_epi64x(stream_id);
      word2[g] = _mm256_set1_epi64x(static_cast<std::uint32_t>(replication));
      word3[g] = _mm256_set1_epi64x(static_cast<std::uint32_t>(replication >> 32));
    }
    auto key0 = static_cast<std::uint32_t>(seed), key1 = static_cast<std::uint32_t>(seed >> 32);
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        key0 += 0x9E3779B9u;
        key1 += 0xBB67AE85u;
      }
      for (std::size_t g = 0; g < groups; ++g) {
        const __m256i p0 = _mm256_mul_epu32(word0[g], m0), p1 = _mm256_mul_epu32(word2[g], m1);
        word0[g] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), word1[g]), _mm256_set1_epi64x(key0));
        word1[g] = _mm256_and_si256(p1, low_half);
        word2[g] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), word3[g]), _mm256_set1_epi64x(key1));
        word3[g] = _mm256_and_si256(p0, low_half);
      }
    }
    // Block b gives uniforms 2b (words 0 and 1) and 2b + 1 (words 2 and 3), high word first.
    alignas(32) std::uint64_t first[groups * lanes], second[groups * lanes];
    for (std::size_t g = 0; g < groups; ++g) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(first + g * lanes),
                         _mm256_or_si256(_mm256_slli_epi64(word0[g], 32), word1[g]));
      _mm256_store_si256(reinterpret_cast<__m256i*>(second + g * lanes),
                         _mm256_or_si256(_mm256_slli_epi64(word2[g], 32), word3[g]));
    }
    for (std::size_t block = 0; block < groups * lanes; ++block) {
      const std::size_t k = 2 * (first_block + block);
      if (k < count) out[k] = random::to_unit_double(first[block]);
      if (k + 1 < count) out[k + 1] = random::to_unit_double(second[block]);
    }
  }
}
#endif
}  // namespace

uniforms_kernel first_uniforms_in_use() {
#if defined(CHISO_UNIFORMS_AVX2)
  if (detail::avx2_kernels()) return first_uniforms_avx2;
#endif
  return first_uniforms_by_stream;
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

}  // namespace chiso::sensitivity
