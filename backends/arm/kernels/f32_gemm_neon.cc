#include "f32_gemm_neon.h"

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

void f32GemmPanel(const F32PackedWeights& w, const float* panel, int64_t nr, const float* bias, const FusedActivation& act,
                  float* c, int64_t ldc) {
  for (int64_t m0 = 0; m0 < w.m; m0 += kF32Mr) {
    const float* a = w.data.data() + m0 * w.k;
    float32x4_t acc[kF32Mr][3];
    for (int i = 0; i < kF32Mr; ++i)
      for (int j = 0; j < 3; ++j) acc[i][j] = vdupq_n_f32(0.f);
    for (int64_t q = 0; q < w.k; ++q) {
      const float32x4_t a0 = vld1q_f32(a + q * kF32Mr), a1 = vld1q_f32(a + q * kF32Mr + 4);
      const float32x4_t b0 = vld1q_f32(panel + q * kF32Nr), b1 = vld1q_f32(panel + q * kF32Nr + 4),
                        b2 = vld1q_f32(panel + q * kF32Nr + 8);
#define ZY_ROW(i, av, lane)                                  \
  acc[i][0] = vfmaq_laneq_f32(acc[i][0], b0, av, lane);      \
  acc[i][1] = vfmaq_laneq_f32(acc[i][1], b1, av, lane);      \
  acc[i][2] = vfmaq_laneq_f32(acc[i][2], b2, av, lane);
      ZY_ROW(0, a0, 0) ZY_ROW(1, a0, 1) ZY_ROW(2, a0, 2) ZY_ROW(3, a0, 3)
      ZY_ROW(4, a1, 0) ZY_ROW(5, a1, 1) ZY_ROW(6, a1, 2) ZY_ROW(7, a1, 3)
#undef ZY_ROW
    }
    const int64_t rows = std::min<int64_t>(kF32Mr, w.m - m0);
    for (int i = 0; i < kF32Mr; ++i) {
      if (i >= rows) break;
      float out[kF32Nr];
      for (int j = 0; j < 3; ++j) vst1q_f32(out + 4 * j, acc[i][j]);
      const float b = bias ? bias[m0 + i] : 0.f;
      float* row = c + (m0 + i) * ldc;
      for (int64_t n = 0; n < nr; ++n) row[n] = act.apply(out[n] + b);
    }
  }
}

}  // namespace arm
}  // namespace zy
