#include "f32_softmax.h"

#include <cmath>
#include <limits>

#include "cpu_features.h"
#include "vec.h"

namespace zy {
namespace x86 {
namespace {

template <class V>
ZY_VEC_INLINE void rowsImpl(const float* x, int64_t rows, int64_t len, float* y) {
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

__attribute__((target("avx512f"))) void rowsAvx512(const float* x, int64_t rows, int64_t len, float* y) { rowsImpl<F32x16>(x, rows, len, y); }
__attribute__((target("avx2,fma"))) void rowsAvx2(const float* x, int64_t rows, int64_t len, float* y) { rowsImpl<F32x8>(x, rows, len, y); }

}  // namespace

void softmaxRows(const float* x, int64_t rows, int64_t len, float* y) {
  if (cpuFeatures().avx512f) rowsAvx512(x, rows, len, y);
  else rowsAvx2(x, rows, len, y);
}

}  // namespace x86
}  // namespace zy
