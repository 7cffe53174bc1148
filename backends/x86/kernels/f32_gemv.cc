#include "f32_gemv.h"

#include "cpu_features.h"
#include "vec.h"

namespace zy {
namespace x86 {
namespace {

template <class V>
ZY_VEC_INLINE void rows(const float* w, const float* x, int64_t k, const float* bias, float* y, int64_t begin, int64_t end) {
  constexpr int L = lanes<V>();
  for (int64_t r = begin; r < end; ++r) {
    const float* row = w + r * k;
    V a0{}, a1{};
    int64_t i = 0;
    for (; i + 2 * L <= k; i += 2 * L) {
      a0 += vload<V>(row + i) * vload<V>(x + i);
      a1 += vload<V>(row + i + L) * vload<V>(x + i + L);
    }
    float s = vsum(a0 + a1);
    for (; i < k; ++i) s += row[i] * x[i];
    y[r] = s + (bias ? bias[r] : 0.f);
  }
}

__attribute__((target("avx512f"))) void rowsAvx512(const float* w, const float* x, int64_t k, const float* b, float* y, int64_t s, int64_t e) {
  rows<F32x16>(w, x, k, b, y, s, e);
}
__attribute__((target("avx2,fma"))) void rowsAvx2(const float* w, const float* x, int64_t k, const float* b, float* y, int64_t s, int64_t e) {
  rows<F32x8>(w, x, k, b, y, s, e);
}

}  // namespace

void gemvRows(const float* w, const float* x, int64_t k, const float* bias, float* y, int64_t begin, int64_t end) {
  if (cpuFeatures().avx512f) rowsAvx512(w, x, k, bias, y, begin, end);
  else rowsAvx2(w, x, k, bias, y, begin, end);
}

}  // namespace x86
}  // namespace zy
