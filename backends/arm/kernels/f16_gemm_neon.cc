#include "f16_gemm_neon.h"

#include "f32_rows_neon.h"

#include <arm_neon.h>

#include <algorithm>
#include <cstring>

namespace zy {
namespace arm {

namespace {

uint16_t toHalfBits(float x) {
  const __fp16 h = static_cast<__fp16>(x);  // round to nearest even
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}

// One 8x16 tile over all of K into out[8][16] (f32); a function of its own,
// as the f32 tile (register allocation inside the loop).
__attribute__((target("arch=armv8.2-a+fp16"), noinline)) void tile8x16(const uint16_t* a, const uint16_t* b, int64_t k, float* out) {
  const __fp16* ah = reinterpret_cast<const __fp16*>(a);
  const __fp16* bh = reinterpret_cast<const __fp16*>(b);
  float16x8_t c[kF16Mr][2];
#pragma GCC unroll 8
  for (int i = 0; i < kF16Mr; ++i) c[i][0] = c[i][1] = vdupq_n_f16(0);
  for (int64_t q = 0; q < k; ++q, ah += kF16Mr, bh += kF16Nr) {
    // Each weight broadcast by ld1r (a load), not by lane: FMLA by element on
    // .h lanes needs its operand in v0-v15, and GCC then spends a dup per row.
    const float16x8_t b0 = vld1q_f16(bh), b1 = vld1q_f16(bh + 8);
#pragma GCC unroll 8
    for (int i = 0; i < kF16Mr; ++i) {
      const float16x8_t ai = vld1q_dup_f16(ah + i);
      c[i][0] = vfmaq_f16(c[i][0], b0, ai);
      c[i][1] = vfmaq_f16(c[i][1], b1, ai);
    }
  }
#pragma GCC unroll 8
  for (int i = 0; i < kF16Mr; ++i)
#pragma GCC unroll 2
    for (int j = 0; j < 2; ++j) {
      vst1q_f32(out + i * kF16Nr + 8 * j, vcvt_f32_f16(vget_low_f16(c[i][j])));
      vst1q_f32(out + i * kF16Nr + 8 * j + 4, vcvt_f32_f16(vget_high_f16(c[i][j])));
    }
}

}  // namespace

F16PackedWeights packF16Weights(const float* w, int64_t m, int64_t k) {
  F16PackedWeights p;
  p.m = m;
  p.k = k;
  const int64_t panels = (m + kF16Mr - 1) / kF16Mr;
  p.data.assign(static_cast<size_t>(panels * k * kF16Mr), 0);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < k; ++c) p.data[((r / kF16Mr) * k + c) * kF16Mr + r % kF16Mr] = toHalfBits(w[r * k + c]);
  return p;
}

void packF16Panel(const float* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, uint16_t* out) {
  for (int64_t r = 0; r < k; ++r)
    for (int64_t n = 0; n < kF16Nr; ++n) out[r * kF16Nr + n] = n < nr ? toHalfBits(x[r * ld + n0 + n]) : 0;
}

void f16GemmPanel(const F16PackedWeights& w, const uint16_t* panel, int64_t nr, const float* bias, const FusedActivation& act,
                  float* c, int64_t ldc) {
  float out[kF16Mr * kF16Nr];
  for (int64_t m0 = 0; m0 < w.m; m0 += kF16Mr) {
    tile8x16(w.data.data() + m0 * w.k, panel, w.k, out);
    for (int64_t i = 0; i < std::min<int64_t>(kF16Mr, w.m - m0); ++i) {
      const float b = bias ? bias[m0 + i] : 0.f;
      float* row = c + (m0 + i) * ldc;
      for (int64_t n = 0; n < nr; ++n) row[n] = out[i * kF16Nr + n] + b;
      applyActivation(row, nr, act);
    }
  }
}

}  // namespace arm
}  // namespace zy
