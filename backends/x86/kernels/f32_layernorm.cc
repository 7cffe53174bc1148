#include "f32_layernorm.h"

#include <cmath>

#include "cpu_features.h"
#include "vec.h"

namespace zy {
namespace x86 {
namespace {

// Two passes (mean, then the squared deviations) as ONNX defines the
// variance; sums in f32 vectors of partial sums.
template <class V>
ZY_VEC_INLINE void rowsImpl(const float* x, int64_t rows, int64_t len, const float* scale, const float* bias, float eps, float* y) {
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

__attribute__((target("avx512f"))) void rowsAvx512(const float* x, int64_t r, int64_t n, const float* s, const float* b, float e, float* y) {
  rowsImpl<F32x16>(x, r, n, s, b, e, y);
}
__attribute__((target("avx2,fma"))) void rowsAvx2(const float* x, int64_t r, int64_t n, const float* s, const float* b, float e, float* y) {
  rowsImpl<F32x8>(x, r, n, s, b, e, y);
}

}  // namespace

void layerNormRows(const float* x, int64_t rows, int64_t len, const float* scale, const float* bias, float epsilon, float* y) {
  if (cpuFeatures().avx512f) rowsAvx512(x, rows, len, scale, bias, epsilon, y);
  else rowsAvx2(x, rows, len, scale, bias, epsilon, y);
}

}  // namespace x86
}  // namespace zy
