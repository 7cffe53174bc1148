// BatchNormalization (inference), the softmax family (opset 13 and the legacy
// 2-D form), InstanceNormalization and LayerNormalization.
#include <algorithm>
#include <cmath>
#include <limits>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"
#include "ops/op_helpers.h"

namespace zy {
namespace ref {
namespace {

template <typename T>
Status batchNormTyped(KernelContext& c) {
  const TensorArg& x = c.input(0);
  const T* scale = c.input(1).as<T>();
  const T* bias = c.input(2).as<T>();
  const T* mean = c.input(3).as<T>();
  const T* var = c.input(4).as<T>();
  const T eps = static_cast<T>(c.attrs().getFloat("epsilon", 1e-5f));
  const int64_t N = x.shape[0], C = x.shape[1], S = x.size() / std::max<int64_t>(1, N * C);
  const T* xp = x.as<T>();
  T* yp = c.output(0).as<T>();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ch = 0; ch < C; ++ch) {
      const T k = scale[ch] / std::sqrt(var[ch] + eps), b = bias[ch] - mean[ch] * k;
      const int64_t base = (n * C + ch) * S;
      for (int64_t s = 0; s < S; ++s) yp[base + s] = xp[base + s] * k + b;
    }
  // Optional training-mode outputs are reported as the running statistics.
  for (size_t o = 1; o < c.numOutputs() && o < 3; ++o)
    if (c.output(o).present())
      for (int64_t ch = 0; ch < C; ++ch) c.output(o).as<T>()[ch] = (o == 1 ? mean : var)[ch];
  return Status::OK();
}

Status batchNorm(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return batchNormTyped<decltype(t)>(c); });
}

// Softmax, LogSoftmax and Hardmax over one axis (opset 13). With the
// `legacy_2d` attribute (set by the importer for opsets < 13) the input is
// treated as 2-D [outer, rest] split at `axis`, as those opsets define.
enum class Kind { Softmax, LogSoftmax, Hardmax };

template <typename T>
Status softmaxTyped(KernelContext& c) {
  const Kind kind = c.opType() == "LogSoftmax" ? Kind::LogSoftmax : c.opType() == "Hardmax" ? Kind::Hardmax : Kind::Softmax;
  const TensorArg &x = c.input(0), &y = c.output(0);
  const int64_t r = std::max<int64_t>(1, x.rank());
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", -1), r, &axis));
  const bool legacy = c.attrs().getInt("legacy_2d", 0) != 0;
  int64_t outer = 1, len = 1, inner = 1;
  for (int64_t d = 0; d < x.rank(); ++d) {
    if (d < axis) outer *= x.shape[d];
    else if (d == axis || legacy) len *= x.shape[d];
    else inner *= x.shape[d];
  }
  const T* xp = x.as<T>();
  T* yp = y.as<T>();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = o * len * inner + i;
      T mx = -std::numeric_limits<T>::infinity();
      int64_t arg = 0;
      for (int64_t k = 0; k < len; ++k)
        if (xp[base + k * inner] > mx) { mx = xp[base + k * inner]; arg = k; }
      if (kind == Kind::Hardmax) {  // 1 at the first maximum
        for (int64_t k = 0; k < len; ++k) yp[base + k * inner] = k == arg ? T(1) : T(0);
        continue;
      }
      T sum = T(0);
      for (int64_t k = 0; k < len; ++k) sum += std::exp(xp[base + k * inner] - mx);
      const T log_sum = std::log(sum);
      for (int64_t k = 0; k < len; ++k) {
        const T shifted = xp[base + k * inner] - mx;
        yp[base + k * inner] = kind == Kind::Softmax ? std::exp(shifted) / sum : shifted - log_sum;
      }
    }
  return Status::OK();
}

Status softmax(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return softmaxTyped<decltype(t)>(c); });
}

