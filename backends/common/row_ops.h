// Softmax and LayerNormalization as ops over contiguous rows, for any kernel
// backend: Base is the backend's op class (run(op, why)), Ctx its context
// (with parallel(n, fn)); the row kernels come from the backend (compiled for
// its ISA from simd/f32_rows.h). Softmax runs over the last axis (or opset <
// 13's 2-D form, whose rows are contiguous too), LayerNormalization with
// scale and bias of the normalized shape.
#pragma once
#include <cstdint>
#include <string>

#include "core/backend_helpers.h"
#include "qs8_params.h"

namespace zy {

using SoftmaxRowsFn = void (*)(const float* x, int64_t rows, int64_t len, float* y);
using LayerNormRowsFn = void (*)(const float* x, int64_t rows, int64_t len, const float* scale, const float* bias, float eps,
                                 float* y);

// The row length from `axis` on, and whether rows are contiguous.
inline bool rowsFrom(const zy_tensor_view_t& x, int64_t axis, bool whole_tail, int64_t* rows, int64_t* len) {
  if (axis < 0) axis += x.rank;
  if (axis < 0 || axis >= x.rank) return false;
  *rows = 1;
  *len = 1;
  for (int32_t d = 0; d < x.rank; ++d) {
    if (d < axis) *rows *= x.dims[d];
    else *len *= x.dims[d];
  }
  return whole_tail || axis == x.rank - 1;
}

inline bool allInputsAndOutputF32(const zy_op_view_t* op) {
  for (size_t i = 0; i < op->num_inputs; ++i)
    if (op->inputs[i].dtype != ZY_DTYPE_F32 && op->inputs[i].dtype != ZY_DTYPE_UNDEFINED) return false;
  return op->num_outputs > 0 && op->outputs[0].dtype == ZY_DTYPE_F32;
}

inline bool softmaxRowsSupported(const zy_op_view_t* op, std::string* why) {
  if (!allInputsAndOutputF32(op) || op->num_inputs != 1 || op->inputs[0].rank < 1) { *why = "only f32 Softmax"; return false; }
  const Attributes a = attributesFromView(op);
  int64_t rows, len;
  if (!rowsFrom(op->inputs[0], a.getInt("axis", -1), a.getInt("legacy_2d", 0) != 0, &rows, &len)) {
    *why = "Softmax over an axis other than the last is not implemented here";
    return false;
  }
  return true;
}

inline bool layerNormRowsSupported(const zy_op_view_t* op, std::string* why) {
  if (!allInputsAndOutputF32(op) || op->num_inputs < 2) { *why = "only f32 LayerNormalization"; return false; }
  for (size_t i = 1; i < op->num_outputs; ++i)
    if (op->outputs[i].dtype != ZY_DTYPE_UNDEFINED) { *why = "LayerNormalization's Mean and InvStdDev outputs are not implemented here"; return false; }
  int64_t rows, len;
  if (!rowsFrom(op->inputs[0], attributesFromView(op).getInt("axis", -1), true, &rows, &len)) { *why = "axis out of range"; return false; }
  for (size_t i = 1; i < op->num_inputs && i < 3; ++i)
    if (op->inputs[i].dtype != ZY_DTYPE_UNDEFINED && elementCountOf(op->inputs[i]) != len) {
      *why = "scale and bias must have the normalized shape";
      return false;
    }
  return true;
}

template <class Base, class Ctx>
class SoftmaxRowsOp : public Base {
 public:
  SoftmaxRowsOp(const Ctx& ctx, const zy_op_view_t* op, SoftmaxRowsFn rows) : ctx_(ctx), attrs_(attributesFromView(op)), rows_fn_(rows) {}
  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    int64_t rows, len;
    if (!rowsFrom(op->inputs[0], attrs_.getInt("axis", -1), attrs_.getInt("legacy_2d", 0) != 0, &rows, &len)) {
      *err = "Softmax axis out of range";
      return ZY_INVALID_ARGUMENT;
    }
    const float* x = static_cast<const float*>(op->inputs[0].data);
    float* y = static_cast<float*>(op->outputs[0].data);
    ctx_.parallel(static_cast<size_t>(rows), [&](size_t b, size_t e) {
      rows_fn_(x + static_cast<int64_t>(b) * len, static_cast<int64_t>(e - b), len, y + static_cast<int64_t>(b) * len);
    });
    return ZY_OK;
  }

 private:
  Ctx ctx_;
  Attributes attrs_;
  SoftmaxRowsFn rows_fn_;
};

template <class Base, class Ctx>
class LayerNormRowsOp : public Base {
 public:
  LayerNormRowsOp(const Ctx& ctx, const zy_op_view_t* op, LayerNormRowsFn rows) : ctx_(ctx), attrs_(attributesFromView(op)), rows_fn_(rows) {}
  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    int64_t rows, len;
    if (!rowsFrom(op->inputs[0], attrs_.getInt("axis", -1), true, &rows, &len)) { *err = "axis out of range"; return ZY_INVALID_ARGUMENT; }
    const float* x = static_cast<const float*>(op->inputs[0].data);
    const float* scale = static_cast<const float*>(op->inputs[1].data);
    const float* bias = op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED ? static_cast<const float*>(op->inputs[2].data) : nullptr;
    const float eps = attrs_.getFloat("epsilon", 1e-5f);
    float* y = static_cast<float*>(op->outputs[0].data);
    ctx_.parallel(static_cast<size_t>(rows), [&](size_t b, size_t e) {
      rows_fn_(x + static_cast<int64_t>(b) * len, static_cast<int64_t>(e - b), len, scale, bias, eps, y + static_cast<int64_t>(b) * len);
    });
    return ZY_OK;
  }

 private:
  Ctx ctx_;
  Attributes attrs_;
  LayerNormRowsFn rows_fn_;
};

}  // namespace zy
