// Intra-op parallelism. oneTBB by default; ZY_THREADING=native builds a small
// std::thread pool for devices without TBB. One thread = the caller only.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>

namespace zy {

class ThreadPool {
 public:
  virtual ~ThreadPool() = default;
  // num_threads <= 0 means every hardware thread. compact: pin the workers
  // (native pool) in exec/cpu_topology.h's compact order from the caller's CPU.
  static std::unique_ptr<ThreadPool> create(int num_threads, bool compact = false);
  int numThreads() const { return num_threads_; }
  // Calls fn(begin, end) over [0, n) in chunks of at least `grain`, and
  // returns when all have run. Runs inline with one thread or one chunk.
  virtual void parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) = 0;

 protected:
  int num_threads_ = 1;
};

}  // namespace zy
