// f32-gemm/neon-8x8: the ARMv8.0 NEON GEMM under the ARM backend's
// convolutions: 8 output channels x 8 pixels, 16 accumulators, 16 FMLA (by
// lane) per 4 loads (an 8x12 tile needs 29 registers, and GCC 12 spills two
// accumulators per iteration: llvm-mca showed it). Weights packed once as
// [M/8][K][8]; activations per panel as [K][8]. Bias and a fused activation
// in the store.
#pragma once
#include <cstdint>
#include <vector>

#include "ops/fused_activation.h"

namespace zy {
namespace arm {

constexpr int kF32Mr = 8, kF32Nr = 8;

struct F32PackedWeights {
  int64_t m = 0, k = 0;
  std::vector<float> data;
};
F32PackedWeights packF32Weights(const float* w, int64_t m, int64_t k);

// Columns [n0, n0 + nr) of x ([k][ld]) as a [k][8] panel, zero-padded.
void packF32Panel(const float* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, float* out);

// c[m][n] (rows ldc apart) for every channel and the panel's nr columns.
void f32GemmPanel(const F32PackedWeights& w, const float* panel, int64_t nr, const float* bias, const FusedActivation& act,
                  float* c, int64_t ldc);

}  // namespace arm
}  // namespace zy
