#include "exec/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#ifdef ZY_USE_TBB
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#endif

namespace zy {

namespace {

size_t chunkCount(size_t n, size_t grain, int threads) {
  grain = std::max<size_t>(grain, 1);
  size_t by_grain = (n + grain - 1) / grain;
  return std::min<size_t>(by_grain, static_cast<size_t>(threads) * 4);
}

class InlinePool : public ThreadPool {
 public:
  InlinePool() { num_threads_ = 1; }
  void parallelFor(size_t n, size_t, const std::function<void(size_t, size_t)>& fn) override {
    if (n) fn(0, n);
  }
};

#ifdef ZY_USE_TBB
class TbbPool : public ThreadPool {
 public:
  explicit TbbPool(int n) : arena_(n) { num_threads_ = n; }
  void parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) override {
    size_t chunks = chunkCount(n, grain, num_threads_);
    if (chunks <= 1) { if (n) fn(0, n); return; }
    size_t step = (n + chunks - 1) / chunks;
    arena_.execute([&] {
      tbb::parallel_for(tbb::blocked_range<size_t>(0, chunks, 1), [&](const tbb::blocked_range<size_t>& r) {
        for (size_t c = r.begin(); c != r.end(); ++c) {
          size_t b = c * step, e = std::min(n, b + step);
          if (b < e) fn(b, e);
        }
      });
    });
  }

 private:
  tbb::task_arena arena_;
};
#else
// Workers wait on a generation counter; the caller also takes chunks, so
// num_threads includes the calling thread.
class NativePool : public ThreadPool {
 public:
  explicit NativePool(int n) {
    num_threads_ = n;
    for (int i = 1; i < n; ++i) workers_.emplace_back([this] { workerLoop(); });
  }
  ~NativePool() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  void parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) override {
    size_t chunks = chunkCount(n, grain, num_threads_);
    if (chunks <= 1) { if (n) fn(0, n); return; }
    {
      std::lock_guard<std::mutex> lock(mu_);
      fn_ = &fn;
      n_ = n;
      step_ = (n + chunks - 1) / chunks;
      chunks_ = chunks;
      next_.store(0);
      pending_ = chunks;
      ++generation_;
    }
    cv_.notify_all();
    runChunks();
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return pending_ == 0; });
    fn_ = nullptr;
  }

 private:
  void runChunks() {
    size_t finished = 0;
    for (;;) {
      size_t c = next_.fetch_add(1);
      if (c >= chunks_) break;
      size_t b = c * step_, e = std::min(n_, b + step_);
      if (b < e) (*fn_)(b, e);
      ++finished;
    }
    if (finished) {
      std::lock_guard<std::mutex> lock(mu_);
      pending_ -= finished;
      if (pending_ == 0) done_cv_.notify_all();
    }
  }
  void workerLoop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        if (!fn_) continue;
      }
      runChunks();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(size_t, size_t)>* fn_ = nullptr;
  size_t n_ = 0, step_ = 1, chunks_ = 0, pending_ = 0;
  std::atomic<size_t> next_{0};
  uint64_t generation_ = 0;
  bool stop_ = false;
};
#endif

}  // namespace

std::unique_ptr<ThreadPool> ThreadPool::create(int n) {
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (n == 1) return std::make_unique<InlinePool>();
#ifdef ZY_USE_TBB
  return std::make_unique<TbbPool>(n);
#else
  return std::make_unique<NativePool>(n);
#endif
}

}  // namespace zy
