// Softmax and LayerNormalization on x86, over contiguous rows: Softmax over
// the last axis (or opset < 13's 2-D form, whose rows are contiguous too),
// LayerNormalization with scale and bias of the normalized shape.
#include "core/backend_helpers.h"
#include "kernels/f32_layernorm.h"
#include "kernels/f32_softmax.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

// The row length from `axis` on, and whether rows are contiguous.
bool rowsFrom(const zy_tensor_view_t& x, int64_t axis, bool whole_tail, int64_t* rows, int64_t* len) {
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

bool onlyFirstOutput(const zy_op_view_t* op) {
  for (size_t i = 1; i < op->num_outputs; ++i)
    if (op->outputs[i].dtype != ZY_DTYPE_UNDEFINED) return false;
  return true;
}

bool softmaxSupported(const zy_op_view_t* op, std::string* why) {
  if (!allF32(op) || op->num_inputs != 1 || op->inputs[0].rank < 1) { *why = "only f32 Softmax"; return false; }
  const Attributes a = attributesFromView(op);
  int64_t rows, len;
  if (!rowsFrom(op->inputs[0], a.getInt("axis", -1), a.getInt("legacy_2d", 0) != 0, &rows, &len)) {
    *why = "Softmax over an axis other than the last is not implemented for x86";
    return false;
  }
  return true;
}

class SoftmaxOp : public X86Op {
 public:
  SoftmaxOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx), attrs_(attributesFromView(op)) {}
  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    int64_t rows, len;
    if (!rowsFrom(op->inputs[0], attrs_.getInt("axis", -1), attrs_.getInt("legacy_2d", 0) != 0, &rows, &len)) {
      *err = "Softmax axis out of range";
      return ZY_INVALID_ARGUMENT;
    }
    const float* x = static_cast<const float*>(op->inputs[0].data);
    float* y = static_cast<float*>(op->outputs[0].data);
    ctx_.parallel(static_cast<size_t>(rows), [&](size_t b, size_t e) {
      softmaxRows(x + static_cast<int64_t>(b) * len, static_cast<int64_t>(e - b), len, y + static_cast<int64_t>(b) * len);
    });
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  Attributes attrs_;
};

bool layerNormSupported(const zy_op_view_t* op, std::string* why) {
  if (!allF32(op) || op->num_inputs < 2) { *why = "only f32 LayerNormalization"; return false; }
  if (!onlyFirstOutput(op)) { *why = "LayerNormalization's Mean and InvStdDev outputs are not implemented for x86"; return false; }
  const Attributes a = attributesFromView(op);
  int64_t rows, len;
  if (!rowsFrom(op->inputs[0], a.getInt("axis", -1), true, &rows, &len)) { *why = "axis out of range"; return false; }
  for (size_t i = 1; i < op->num_inputs && i < 3; ++i)
    if (op->inputs[i].dtype != ZY_DTYPE_UNDEFINED && elementCount(op->inputs[i]) != len) {
      *why = "scale and bias must have the normalized shape";
      return false;
    }
  return true;
}

class LayerNormOp : public X86Op {
 public:
  LayerNormOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx), attrs_(attributesFromView(op)) {}
  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    int64_t rows, len;
    if (!rowsFrom(op->inputs[0], attrs_.getInt("axis", -1), true, &rows, &len)) { *err = "axis out of range"; return ZY_INVALID_ARGUMENT; }
    const float* x = static_cast<const float*>(op->inputs[0].data);
    const float* scale = static_cast<const float*>(op->inputs[1].data);
    const float* bias = op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED ? static_cast<const float*>(op->inputs[2].data) : nullptr;
    const float eps = attrs_.getFloat("epsilon", 1e-5f);
    float* y = static_cast<float*>(op->outputs[0].data);
    ctx_.parallel(static_cast<size_t>(rows), [&](size_t b, size_t e) {
      layerNormRows(x + static_cast<int64_t>(b) * len, static_cast<int64_t>(e - b), len, scale, bias, eps, y + static_cast<int64_t>(b) * len);
    });
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  Attributes attrs_;
};

std::unique_ptr<X86Op> prepareSoftmax(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<SoftmaxOp>(ctx, op); }
std::unique_ptr<X86Op> prepareLayerNorm(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<LayerNormOp>(ctx, op); }

}  // namespace

const OpKind kNormalizationOps[] = {{"Softmax", softmaxSupported, prepareSoftmax},
                                    {"LayerNormalization", layerNormSupported, prepareLayerNorm}};
const size_t kNumNormalizationOps = 2;

}  // namespace x86
}  // namespace zy
