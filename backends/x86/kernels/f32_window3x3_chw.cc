#include "f32_window3x3_chw.h"

#include <immintrin.h>

#include <algorithm>
#include <limits>

#include "cpu_features.h"
#include "f32_activation_avx512.h"
#include "lane_mask.h"

namespace zy {
namespace x86 {

namespace {

// Lanes t of a 16-float load at column s with 0 <= s + t < W.
inline __mmask16 columnMask(int64_t s, int64_t W) { return laneRange16(-s, W - s); }

// Load l of a block: plain inside the row, else masked (the e load of
// stride 2 is one lane, always masked).
template <int SW>
__attribute__((target("avx512f"), always_inline)) inline __m512 loadTap(const float* p, int l, bool interior, const __mmask16* masks,
                                                                        __m512 outside) {
  return interior && (SW == 1 || l < 2) ? _mm512_loadu_ps(p) : _mm512_mask_loadu_ps(outside, masks[l], p);
}

// The three stride-2 taps of 16 outputs from lo, hi and e.
__attribute__((target("avx512f"), always_inline)) inline void taps2(__m512 lo, __m512 hi, __m512 e, __m512i even, __m512i odd,
                                                                    __m512 (&t)[3]) {
  t[0] = _mm512_permutex2var_ps(lo, even, hi);
  t[1] = _mm512_permutex2var_ps(lo, odd, hi);
  t[2] = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(e), _mm512_castps_si512(t[0]), 1));
}

// Output rows of 16-wide blocks. The masks depend on the column block
// only, so they are computed once per plane; each tap row reduces into its
// own accumulator (short dependency chains). MAX: w, bias and act unused.
// Stride 1 loads each tap. Stride 2 loads the 32 inputs under 16 outputs
// (lo, hi) and the one after them (e): tap 0 is their even lanes, tap 1 the
// odd ones (vpermt2ps each), tap 2 the even lanes shifted by one with e
// last (valignd); MaxPool takes the vertical max of the rows first, then
// the three taps once.
template <int SW, bool MAX, int ACT = FusedActivation::None>
__attribute__((target("avx512f"))) void windowRows(const float* x, int64_t H, int64_t W, const WindowGeometry& g, const float* w,
                                                   float bias, const FusedActivation* act, float* y) {
  constexpr int K = 3, kLoads = 3;    // stride 1: one load per tap; stride 2: lo, hi and e
  constexpr int64_t kMaxBlocks = 64;  // rows up to 1024 outputs; wider ones go in slices
  const int64_t OH = g.out[0], OW = g.out[1], SH = g.strides[0], pt = g.pad_begin[0], pl = g.pad_begin[1];
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1);
  const __m512 outside = _mm512_set1_ps(MAX ? -std::numeric_limits<float>::infinity() : 0.f);  // what masked lanes read
  __m512 wv[K * K];
  for (int t = 0; t < K * K; ++t) wv[t] = _mm512_set1_ps(MAX ? 0.f : w[t]);
  for (int64_t slice = 0; slice < OW; slice += 16 * kMaxBlocks) {
    const int64_t blocks = std::min(kMaxBlocks, (OW - slice + 15) / 16);
    __mmask16 masks[kMaxBlocks][kLoads];
    bool interior[kMaxBlocks];  // every load of the block lies inside the row: plain loads
    for (int64_t b = 0; b < blocks; ++b) {
      const int64_t s0 = (slice + b * 16) * SW - pl;
      for (int l = 0; l < kLoads; ++l) masks[b][l] = SW == 1 ? columnMask(s0 + l, W) : columnMask(s0 + 16 * l, W);
      if (SW == 2) masks[b][2] &= 1;  // e: one input
      interior[b] = masks[b][0] == 0xFFFF && masks[b][1] == 0xFFFF && masks[b][2] == (SW == 1 ? 0xFFFF : 1);
    }
    for (int64_t oh = 0; oh < OH; ++oh) {
      const int64_t ih0 = oh * SH - pt;
      const int i_lo = static_cast<int>(std::max<int64_t>(0, -ih0)), i_hi = static_cast<int>(std::min<int64_t>(K, H - ih0));
      for (int64_t b = 0; b < blocks; ++b) {
        const int64_t ow0 = slice + b * 16, s0 = ow0 * SW - pl;
        const __mmask16* m = masks[b];
        const bool in = interior[b];
        __m512 acc[K];
#pragma GCC unroll 3
        for (int i = 0; i < K; ++i) acc[i] = outside;
        __m512 r;
        if (SW == 2 && MAX) {
          __m512 lo = outside, hi = outside, e = outside;  // the vertical max of the window's rows
#pragma GCC unroll 3
          for (int i = 0; i < K; ++i) {
            if (i < i_lo || i >= i_hi) continue;
            const float* row = x + (ih0 + i) * W + s0;
            lo = _mm512_max_ps(lo, loadTap<SW>(row, 0, in, m, outside));
            hi = _mm512_max_ps(hi, loadTap<SW>(row + 16, 1, in, m, outside));
            e = _mm512_max_ps(e, loadTap<SW>(row + 32, 2, in, m, outside));
          }
          __m512 t[K];
          taps2(lo, hi, e, even, odd, t);
          r = _mm512_max_ps(_mm512_max_ps(t[0], t[1]), t[2]);
        } else {
#pragma GCC unroll 3
          for (int i = 0; i < K; ++i) {
            if (i < i_lo || i >= i_hi) continue;
            const float* row = x + (ih0 + i) * W + s0;
            __m512 t[K];
            if (SW == 1) {
#pragma GCC unroll 3
              for (int j = 0; j < K; ++j) t[j] = loadTap<SW>(row + j, j, in, m, outside);
            } else {
              taps2(loadTap<SW>(row, 0, in, m, outside), loadTap<SW>(row + 16, 1, in, m, outside),
                    loadTap<SW>(row + 32, 2, in, m, outside), even, odd, t);
            }
#pragma GCC unroll 3
            for (int j = 0; j < K; ++j) acc[i] = MAX ? _mm512_max_ps(acc[i], t[j]) : _mm512_fmadd_ps(t[j], wv[i * K + j], acc[i]);
          }
          r = MAX ? _mm512_max_ps(_mm512_max_ps(acc[0], acc[1]), acc[2])
                  : activateKind512<ACT>(_mm512_add_ps(_mm512_add_ps(_mm512_set1_ps(bias), acc[0]), _mm512_add_ps(acc[1], acc[2])), *act);
        }
        const int64_t n = std::min<int64_t>(16, OW - ow0);
        _mm512_mask_storeu_ps(y + oh * OW + ow0, static_cast<__mmask16>((1u << n) - 1u), r);
      }
    }
  }
}

}  // namespace

bool window3x3ChwSupported(const WindowGeometry& g) {
  if (!cpuFeatures().avx512f || g.kernel.size() != 2 || g.kernel[0] != 3 || g.kernel[1] != 3) return false;
  for (int64_t d : g.dilations) if (d != 1) return false;
  for (int64_t s : g.strides) if (s != 1 && s != 2) return false;
  return true;
}

void dwconv3x3Chw(const float* x, int64_t H, int64_t W, const WindowGeometry& g, const float* w, float bias,
                  const FusedActivation& act, float* y) {
  withActivationKind(&act, [&](auto kind) {
    constexpr int ACT = decltype(kind)::value;
    (g.strides[1] == 2 ? windowRows<2, false, ACT> : windowRows<1, false, ACT>)(x, H, W, g, w, bias, &act, y);
  });
}

void maxpool3x3Chw(const float* x, int64_t H, int64_t W, const WindowGeometry& g, float* y) {
  (g.strides[1] == 2 ? windowRows<2, true> : windowRows<1, true>)(x, H, W, g, nullptr, 0.f, nullptr, y);
}

}  // namespace x86
}  // namespace zy
