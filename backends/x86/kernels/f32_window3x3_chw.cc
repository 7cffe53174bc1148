#include "f32_window3x3_chw.h"

#include <immintrin.h>

#include <algorithm>
#include <limits>

#include "cpu_features.h"
#include "f32_activation_avx512.h"

namespace zy {
namespace x86 {

namespace {

// Lanes t of a 16-float load at column s with 0 <= s + t < W.
__attribute__((target("avx512f"), always_inline)) inline __mmask16 columnMask(int64_t s, int64_t W) {
  const int64_t lo = std::max<int64_t>(0, -s), hi = std::min<int64_t>(16, W - s);
  return hi <= lo ? 0 : static_cast<__mmask16>(((1u << hi) - 1u) & ~((1u << lo) - 1u));
}

// Output rows of 16-wide blocks. The masks depend on the column block and
// tap only, so they are computed once per plane; each tap row reduces into
// its own accumulator (short dependency chains). MAX: w, bias and act unused.
template <int SW, bool MAX>
__attribute__((target("avx512f"))) void windowRows(const float* x, int64_t H, int64_t W, const WindowGeometry& g, const float* w,
                                                   float bias, const FusedActivation* act, float* y) {
  constexpr int K = 3, kLoads = SW == 1 ? K : 2 * K;  // per tap row: one load per tap, or two (32 inputs) at stride 2
  constexpr int64_t kMaxBlocks = 64;                  // rows up to 1024 outputs; wider ones go in slices
  const int64_t OH = g.out[0], OW = g.out[1], SH = g.strides[0], pt = g.pad_begin[0], pl = g.pad_begin[1];
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512 outside = _mm512_set1_ps(MAX ? -std::numeric_limits<float>::infinity() : 0.f);  // what masked lanes read
  __m512 wv[K * K];
  for (int t = 0; t < K * K; ++t) wv[t] = _mm512_set1_ps(MAX ? 0.f : w[t]);
  for (int64_t slice = 0; slice < OW; slice += 16 * kMaxBlocks) {
    const int64_t blocks = std::min(kMaxBlocks, (OW - slice + 15) / 16);
    __mmask16 masks[kMaxBlocks][kLoads];
    bool interior[kMaxBlocks];  // every load of the block lies inside the row: plain loads
    for (int64_t b = 0; b < blocks; ++b) {
      interior[b] = true;
      for (int l = 0; l < kLoads; ++l) {
        const int64_t s0 = (slice + b * 16) * SW - pl;
        masks[b][l] = SW == 1 ? columnMask(s0 + l, W) : columnMask(s0 + l / 2 + (l % 2) * 16, W);
        interior[b] = interior[b] && masks[b][l] == 0xFFFF;
      }
    }
    for (int64_t oh = 0; oh < OH; ++oh) {
      const int64_t ih0 = oh * SH - pt;
      const int i_lo = static_cast<int>(std::max<int64_t>(0, -ih0)), i_hi = static_cast<int>(std::min<int64_t>(K, H - ih0));
      for (int64_t b = 0; b < blocks; ++b) {
        const int64_t ow0 = slice + b * 16, s0 = ow0 * SW - pl;
        __m512 acc[K];
#pragma GCC unroll 3
        for (int i = 0; i < K; ++i) acc[i] = outside;
#pragma GCC unroll 3
        for (int i = 0; i < K; ++i) {
          if (i < i_lo || i >= i_hi) continue;
          const float* row = x + (ih0 + i) * W + s0;
#pragma GCC unroll 3
          for (int j = 0; j < K; ++j) {
            __m512 v;
            if (SW == 1) {
              v = interior[b] ? _mm512_loadu_ps(row + j) : _mm512_mask_loadu_ps(outside, masks[b][j], row + j);
            } else {
              const __m512 lo = interior[b] ? _mm512_loadu_ps(row + j) : _mm512_mask_loadu_ps(outside, masks[b][2 * j], row + j);
              const __m512 hi =
                  interior[b] ? _mm512_loadu_ps(row + j + 16) : _mm512_mask_loadu_ps(outside, masks[b][2 * j + 1], row + j + 16);
              v = _mm512_permutex2var_ps(lo, even, hi);
            }
            acc[i] = MAX ? _mm512_max_ps(acc[i], v) : _mm512_fmadd_ps(v, wv[i * K + j], acc[i]);
          }
        }
        __m512 r = MAX ? _mm512_max_ps(_mm512_max_ps(acc[0], acc[1]), acc[2])
                       : activate512(_mm512_add_ps(_mm512_add_ps(_mm512_set1_ps(bias), acc[0]), _mm512_add_ps(acc[1], acc[2])), *act);
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
  (g.strides[1] == 2 ? windowRows<2, false> : windowRows<1, false>)(x, H, W, g, w, bias, &act, y);
}

void maxpool3x3Chw(const float* x, int64_t H, int64_t W, const WindowGeometry& g, float* y) {
  (g.strides[1] == 2 ? windowRows<2, true> : windowRows<1, true>)(x, H, W, g, nullptr, 0.f, nullptr, y);
}

}  // namespace x86
}  // namespace zy
