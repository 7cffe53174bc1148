// Depthwise convolution of one channel plane on NEON (ARMv8.0), any KH x KW
// window, stride 1 or 2, no dilation. The plane comes padded (zeros for f32,
// the zero point for int8, which then enters as signed bytes) with room for
// whole vectors past each output row:
//   f32-dwconv2d/neon: 4 outputs per vector, one FMLA per tap;
//   qs8-dwconv2d/neon: 8 outputs per step, widened to int16, smlal per tap,
//   requantized as the int8 spec says (the bias holds -zero_point * sum(w)).
#pragma once
#include <cstdint>

#include "qs8_params.h"

namespace zy {
namespace arm {

void f32DwConvPlane(const float* x, int64_t pitch, const float* w, int kh, int kw, int stride, int64_t oh_count, int64_t ow_count,
                    float* y);

void qs8DwConvPlane(const int8_t* x, int64_t pitch, const int8_t* w, int kh, int kw, int stride, int64_t oh_count, int64_t ow_count,
                    const Qs8Requant& rq, int64_t m, uint8_t* y);

}  // namespace arm
}  // namespace zy
