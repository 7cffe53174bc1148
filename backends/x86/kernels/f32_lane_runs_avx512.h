// Vectors of 16 floats from runs of consecutive floats, loaded with one
// masked load per run (masked lanes never fault), a plain one where a run
// covers all 16 lanes (masked loads are slow on Zen 4):
//  - loadClipped: one run, x[lo, lo + 16) inside [0, n), zeros outside it
//    (the edges of a plane or a row, in the direct convolution kernels);
//  - LaneRuns / loadRuns: up to kMaxRuns runs. The packers of the
//    convolution GEMM use it: panels of output pixels that span several
//    output rows.
#pragma once
#include <immintrin.h>

#include <cstdint>

#include "lane_mask.h"

namespace zy {
namespace x86 {

__attribute__((target("avx512f"), always_inline)) inline __m512 loadClipped(const float* x, int64_t lo, int64_t n) {
  if (lo >= 0 && lo + 16 <= n) return _mm512_loadu_ps(x + lo);
  const __mmask16 m = laneRange16(-lo, n - lo);
  return m ? _mm512_maskz_loadu_ps(m, x + lo) : _mm512_setzero_ps();
}

struct LaneRuns {
  static constexpr int kMaxRuns = 4;
  int count = 0;
  int64_t start[kMaxRuns];  // source offset of lane 0 for this run (the run's first element, less its first lane)
  __mmask16 lanes[kMaxRuns];

  // Lanes [first, first + n) read source offsets [from, from + n); false when full.
  bool add(int first, int n, int64_t from) {
    if (count == kMaxRuns) return false;
    start[count] = from - first;
    lanes[count] = static_cast<__mmask16>(((1u << (first + n)) - 1u) & ~((1u << first) - 1u));
    ++count;
    return true;
  }
};

// The vector the runs describe, read from src; lanes no run covers are zero.
__attribute__((target("avx512f"), always_inline)) inline __m512 loadRuns(const float* src, const LaneRuns& r) {
  if (r.count == 1 && r.lanes[0] == 0xFFFF) return _mm512_loadu_ps(src + r.start[0]);  // masked loads are slow on Zen 4
  __m512 v = _mm512_maskz_loadu_ps(r.lanes[0], src + r.start[0]);
  for (int q = 1; q < r.count; ++q) v = _mm512_mask_loadu_ps(v, r.lanes[q], src + r.start[q]);
  return v;
}

}  // namespace x86
}  // namespace zy
