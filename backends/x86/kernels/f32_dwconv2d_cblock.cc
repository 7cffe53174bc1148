#include "f32_dwconv2d_cblock.h"

#include <algorithm>
#include <cstring>

#include "cpu_features.h"
#include "f32_activation.h"
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

template <class V>
ZY_VEC_INLINE void computeBlock(const float* xb, const float* w, const float* bias, const WindowGeometry& g, const BlockGeometry& b,
                                const FusedActivation& act, float* ob) {
  constexpr int L = lanes<V>();
  const int64_t KH = g.kernel[0], KW = g.kernel[1], SH = g.strides[0], SW = g.strides[1], DH = g.dilations[0], DW = g.dilations[1];
  const bool relu = act.kind == FusedActivation::Relu, clip = act.kind == FusedActivation::Clip;
  const V lo = vsplat<V>(clip ? act.alpha : 0.f), hi = vsplat<V>(clip ? act.beta : 0.f), bv = vload<V>(bias);
  for (int64_t oh = 0; oh < b.OH; ++oh) {
    int64_t ow = 0;
    for (; ow + 2 <= b.OW; ow += 2) {  // two pixels at once: independent accumulators
      V a0 = bv, a1 = bv;
      for (int64_t i = 0; i < KH; ++i) {
        const float* row = xb + ((oh * SH + i * DH) * b.Wp + ow * SW) * L;
        for (int64_t j = 0; j < KW; ++j) {
          const V wv = vload<V>(w + (i * KW + j) * L);
          a0 += wv * vload<V>(row + j * DW * L);
          a1 += wv * vload<V>(row + (j * DW + SW) * L);
        }
      }
      if (relu) { a0 = vmax(a0, V{}); a1 = vmax(a1, V{}); }
      if (clip) { a0 = vmin(vmax(a0, lo), hi); a1 = vmin(vmax(a1, lo), hi); }
      vstore(ob + (oh * b.OW + ow) * L, a0);
      vstore(ob + (oh * b.OW + ow + 1) * L, a1);
    }
    for (; ow < b.OW; ++ow) {
      V a0 = bv;
      for (int64_t i = 0; i < KH; ++i) {
        const float* row = xb + ((oh * SH + i * DH) * b.Wp + ow * SW) * L;
        for (int64_t j = 0; j < KW; ++j) a0 += vload<V>(w + (i * KW + j) * L) * vload<V>(row + j * DW * L);
      }
      if (relu) a0 = vmax(a0, V{});
      if (clip) a0 = vmin(vmax(a0, lo), hi);
      vstore(ob + (oh * b.OW + ow) * L, a0);
    }
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

size_t DwconvChannelBlocked::scratchFloats(const WindowGeometry& g) const {
  const BlockGeometry b(g);
  return static_cast<size_t>((b.Hp * b.Wp + b.OH * b.OW) * lanes_);
}

void DwconvChannelBlocked::run(int64_t block, const float* x, int64_t H, int64_t W, const WindowGeometry& g,
                               const FusedActivation& act, float* y, float* scratch) const {
  const BlockGeometry b(g);
  const int64_t L = lanes_, c0 = block * L, n = std::min(L, C_ - c0), PT = g.pad_begin[0], PL = g.pad_begin[1];
  float* xb = scratch;
  float* ob = scratch + b.Hp * b.Wp * L;
  // In: [channel][row][column] -> [row][column][channel], padding as zeros.
  std::memset(xb, 0, static_cast<size_t>(b.Hp * b.Wp * L) * sizeof(float));
  const int64_t h_lo = std::max<int64_t>(0, -PT), h_hi = std::min(H, b.Hp - PT);
  const int64_t w_lo = std::max<int64_t>(0, -PL), w_hi = std::min(W, b.Wp - PL);
  for (int64_t l = 0; l < n; ++l) {
    const float* xc = x + (c0 + l) * H * W;
    for (int64_t h = h_lo; h < h_hi; ++h) {
      float* dst = xb + ((h + PT) * b.Wp + PL) * L + l;
      const float* src = xc + h * W;
      for (int64_t w = w_lo; w < w_hi; ++w) dst[w * L] = src[w];
    }
  }
  const float* wb = weights_.data() + block * KH_ * KW_ * L;
  const float* bb = bias_.data() + block * L;
  if (L == 16) computeAvx512(xb, wb, bb, g, b, act, ob);
  else computeAvx2(xb, wb, bb, g, b, act, ob);
  // Out: [pixel][channel] -> [channel][pixel].
  const int64_t P = b.OH * b.OW;
  for (int64_t l = 0; l < n; ++l) {
    float* yc = y + (c0 + l) * P;
    for (int64_t p = 0; p < P; ++p) yc[p] = ob[p * L + l];
    if (act.kind != FusedActivation::None && act.kind != FusedActivation::Relu && act.kind != FusedActivation::Clip)
      applyActivation(yc, P, act);
  }
}

}  // namespace x86
}  // namespace zy
