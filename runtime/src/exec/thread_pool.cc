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
// A job lives on the caller's stack for one parallelFor. Workers join it
// under the lock (active++) and the caller returns only when every chunk is
// done and no worker is still inside it, so no one touches a stale job.
// num_threads includes the calling thread, which takes chunks too.
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
    const size_t chunks = chunkCount(n, grain, num_threads_);
    if (chunks <= 1) { if (n) fn(0, n); return; }
    Job job{&fn, n, (n + chunks - 1) / chunks, chunks};
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = &job;
      ++generation_;
    }
    cv_.notify_all();
    runJob(job);
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return job.done == job.chunks && job.active == 0; });
    job_ = nullptr;
  }

 private:
  struct Job {
    const std::function<void(size_t, size_t)>* fn;
    size_t n, step, chunks;
    std::atomic<size_t> next{0};
    size_t done = 0;  // guarded by mu_
    int active = 0;   // workers inside runJob; guarded by mu_
  };

  void runJob(Job& j) {
    size_t finished = 0;
    for (;;) {
      const size_t c = j.next.fetch_add(1);
      if (c >= j.chunks) break;
      const size_t b = c * j.step, e = std::min(j.n, b + j.step);
      if (b < e) (*j.fn)(b, e);
      ++finished;
    }
    std::lock_guard<std::mutex> lock(mu_);
    j.done += finished;
  }

  void workerLoop() {
    uint64_t seen = 0;
    for (;;) {
      Job* j;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stop_ || (job_ && generation_ != seen); });
        if (stop_) return;
        seen = generation_;
        j = job_;
        ++j->active;
      }
      runJob(*j);
      {
        std::lock_guard<std::mutex> lock(mu_);
        --j->active;
      }
      done_cv_.notify_all();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  Job* job_ = nullptr;
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
