// The thread pool covers every index exactly once, with any thread count.
#include <atomic>
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

}  // namespace
}  // namespace zy
