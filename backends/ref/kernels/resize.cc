// Resampling: Resize (opsets 10-18, and Upsample via the importer) in
// nearest, linear and cubic modes with every coordinate_transformation_mode,
// and GridSample.
#include <algorithm>
#include <cmath>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"
#include "ops/op_helpers.h"
#include "ops/resize_taps.h"

namespace zy {
namespace ref {
namespace {

template <typename T>
Status resizeTyped(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  const Attributes& a = c.attrs();
  std::vector<float> scales, eff;
  std::vector<int64_t> sizes;
  if (c.hasInput(3) && c.input(3).size() > 0) sizes = readIntTensor(c.input(3));
  else scales = readFloatTensor(c.input(2));
  Shape out;
  ZY_RETURN_IF_ERROR(computeResizeShape(a, x.shape, scales, sizes, &out, &eff));
  if (out != y.shape) return invalidArgument("resize result " + shapeToString(out) + " does not match the output");
  const int64_t r = x.rank();
  // roi: [starts..., ends...] over all axes or over `axes`.
  std::vector<float> roi = c.hasInput(1) ? readFloatTensor(c.input(1)) : std::vector<float>{};
  std::vector<int64_t> axes = a.getInts("axes");
  if (axes.empty()) for (int64_t d = 0; d < r; ++d) axes.push_back(d);
  for (auto& ax : axes) ZY_RETURN_IF_ERROR(normalizeAxis(ax, r, &ax));
  std::vector<float> roi_s(r, 0.f), roi_e(r, 1.f);
  if (roi.size() == 2 * axes.size())
    for (size_t k = 0; k < axes.size(); ++k) { roi_s[axes[k]] = roi[k]; roi_e[axes[k]] = roi[k + axes.size()]; }
  std::vector<std::vector<AxisTaps>> taps(r);
  for (int64_t d = 0; d < r; ++d) ZY_RETURN_IF_ERROR(axisTaps(a, x.shape[d], y.shape[d], eff[d], roi_s[d], roi_e[d], &taps[d]));
  const T extrapolation = static_cast<T>(a.getFloat("extrapolation_value", 0.f));
  const std::vector<int64_t> st = stridesOf(x.shape);
  const T* xp = x.as<T>();
  T* yp = y.as<T>();
  std::vector<int64_t> idx(r, 0), tap(r, 0);
  for (int64_t o = 0; o < y.size(); ++o) {
    bool extrap = false;
    for (int64_t d = 0; d < r; ++d) extrap |= taps[d][idx[d]].extrapolate;
    T acc = T(0);
    if (extrap) {
      acc = extrapolation;
    } else {
      // Sum over every combination of taps along the axes.
      std::fill(tap.begin(), tap.end(), 0);
      for (;;) {
        int64_t off = 0;
        float w = 1.f;
        for (int64_t d = 0; d < r; ++d) {
          const AxisTaps& t = taps[d][idx[d]];
          off += t.index[tap[d]] * st[d];
          w *= t.weight[tap[d]];
        }
        acc += static_cast<T>(w) * xp[off];
        int64_t d = r - 1;
        for (; d >= 0; --d) {
          if (++tap[d] < static_cast<int64_t>(taps[d][idx[d]].index.size())) break;
          tap[d] = 0;
        }
        if (d < 0) break;
      }
    }
    yp[o] = acc;
    for (int64_t d = r - 1; d >= 0; --d) {
      if (++idx[d] < y.shape[d]) break;
      idx[d] = 0;
    }
  }
  return Status::OK();
}

Status resize(KernelContext& c) {
  // 8-bit tensors (int8 models) in nearest mode: every output is one input value.
  const DType t = c.input(0).dtype;
  if (t == DType::U8 || t == DType::I8) {
    if (c.attrs().getString("mode", "nearest") != "nearest") return unsupported("8-bit Resize takes mode nearest only");
    return t == DType::U8 ? resizeTyped<uint8_t>(c) : resizeTyped<int8_t>(c);
  }
  return withFloatType(t, [&](auto x) { return resizeTyped<decltype(x)>(c); });
}

// GridSample with PyTorch's grid_sample semantics (which ONNX adopted):
// normalized grid coordinates, zeros/border/reflection padding, nearest,
// bilinear or bicubic sampling.
struct GridSampler {
  int64_t H, W;
  bool align_corners;
  std::string padding;

