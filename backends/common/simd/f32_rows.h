// Row kernels written once on the portable vectors (simd/vec.h), compiled by
// each backend for its width: Softmax and LayerNormalization over contiguous
// rows of `len` values.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>

#include "simd/vec.h"

namespace zy {
namespace simd {

// Softmax of each row: the max, e^(x - max) summed, then scaled.
template <class V>
ZY_VEC_INLINE void softmaxRowsImpl(const float* x, int64_t rows, int64_t len, float* y) {
  constexpr int L = lanes<V>();
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * len;
    float* yr = y + r * len;
    V vm = vsplat<V>(-std::numeric_limits<float>::infinity());
    int64_t i = 0;
    for (; i + L <= len; i += L) vm = vmax(vm, vload<V>(xr + i));
    float m = vm[0];
    for (int l = 1; l < L; ++l) m = vm[l] > m ? vm[l] : m;
    for (; i < len; ++i) m = xr[i] > m ? xr[i] : m;
    V vs{};
    float s = 0.f;
    for (i = 0; i + L <= len; i += L) {
      const V e = vexp<V>(vload<V>(xr + i) - m);
      vstore(yr + i, e);
      vs += e;
    }
    for (; i < len; ++i) s += (yr[i] = std::exp(xr[i] - m));
    const float inv = 1.f / (s + vsum(vs));
    for (i = 0; i + L <= len; i += L) vstore(yr + i, vload<V>(yr + i) * inv);
    for (; i < len; ++i) yr[i] *= inv;
  }
}

// Two passes (mean, then the squared deviations) as ONNX defines the
// variance; sums in f32 vectors of partial sums.
template <class V>
ZY_VEC_INLINE void layerNormRowsImpl(const float* x, int64_t rows, int64_t len, const float* scale, const float* bias, float eps, float* y) {
  constexpr int L = lanes<V>();
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * len;
    float* yr = y + r * len;
    V vs{};
    float s = 0.f;
    int64_t i = 0;
    for (; i + L <= len; i += L) vs += vload<V>(xr + i);
    for (; i < len; ++i) s += xr[i];
    const float mean = (s + vsum(vs)) / static_cast<float>(len);
    V vq{};
    float q = 0.f;
    for (i = 0; i + L <= len; i += L) {
      const V d = vload<V>(xr + i) - mean;
      vq += d * d;
    }
    for (; i < len; ++i) q += (xr[i] - mean) * (xr[i] - mean);
    const float inv = 1.f / std::sqrt((q + vsum(vq)) / static_cast<float>(len) + eps);
    for (i = 0; i + L <= len; i += L) {
      V v = (vload<V>(xr + i) - mean) * inv * vload<V>(scale + i);
      if (bias) v += vload<V>(bias + i);
      vstore(yr + i, v);
    }
    for (; i < len; ++i) yr[i] = (xr[i] - mean) * inv * scale[i] + (bias ? bias[i] : 0.f);
  }
}

}  // namespace simd
}  // namespace zy
