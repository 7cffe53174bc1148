#include "exec/thread_pool.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "exec/cpu_topology.h"

#ifdef ZY_USE_TBB
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>
#endif

namespace zy {

namespace {

// Chunk c of `chunks` covers [c * n / chunks, (c + 1) * n / chunks): sizes
// differ by one at most (ceil-sized chunks left 13 tasks as 7 chunks, 4 + 3
// on two threads; kernels split their work into few coarse tasks).
size_t chunkBegin(size_t c, size_t n, size_t chunks) { return c * n / chunks; }

size_t chunkCount(size_t n, size_t grain, int threads) {
  grain = std::max<size_t>(grain, 1);
  // Up to 8 per thread, a chunk per unit: the threads claim them as they
  // finish, which evens out coarse tasks (the GEMM's 14 row groups of a 14x14
  // layer: 10% faster on two threads); more units, 4 chunks per thread (24
  // one-block depthwise chunks of 1.7 us each cost 8% more than 8 of three).
  size_t by_grain = (n + grain - 1) / grain;
  if (by_grain <= static_cast<size_t>(threads) * 8) return by_grain;
  return static_cast<size_t>(threads) * 4;
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
    arena_.execute([&] {
      tbb::parallel_for(tbb::blocked_range<size_t>(0, chunks, 1), [&](const tbb::blocked_range<size_t>& r) {
        for (size_t c = r.begin(); c != r.end(); ++c) {
          const size_t b = chunkBegin(c, n, chunks), e = chunkBegin(c + 1, n, chunks);
          if (b < e) fn(b, e);
        }
      });
    });
  }

 private:
  tbb::task_arena arena_;
};
#else
// Workers spin for a short while after each job before they sleep: a network
// runs a parallel loop per op, hundreds per inference, and waking a sleeping
// thread costs tens of microseconds each time. num_threads includes the
// calling thread, which takes chunks too.
//
// Chunks are claimed from one 64-bit ticket, (generation << 32) | next chunk,
// so a worker that wakes late for an old job can never claim a chunk of a
// newer one; the job's fields are atomics for the same reason.
class NativePool : public ThreadPool {
 public:
  NativePool(int n, bool compact) {
    num_threads_ = n;
    for (int i = 1; i < n; ++i) workers_.emplace_back([this] { workerLoop(); });
    if (compact) pinWorkers();
  }
  ~NativePool() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_.store(true);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  void parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) override {
    const size_t chunks = std::min<size_t>(chunkCount(n, grain, num_threads_), 0xFFFF);  // the ticket counts in 16 bits
    if (chunks <= 1) { if (n) fn(0, n); return; }
    fn_.store(&fn, std::memory_order_relaxed);
    n_.store(n, std::memory_order_relaxed);
    chunks_.store(chunks, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    const uint32_t gen = generation_.load(std::memory_order_relaxed) + 1;
    ticket_.store(static_cast<uint64_t>(gen) << 32, std::memory_order_release);
    {
      std::lock_guard<std::mutex> lock(mu_);  // sleepers re-check the generation under this lock
      generation_.store(gen, std::memory_order_release);
    }
    if (sleepers_.load() > 0) cv_.notify_all();
    runChunks(gen, true);
    while (done_.load(std::memory_order_acquire) < chunks) pause();
  }

 private:
  // Worker i on the i-th CPU of the compact order from the caller's CPU (the
  // caller itself is not pinned: its affinity is the application's). Where
  // pinning is refused (a cpuset), the thread stays where the OS put it.
  void pinWorkers() {
#if defined(__linux__)
    const int here = sched_getcpu();
    const std::vector<int> order = compactOrder(readCpuTopology(), here < 0 ? 0 : here);
    for (size_t i = 0; i < workers_.size() && i + 1 < order.size(); ++i) {
      cpu_set_t set;
      CPU_ZERO(&set);
      CPU_SET(order[i + 1], &set);
      pthread_setaffinity_np(workers_[i].native_handle(), sizeof set, &set);
    }
#endif
  }

  static void pause() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
  }

  // The ticket: generation (32 bits), chunks claimed from the front (16),
  // chunks claimed from the back (16). The caller claims from the front,
  // workers from the back: with two threads, consecutive ops split the same
  // way (a GEMM's channel groups, then a depthwise layer's channel blocks)
  // leave each thread on the channels it wrote, in its own core's cache.
  static constexpr uint64_t kFront = uint64_t{1} << 16;

  void runChunks(uint32_t gen, bool front) {
    uint64_t t = ticket_.load(std::memory_order_acquire);
    for (;;) {
      if (static_cast<uint32_t>(t >> 32) != gen) return;
      const size_t from_front = (t >> 16) & 0xFFFF, from_back = t & 0xFFFF, chunks = chunks_.load(std::memory_order_relaxed);
      if (from_front + from_back >= chunks) return;
      if (!ticket_.compare_exchange_weak(t, t + (front ? kFront : 1), std::memory_order_acq_rel)) continue;
      const size_t c = front ? from_front : chunks - 1 - from_back;
      const size_t n = n_.load(std::memory_order_relaxed);
      const size_t b = chunkBegin(c, n, chunks), e = chunkBegin(c + 1, n, chunks);
      if (b < e) (*fn_.load(std::memory_order_relaxed))(b, e);
      done_.fetch_add(1, std::memory_order_release);
      t = ticket_.load(std::memory_order_acquire);
    }
  }

  void workerLoop() {
    uint32_t seen = 0;
    for (;;) {
      const auto spin_until = std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicros);
      uint32_t gen;
      for (int i = 0; (gen = generation_.load(std::memory_order_acquire)) == seen && !stop_.load(); ++i) {
        pause();
        if ((i & 255) == 255 && std::chrono::steady_clock::now() > spin_until) {
          std::unique_lock<std::mutex> lock(mu_);
          ++sleepers_;
          cv_.wait(lock, [&] { return stop_.load() || generation_.load() != seen; });
          --sleepers_;
        }
      }
      if (stop_.load()) return;
      seen = gen;
      runChunks(gen, false);
    }
  }

  static constexpr int kSpinMicros = 200;

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stop_{false};
  std::atomic<int> sleepers_{0};
  std::atomic<uint32_t> generation_{0};
  std::atomic<uint64_t> ticket_{0};
  std::atomic<const std::function<void(size_t, size_t)>*> fn_{nullptr};
  std::atomic<size_t> n_{0}, chunks_{0}, done_{0};
};
#endif

}  // namespace

std::unique_ptr<ThreadPool> ThreadPool::create(int n, bool compact) {
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (n == 1) return std::make_unique<InlinePool>();
#ifdef ZY_USE_TBB
  return std::make_unique<TbbPool>(n);
#else
  return std::make_unique<NativePool>(n, compact);
#endif
}

}  // namespace zy
