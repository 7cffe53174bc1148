// The store of a pixel-major convolution: its GEMM leaves the output as
// [pixel][channel]; this writes it as NCHW [channel][pixel] with the
// convolution's epilogue (bias, residual, activation) applied on the way,
// 16x16 blocks at a time through registers (AVX-512), one pass over memory.
#pragma once
#include <cstdint>

#include "ops/fused_activation.h"

namespace zy {
namespace x86 {

// For channels m in [m0, m1) and pixels p < P:
//   y[m * P + p] = act(x[p * ldx + m] + bias[m] + residual[m * P + p])
// (bias and residual optional: null).
void pixelsToChannels(const float* x, int64_t ldx, int64_t P, int64_t m0, int64_t m1, const float* bias, const float* residual,
                      const FusedActivation& act, float* y);

}  // namespace x86
}  // namespace zy
