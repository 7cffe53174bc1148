// f32-dwconv2d-chw/avx512-3x3: depthwise convolution of one NCHW
// plane straight from the input, 16 outputs of a row per vector. Each tap
// is a masked load (lanes outside the plane read as zero and never fault),
// so there is no padded copy of the plane and no transpose; stride 2 loads
// the 32 inputs under 16 outputs and keeps the even ones (vpermt2ps).
#pragma once
#include <cstdint>

#include "ops/fused_activation.h"
#include "ops/op_helpers.h"

namespace zy {
namespace x86 {

// Whether dwconvChw takes this window: AVX-512, 3x3, stride 1 or 2 along
// each axis, no dilation. (5x5 written the same way lost to the
// channel-blocked kernel: 25 broadcast weights do not fit the registers.)
bool dwconvChwSupported(const WindowGeometry& g);

// y[OH][OW] = act(bias + sum over taps of w[i][j] * x[oh*SH - pad_top + i][ow*SW - pad_left + j]).
void dwconvChw(const float* x, int64_t H, int64_t W, const WindowGeometry& g, const float* w, float bias, const FusedActivation& act,
               float* y);

}  // namespace x86
}  // namespace zy
