// Softmax over contiguous rows (f32-softmax): y = e^(x - max) / sum, one row
// of `len` values after another. AVX-512 or AVX2, chosen at run time.
#pragma once
#include <cstdint>

namespace zy {
namespace x86 {

void softmaxRows(const float* x, int64_t rows, int64_t len, float* y);

}  // namespace x86
}  // namespace zy
