// The int8 GEMM of the int8 spec (docs/int8.md) on ARM, two microkernels over
// one packed layout:
//   qs8-gemm/neondot-8x12 (ARMv8.2 dotprod): 8 output channels x 12 pixels,
//     24 int32x4 accumulators, one sdot (by lane) per accumulator and group
//     of 4 along K;
//   qs8-gemm/neon-4x4 (ARMv8.0): smull (8 products to int16) and sadalp
//     (pairwise into int32) per 2 pixels, 8 accumulators of half-sums. Activations enter as
// signed bytes (uint8 inputs XOR 0x80, the zero point folded into the bias by
// Qs8ConvParams); the requantization (Q31 multiplier, one rounding shift,
// ties away from zero) runs on the accumulators in int64 lanes.
#pragma once
#include <cstdint>

#include "qs8_params.h"

namespace zy {
namespace arm {

constexpr int kQs8Nr = 12;  // pixels per tile

// Columns [n0, n0 + nr) of x ([k][ld] bytes) as [K/4][12][4], bytes XOR flip,
// missing pixels `pad`, rows past k 0 (their weights are 0).
void packQs8Panel(const uint8_t* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, uint8_t pad, uint8_t flip, int8_t* out);

// y[m][n] (rows ldy apart) for every channel and the panel's nr columns.
void qs8GemmPanelDot(const Qs8PackedWeights& w, const int8_t* panel, int64_t nr, const Qs8Requant& rq, uint8_t* y, int64_t ldy);
void qs8GemmPanelNeon(const Qs8PackedWeights& w, const int8_t* panel, int64_t nr, const Qs8Requant& rq, uint8_t* y, int64_t ldy);

}  // namespace arm
}  // namespace zy
