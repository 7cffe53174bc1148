// The thread pool covers every index exactly once, with any thread count.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "exec/thread_pool.h"

namespace zy {
namespace {

TEST(ThreadPool, CoversEveryIndexOnce) {
  // Compact placement pins the workers (or leaves them where a cpuset keeps them): the same coverage.
  for (int threads : {1, 2, 3, -2, -3}) {
    const bool compact = threads < 0;
    threads = compact ? -threads : threads;
    auto pool = ThreadPool::create(threads, compact);
    EXPECT_EQ(pool->numThreads(), threads);
    for (size_t n : {0u, 1u, 7u, 1000u}) {
      std::vector<std::atomic<int>> hits(n);
      for (int rep = 0; rep < 3; ++rep)
        pool->parallelFor(n, 1, [&](size_t b, size_t e) {
          for (size_t i = b; i < e; ++i) hits[i]++;
        });
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(hits[i].load(), 3) << "threads " << threads << " n " << n;
    }
  }
}

// Chunks differ in size by one unit at most (13 tasks on two threads must
// not become seven chunks of two and one), and up to 8 units per thread each
// unit is its own chunk, so the threads can claim coarse tasks one by one.
TEST(ThreadPool, ChunksAreEvenAndFineForFewUnits) {
  auto pool = ThreadPool::create(2);
  for (size_t n : {2u, 13u, 14u, 16u, 17u, 24u, 100u, 1001u}) {
    std::mutex mu;
    std::vector<size_t> sizes;
    pool->parallelFor(n, 1, [&](size_t b, size_t e) {
      std::lock_guard<std::mutex> lock(mu);
      sizes.push_back(e - b);
    });
    ASSERT_FALSE(sizes.empty());
    const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
    EXPECT_LE(*hi - *lo, 1u) << "n " << n;
    if (n <= 16) EXPECT_EQ(*hi, 1u) << "n " << n;
    else EXPECT_EQ(sizes.size(), 8u) << "n " << n;  // 4 chunks per thread
  }
}

// With two threads the caller claims chunks from the front and the worker
// from the back, so consecutive ops split the same way keep each thread on
// the same part of the data: the caller's chunks are always a prefix.
TEST(ThreadPool, CallerTakesAPrefixWorkerASuffix) {
  auto pool = ThreadPool::create(2);
  const std::thread::id caller = std::this_thread::get_id();
  for (int rep = 0; rep < 50; ++rep) {
    std::vector<int> by_caller(16, -1);
    pool->parallelFor(16, 1, [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) by_caller[i] = std::this_thread::get_id() == caller;
      // Slow enough chunks that both threads take some (the worker wakes in microseconds).
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
      while (std::chrono::steady_clock::now() < until) {
      }
    });
    const auto first_worker = std::find(by_caller.begin(), by_caller.end(), 0);
    EXPECT_TRUE(std::all_of(by_caller.begin(), first_worker, [](int v) { return v == 1; }));
    EXPECT_TRUE(std::all_of(first_worker, by_caller.end(), [](int v) { return v == 0; })) << "rep " << rep;
  }
}

}  // namespace
}  // namespace zy
