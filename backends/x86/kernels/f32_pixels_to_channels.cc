#include "f32_pixels_to_channels.h"

#include <immintrin.h>

#include <algorithm>

#include "cpu_features.h"
#include "f32_activation.h"
#include "f32_activation_avx512.h"
#include "f32_transpose_avx512.h"

namespace zy {
namespace x86 {

namespace {

template <int ACT>
__attribute__((target("avx512f"))) void pixelsToChannelsAvx512(const float* x, int64_t ldx, int64_t P, int64_t m0, int64_t m1,
                                                               const float* bias, const float* residual, const FusedActivation& act,
                                                               float* y) {
  for (int64_t m = m0; m < m1; m += 16) {
    const int64_t channels = std::min<int64_t>(16, m1 - m);
    const __mmask16 cmask = static_cast<__mmask16>((1u << channels) - 1);
    __m512 b[16];
#pragma GCC unroll 16
    for (int c = 0; c < 16; ++c) b[c] = _mm512_set1_ps(bias && c < channels ? bias[m + c] : 0.f);
    for (int64_t p0 = 0; p0 < P; p0 += 16) {
      const int64_t pixels = std::min<int64_t>(16, P - p0);
      const __mmask16 pmask = static_cast<__mmask16>((1u << pixels) - 1);
      __m512 r[16];  // row i: pixel p0 + i's channels, then (transposed) channel m + i's pixels
#pragma GCC unroll 16
      for (int i = 0; i < 16; ++i)
        r[i] = i >= pixels ? _mm512_setzero_ps()
               : channels == 16 ? _mm512_loadu_ps(x + (p0 + i) * ldx + m)
                                : _mm512_maskz_loadu_ps(cmask, x + (p0 + i) * ldx + m);
      transpose16x16(r);
      // Masked loads and stores only at the edges: Zen 4 runs them at half speed or less.
      const bool whole = pixels == 16;
#pragma GCC unroll 16
      for (int c = 0; c < 16; ++c) {
        if (c >= channels) continue;
        __m512 v = _mm512_add_ps(r[c], b[c]);
        const int64_t at = (m + c) * P + p0;
        if (residual) v = _mm512_add_ps(v, whole ? _mm512_loadu_ps(residual + at) : _mm512_maskz_loadu_ps(pmask, residual + at));
        v = activateKind512<ACT>(v, act);
        if (whole) _mm512_storeu_ps(y + at, v);
        else _mm512_mask_storeu_ps(y + at, pmask, v);
      }
    }
  }
}

}  // namespace

void pixelsToChannels(const float* x, int64_t ldx, int64_t P, int64_t m0, int64_t m1, const float* bias, const float* residual,
                      const FusedActivation& act, float* y) {
  if (cpuFeatures().avx512f) {
    withActivationKind(&act, [&](auto kind) {
      pixelsToChannelsAvx512<decltype(kind)::value>(x, ldx, P, m0, m1, bias, residual, act, y);
    });
    return;
  }
  for (int64_t m = m0; m < m1; ++m) {
    float* dst = y + m * P;
    for (int64_t p = 0; p < P; ++p) dst[p] = x[p * ldx + m] + (bias ? bias[m] : 0.f) + (residual ? residual[m * P + p] : 0.f);
    applyActivation(dst, P, act);
  }
}

}  // namespace x86
}  // namespace zy
