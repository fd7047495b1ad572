// Large fresh buffers in transparent huge pages, where the kernel gives them on request: a
// buffer first touched in 4 KiB pages costs a page fault per 4 KiB (10⁶ units × 9 kept nodes:
// 57,000 faults, a tenth of a second of system time), more than filling it.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace chiso::detail {

// Advice only: nothing changes where the system does not offer huge pages, and a buffer smaller
// than one huge page (2 MiB) is left alone.
inline void ask_for_huge_pages(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t page = 4096, huge_page = std::uintptr_t{1} << 21;
  if (bytes < huge_page) return;
  const auto begin = (reinterpret_cast<std::uintptr_t>(data) + page - 1) & ~(page - 1);
  const auto end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(page - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace chiso::detail
