// y[r] = W[r, :] . x + bias[r] for rows [begin, end) of a row-major W [N, K]
// (f32-gemv): batch-1 fully connected layers and 1x1 convolutions on a 1x1
// image, where a packed GEMM would fill one lane of each panel.
#pragma once
#include <cstdint>

namespace zy {
namespace x86 {

void gemvRows(const float* w, const float* x, int64_t k, const float* bias, float* y, int64_t begin, int64_t end);

}  // namespace x86
}  // namespace zy
