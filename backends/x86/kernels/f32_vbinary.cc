#include "f32_vbinary.h"

#include "cpu_features.h"
#include "simd/f32_vbinary.h"
#include "vec.h"

namespace zy {
namespace x86 {
namespace {

__attribute__((target("avx512f"))) void vbinaryAvx512(BinaryOp op, const float* a, const float* b, bool s, bool w, float* y, int64_t n) {
  vbinaryImpl<F32x16>(op, a, b, s, w, y, n);
}
__attribute__((target("avx2,fma"))) void vbinaryAvx2(BinaryOp op, const float* a, const float* b, bool s, bool w, float* y, int64_t n) {
  vbinaryImpl<F32x8>(op, a, b, s, w, y, n);
}

}  // namespace

void vbinary(BinaryOp op, const float* a, const float* b, bool b_scalar, bool swapped, float* y, int64_t n) {
  if (cpuFeatures().avx512f) vbinaryAvx512(op, a, b, b_scalar, swapped, y, n);
  else vbinaryAvx2(op, a, b, b_scalar, swapped, y, n);
}

}  // namespace x86
}  // namespace zy
