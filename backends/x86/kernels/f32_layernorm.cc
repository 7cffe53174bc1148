#include "f32_layernorm.h"

#include "cpu_features.h"
#include "simd/f32_rows.h"
#include "vec.h"

namespace zy {
namespace x86 {
namespace {

__attribute__((target("avx512f"))) void rowsAvx512(const float* x, int64_t r, int64_t n, const float* s, const float* b, float e, float* y) {
  layerNormRowsImpl<F32x16>(x, r, n, s, b, e, y);
}
__attribute__((target("avx2,fma"))) void rowsAvx2(const float* x, int64_t r, int64_t n, const float* s, const float* b, float e, float* y) {
  layerNormRowsImpl<F32x8>(x, r, n, s, b, e, y);
}

}  // namespace

void layerNormRows(const float* x, int64_t rows, int64_t len, const float* scale, const float* bias, float epsilon, float* y) {
  if (cpuFeatures().avx512f) rowsAvx512(x, rows, len, scale, bias, epsilon, y);
  else rowsAvx2(x, rows, len, scale, bias, epsilon, y);
}

}  // namespace x86
}  // namespace zy
