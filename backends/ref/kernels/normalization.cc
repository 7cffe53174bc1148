// BatchNormalization (inference), Softmax (opset 13 and the legacy 2-D form),
// ReduceMean.
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

// Softmax over one axis (opset 13). With the `legacy_2d` attribute (set by
// the importer for opsets < 13) the input is treated as 2-D [outer, rest]
// split at `axis`, as those opsets define.
template <typename T>
Status softmaxTyped(KernelContext& c) {
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
      for (int64_t k = 0; k < len; ++k) mx = std::max(mx, xp[base + k * inner]);
      T sum = T(0);
      for (int64_t k = 0; k < len; ++k) {
        T e = std::exp(xp[base + k * inner] - mx);
        yp[base + k * inner] = e;
        sum += e;
      }
      for (int64_t k = 0; k < len; ++k) yp[base + k * inner] /= sum;
    }
  return Status::OK();
}

Status softmax(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return softmaxTyped<decltype(t)>(c); });
}

template <typename T>
Status reduceMeanTyped(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  std::vector<int64_t> axes;
  ZY_RETURN_IF_ERROR(computeReduceAxes(c.attrs(), x.rank(), readIntTensor(c.input(1)), c.hasInput(1), &axes));
  const T* xp = x.as<T>();
  T* yp = y.as<T>();
  if (axes.empty()) {  // noop_with_empty_axes
    std::copy(xp, xp + x.size(), yp);
    return Status::OK();
  }
  // Output strides in the input's rank (0 along reduced axes).
  Shape kept = x.shape;
  for (int64_t a : axes) kept[a] = 1;
  std::vector<int64_t> kst = stridesOf(kept);
  for (int64_t a : axes) kst[a] = 0;
  const int64_t out_n = numElements(kept);
  std::vector<double> acc(static_cast<size_t>(out_n), 0.0);
  std::vector<int64_t> idx(x.shape.size(), 0);
  int64_t off = 0;
  for (int64_t i = 0; i < x.size(); ++i) {
    acc[off] += static_cast<double>(xp[i]);
    for (int64_t d = x.rank() - 1; d >= 0; --d) {
      if (++idx[d] < x.shape[d]) { off += kst[d]; break; }
      off -= kst[d] * (x.shape[d] - 1);
      idx[d] = 0;
    }
  }
  const double count = static_cast<double>(x.size()) / static_cast<double>(std::max<int64_t>(1, out_n));
  for (int64_t o = 0; o < out_n; ++o) yp[o] = static_cast<T>(acc[o] / count);
  return Status::OK();
}

Status reduceMean(KernelContext& c) {
  return withFloatType(c.input(0).dtype, [&](auto t) { return reduceMeanTyped<decltype(t)>(c); });
}

}  // namespace

void registerNormalizationKernels(KernelRegistry& r) {
  r["BatchNormalization"] = {batchNorm, floatTypes()};
  r["Softmax"] = {softmax, floatTypes()};
  r["ReduceMean"] = {reduceMean, floatTypes()};
}

}  // namespace ref
}  // namespace zy
