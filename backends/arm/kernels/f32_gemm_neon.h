// f32-gemm/neon-8x12: the ARMv8.0 NEON GEMM under the ARM backend's
// convolutions: 8 output channels x 12 pixels, 24 accumulators, 24 FMLA (by
// lane) per 5 loads. Weights packed once as [M/8][K][8]; activations packed
// per panel as [K][12]. Bias and a fused activation in the store.
#pragma once
#include <cstdint>
#include <vector>

#include "ops/fused_activation.h"

namespace zy {
namespace arm {

constexpr int kF32Mr = 8, kF32Nr = 12;

struct F32PackedWeights {
  int64_t m = 0, k = 0;
  std::vector<float> data;
};
F32PackedWeights packF32Weights(const float* w, int64_t m, int64_t k);

// Columns [n0, n0 + nr) of x ([k][ld]) as a [k][12] panel, zero-padded.
void packF32Panel(const float* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, float* out);

// c[m][n] (rows ldc apart) for every channel and the panel's nr columns.
void f32GemmPanel(const F32PackedWeights& w, const float* panel, int64_t nr, const float* bias, const FusedActivation& act,
                  float* c, int64_t ldc);

}  // namespace arm
}  // namespace zy
