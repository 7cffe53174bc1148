#include "f32_window2d.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "cpu_features.h"
#include "f32_activation.h"
#include "vec.h"

namespace zy {
namespace x86 {

namespace {

constexpr int64_t kBlock = 64;  // flat outputs per block: four AVX-512 or eight AVX2 vectors

enum class Reduce { Conv, Max, Sum };

struct Args {
  const float* planes;     // padded input
  const int64_t* taps;
  int64_t num_taps;
  const float* w;          // Conv: per tap
  float init;              // Conv: bias; Max: lowest
  const FusedActivation* act;
  const float* scale;      // Sum: 1 / count per flat output
  int64_t n;               // flat outputs
  float* out;              // flat outputs, rounded up to kBlock
};

template <class V, Reduce OP>
ZY_VEC_INLINE void flatWindow(const Args& a) {
  constexpr int L = lanes<V>(), U = kBlock / L;
  const RegisterActivation<V> activate(a.act ? *a.act : FusedActivation{}, OP == Reduce::Conv);
  for (int64_t n0 = 0; n0 < a.n; n0 += kBlock) {
    V acc[U];
    for (int u = 0; u < U; ++u) acc[u] = vsplat<V>(a.init);
    for (int64_t t = 0; t < a.num_taps; ++t) {
      const float* src = a.planes + a.taps[t] + n0;
      const V wv = vsplat<V>(OP == Reduce::Conv ? a.w[t] : 0.f);
      for (int u = 0; u < U; ++u) {
        const V x = vload<V>(src + u * L);
        if (OP == Reduce::Conv) acc[u] += wv * x;
        else if (OP == Reduce::Max) acc[u] = vmax(acc[u], x);
        else acc[u] += x;
      }
    }
    for (int u = 0; u < U; ++u) {
      V v = acc[u];
      v = activate(v);
      if (OP == Reduce::Sum) v *= vload<V>(a.scale + n0 + u * L);
      vstore(a.out + n0 + u * L, v);
    }
  }
}

#define ZY_WINDOW_VARIANTS(NAME, OP)                                                                    \
  __attribute__((target("avx512f"))) void NAME##Avx512(const Args& a) { flatWindow<F32x16, OP>(a); } \
  __attribute__((target("avx2,fma"))) void NAME##Avx2(const Args& a) { flatWindow<F32x8, OP>(a); }  \
  void NAME(const Args& a) {                                                                          \
    if (cpuFeatures().avx512f) NAME##Avx512(a);                                                       \
    else NAME##Avx2(a);                                                                               \
  }

ZY_WINDOW_VARIANTS(convWindow, Reduce::Conv)
ZY_WINDOW_VARIANTS(maxWindow, Reduce::Max)
ZY_WINDOW_VARIANTS(sumWindow, Reduce::Sum)

int64_t roundUp(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

// Number of counted taps along one axis, per output position.
int64_t countAt(int64_t o, int64_t in, int64_t k, int64_t stride, int64_t pad_begin, int64_t pad_end, bool include_pad) {
  const int64_t s = o * stride - pad_begin;
  return include_pad ? std::min(s + k, in + pad_end) - s : std::min(s + k, in) - std::max<int64_t>(s, 0);
}

}  // namespace

// Slack: the last block reads up to kBlock - 1 flat outputs past the end.
Window2d::Window2d(const WindowGeometry& g, int64_t H, int64_t W) : planes_(g, H, W, kBlock) {
  for (int64_t i = 0; i < planes_.KH; ++i)
    for (int64_t j = 0; j < planes_.KW; ++j) taps_.push_back(planes_.tapOffset(i, j));
}

size_t Window2d::scratchFloats() const { return static_cast<size_t>(planes_.floats() + roundUp(planes_.outputs(), kBlock)); }

void Window2d::dwconv(const float* x, const float* w, float bias, const FusedActivation& act, float* y, float* scratch) const {
  planes_.fill(x, 0.f, scratch);
  Args a{scratch, taps_.data(), static_cast<int64_t>(taps_.size()), w, bias, &act, nullptr, planes_.outputs(), scratch + planes_.floats()};
  convWindow(a);
  planes_.dropPadColumns(a.out, y);
  if (RegisterActivation<F32x16>::deferred(act)) applyActivation(y, outputs(), act);
}

void Window2d::maxpool(const float* x, float* y, float* scratch) const {
  const float lowest = -std::numeric_limits<float>::infinity();
  planes_.fill(x, lowest, scratch);
  Args a{scratch, taps_.data(), static_cast<int64_t>(taps_.size()), nullptr, lowest, nullptr, nullptr, planes_.outputs(),
         scratch + planes_.floats()};
  maxWindow(a);
  planes_.dropPadColumns(a.out, y);
}

void Window2d::setAverageCounts(bool include_pad, const WindowGeometry& g) {
  const PaddedPlanes& p = planes_;
  inv_counts_.assign(static_cast<size_t>(roundUp(p.outputs(), kBlock)), 0.f);
  for (int64_t oh = 0; oh < p.OH; ++oh) {
    const int64_t rows = countAt(oh, p.H, p.KH, p.SH, g.pad_begin[0], g.pad_end[0], include_pad);
    for (int64_t ow = 0; ow < p.OW; ++ow) {
      const int64_t n = rows * countAt(ow, p.W, p.KW, p.SW, g.pad_begin[1], g.pad_end[1], include_pad);
      inv_counts_[static_cast<size_t>(oh * p.Wq + ow)] = n > 0 ? 1.f / static_cast<float>(n) : 0.f;
    }
  }
}

void Window2d::avgpool(const float* x, float* y, float* scratch) const {
  planes_.fill(x, 0.f, scratch);
  Args a{scratch, taps_.data(), static_cast<int64_t>(taps_.size()), nullptr, 0.f, nullptr, inv_counts_.data(), planes_.outputs(),
         scratch + planes_.floats()};
  sumWindow(a);
  planes_.dropPadColumns(a.out, y);
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
