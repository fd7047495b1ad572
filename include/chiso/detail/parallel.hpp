// The one thread pool of chiso: work items [0, n) cut into contiguous blocks, one per thread.
//
// Guarantee: results do not depend on the thread count. parallel_blocks only decides which thread
// runs which items; callers make each item's work depend on the item alone (its index, the seed)
// and write it to a place owned by that item, so that the output is bitwise identical for any
// number of threads. When items fail, the exception of the lowest block is the one rethrown —
// the first failure in item order, whatever the number of threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace chiso::detail {

// The number of threads to use: `threads`, or the machine's cores when threads ≤ 0, and never
// more than there are work items (at least 1).
inline int resolve_threads(int threads, std::size_t work_items) {
  // Asked once: glibc reads /sys on every call.
  static const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (threads <= 0) threads = cores;
  if (static_cast<std::size_t>(threads) > work_items) threads = static_cast<int>(std::max<std::size_t>(work_items, 1));
  return threads;
}

// Runs body(begin, end, t) on `resolve_threads(threads, n)` threads, thread t on items
// [n t / T, n (t + 1) / T); the calling thread runs block 0. Returns once every thread has joined.
template <class Body>
void parallel_blocks(std::size_t n, int threads, Body&& body) {
  const int thread_count = resolve_threads(threads, n);
  if (thread_count <= 1) {
    body(std::size_t{0}, n, 0);
    return;
  }
  const auto blocks = static_cast<std::size_t>(thread_count);
  std::vector<std::exception_ptr> errors(blocks);
  std::vector<std::thread> pool;
  pool.reserve(blocks - 1);
  auto run = [&](int t) {
    const auto block = static_cast<std::size_t>(t);
    try {
      body(n * block / blocks, n * (block + 1) / blocks, t);
    } catch (...) {
      errors[block] = std::current_exception();
    }
  };
  for (int t = 1; t < thread_count; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& worker : pool) worker.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace chiso::detail
