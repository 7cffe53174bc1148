#include "f32_conv3x3s2_chw.h"

#include <immintrin.h>

#include <algorithm>

#include "cpu_features.h"
#include "f32_activation_avx512.h"
#include "f32_lane_runs_avx512.h"
#include "lane_mask.h"

namespace zy {
namespace x86 {

namespace {

// MB output channels of 16 output pixels from ow0 on, in output rows
// [oh0, oh1). Lanes past OW are computed from zeros and not stored.
template <int MB, int ACT>
__attribute__((target("avx512f"))) void rows(const float* x, int64_t C, int64_t H, int64_t W, const WindowGeometry& g,
                                             const float* wb, const float* bias, int64_t mcount, int64_t oh0, int64_t oh1,
                                             const FusedActivation& act, float* y) {
  const int64_t OH = g.out[0], OW = g.out[1], pt = g.pad_begin[0], pl = g.pad_begin[1];
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  for (int64_t oh = oh0; oh < oh1; ++oh) {
    const int64_t ih0 = oh * 2 - pt;
    const int i_lo = static_cast<int>(std::max<int64_t>(0, -ih0)), i_hi = static_cast<int>(std::min<int64_t>(3, H - ih0));
    for (int64_t ow0 = 0; ow0 < OW; ow0 += 16) {
      const int64_t s = ow0 * 2 - pl;  // the input column under lane 0's first tap
      const bool e_inside = s + 32 >= 0 && s + 32 < W;
      __m512 acc[MB];
#pragma GCC unroll 16
      for (int m = 0; m < MB; ++m) acc[m] = _mm512_set1_ps(bias[m]);
      for (int64_t c = 0; c < C; ++c) {
        for (int i = i_lo; i < i_hi; ++i) {
          const float* row = x + (c * H + ih0 + i) * W;
          const __m512 lo = loadClipped(row, s, W), hi = loadClipped(row, s + 16, W);
          const __m512 e = e_inside ? _mm512_set1_ps(row[s + 32]) : _mm512_setzero_ps();
          // Lane l's taps are the columns s + 2l, s + 2l + 1 and s + 2l + 2.
          const __m512 t0 = _mm512_permutex2var_ps(lo, even, hi), t1 = _mm512_permutex2var_ps(lo, odd, hi);
          const __m512 t2 = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(e), _mm512_castps_si512(t0), 1));
          const float* wt = wb + (c * 9 + i * 3) * Conv3x3s2Chw::kBlock;
#pragma GCC unroll 16
          for (int m = 0; m < MB; ++m) {
            acc[m] = _mm512_fmadd_ps(t0, _mm512_set1_ps(wt[m]), acc[m]);
            acc[m] = _mm512_fmadd_ps(t1, _mm512_set1_ps(wt[Conv3x3s2Chw::kBlock + m]), acc[m]);
            acc[m] = _mm512_fmadd_ps(t2, _mm512_set1_ps(wt[2 * Conv3x3s2Chw::kBlock + m]), acc[m]);
          }
        }
      }
      const __mmask16 store = firstLanes16(OW - ow0);
      float* out = y + oh * OW + ow0;
#pragma GCC unroll 16
      for (int m = 0; m < MB; ++m) {
        if (m >= mcount) break;
        const __m512 r = activateKind512<ACT>(acc[m], act);
        if (store == 0xFFFF) _mm512_storeu_ps(out + m * OH * OW, r);
        else _mm512_mask_storeu_ps(out + m * OH * OW, store, r);
      }
    }
  }
}

}  // namespace

bool Conv3x3s2Chw::supported(const WindowGeometry& g, int64_t C) {
  if (!cpuFeatures().avx512f || g.kernel.size() != 2 || C < 1 || C > kMaxInputChannels) return false;
  for (int a = 0; a < 2; ++a)
    if (g.kernel[a] != 3 || g.strides[a] != 2 || g.dilations[a] != 1 || g.pad_begin[a] > 1) return false;
  return true;
}

Conv3x3s2Chw::Conv3x3s2Chw(const float* w, const float* bias, int64_t M, int64_t C) : M_(M), C_(C) {
  weights_.assign(static_cast<size_t>(blocks() * C * 9 * kBlock), 0.f);
  bias_.assign(static_cast<size_t>(blocks() * kBlock), 0.f);
  for (int64_t m = 0; m < M; ++m) {
    const int64_t b = m / kBlock, lane = m % kBlock;
    for (int64_t c = 0; c < C; ++c)
      for (int64_t t = 0; t < 9; ++t) weights_[static_cast<size_t>(((b * C + c) * 9 + t) * kBlock + lane)] = w[(m * C + c) * 9 + t];
    if (bias) bias_[static_cast<size_t>(m)] = bias[m];
  }
}

void Conv3x3s2Chw::run(int64_t block, int64_t oh0, int64_t oh1, const float* x, int64_t H, int64_t W, const WindowGeometry& g,
                       const FusedActivation& act, float* y) const {
  const int64_t m0 = block * kBlock, mcount = std::min(kBlock, M_ - m0);
  const float* wb = weights_.data() + block * C_ * 9 * kBlock;
  const float* b = bias_.data() + m0;
  float* yb = y + m0 * g.out[0] * g.out[1];
  withActivationKind(&act, [&](auto kind) {
    constexpr int ACT = decltype(kind)::value;
    // A short last block (ShuffleNet's 24 channels: 16 + 8) computes 8.
    (mcount > 8 ? rows<16, ACT> : rows<8, ACT>)(x, C_, H, W, g, wb, b, mcount, oh0, oh1, act, yb);
  });
}

}  // namespace x86
}  // namespace zy
