// int8 pooling as ops for any kernel backend, bit-exact with backends/ref:
//   MaxPool on int8/uint8 (2-D, no Indices): per plane, a vertical max over
//     the window's rows, then a horizontal max over its columns (maxPoolPlane,
//     compiled by each backend for its ISA);
//   QLinearGlobalAveragePool (NCHW): a sum per plane, requantized with 1/HW
//     folded into the factor (the spec's rounding, one step).
#pragma once
#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/backend_helpers.h"
#include "ops/op_helpers.h"
#include "ops/requantize.h"
#include "pool_window.h"
#include "qs8_params.h"

#ifndef ZY_QS8_POOL_INLINE
#define ZY_QS8_POOL_INLINE __attribute__((always_inline)) inline
#endif

namespace zy {

// Elements of the `row` scratch maxPoolPlane needs: the padded row the
// windows span, and the running maxima over it.
inline int64_t maxPoolRowElements(int64_t W, const WindowGeometry& g) {
  const int64_t span = std::max<int64_t>((g.out[1] - 1) * g.strides[1] + g.kernel[1], 1);
  return std::max(span, g.pad_begin[1] + W) + span;
}

// One plane, row by row: the window's rows maxed into a row padded with the
// lowest value (padding never wins), the max over KW neighbours taken in KW
// passes, then every stride-th of them. Each pass is a plain loop over
// contiguous elements, which the compiler vectorizes for the backend's ISA.
template <typename T>
ZY_QS8_POOL_INLINE void maxPoolPlane(const T* x, T* y, int64_t H, int64_t W, const WindowGeometry& g, T* row) {
  const int64_t OH = g.out[0], OW = g.out[1], KH = g.kernel[0], KW = g.kernel[1], SW = g.strides[1], pl = g.pad_begin[1];
  const int64_t span = std::max<int64_t>((OW - 1) * SW + KW, 1), starts = (OW - 1) * SW + 1;
  const int64_t padded = std::max(span, pl + W);  // row[i] holds input column i - pl
  T* hmax = row + padded;
  const T lowest = std::numeric_limits<T>::lowest();
  for (int64_t oh = 0; oh < OH; ++oh) {
    const int64_t h0 = oh * g.strides[0] - g.pad_begin[0];
    const int64_t hs = std::max<int64_t>(h0, 0), he = std::min(h0 + KH, H);
    T* out = y + oh * OW;
    if (hs >= he) {  // a window entirely in the padding (ceil_mode): ref keeps the lowest value
      std::fill(out, out + OW, lowest);
      continue;
    }
    std::fill(row, row + pl, lowest);
    std::fill(row + pl + W, row + padded, lowest);
    T* r0 = row + pl;
    std::memcpy(r0, x + hs * W, static_cast<size_t>(W) * sizeof(T));
    for (int64_t h = hs + 1; h < he; ++h) {
      const T* r = x + h * W;
      for (int64_t w = 0; w < W; ++w) r0[w] = std::max(r0[w], r[w]);
    }
    std::memcpy(hmax, row, static_cast<size_t>(starts) * sizeof(T));
    for (int64_t j = 1; j < KW; ++j)
      for (int64_t i = 0; i < starts; ++i) hmax[i] = std::max(hmax[i], row[i + j]);
    for (int64_t ow = 0; ow < OW; ++ow) out[ow] = hmax[ow * SW];
  }
}

// int8 MaxPool (2-D, no Indices): PlaneFn runs one plane for T = uint8_t or
// int8_t (each backend compiles maxPoolPlane for its ISA).
using Qs8MaxPoolPlaneFn = void (*)(const void* x, void* y, bool u8, int64_t H, int64_t W, const WindowGeometry& g, void* row);

inline bool qs8MaxPoolSupported(const zy_op_view_t* op, std::string* why) {
  const zy_tensor_view_t& x = op->inputs[0];
  if (!isByteType(x.dtype) || x.rank != 4 || op->num_outputs != 1) { *why = "int8 MaxPool takes 2-D 8-bit inputs without Indices here"; return false; }
  for (int64_t d : attributesFromView(op).getInts("dilations"))
    if (d != 1) { *why = "dilated int8 MaxPool"; return false; }
  return true;
}

template <class Base, class Ctx>
class Qs8MaxPoolOp : public Base {
 public:
  Qs8MaxPoolOp(const Ctx& ctx, const zy_op_view_t* op, Qs8MaxPoolPlaneFn plane) : ctx_(ctx), attrs_(attributesFromView(op)), plane_(plane) {}

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    const int64_t NC = x.dims[0] * x.dims[1], H = x.dims[2], W = x.dims[3];
    WindowGeometry g;
    if (const zy_status_code_t s = pool2dWindow(attrs_, op, &g, err); s != ZY_OK) return s;
    const int64_t plane = H * W, out_plane = g.out[0] * g.out[1];
    const bool u8 = x.dtype == ZY_DTYPE_U8;
    ctx_.parallel(static_cast<size_t>(NC), [&](size_t b, size_t e) {
      std::vector<uint8_t> row(static_cast<size_t>(maxPoolRowElements(W, g)));
      for (size_t c = b; c < e; ++c)
        plane_(static_cast<const uint8_t*>(x.data) + static_cast<int64_t>(c) * plane, static_cast<uint8_t*>(y.data) + static_cast<int64_t>(c) * out_plane,
               u8, H, W, g, row.data());
    });
    return ZY_OK;
  }

