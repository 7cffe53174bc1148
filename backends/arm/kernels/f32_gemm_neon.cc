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
__attribute__((noinline)) void tile8x8(const float* a, const float* b, int64_t k, float* out) {
  float32x4_t c00 = vdupq_n_f32(0.f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  float32x4_t c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
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

void f32GemmPanel(const F32PackedWeights& w, const float* panel, int64_t nr, const float* bias, const FusedActivation& act,
                  float* c, int64_t ldc) {
  float out[kF32Mr * kF32Nr];
  for (int64_t m0 = 0; m0 < w.m; m0 += kF32Mr) {
    tile8x8(w.data.data() + m0 * w.k, panel, w.k, out);
    const int64_t rows = std::min<int64_t>(kF32Mr, w.m - m0);
    for (int64_t i = 0; i < rows; ++i) {
      const float b = bias ? bias[m0 + i] : 0.f;
      float* row = c + (m0 + i) * ldc;
      for (int64_t n = 0; n < nr; ++n) row[n] = out[i * kF32Nr + n] + b;
      applyActivation(row, nr, act);
    }
  }
}

}  // namespace arm
}  // namespace zy
