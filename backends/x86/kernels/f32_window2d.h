// 2-D sliding-window kernels on one NCHW channel plane: depthwise
// convolution (f32-dwconv2d-chw), max pooling and average pooling
// (f32-maxpool2d-chw, f32-avgpool2d-chw). Each copies its plane into
// PaddedPlanes, which turns every kernel tap into one contiguous read over
// the flattened output; the kernel then runs blocks of four vectors with
// independent accumulators. AVX-512 or AVX2, chosen at run time.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ops/fused_activation.h"
#include "padded_planes.h"

namespace zy {
namespace x86 {

class Window2d {
 public:
  Window2d(const WindowGeometry& g, int64_t H, int64_t W);

  // Floats of scratch one plane needs (per thread).
  size_t scratchFloats() const;
  int64_t outputs() const { return planes_.OH * planes_.OW; }

  // y = act(conv(x, w) + bias); w is [KH][KW].
  void dwconv(const float* x, const float* w, float bias, const FusedActivation& act, float* y, float* scratch) const;
  // y = max over each window (padding never wins).
  void maxpool(const float* x, float* y, float* scratch) const;
  // y = mean over each window. With count_include_pad the count includes the
  // pads (clipped to the padded input, as ONNX and backends/ref define it),
  // otherwise only input positions. Call setAverageCounts first.
  void setAverageCounts(bool count_include_pad, const WindowGeometry& g);
  void avgpool(const float* x, float* y, float* scratch) const;

 private:
  PaddedPlanes planes_;
  std::vector<int64_t> taps_;       // tapOffset per (i, j)
  std::vector<float> inv_counts_;   // average pooling: 1 / count per flat output
};

// Mean of each of n planes of size hw.
void globalAvgPoolChw(const float* x, int64_t n, int64_t hw, float* y);

}  // namespace x86
}  // namespace zy
