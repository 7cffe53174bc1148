#include "ops/resize_taps.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace zy {

float cubicWeight(float s, float a) {
  s = std::fabs(s);
  if (s <= 1.f) return ((a + 2.f) * s - (a + 3.f)) * s * s + 1.f;
  if (s < 2.f) return ((a * s - 5.f * a) * s + 8.f * a) * s - 4.f * a;
  return 0.f;
}

Status axisTaps(const Attributes& a, int64_t in, int64_t out, float scale, float roi_start, float roi_end,
                std::vector<AxisTaps>* taps) {
  const std::string ctm = a.getString("coordinate_transformation_mode", "half_pixel");
  const std::string mode = a.getString("mode", "nearest");
  const std::string nearest = a.getString("nearest_mode", "round_prefer_floor");
  const float cubic_a = a.getFloat("cubic_coeff_a", -0.75f);
  const bool exclude_outside = a.getInt("exclude_outside", 0) != 0;
  taps->assign(static_cast<size_t>(out), AxisTaps{});
  for (int64_t o = 0; o < out; ++o) {
    AxisTaps& t = (*taps)[o];
    const float xr = static_cast<float>(o);
    float x;
    if (ctm == "half_pixel") x = (xr + 0.5f) / scale - 0.5f;
    else if (ctm == "half_pixel_symmetric") {
      float adj = static_cast<float>(out) / (scale * static_cast<float>(in));
      float center = static_cast<float>(in) / 2.f;
      x = center * (1.f - adj) + (xr + 0.5f) / scale - 0.5f;
    } else if (ctm == "pytorch_half_pixel") x = out > 1 ? (xr + 0.5f) / scale - 0.5f : 0.f;
    else if (ctm == "align_corners") {
      // ONNX measures the resized length as in * scale, not the rounded size.
      const float len = static_cast<float>(in) * scale;
      x = len <= 1.f ? 0.f : xr * static_cast<float>(in - 1) / (len - 1.f);
    }
    else if (ctm == "asymmetric") x = xr / scale;
    else if (ctm == "tf_half_pixel_for_nn") x = (xr + 0.5f) / scale;  // opsets 11-12
    else if (ctm == "tf_crop_and_resize") {
      x = out > 1 ? roi_start * static_cast<float>(in - 1) + xr * (roi_end - roi_start) * static_cast<float>(in - 1) / static_cast<float>(out - 1)
                  : 0.5f * (roi_start + roi_end) * static_cast<float>(in - 1);
      if (x < 0.f || x > static_cast<float>(in - 1)) { t.extrapolate = true; continue; }
    } else return invalidArgument("unknown coordinate_transformation_mode '" + ctm + "'");

    if (mode == "nearest") {
      float r;
      if (nearest == "round_prefer_floor") r = std::ceil(x - 0.5f);
      else if (nearest == "round_prefer_ceil") r = std::floor(x + 0.5f);
      else if (nearest == "floor") r = std::floor(x);
      else if (nearest == "ceil") r = std::ceil(x);
      else return invalidArgument("unknown nearest_mode '" + nearest + "'");
      t.index = {std::clamp<int64_t>(static_cast<int64_t>(r), 0, in - 1)};
      t.weight = {1.f};
    } else if (mode == "linear") {
      x = std::clamp(x, 0.f, static_cast<float>(in - 1));
      int64_t x0 = static_cast<int64_t>(std::floor(x));
      int64_t x1 = std::min(x0 + 1, in - 1);
      float w1 = x - static_cast<float>(x0);
      t.index = {x0, x1};
      t.weight = {1.f - w1, w1};
    } else {  // cubic
      int64_t x0 = static_cast<int64_t>(std::floor(x));
      float ratio = x - static_cast<float>(x0);
      float sum = 0.f;
      for (int64_t k = -1; k <= 2; ++k) {
        int64_t idx = x0 + k;
        float w = cubicWeight(static_cast<float>(k) - ratio, cubic_a);
        if (idx < 0 || idx >= in) {
          if (exclude_outside) w = 0.f;
          idx = std::clamp<int64_t>(idx, 0, in - 1);
        }
        t.index.push_back(idx);
        t.weight.push_back(w);
        sum += w;
      }
      if (exclude_outside && sum != 0.f)
        for (float& w : t.weight) w /= sum;
    }
  }
  return Status::OK();
}

}  // namespace zy
