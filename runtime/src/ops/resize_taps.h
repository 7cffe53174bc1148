// Resize's sampling along one axis (ONNX Resize, every
// coordinate_transformation_mode and nearest_mode; linear and cubic
// weights): which input samples, with which weights, make each output
// coordinate. backends/ref resamples with it, and any backend that resizes
// (npu-sim's int8 nearest Resize) takes its indices from it, so that all
// agree to the element.
#pragma once
#include <cstdint>
#include <vector>

#include "core/attributes.h"
#include "core/status.h"

namespace zy {

struct AxisTaps {
  std::vector<int64_t> index;
  std::vector<float> weight;
  bool extrapolate = false;  // tf_crop_and_resize outside the input: extrapolation_value
};

// taps[o] for o < out, an axis of `in` samples resized by `scale` (the
// effective scale of computeResizeShape), roi_start/roi_end for tf_crop_and_resize.
Status axisTaps(const Attributes& a, int64_t in, int64_t out, float scale, float roi_start, float roi_end, std::vector<AxisTaps>* taps);

// The cubic convolution kernel with coefficient a (ONNX's cubic_coeff_a).
float cubicWeight(float s, float a);

}  // namespace zy
