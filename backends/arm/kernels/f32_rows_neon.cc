#include "f32_rows_neon.h"

#include "simd/f32_activation.h"
#include "simd/f32_rows.h"
#include "simd/f32_vbinary.h"

namespace zy {
namespace arm {

typedef float F32x4 __attribute__((vector_size(16)));

void applyActivation(float* p, int64_t n, const FusedActivation& act) {
  if (act.kind != FusedActivation::None) simd::activateRow<F32x4>(p, n, act);
}

void softmaxRows(const float* x, int64_t rows, int64_t len, float* y) { simd::softmaxRowsImpl<F32x4>(x, rows, len, y); }

void vbinary(BinaryOp op, const float* a, const float* b, bool b_scalar, bool swapped, float* y, int64_t n) {
  simd::vbinaryImpl<F32x4>(op, a, b, b_scalar, swapped, y, n);
}

void layerNormRows(const float* x, int64_t rows, int64_t len, const float* scale, const float* bias, float epsilon, float* y) {
  simd::layerNormRowsImpl<F32x4>(x, rows, len, scale, bias, epsilon, y);
}

}  // namespace arm
}  // namespace zy
