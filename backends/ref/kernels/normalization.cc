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

// LRN across channels: x / (bias + alpha/size * sum of squares in the window)^beta.
template <typename T>
Status lrnTyped(KernelContext& c) {
  const TensorArg& x = c.input(0);
  const Attributes& a = c.attrs();
  const int64_t size = a.getInt("size", 1);
  const double alpha = a.getFloat("alpha", 1e-4f), beta = a.getFloat("beta", 0.75f), bias = a.getFloat("bias", 1.f);
  const int64_t N = x.shape[0], C = x.shape[1], S = x.size() / std::max<int64_t>(1, N * C);
  const int64_t lo = (size - 1) / 2, hi = size - 1 - lo;  // window [c - lo, c + hi]
  const T* xp = x.as<T>();
  T* yp = c.output(0).as<T>();
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ch = 0; ch < C; ++ch)
      for (int64_t s = 0; s < S; ++s) {
        double sq = 0;
        for (int64_t k = std::max<int64_t>(0, ch - lo); k <= std::min(C - 1, ch + hi); ++k) {
          const double v = xp[(n * C + k) * S + s];
          sq += v * v;
        }
        const int64_t at = (n * C + ch) * S + s;
        yp[at] = static_cast<T>(xp[at] / std::pow(bias + alpha / static_cast<double>(size) * sq, beta));
      }
  return Status::OK();
}

Status lrn(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return lrnTyped<decltype(t)>(c); });
}

// MeanVarianceNormalization over `axes` (default N, H, W), as ONNX's function
// defines it: (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9).
template <typename T>
Status mvnTyped(KernelContext& c) {
  const TensorArg& x = c.input(0);
  std::vector<int64_t> axes = c.attrs().getInts("axes");
  if (!c.attrs().has("axes")) axes = {0, 2, 3};
  for (auto& ax : axes) ZY_RETURN_IF_ERROR(normalizeAxis(ax, x.rank(), &ax));
  Shape kept = x.shape;
  for (int64_t ax : axes) kept[ax] = 1;
  std::vector<int64_t> kst = stridesOf(kept);
  for (int64_t ax : axes) kst[ax] = 0;
  const int64_t groups = numElements(kept), per = x.size() / std::max<int64_t>(1, groups);
  std::vector<double> sum(static_cast<size_t>(groups), 0), sq(static_cast<size_t>(groups), 0);
  std::vector<int64_t> idx(x.shape.size());
  auto groupOf = [&](int64_t i) {
    unravel(i, x.shape, idx.data());
    int64_t g = 0;
    for (size_t d = 0; d < idx.size(); ++d) g += idx[d] * kst[d];
    return g;
  };
  const T* xp = x.as<T>();
  for (int64_t i = 0; i < x.size(); ++i) {
    const int64_t g = groupOf(i);
    sum[g] += xp[i];
    sq[g] += static_cast<double>(xp[i]) * xp[i];
  }
  T* yp = c.output(0).as<T>();
  for (int64_t i = 0; i < x.size(); ++i) {
    const int64_t g = groupOf(i);
    const double mean = sum[g] / static_cast<double>(per), var = sq[g] / static_cast<double>(per) - mean * mean;
    yp[i] = static_cast<T>((xp[i] - mean) / (std::sqrt(std::max(0.0, var)) + 1e-9));
  }
  return Status::OK();
}

Status mvn(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return mvnTyped<decltype(t)>(c); });
}

// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (log-softmax over
// axis 1 first). reduction: none | sum | mean (weighted by the targets'
// weights); targets equal to ignore_index count for nothing.
template <typename T>
Status lossTyped(KernelContext& c) {
  const TensorArg &x = c.input(0), &tgt = c.input(1);
  const bool softmax_ce = c.opType() == "SoftmaxCrossEntropyLoss";
  const std::string reduction = c.attrs().getString("reduction", "mean");
  const bool has_ignore = c.attrs().has("ignore_index");
  const int64_t ignore = c.attrs().getInt("ignore_index", 0);
  const int64_t N = x.shape[0], C = x.shape[1], D = x.size() / std::max<int64_t>(1, N * C);
  const T* w = c.hasInput(2) ? c.input(2).as<T>() : nullptr;
  // Log-probabilities: the input itself for NLL, log_softmax(input) for SCE.
  std::vector<T> logp(x.as<T>(), x.as<T>() + x.size());
  if (softmax_ce) {
    for (int64_t n = 0; n < N; ++n)
      for (int64_t d = 0; d < D; ++d) {
        T mx = -std::numeric_limits<T>::infinity();
        for (int64_t k = 0; k < C; ++k) mx = std::max(mx, logp[(n * C + k) * D + d]);
        double sum = 0;
        for (int64_t k = 0; k < C; ++k) sum += std::exp(static_cast<double>(logp[(n * C + k) * D + d] - mx));
        const T lse = static_cast<T>(std::log(sum)) + mx;
        for (int64_t k = 0; k < C; ++k) logp[(n * C + k) * D + d] -= lse;
      }
    if (c.numOutputs() > 1 && c.output(1).present()) std::copy(logp.begin(), logp.end(), c.output(1).as<T>());
  }
  std::vector<T> loss(static_cast<size_t>(N * D));
  double total = 0, weight_sum = 0;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t d = 0; d < D; ++d) {
      const int64_t t = readIndex(tgt, n * D + d);
      if (has_ignore && t == ignore) { loss[n * D + d] = T(0); continue; }
      if (t < 0 || t >= C) return invalidArgument(strFormat("target %lld is out of range for %lld classes", (long long)t, (long long)C));
      const T wt = w ? w[t] : T(1);
      loss[n * D + d] = -logp[(n * C + t) * D + d] * wt;
      total += loss[n * D + d];
      weight_sum += wt;
    }
  T* y = c.output(0).as<T>();
  if (reduction == "none") std::copy(loss.begin(), loss.end(), y);
  else if (reduction == "sum") y[0] = static_cast<T>(total);
  else y[0] = static_cast<T>(weight_sum == 0 ? 0.0 : total / weight_sum);
  return Status::OK();
}

Status loss(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return lossTyped<decltype(t)>(c); });
}

}  // namespace

void registerNormalizationKernels(KernelRegistry& r) {
  r["BatchNormalization"] = {batchNorm, floatTypes()};
  r["Softmax"] = {softmax, floatTypes()};
  r["LogSoftmax"] = {softmax, floatTypes()};
  r["Hardmax"] = {softmax, floatTypes()};
  r["InstanceNormalization"] = {instanceNorm, floatTypes()};
  r["LayerNormalization"] = {layerNorm, floatTypes()};
  r["LRN"] = {lrn, floatTypes()};
  r["MeanVarianceNormalization"] = {mvn, floatTypes()};
  r["NegativeLogLikelihoodLoss"] = {loss, floatTypes()};
  r["SoftmaxCrossEntropyLoss"] = {loss, floatTypes()};
}

}  // namespace ref
}  // namespace zy
