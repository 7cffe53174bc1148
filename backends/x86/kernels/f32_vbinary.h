// Vectorized binary element-wise ops (f32-vadd, f32-vsub, f32-vmul, f32-vdiv
// in XNNPACK's terms): y[i] = a[i] op b[i], or a[i] op b[0] when b is a
// scalar; `swapped` computes b op a (for Sub and Div with a broadcast left
// operand). AVX-512 or AVX2, chosen at run time.
#pragma once
#include <cstdint>

#include "simd/f32_vbinary.h"  // BinaryOp

namespace zy {
namespace x86 {

void vbinary(BinaryOp op, const float* a, const float* b, bool b_scalar, bool swapped, float* y, int64_t n);

}  // namespace x86
}  // namespace zy
