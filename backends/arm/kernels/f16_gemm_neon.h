// f16-gemm/neonfp16arith-8x16: the opt-in fp16 mode of the ARM convolutions
// (session precision "fp16", cores with FP16 arithmetic such as Kunpeng 920's
// TaiShan v110): weights and activations rounded to fp16, FMLA on .8h lanes
// accumulating in fp16, bias and activation in f32 after the sum. Twice the
// multiply-adds of f32 per instruction, at about 1e-3 of relative error.
#pragma once
#include <cstdint>
#include <vector>

#include "ops/fused_activation.h"

namespace zy {
namespace arm {

constexpr int kF16Mr = 8, kF16Nr = 16;

struct F16PackedWeights {
  int64_t m = 0, k = 0;
  std::vector<uint16_t> data;  // fp16 bits, [M/8][K][8]
};
F16PackedWeights packF16Weights(const float* w, int64_t m, int64_t k);

// Columns [n0, n0 + nr) of x ([k][ld], f32) as a [k][16] fp16 panel, zero-padded.
void packF16Panel(const float* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, uint16_t* out);

void f16GemmPanel(const F16PackedWeights& w, const uint16_t* panel, int64_t nr, const float* bias, const FusedActivation& act,
                  float* c, int64_t ldc);

}  // namespace arm
}  // namespace zy
