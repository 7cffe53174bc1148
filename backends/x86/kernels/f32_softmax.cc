#include "f32_softmax.h"

#include "cpu_features.h"
#include "simd/f32_rows.h"
#include "vec.h"

namespace zy {
namespace x86 {
namespace {

__attribute__((target("avx512f"))) void rowsAvx512(const float* x, int64_t rows, int64_t len, float* y) { softmaxRowsImpl<F32x16>(x, rows, len, y); }
__attribute__((target("avx2,fma"))) void rowsAvx2(const float* x, int64_t rows, int64_t len, float* y) { softmaxRowsImpl<F32x8>(x, rows, len, y); }

}  // namespace

void softmaxRows(const float* x, int64_t rows, int64_t len, float* y) {
  if (cpuFeatures().avx512f) rowsAvx512(x, rows, len, y);
  else rowsAvx2(x, rows, len, y);
}

}  // namespace x86
}  // namespace zy
