#include "f32_window2d.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "cpu_features.h"
#include "f32_activation.h"
#include "vec.h"

namespace zy {
namespace x86 {

namespace {

constexpr int64_t kAlign = 16;  // floats: one AVX-512 vector, two AVX2 vectors
int64_t roundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// The padded, phase-split copy of the input plane: phase q holds padded
// columns q, q + SW, q + 2 SW, ... so that output column ow of tap j reads
// phase (j*DW) % SW at column ow + (j*DW) / SW.
struct Padded {
  int64_t rows, width;  // per phase
};

Padded paddedSize(const Window2d& g) {
  Padded p;
  p.rows = (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1;
  p.width = roundUp(roundUp(g.OW, kAlign) + (g.KW - 1) * g.DW / g.SW, kAlign);
  return p;
}

void fillPadded(const Window2d& g, const Padded& p, const float* x, float fill, float* buf) {
  for (int64_t q = 0; q < g.SW; ++q)
    for (int64_t r = 0; r < p.rows; ++r) {
      float* dst = buf + (q * p.rows + r) * p.width;
      const int64_t ih = r - g.pad_top;
      // Valid columns c: 0 <= c*SW + q - pad_left < W.
      int64_t lo = 0, hi = 0;
      if (ih >= 0 && ih < g.H) {
        const int64_t first = g.pad_left - q;  // c*SW >= first
        lo = first <= 0 ? 0 : (first + g.SW - 1) / g.SW;
        const int64_t last = g.W - 1 + g.pad_left - q;  // c*SW <= last
        hi = last < 0 ? 0 : std::min(p.width, last / g.SW + 1);
        lo = std::min(lo, hi);
      }
      std::fill(dst, dst + lo, fill);
      std::fill(dst + hi, dst + p.width, fill);
      if (hi <= lo) continue;
      const float* src = x + ih * g.W + q - g.pad_left;
      if (g.SW == 1) std::memcpy(dst + lo, src + lo, static_cast<size_t>(hi - lo) * sizeof(float));
      else
        for (int64_t c = lo; c < hi; ++c) dst[c] = src[c * g.SW];
    }
}

enum class Reduce { Conv, Max, Sum };

// What the row loop needs besides the geometry.
struct Epilogue {
  const FusedActivation* act = nullptr;  // Conv
  const float* inv_rows = nullptr;       // Sum: 1 / count per output row
  const float* inv_cols = nullptr;       // Sum: 1 / count per output column (padded to a vector multiple)
};

// R output rows starting at oh, every column.
template <class V, Reduce OP, int R>
ZY_VEC_INLINE void rowBlock(const Window2d& g, const Padded& p, const float* buf, const int64_t* tap_col, const float* w,
                            float init, const Epilogue& e, int64_t oh, float* y) {
  constexpr int L = lanes<V>();
  const bool relu = OP == Reduce::Conv && e.act->kind == FusedActivation::Relu;
  const bool clip = OP == Reduce::Conv && e.act->kind == FusedActivation::Clip;
  const V lo = vsplat<V>(clip ? e.act->alpha : 0.f), hi = vsplat<V>(clip ? e.act->beta : 0.f);
  for (int64_t ow0 = 0; ow0 < g.OW; ow0 += L) {
    V acc[R];
    for (int r = 0; r < R; ++r) acc[r] = vsplat<V>(init);
    for (int64_t i = 0; i < g.KH; ++i) {
      const float* base = buf + ((oh * g.SH + i * g.DH) * p.width) + ow0;
      for (int64_t j = 0; j < g.KW; ++j) {
        const float* src = base + tap_col[j];
        const float wv = OP == Reduce::Conv ? w[i * g.KW + j] : 0.f;
        for (int r = 0; r < R; ++r) {
          const V x = vload<V>(src + r * g.SH * p.width);
          if (OP == Reduce::Conv) acc[r] += wv * x;
          else if (OP == Reduce::Max) acc[r] = vmax(acc[r], x);
          else acc[r] += x;
        }
      }
    }
    for (int r = 0; r < R; ++r) {
      V v = acc[r];
      if (relu) v = vmax(v, V{});
      if (clip) v = vmin(vmax(v, lo), hi);
      if (OP == Reduce::Sum) v *= e.inv_rows[oh + r] * vload<V>(e.inv_cols + ow0);
      float* dst = y + (oh + r) * g.OW + ow0;
      if (ow0 + L <= g.OW) {
        vstore(dst, v);
      } else {
        alignas(64) float tail[L];
        vstore(tail, v);
        std::memcpy(dst, tail, static_cast<size_t>(g.OW - ow0) * sizeof(float));
      }
    }
  }
}

template <class V, Reduce OP>
ZY_VEC_INLINE void window2d(const Window2d& g, const float* x, const float* w, float fill, float init, const Epilogue& e,
                            float* y, float* scratch) {
  const Padded p = paddedSize(g);
  fillPadded(g, p, x, fill, scratch);
  int64_t tap_col[64];
  std::vector<int64_t> tap_heap;
  int64_t* taps = tap_col;
  if (g.KW > 64) { tap_heap.resize(static_cast<size_t>(g.KW)); taps = tap_heap.data(); }
  for (int64_t j = 0; j < g.KW; ++j) taps[j] = (j * g.DW % g.SW) * p.rows * p.width + j * g.DW / g.SW;
  int64_t oh = 0;
  for (; oh + 4 <= g.OH; oh += 4) rowBlock<V, OP, 4>(g, p, scratch, taps, w, init, e, oh, y);
  switch (g.OH - oh) {
    case 3: rowBlock<V, OP, 3>(g, p, scratch, taps, w, init, e, oh, y); break;
    case 2: rowBlock<V, OP, 2>(g, p, scratch, taps, w, init, e, oh, y); break;
    case 1: rowBlock<V, OP, 1>(g, p, scratch, taps, w, init, e, oh, y); break;
    default: break;
  }
}

#define ZY_WINDOW_VARIANTS(NAME, OP)                                                                                       \
  __attribute__((target("avx512f"))) void NAME##Avx512(const Window2d& g, const float* x, const float* w, float fill,     \
                                                       float init, const Epilogue& e, float* y, float* scratch) {         \
    window2d<F32x16, OP>(g, x, w, fill, init, e, y, scratch);                                                             \
  }                                                                                                                        \
  __attribute__((target("avx2,fma"))) void NAME##Avx2(const Window2d& g, const float* x, const float* w, float fill,      \
                                                      float init, const Epilogue& e, float* y, float* scratch) {          \
    window2d<F32x8, OP>(g, x, w, fill, init, e, y, scratch);                                                              \
  }                                                                                                                        \
  void NAME(const Window2d& g, const float* x, const float* w, float fill, float init, const Epilogue& e, float* y,       \
            float* scratch) {                                                                                              \
    if (cpuFeatures().avx512f) NAME##Avx512(g, x, w, fill, init, e, y, scratch);                                          \
    else NAME##Avx2(g, x, w, fill, init, e, y, scratch);                                                                  \
  }

ZY_WINDOW_VARIANTS(convWindow, Reduce::Conv)
ZY_WINDOW_VARIANTS(maxWindow, Reduce::Max)
ZY_WINDOW_VARIANTS(sumWindow, Reduce::Sum)

// 1 / (number of counted taps) along one axis, per output position.
void inverseCounts(int64_t out, int64_t in, int64_t k, int64_t stride, int64_t pad_begin, int64_t pad_end, bool include_pad,
                   float* inv) {
  for (int64_t o = 0; o < out; ++o) {
    const int64_t s = o * stride - pad_begin;
    const int64_t n = include_pad ? std::min(s + k, in + pad_end) - s : std::min(s + k, in) - std::max<int64_t>(s, 0);
    inv[o] = n > 0 ? 1.f / static_cast<float>(n) : 0.f;
  }
}

}  // namespace

Window2d Window2d::from(const WindowGeometry& g, int64_t H, int64_t W) {
  Window2d w;
  w.H = H;
  w.W = W;
  w.OH = g.out[0];
  w.OW = g.out[1];
  w.KH = g.kernel[0];
  w.KW = g.kernel[1];
  w.SH = g.strides[0];
  w.SW = g.strides[1];
  w.DH = g.dilations[0];
  w.DW = g.dilations[1];
  w.pad_top = g.pad_begin[0];
  w.pad_left = g.pad_begin[1];
  w.pad_bottom = g.pad_end[0];
  w.pad_right = g.pad_end[1];
  return w;
}

size_t Window2d::scratchFloats() const {
  const Padded p = paddedSize(*this);
  return static_cast<size_t>(SW * p.rows * p.width + OH + roundUp(OW, kAlign));
}

void dwconv2dChw(const Window2d& g, const float* x, const float* w, float bias, const FusedActivation& act, float* y,
                 float* scratch) {
  Epilogue e;
  e.act = &act;
  convWindow(g, x, w, 0.f, bias, e, y, scratch);
  if (act.kind != FusedActivation::None && act.kind != FusedActivation::Relu && act.kind != FusedActivation::Clip)
    applyActivation(y, g.OH * g.OW, act);
}

void maxpool2dChw(const Window2d& g, const float* x, float* y, float* scratch) {
  const float lowest = -std::numeric_limits<float>::infinity();
  maxWindow(g, x, nullptr, lowest, lowest, Epilogue{}, y, scratch);
}

void avgpool2dChw(const Window2d& g, const float* x, bool count_include_pad, float* y, float* scratch) {
  const Padded p = paddedSize(g);
  float* inv_rows = scratch + g.SW * p.rows * p.width;
  float* inv_cols = inv_rows + g.OH;
  inverseCounts(g.OH, g.H, g.KH, g.SH, g.pad_top, g.pad_bottom, count_include_pad, inv_rows);
  inverseCounts(g.OW, g.W, g.KW, g.SW, g.pad_left, g.pad_right, count_include_pad, inv_cols);
  std::fill(inv_cols + g.OW, inv_cols + roundUp(g.OW, kAlign), 0.f);
  Epilogue e;
  e.inv_rows = inv_rows;
  e.inv_cols = inv_cols;
  sumWindow(g, x, nullptr, 0.f, 0.f, e, y, scratch);
}

namespace {
template <class V>
ZY_VEC_INLINE void globalAvg(const float* x, int64_t n, int64_t hw, float* y) {
  constexpr int L = lanes<V>();
  for (int64_t c = 0; c < n; ++c) {
    const float* p = x + c * hw;
    V a0{}, a1{};
    int64_t i = 0;
    for (; i + 2 * L <= hw; i += 2 * L) {
      a0 += vload<V>(p + i);
      a1 += vload<V>(p + i + L);
    }
    float s = vsum(a0 + a1);
    for (; i < hw; ++i) s += p[i];
    y[c] = s / static_cast<float>(hw);
  }
}
__attribute__((target("avx512f"))) void globalAvgAvx512(const float* x, int64_t n, int64_t hw, float* y) { globalAvg<F32x16>(x, n, hw, y); }
__attribute__((target("avx2,fma"))) void globalAvgAvx2(const float* x, int64_t n, int64_t hw, float* y) { globalAvg<F32x8>(x, n, hw, y); }
}  // namespace

void globalAvgPoolChw(const float* x, int64_t n, int64_t hw, float* y) {
  if (cpuFeatures().avx512f) globalAvgAvx512(x, n, hw, y);
  else globalAvgAvx2(x, n, hw, y);
}

}  // namespace x86
}  // namespace zy
