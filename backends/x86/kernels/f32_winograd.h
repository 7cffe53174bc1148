// Winograd F(4x4, 3x3) and F(2x2, 3x3) on x86 (f32-winograd-f43, -f23): the
// transforms of backends/common/simd/f32_winograd.h at 16 lanes (AVX-512) or 8 (AVX2).
#pragma once
#include <cstdint>

#include "ops/fused_activation.h"
#include "simd/f32_winograd.h"

namespace zy {
namespace x86 {

using simd::kWinograd23Points;
using simd::kWinogradPoints;
using simd::kWinogradTileLanes;
using simd::winograd23Weights;
using simd::winogradWeights;

// simd::winogradInputTilesOf / winogradOutputTilesOf for the output tile
// size `tile`: 4 (F(4x4, 3x3)) or 2 (F(2x2, 3x3)); the output also applies
// the activations left for after the store.
void winogradInput(int tile, const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                   int64_t xi_stride);
void winogradOutput(int tile, const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias, const float* residual,
                    const FusedActivation& act, float* y, int64_t OH, int64_t OW);

}  // namespace x86
}  // namespace zy
