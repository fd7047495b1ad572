// Shared by the libFuzzer targets: chiso errors are the expected answer to bad input; any other
// exception crossing chiso's API is a finding, reported with its type and message.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <typeinfo>

#include <chiso/error.hpp>

namespace chiso_fuzz {

// Calls `step`; returns false when it threw a chiso::error. Aborts (a libFuzzer finding) on any
// other exception.
template <class Step>
bool accepts(const char* what, Step&& step) {
  try {
    step();
    return true;
  } catch (const chiso::error&) {
    return false;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: non-chiso exception %s: %s\n", what, typeid(e).name(), e.what());
    std::abort();
  }
}

// Aborts with a message when an invariant the fuzzer checks does not hold.
inline void require(bool condition, const char* what, const std::string& detail = {}) {
  if (condition) return;
  std::fprintf(stderr, "invariant broken: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// Reads typed values from the fuzzer's bytes; past the end every read gives 0.
class byte_reader {
 public:
  byte_reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::size_t remaining() const { return size_ - pos_; }
  std::uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  // An integer in [lo, hi].
  int in_range(int lo, int hi) { return lo + static_cast<int>(byte() % static_cast<unsigned>(hi - lo + 1)); }
  // A double drawn mostly from small "interesting" values, sometimes raw bits (NaN, inf, denormals).
  double number() {
    static const double specials[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.0, 100.0, -100.0, 1e-300, 1e300,
                                      1e308, -1e308, 4.9e-324, 0.005, 99.995};
    const std::uint8_t kind = byte();
    if (kind < 96) return static_cast<double>(static_cast<std::int8_t>(byte())) / 4.0;
    if (kind < 160) return specials[byte() % (sizeof specials / sizeof specials[0])];
    if (kind < 200) return static_cast<double>(byte()) + static_cast<double>(byte()) / 256.0;
    std::uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits = (bits << 8) | byte();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_, pos_ = 0;
};

}  // namespace chiso_fuzz
