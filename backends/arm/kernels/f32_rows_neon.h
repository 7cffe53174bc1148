// Row kernels on NEON: the portable kernels of backends/common/simd at 4
// lanes (activations, Softmax, LayerNormalization, binary element-wise ops).
#pragma once
#include <cstdint>

#include "ops/fused_activation.h"
#include "simd/f32_vbinary.h"  // BinaryOp

namespace zy {
namespace arm {

// act over n floats in place (Sigmoid and SiLU through the vector exp).
void applyActivation(float* p, int64_t n, const FusedActivation& act);
void softmaxRows(const float* x, int64_t rows, int64_t len, float* y);
void vbinary(BinaryOp op, const float* a, const float* b, bool b_scalar, bool swapped, float* y, int64_t n);
void layerNormRows(const float* x, int64_t rows, int64_t len, const float* scale, const float* bias, float epsilon, float* y);

}  // namespace arm
}  // namespace zy
