// LayerNormalization over contiguous rows (f32-layernorm): each row of `len`
// values is normalized to zero mean and unit variance (population variance
// plus epsilon), then scaled and shifted per position. AVX-512 or AVX2.
#pragma once
#include <cstdint>

namespace zy {
namespace x86 {

// scale and bias have `len` values; bias may be null.
void layerNormRows(const float* x, int64_t rows, int64_t len, const float* scale, const float* bias, float epsilon, float* y);

}  // namespace x86
}  // namespace zy
