#include "f32_gemm_neon.h"

#include "f32_rows_neon.h"

#include <arm_neon.h>

#include <algorithm>
#include <cstring>

namespace zy {
namespace arm {

F32PackedWeights packF32Weights(const float* w, int64_t m, int64_t k) {
  F32PackedWeights p;
  p.m = m;
  p.k = k;
  const int64_t panels = (m + kF32Mr - 1) / kF32Mr;
  p.data.assign(static_cast<size_t>(panels * k * kF32Mr), 0.f);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < k; ++c) p.data[((r / kF32Mr) * k + c) * kF32Mr + r % kF32Mr] = w[r * k + c];
  return p;
}

void packF32Panel(const float* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, float* out) {
  for (int64_t r = 0; r < k; ++r) {
    float* o = out + r * kF32Nr;
    std::memcpy(o, x + r * ld + n0, static_cast<size_t>(nr) * sizeof(float));
    std::fill(o + nr, o + kF32Nr, 0.f);
  }
}

namespace {

// One 8x8 tile over all of K into out[8][8]. A function of its own: with the
// epilogue's calls in the same function, GCC 12 keeps an accumulator on the
// stack inside the loop (llvm-mca showed the spill); named accumulators, not
// an array, for the same reason.
// With `accumulate`, the tile starts from out instead of zero (later K passes).
__attribute__((noinline)) void tile8x8(const float* a, const float* b, int64_t k, float* out, bool accumulate) {
  float32x4_t c00 = vdupq_n_f32(0.f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  float32x4_t c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
  if (accumulate) {
    c00 = vld1q_f32(out), c01 = vld1q_f32(out + 4), c10 = vld1q_f32(out + 8), c11 = vld1q_f32(out + 12);
    c20 = vld1q_f32(out + 16), c21 = vld1q_f32(out + 20), c30 = vld1q_f32(out + 24), c31 = vld1q_f32(out + 28);
    c40 = vld1q_f32(out + 32), c41 = vld1q_f32(out + 36), c50 = vld1q_f32(out + 40), c51 = vld1q_f32(out + 44);
    c60 = vld1q_f32(out + 48), c61 = vld1q_f32(out + 52), c70 = vld1q_f32(out + 56), c71 = vld1q_f32(out + 60);
  }
  for (int64_t q = 0; q < k; ++q, a += kF32Mr, b += kF32Nr) {
    const float32x4_t a0 = vld1q_f32(a), a1 = vld1q_f32(a + 4), b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4);
    c00 = vfmaq_laneq_f32(c00, b0, a0, 0);
    c01 = vfmaq_laneq_f32(c01, b1, a0, 0);
    c10 = vfmaq_laneq_f32(c10, b0, a0, 1);
    c11 = vfmaq_laneq_f32(c11, b1, a0, 1);
    c20 = vfmaq_laneq_f32(c20, b0, a0, 2);
    c21 = vfmaq_laneq_f32(c21, b1, a0, 2);
    c30 = vfmaq_laneq_f32(c30, b0, a0, 3);
    c31 = vfmaq_laneq_f32(c31, b1, a0, 3);
    c40 = vfmaq_laneq_f32(c40, b0, a1, 0);
    c41 = vfmaq_laneq_f32(c41, b1, a1, 0);
    c50 = vfmaq_laneq_f32(c50, b0, a1, 1);
    c51 = vfmaq_laneq_f32(c51, b1, a1, 1);
    c60 = vfmaq_laneq_f32(c60, b0, a1, 2);
    c61 = vfmaq_laneq_f32(c61, b1, a1, 2);
    c70 = vfmaq_laneq_f32(c70, b0, a1, 3);
    c71 = vfmaq_laneq_f32(c71, b1, a1, 3);
  }
  const float32x4_t c[16] = {c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71};
  for (int i = 0; i < 16; ++i) vst1q_f32(out + 4 * i, c[i]);
}

}  // namespace

F32GemmBlocking F32GemmBlocking::forCaches(const CacheSizes& caches) {
  F32GemmBlocking b;
  const int64_t micro_panel_row = kF32Nr * static_cast<int64_t>(sizeof(float));
  b.kc = std::max<int64_t>(64, caches.l1d / 2 / micro_panel_row / 8 * 8);
  b.mc = std::max<int64_t>(kF32Mr, caches.l2 / 2 / (b.kc * static_cast<int64_t>(sizeof(float))) / kF32Mr * kF32Mr);
  b.group = std::max<int64_t>(1, caches.l2 / 4 / (b.kc * micro_panel_row));
  return b;
}

void f32GemmPanels(const F32PackedWeights& w, const float* panels, int64_t count, int64_t last_nr, const float* bias,
                   const FusedActivation& act, float* c, int64_t ldc, const F32GemmBlocking& blocking) {
  const int64_t K = w.k, tiles = (w.m + kF32Mr - 1) / kF32Mr, tile = kF32Mr * kF32Nr;
  thread_local std::vector<float> acc;  // [panel][tile][8x8]
  acc.resize(static_cast<size_t>(count * tiles * tile));
  if (K == 0) std::fill(acc.begin(), acc.end(), 0.f);
  const int64_t kc = std::max<int64_t>(1, blocking.kc), mc_tiles = std::max<int64_t>(1, blocking.mc / kF32Mr);
  for (int64_t k0 = 0; k0 < K; k0 += kc) {
    const int64_t kn = std::min(kc, K - k0);
    for (int64_t t0 = 0; t0 < tiles; t0 += mc_tiles)
      for (int64_t p = 0; p < count; ++p) {
        const float* b = panels + (p * K + k0) * kF32Nr;
        for (int64_t t = t0; t < std::min(tiles, t0 + mc_tiles); ++t)
          tile8x8(w.data.data() + (t * K + k0) * kF32Mr, b, kn, acc.data() + (p * tiles + t) * tile, k0 > 0);
      }
  }
  for (int64_t p = 0; p < count; ++p) {
    const int64_t nr = p + 1 == count ? last_nr : kF32Nr;
    for (int64_t m = 0; m < w.m; ++m) {
      const float* out = acc.data() + (p * tiles + m / kF32Mr) * tile + (m % kF32Mr) * kF32Nr;
      const float bm = bias ? bias[m] : 0.f;
      float* row = c + m * ldc + p * kF32Nr;
      for (int64_t n = 0; n < nr; ++n) row[n] = out[n] + bm;
      applyActivation(row, nr, act);
    }
  }
}

void f32GemmColumns(const F32PackedWeights& w, const float* x, int64_t ld, int64_t n0, int64_t n, const float* bias,
                    const FusedActivation& act, float* c, int64_t ldc, const F32GemmBlocking& blocking) {
  if (n <= 0) return;
  const int64_t count = (n + kF32Nr - 1) / kF32Nr;
  thread_local std::vector<float> packed;
  packed.resize(static_cast<size_t>(count * w.k * kF32Nr));
  for (int64_t p = 0; p < count; ++p)
    packF32Panel(x, ld, w.k, n0 + p * kF32Nr, std::min<int64_t>(kF32Nr, n - p * kF32Nr), packed.data() + p * w.k * kF32Nr);
  f32GemmPanels(w, packed.data(), count, n - (count - 1) * kF32Nr, bias, act, c + n0, ldc, blocking);
}

}  // namespace arm
}  // namespace zy
