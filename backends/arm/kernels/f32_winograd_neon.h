// Winograd F(4x4, 3x3) on NEON (f32-winograd-f43/neon): the transforms of
// backends/common/simd/f32_winograd.h at 4 lanes; the 36 GEMMs between them
// run on f32-gemm/neon-8x8.
#pragma once
#include <cstdint>

#include "ops/fused_activation.h"
#include "simd/f32_winograd.h"

namespace zy {
namespace arm {

using simd::kWinogradPoints;
using simd::kWinogradTileLanes;
using simd::winogradWeights;

// See simd::winogradInputTiles.
void winogradInput(const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                   int64_t xi_stride);

// See simd::winogradOutputTiles (no residual on ARM yet); applies every fused activation.
void winogradOutput(const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias, const FusedActivation& act,
                    float* y, int64_t OH, int64_t OW);

}  // namespace arm
}  // namespace zy
