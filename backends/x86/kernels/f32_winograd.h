// Winograd F(4x4, 3x3) for 3x3 stride-1 convolutions (f32-winograd-f43):
// each 4x4 output tile comes from a 6x6 input tile through 36 independent
// GEMMs over channels, 2.25 multiplies per output and channel instead of 9.
//   U = G g G^T (weights, once), V = B^T d B (input tiles),
//   Y = A^T (U . V) A (output tiles), with the points 0, +-1, +-2, inf.
// Its rounding differs from direct convolution by a few ulps of the largest
// partial sums; tests check it against ref, and conv can turn it off.
#pragma once
#include <cstdint>

#include "ops/fused_activation.h"

namespace zy {
namespace x86 {

constexpr int64_t kWinogradPoints = 36;  // 6x6 transformed values per tile
constexpr int64_t kWinogradTileLanes = 16;  // tiles are padded to a multiple of this

// u[xi * M * C + m * C + c] from w [M][C][3][3].
void winogradWeights(const float* w, int64_t M, int64_t C, float* u);

// One input channel: plane is its zero-padded copy, row stride wp, with tile
// t = th * tiles_w + tw starting at (4 th, 4 tw). Writes v[xi * xi_stride + t]
// for t < tiles_padded (tiles past `tiles` get zeros).
void winogradInput(const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                   int64_t xi_stride);

// One output channel: from mx[xi * xi_stride + t], adds bias and the
// residual plane (optional), applies the activation and writes the OH x OW
// plane y (tiles clipped at the edges).
void winogradOutput(const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias, const float* residual,
                    const FusedActivation& act, float* y, int64_t OH, int64_t OW);

}  // namespace x86
}  // namespace zy