 private:
  Ctx ctx_;
  Attributes attrs_;
  Qs8MaxPoolPlaneFn plane_;
};

inline bool constantScalar(const zy_op_view_t* op, size_t i, bool is_scale) {
  if (i >= op->num_inputs) return !is_scale;
  const zy_tensor_view_t& t = op->inputs[i];
  if (t.dtype == ZY_DTYPE_UNDEFINED) return !is_scale;
  return t.is_constant && elementCountOf(t) == 1 && (is_scale ? t.dtype == ZY_DTYPE_F32 : isByteType(t.dtype));
}

inline int32_t zeroPointAt(const zy_op_view_t* op, size_t i) {
  if (i >= op->num_inputs || op->inputs[i].dtype == ZY_DTYPE_UNDEFINED) return 0;
  const zy_tensor_view_t& t = op->inputs[i];
  return t.dtype == ZY_DTYPE_U8 ? *static_cast<const uint8_t*>(t.data) : *static_cast<const int8_t*>(t.data);
}

inline bool qlinearGapSupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs < 4 || !isByteType(op->inputs[0].dtype) || op->inputs[0].rank < 3 ||
      attributesFromView(op).getInt("channels_last", 0) != 0 || !constantScalar(op, 1, true) || !constantScalar(op, 2, false) ||
      !constantScalar(op, 3, true) || !constantScalar(op, 4, false)) {
    *why = "QLinearGlobalAveragePool takes NCHW 8-bit input with constant per-tensor parameters here";
    return false;
  }
  return true;
}

template <class Base, class Ctx>
class QLinearGapOp : public Base {
 public:
  QLinearGapOp(const Ctx& ctx, const zy_op_view_t* op) : ctx_(ctx), zx_(zeroPointAt(op, 2)), zy_(zeroPointAt(op, 4)) {
    xs_ = *static_cast<const float*>(op->inputs[1].data);
    ys_ = *static_cast<const float*>(op->inputs[3].data);
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    const int64_t NC = x.dims[0] * x.dims[1], HW = elementCountOf(x) / std::max<int64_t>(1, NC);
    Requantizer rq;
    Status s = Requantizer::fromReal(static_cast<double>(xs_) / ys_ / static_cast<double>(HW), &rq);
    if (!s.ok()) { *err = s.message(); return ZY_INVALID_ARGUMENT; }
    const QuantRange range = dtypeRange(y.dtype == ZY_DTYPE_U8 ? DType::U8 : DType::I8);
    const bool u8 = x.dtype == ZY_DTYPE_U8;
    ctx_.parallel(static_cast<size_t>(NC), [&](size_t b, size_t e) {
      for (size_t c = b; c < e; ++c) {
        const int64_t sum = u8 ? planeSum(static_cast<const uint8_t*>(x.data) + c * HW, HW)
                               : planeSum(static_cast<const int8_t*>(x.data) + c * HW, HW);
        const int32_t v = clampTo(zy_ + rq.apply(static_cast<int32_t>(static_cast<uint32_t>(sum - int64_t{zx_} * HW))), range);
        static_cast<uint8_t*>(y.data)[c] = static_cast<uint8_t>(v);
      }
    });
    return ZY_OK;
  }

 private:
  template <typename T>
  static int64_t planeSum(const T* p, int64_t n) {
    int64_t s = 0;
    for (int64_t i = 0; i < n; ++i) s += p[i];
    return s;
  }

  Ctx ctx_;
  int32_t zx_, zy_;
  float xs_ = 1.f, ys_ = 1.f;
};

}  // namespace zy