  double unnormalize(double g, int64_t size) const {
    return align_corners ? (g + 1) / 2 * static_cast<double>(size - 1) : ((g + 1) * static_cast<double>(size) - 1) / 2;
  }
  // Reflects x into [low, high] (given doubled, as PyTorch does).
  static double reflect(double x, double twice_low, double twice_high) {
    if (twice_low == twice_high) return 0;
    const double lo = twice_low / 2, span = (twice_high - twice_low) / 2;
    x = std::fabs(x - lo);
    const double extra = std::fmod(x, span);
    const int64_t flips = static_cast<int64_t>(std::floor(x / span));
    return flips % 2 == 0 ? extra + lo : span - extra + lo;
  }
  // The padding transform of a coordinate (border and reflection).
  double pad(double x, int64_t size) const {
    if (padding == "border") return std::clamp(x, 0.0, static_cast<double>(size - 1));
    if (padding == "reflection") {
      x = align_corners ? reflect(x, 0, 2.0 * static_cast<double>(size - 1)) : reflect(x, -1, 2.0 * static_cast<double>(size) - 1);
      return std::clamp(x, 0.0, static_cast<double>(size - 1));
    }
    return x;
  }
  template <typename T>
  double pixel(const T* plane, int64_t y, int64_t x) const {
    if (x < 0 || x >= W || y < 0 || y >= H) return 0;  // only reachable with zeros padding
    return static_cast<double>(plane[y * W + x]);
  }
};

double cubic(double s, double a = -0.75) { return cubicWeight(static_cast<float>(s), static_cast<float>(a)); }

template <typename T>
Status gridSampleTyped(KernelContext& c) {
  const TensorArg &x = c.input(0), &grid = c.input(1), &y = c.output(0);
  const std::string mode = c.attrs().getString("mode", "bilinear");
  GridSampler gs{x.shape[2], x.shape[3], c.attrs().getInt("align_corners", 0) != 0, c.attrs().getString("padding_mode", "zeros")};
  const int64_t N = x.shape[0], C = x.shape[1], Ho = y.shape[2], Wo = y.shape[3];
  const T* gp = grid.as<T>();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ho = 0; ho < Ho; ++ho)
      for (int64_t wo = 0; wo < Wo; ++wo) {
        const T* gxy = gp + ((n * Ho + ho) * Wo + wo) * 2;
        double fx = gs.unnormalize(static_cast<double>(gxy[0]), gs.W), fy = gs.unnormalize(static_cast<double>(gxy[1]), gs.H);
        for (int64_t ch = 0; ch < C; ++ch) {
          const T* plane = x.as<T>() + (n * C + ch) * gs.H * gs.W;
          double v = 0;
          if (mode == "bicubic") {
            const double x0 = std::floor(fx), y0 = std::floor(fy), tx = fx - x0, ty = fy - y0;
            for (int dy = -1; dy <= 2; ++dy)
              for (int dx = -1; dx <= 2; ++dx) {
                // Each tap's coordinate gets the padding transform.
                const int64_t sx = static_cast<int64_t>(gs.pad(x0 + dx, gs.W)), sy = static_cast<int64_t>(gs.pad(y0 + dy, gs.H));
                v += cubic(dx - tx) * cubic(dy - ty) * gs.pixel(plane, sy, sx);
              }
          } else {
            const double px = gs.pad(fx, gs.W), py = gs.pad(fy, gs.H);
            if (mode == "nearest") {
              v = gs.pixel(plane, static_cast<int64_t>(std::nearbyint(py)), static_cast<int64_t>(std::nearbyint(px)));
            } else {
              const double x0 = std::floor(px), y0 = std::floor(py), wx = px - x0, wy = py - y0;
              const int64_t ix = static_cast<int64_t>(x0), iy = static_cast<int64_t>(y0);
              v = (1 - wy) * ((1 - wx) * gs.pixel(plane, iy, ix) + wx * gs.pixel(plane, iy, ix + 1)) +
                  wy * ((1 - wx) * gs.pixel(plane, iy + 1, ix) + wx * gs.pixel(plane, iy + 1, ix + 1));
            }
          }
          y.as<T>()[((n * C + ch) * Ho + ho) * Wo + wo] = static_cast<T>(v);
        }
      }
  return Status::OK();
}

Status gridSample(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return gridSampleTyped<decltype(t)>(c); });
}

}  // namespace

void registerResizeKernels(KernelRegistry& r) {
  std::vector<DType> resize_types = floatTypes();
  resize_types.push_back(DType::U8);
  resize_types.push_back(DType::I8);
  r["Resize"] = {resize, resize_types};
  r["GridSample"] = {gridSample, floatTypes()};
}

}  // namespace ref
}  // namespace zy
