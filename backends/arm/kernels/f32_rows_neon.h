// Softmax and LayerNormalization rows on NEON: the portable kernels of
// backends/common/simd/f32_rows.h at 4 lanes.
#pragma once
#include <cstdint>

namespace zy {
namespace arm {

void softmaxRows(const float* x, int64_t rows, int64_t len, float* y);
void layerNormRows(const float* x, int64_t rows, int64_t len, const float* scale, const float* bias, float epsilon, float* y);

}  // namespace arm
}  // namespace zy