// InstanceNormalization: per (n, c), normalize over the spatial elements.
template <typename T>
Status instanceNormTyped(KernelContext& c) {
  const TensorArg& x = c.input(0);
  const T* scale = c.input(1).as<T>();
  const T* bias = c.input(2).as<T>();
  const double eps = c.attrs().getFloat("epsilon", 1e-5f);
  const int64_t N = x.shape[0], C = x.shape[1], S = x.size() / std::max<int64_t>(1, N * C);
  const T* xp = x.as<T>();
  T* yp = c.output(0).as<T>();
  for (int64_t nc = 0; nc < N * C; ++nc) {
    const T* xr = xp + nc * S;
    double mean = 0, var = 0;
    for (int64_t s = 0; s < S; ++s) mean += xr[s];
    mean /= static_cast<double>(S);
    for (int64_t s = 0; s < S; ++s) var += (xr[s] - mean) * (xr[s] - mean);
    var /= static_cast<double>(S);
    const double k = static_cast<double>(scale[nc % C]) / std::sqrt(var + eps);
    for (int64_t s = 0; s < S; ++s) yp[nc * S + s] = static_cast<T>((xr[s] - mean) * k + bias[nc % C]);
  }
  return Status::OK();
}

Status instanceNorm(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return instanceNormTyped<decltype(t)>(c); });
}

// LayerNormalization: each row of the axes from `axis` on is normalized, then
// scaled and shifted (scale and B broadcast over the row). Optional outputs:
// the mean and the inverse standard deviation, in f32.
template <typename T>
Status layerNormTyped(KernelContext& c) {
  const TensorArg& x = c.input(0);
  int64_t axis;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", -1), x.rank(), &axis));
  const double eps = c.attrs().getFloat("epsilon", 1e-5f);
  int64_t rows = 1;
  for (int64_t d = 0; d < axis; ++d) rows *= x.shape[d];
  const int64_t len = x.size() / std::max<int64_t>(1, rows);
  const Shape norm(x.shape.begin() + axis, x.shape.end());
  // Scale and B expanded to the row's shape.
  auto expandToRow = [&](size_t i, T def) {
    std::vector<T> v(static_cast<size_t>(len), def);
    if (!c.hasInput(i)) return v;
    std::vector<std::vector<int64_t>> st = {broadcastStrides(c.input(i).shape, norm)};
    const T* p = c.input(i).as<T>();
    broadcastLoop(norm, st, [&](int64_t o, const int64_t* off) { v[o] = p[off[0]]; });
    return v;
  };
  const std::vector<T> scale = expandToRow(1, T(1)), bias = expandToRow(2, T(0));
  const T* xp = x.as<T>();
  T* yp = c.output(0).as<T>();
  float* mean_out = c.numOutputs() > 1 && c.output(1).present() ? c.output(1).as<float>() : nullptr;
  float* inv_out = c.numOutputs() > 2 && c.output(2).present() ? c.output(2).as<float>() : nullptr;
  for (int64_t r = 0; r < rows; ++r) {
    const T* xr = xp + r * len;
    double mean = 0, var = 0;
    for (int64_t k = 0; k < len; ++k) mean += xr[k];
    mean /= static_cast<double>(len);
    for (int64_t k = 0; k < len; ++k) var += (xr[k] - mean) * (xr[k] - mean);
    var /= static_cast<double>(len);
    const double inv = 1.0 / std::sqrt(var + eps);
    for (int64_t k = 0; k < len; ++k) yp[r * len + k] = static_cast<T>((xr[k] - mean) * inv * scale[k] + bias[k]);
    if (mean_out) mean_out[r] = static_cast<float>(mean);
    if (inv_out) inv_out[r] = static_cast<float>(inv);
  }
  return Status::OK();
}

Status layerNorm(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return layerNormTyped<decltype(t)>(c); });
}

}  // namespace

void registerNormalizationKernels(KernelRegistry& r) {
  r["BatchNormalization"] = {batchNorm, floatTypes()};
  r["Softmax"] = {softmax, floatTypes()};
  r["LogSoftmax"] = {softmax, floatTypes()};
  r["Hardmax"] = {softmax, floatTypes()};
  r["InstanceNormalization"] = {instanceNorm, floatTypes()};
  r["LayerNormalization"] = {layerNorm, floatTypes()};
}

}  // namespace ref
}  // namespace zy
