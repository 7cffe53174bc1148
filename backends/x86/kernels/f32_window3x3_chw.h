// 3x3 windows on one NCHW plane, straight from the input, 16 outputs of a
// row per AVX-512 vector: f32-dwconv2d-chw/avx512-3x3 (depthwise
// convolution) and f32-maxpool2d-chw/avx512-3x3. Each tap is a masked load
// (lanes outside the plane read as zero, or -inf for max, and never fault),
// so there is no padded copy of the plane and no transpose; stride 2 loads
// the 33 inputs under 16 outputs once per row and picks the three taps from
// them (even lanes, odd lanes, even lanes shifted by one), MaxPool after a
// vertical max of the rows.
#pragma once
#include <cstdint>

#include "ops/fused_activation.h"
#include "ops/op_helpers.h"

namespace zy {
namespace x86 {

// Whether these kernels take the window: AVX-512, 3x3, stride 1 or 2 along
// each axis, no dilation. (5x5 written the same way lost to the
// channel-blocked kernel: 25 broadcast weights do not fit the registers.)
bool window3x3ChwSupported(const WindowGeometry& g);

// y[OH][OW] = act(bias + sum over taps of w[i][j] * x[oh*SH - pad_top + i][ow*SW - pad_left + j]).
void dwconv3x3Chw(const float* x, int64_t H, int64_t W, const WindowGeometry& g, const float* w, float bias,
                  const FusedActivation& act, float* y);
// y[OH][OW] = max over the taps inside the plane (padding never wins).
void maxpool3x3Chw(const float* x, int64_t H, int64_t W, const WindowGeometry& g, float* y);

}  // namespace x86
}  // namespace zy
