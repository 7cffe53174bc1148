#include "f32_window2d_cblock.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "cpu_features.h"
#include "f32_activation.h"
#include "f32_transpose_avx512.h"
#include "lane_mask.h"
#include "vec.h"

namespace zy {
namespace x86 {

namespace {

struct BlockGeometry {
  int64_t Hp, Wp, OH, OW;
  explicit BlockGeometry(const WindowGeometry& g)
      : Hp((g.out[0] - 1) * g.strides[0] + (g.kernel[0] - 1) * g.dilations[0] + 1),
        Wp((g.out[1] - 1) * g.strides[1] + (g.kernel[1] - 1) * g.dilations[1] + 1), OH(g.out[0]), OW(g.out[1]) {}
};

// U output pixels of one row at once: U independent accumulators hide the
// FMA latency. MAX: max pooling (init = -inf, w unused) instead of the
// weighted sum.
template <class V, int U, bool MAX = false>
ZY_VEC_INLINE void pixels(const float* xb, const float* w, V bias, const WindowGeometry& g, const BlockGeometry& b,
                          const RegisterActivation<V>& activate, int64_t oh, int64_t ow, float* ob) {
  constexpr int L = lanes<V>();
  const int64_t KH = g.kernel[0], KW = g.kernel[1], SH = g.strides[0], SW = g.strides[1], DH = g.dilations[0], DW = g.dilations[1];
  V acc[U];
#pragma GCC unroll 8
  for (int u = 0; u < U; ++u) acc[u] = bias;
  for (int64_t i = 0; i < KH; ++i) {
    const float* row = xb + ((oh * SH + i * DH) * b.Wp + ow * SW) * L;
    for (int64_t j = 0; j < KW; ++j) {
      const float* src = row + j * DW * L;
      if constexpr (MAX) {
#pragma GCC unroll 8
        for (int u = 0; u < U; ++u) acc[u] = vmax(acc[u], vload<V>(src + u * SW * L));
      } else {
        const V wv = vload<V>(w + (i * KW + j) * L);
#pragma GCC unroll 8
        for (int u = 0; u < U; ++u) acc[u] += wv * vload<V>(src + u * SW * L);
      }
    }
  }
#pragma GCC unroll 8
  for (int u = 0; u < U; ++u) vstore(ob + (oh * b.OW + ow + u) * L, activate(acc[u]));
}

// Stride 1, no dilation, KW known: the U + KW - 1 input columns of a kernel
// row are loaded once and shared by the U pixels (a load per FMA would
// bound the loop on the load ports).
template <class V, int U, int KW>
ZY_VEC_INLINE void pixelsStride1(const float* xb, const float* w, V bias, const WindowGeometry& g, const BlockGeometry& b,
                                 const RegisterActivation<V>& activate, int64_t oh, int64_t ow, float* ob) {
  constexpr int L = lanes<V>();
  const int64_t KH = g.kernel[0], SH = g.strides[0], DH = g.dilations[0];
  V acc[U];
#pragma GCC unroll 8
  for (int u = 0; u < U; ++u) acc[u] = bias;
  for (int64_t i = 0; i < KH; ++i) {
    const float* row = xb + ((oh * SH + i * DH) * b.Wp + ow) * L;
    V in[U + KW - 1];
#pragma GCC unroll 16
    for (int c = 0; c < U + KW - 1; ++c) in[c] = vload<V>(row + c * L);
#pragma GCC unroll 8
    for (int j = 0; j < KW; ++j) {
      const V wv = vload<V>(w + (i * KW + j) * L);
#pragma GCC unroll 8
      for (int u = 0; u < U; ++u) acc[u] += wv * in[u + j];
    }
  }
#pragma GCC unroll 8
  for (int u = 0; u < U; ++u) vstore(ob + (oh * b.OW + ow + u) * L, activate(acc[u]));
}

// U pixels with the kernel for KW (0: the general one; -1: max pooling).
template <class V, int U, int KW>
ZY_VEC_INLINE void pixelBlock(const float* xb, const float* w, V bv, const WindowGeometry& g, const BlockGeometry& b,
                              const RegisterActivation<V>& act, int64_t oh, int64_t ow, float* ob) {
  if constexpr (KW == -1) pixels<V, U, true>(xb, w, bv, g, b, act, oh, ow, ob);
  else if constexpr (KW == 0) pixels<V, U>(xb, w, bv, g, b, act, oh, ow, ob);
  else pixelsStride1<V, U, KW>(xb, w, bv, g, b, act, oh, ow, ob);
}

// The last `left` (< 8) pixels of a row as one block of U = left.
template <class V, int KW, int U = 7>
ZY_VEC_INLINE void rowTail(int64_t left, const float* xb, const float* w, V bv, const WindowGeometry& g, const BlockGeometry& b,
                           const RegisterActivation<V>& act, int64_t oh, int64_t ow, float* ob) {
  if constexpr (U > 0) {
    if (left == U) pixelBlock<V, U, KW>(xb, w, bv, g, b, act, oh, ow, ob);
    else rowTail<V, KW, U - 1>(left, xb, w, bv, g, b, act, oh, ow, ob);
  }
}

// One output row in blocks of 8 pixels and one block of the rest: a 7-wide
// row is one block of 7 (as 4 + 2 + 1, its blocks of one and two pixels were
// chains of dependent FMAs: EfficientNet's 5x5 layers on 7x7 ran at a third
// of the FMA rate).
template <class V, int KW>
ZY_VEC_INLINE void outputRow(const float* xb, const float* w, V bv, const WindowGeometry& g, const BlockGeometry& b,
                             const RegisterActivation<V>& act, int64_t oh, float* ob) {
  int64_t ow = 0;
  for (; ow + 8 <= b.OW; ow += 8) pixelBlock<V, 8, KW>(xb, w, bv, g, b, act, oh, ow, ob);
  if (ow < b.OW) rowTail<V, KW>(b.OW - ow, xb, w, bv, g, b, act, oh, ow, ob);
}

template <class V>
ZY_VEC_INLINE void computeMaxBlock(const float* xb, const WindowGeometry& g, const BlockGeometry& b, float* ob) {
  const RegisterActivation<V> none{FusedActivation{}};
  const V lowest = vsplat<V>(-std::numeric_limits<float>::infinity());
  for (int64_t oh = 0; oh < b.OH; ++oh) outputRow<V, -1>(xb, nullptr, lowest, g, b, none, oh, ob);
}

template <class V>
ZY_VEC_INLINE void computeBlock(const float* xb, const float* w, const float* bias, const WindowGeometry& g, const BlockGeometry& b,
                                const FusedActivation& act, float* ob) {
  const RegisterActivation<V> activate(act);
  const V bv = vload<V>(bias);
  const bool stride1 = g.strides[1] == 1 && g.dilations[1] == 1;
  for (int64_t oh = 0; oh < b.OH; ++oh) {
    if (stride1 && g.kernel[1] == 3) outputRow<V, 3>(xb, w, bv, g, b, activate, oh, ob);
    else if (stride1 && g.kernel[1] == 5) outputRow<V, 5>(xb, w, bv, g, b, activate, oh, ob);
    else outputRow<V, 0>(xb, w, bv, g, b, activate, oh, ob);
  }
}

__attribute__((target("avx512f"))) void computeAvx512(const float* xb, const float* w, const float* bias, const WindowGeometry& g,
                                                      const BlockGeometry& b, const FusedActivation& act, float* ob) {
  computeBlock<F32x16>(xb, w, bias, g, b, act, ob);
}
__attribute__((target("avx2,fma"))) void computeAvx2(const float* xb, const float* w, const float* bias, const WindowGeometry& g,
                                                     const BlockGeometry& b, const FusedActivation& act, float* ob) {
  computeBlock<F32x8>(xb, w, bias, g, b, act, ob);
}
__attribute__((target("avx512f"))) void computeMaxAvx512(const float* xb, const WindowGeometry& g, const BlockGeometry& b, float* ob) {
  computeMaxBlock<F32x16>(xb, g, b, ob);
}
__attribute__((target("avx2,fma"))) void computeMaxAvx2(const float* xb, const WindowGeometry& g, const BlockGeometry& b, float* ob) {
  computeMaxBlock<F32x8>(xb, g, b, ob);
}

// The first `cols` floats at p: masked only when short (masked loads and
// stores run at half speed or less on Zen 4).
__attribute__((target("avx512f"), always_inline)) inline __m512 loadLanes(const float* p, int64_t cols, __mmask16 m) {
  return cols == 16 ? _mm512_loadu_ps(p) : _mm512_maskz_loadu_ps(m, p);
}

// [channel][row][column] -> [row + PT][column + PL][channel] for n <= 16 channels.
__attribute__((target("avx512f"))) void transposeInAvx512(const float* x, int64_t n, int64_t H, int64_t W, int64_t h_lo, int64_t h_hi,
                                                          int64_t w_lo, int64_t w_hi, int64_t Wp, int64_t PT, int64_t PL, float* xb) {
  if (w_lo == 0 && w_hi == W) {
    // Whole rows: 16 consecutive pixels of the plane per transpose, across
    // row ends (a 7x7 plane takes 4 transposes, not 7 with 7 of 16 lanes).
    const int64_t q_end = h_hi * W;
    int64_t h = h_lo, w = 0;
    for (int64_t q0 = h_lo * W; q0 < q_end; q0 += 16) {
      const int64_t cols = std::min<int64_t>(16, q_end - q0);
      const __mmask16 m = firstLanes16(cols);
      __m512 r[16];
#pragma GCC unroll 16
      for (int l = 0; l < 16; ++l) r[l] = l < n ? loadLanes(x + l * H * W + q0, cols, m) : _mm512_setzero_ps();
      transpose16x16(r);
#pragma GCC unroll 16
      for (int c = 0; c < 16; ++c) {
        if (c >= cols) break;
        _mm512_storeu_ps(xb + ((h + PT) * Wp + PL + w) * 16, r[c]);
        if (++w == W) w = 0, ++h;
      }
    }
    return;
  }
  for (int64_t h = h_lo; h < h_hi; ++h)
    for (int64_t w0 = w_lo; w0 < w_hi; w0 += 16) {
      const int64_t cols = std::min<int64_t>(16, w_hi - w0);
      const __mmask16 m = firstLanes16(cols);
      __m512 r[16];
#pragma GCC unroll 16
      for (int l = 0; l < 16; ++l) r[l] = l < n ? loadLanes(x + (l * H + h) * W + w0, cols, m) : _mm512_setzero_ps();
      transpose16x16(r);
      float* dst = xb + ((h + PT) * Wp + PL + w0) * 16;
#pragma GCC unroll 16
      for (int c = 0; c < 16; ++c)
        if (c < cols) _mm512_storeu_ps(dst + c * 16, r[c]);
    }
}

// n pixels of 16 channels set to v, a vector store each (std::fill's loop
// took 18% of a 5x5 layer on 7x7, whose padded block is 72 border pixels
// around 49).
__attribute__((target("avx512f"))) void fillPixelsAvx512(float* p, int64_t n, float v) {
  const __m512 vv = _mm512_set1_ps(v);
  for (int64_t i = 0; i < n; ++i) _mm512_storeu_ps(p + i * 16, vv);
}

// [pixel][channel] -> [channel][pixel] for n <= 16 channels.
__attribute__((target("avx512f"))) void transposeOutAvx512(const float* ob, int64_t n, int64_t P, float* y) {
  for (int64_t p0 = 0; p0 < P; p0 += 16) {
    const int64_t cols = std::min<int64_t>(16, P - p0);
    const __mmask16 m = firstLanes16(cols);
    __m512 r[16];
#pragma GCC unroll 16
    for (int c = 0; c < 16; ++c) r[c] = c < cols ? _mm512_loadu_ps(ob + (p0 + c) * 16) : _mm512_setzero_ps();
    transpose16x16(r);
#pragma GCC unroll 16
    for (int l = 0; l < 16; ++l) {
      if (l >= n) break;
      if (cols == 16) _mm512_storeu_ps(y + l * P + p0, r[l]);
      else _mm512_mask_storeu_ps(y + l * P + p0, m, r[l]);
    }
  }
}

}  // namespace

DwconvChannelBlocked::DwconvChannelBlocked(const float* w, const float* bias, int64_t C, int64_t KH, int64_t KW)
    : C_(C), KH_(KH), KW_(KW), lanes_(cpuFeatures().avx512f ? 16 : 8) {
  const int64_t taps = KH * KW;
  weights_.assign(static_cast<size_t>(blocks() * taps * lanes_), 0.f);
  bias_.assign(static_cast<size_t>(blocks() * lanes_), 0.f);
  for (int64_t c = 0; c < C; ++c) {
    const int64_t blk = c / lanes_, l = c % lanes_;
    for (int64_t t = 0; t < taps; ++t) weights_[static_cast<size_t>((blk * taps + t) * lanes_ + l)] = w[c * taps + t];
    if (bias) bias_[static_cast<size_t>(blk * lanes_ + l)] = bias[c];
  }
}


namespace {

// Channels [c0, c0 + n) of x [C][H][W] into xb [Hp][Wp][L], the padding (and
// any window past the input, with ceil_mode) set to `fill`.
void loadBlock(const float* x, int64_t c0, int64_t n, int64_t L, int64_t H, int64_t W, const WindowGeometry& g,
               const BlockGeometry& b, float fill, float* xb) {
  const int64_t PT = g.pad_begin[0], PL = g.pad_begin[1];
  const int64_t h_lo = std::max<int64_t>(0, -PT), h_hi = std::min(H, b.Hp - PT);
  const int64_t w_lo = std::max<int64_t>(0, -PL), w_hi = std::min(W, b.Wp - PL);
  if (L == 16) {
    // The transpose writes every lane of the interior: only the border is filled
    // (on 7x7 and 14x14 planes filling it all took a sixth of the time).
    for (int64_t r = 0; r < b.Hp; ++r) {
      float* row = xb + r * b.Wp * L;
      if (r - PT < h_lo || r - PT >= h_hi || w_hi <= w_lo) {
        fillPixelsAvx512(row, b.Wp, fill);
        continue;
      }
      fillPixelsAvx512(row, PL + w_lo, fill);
      fillPixelsAvx512(row + (PL + w_hi) * L, b.Wp - (PL + w_hi), fill);
    }
    transposeInAvx512(x + c0 * H * W, n, H, W, h_lo, h_hi, w_lo, w_hi, b.Wp, PT, PL, xb);
    return;
  }
  std::fill(xb, xb + b.Hp * b.Wp * L, fill);
  for (int64_t l = 0; l < n; ++l) {
    const float* xc = x + (c0 + l) * H * W;
    for (int64_t h = h_lo; h < h_hi; ++h) {
      float* dst = xb + ((h + PT) * b.Wp + PL) * L + l;
      const float* src = xc + h * W;
      for (int64_t w = w_lo; w < w_hi; ++w) dst[w * L] = src[w];
    }
  }
}

// ob [P][L] -> channels [c0, c0 + n) of y [C][P].
void storeBlock(const float* ob, int64_t c0, int64_t n, int64_t L, int64_t P, float* y) {
  if (L == 16) {
    transposeOutAvx512(ob, n, P, y + c0 * P);
    return;
  }
  for (int64_t l = 0; l < n; ++l)
    for (int64_t p = 0; p < P; ++p) y[(c0 + l) * P + p] = ob[p * L + l];
}

size_t blockScratch(const WindowGeometry& g, int64_t lanes) {
  const BlockGeometry b(g);
  return static_cast<size_t>((b.Hp * b.Wp + b.OH * b.OW) * lanes);
}

}  // namespace

size_t DwconvChannelBlocked::scratchFloats(const WindowGeometry& g) const { return blockScratch(g, lanes_); }

void DwconvChannelBlocked::run(int64_t block, const float* x, int64_t H, int64_t W, const WindowGeometry& g,
                               const FusedActivation& act, float* y, float* scratch) const {
  const BlockGeometry b(g);
  const int64_t L = lanes_, c0 = block * L, n = std::min(L, C_ - c0), P = b.OH * b.OW;
  float* xb = scratch;
  float* ob = scratch + b.Hp * b.Wp * L;
  loadBlock(x, c0, n, L, H, W, g, b, 0.f, xb);
  const float* wb = weights_.data() + block * KH_ * KW_ * L;
  const float* bb = bias_.data() + block * L;
  if (L == 16) computeAvx512(xb, wb, bb, g, b, act, ob);
  else computeAvx2(xb, wb, bb, g, b, act, ob);
  storeBlock(ob, c0, n, L, P, y);
  if (RegisterActivation<F32x16>::deferred(act)) applyActivation(y + c0 * P, n * P, act);
}

MaxPoolChannelBlocked::MaxPoolChannelBlocked(int64_t C) : C_(C), lanes_(cpuFeatures().avx512f ? 16 : 8) {}

size_t MaxPoolChannelBlocked::scratchFloats(const WindowGeometry& g) const { return blockScratch(g, lanes_); }

void MaxPoolChannelBlocked::run(int64_t block, const float* x, int64_t H, int64_t W, const WindowGeometry& g, float* y,
                                float* scratch) const {
  const BlockGeometry b(g);
  const int64_t L = lanes_, c0 = block * L, n = std::min(L, C_ - c0);
  float* xb = scratch;
  float* ob = scratch + b.Hp * b.Wp * L;
  loadBlock(x, c0, n, L, H, W, g, b, -std::numeric_limits<float>::infinity(), xb);
  if (L == 16) computeMaxAvx512(xb, g, b, ob);
  else computeMaxAvx2(xb, g, b, ob);
  storeBlock(ob, c0, n, L, b.OH * b.OW, y);
}

}  // namespace x86
}  // namespace zy
