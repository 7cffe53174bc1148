// 2-D sliding-window kernels on one NCHW channel plane: depthwise
// convolution (f32-dwconv2d-chw), max pooling and average pooling
// (f32-maxpool2d-chw, f32-avgpool2d-chw). Each copies its plane once into a
// padded scratch, split by column phase when the stride is above one, so that
// every kernel tap is a contiguous vector load; a block of output rows is
// computed at once for independent accumulators. AVX-512 or AVX2, chosen at
// run time.
#pragma once
#include <cstddef>
#include <cstdint>

#include "ops/fused_activation.h"
#include "ops/op_helpers.h"

namespace zy {
namespace x86 {

struct Window2d {
  int64_t H = 0, W = 0, OH = 0, OW = 0;
  int64_t KH = 0, KW = 0, SH = 1, SW = 1, DH = 1, DW = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;

  static Window2d from(const WindowGeometry& g, int64_t H, int64_t W);
  // Floats of scratch one plane needs (per thread).
  size_t scratchFloats() const;
};

// y = act(conv(x, w) + bias) for one plane; w is [KH][KW].
void dwconv2dChw(const Window2d& g, const float* x, const float* w, float bias, const FusedActivation& act, float* y,
                 float* scratch);
// y = max over each window (padding never wins).
void maxpool2dChw(const Window2d& g, const float* x, float* y, float* scratch);
// y = mean over each window: with count_include_pad the count includes pads
// (clipped to the padded input, as ONNX and backends/ref define it), else only
// the input positions.
void avgpool2dChw(const Window2d& g, const float* x, bool count_include_pad, float* y, float* scratch);

// Mean of each of n planes of size hw.
void globalAvgPoolChw(const float* x, int64_t n, int64_t hw, float* y);

}  // namespace x86
}  // namespace zy
