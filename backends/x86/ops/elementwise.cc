// Element-wise ops on x86: Add, Sub, Mul and Div as the shared row ops
// (backends/common/binary_ops.h) over AVX-512 / AVX2 rows, and the
// activations as standalone ops.
#include <cstring>

#include "binary_ops.h"
#include "core/backend_helpers.h"
#include "kernels/f32_activation.h"
#include "kernels/f32_vbinary.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

// Standalone activations, as the fused ones: Relu, Sigmoid, LeakyRelu,
// HardSigmoid, HardSwish, and Clip with constant or absent bounds.
bool activationOf(const zy_op_view_t* op, FusedActivation* act, std::string* why) {
  const Attributes a = attributesFromView(op);
  const std::string type = op->type;
  if (type == "Relu") act->kind = FusedActivation::Relu;
  else if (type == "Sigmoid") act->kind = FusedActivation::Sigmoid;
  else if (type == "HardSwish") act->kind = FusedActivation::HardSwish;
  else if (type == "LeakyRelu") { act->kind = FusedActivation::LeakyRelu; act->alpha = a.getFloat("alpha", 0.01f); }
  else if (type == "HardSigmoid") {
    act->kind = FusedActivation::HardSigmoid;
    act->alpha = a.getFloat("alpha", 0.2f);
    act->beta = a.getFloat("beta", 0.5f);
  } else if (type == "Clip") {
    act->kind = FusedActivation::Clip;
    act->alpha = -3.402823466e38f;
    act->beta = 3.402823466e38f;
    for (size_t i = 1; i < op->num_inputs && i < 3; ++i) {
      const zy_tensor_view_t& t = op->inputs[i];
      if (t.dtype == ZY_DTYPE_UNDEFINED) continue;
      if (!t.is_constant || !t.data) { *why = "Clip bounds must be constants"; return false; }
      (i == 1 ? act->alpha : act->beta) = *static_cast<const float*>(t.data);
    }
  } else {
    *why = type + " is not implemented for x86 yet";
    return false;
  }
  return true;
}

bool activationSupported(const zy_op_view_t* op, std::string* why) {
  if (!allF32(op) || op->num_inputs < 1) { *why = "only f32"; return false; }
  FusedActivation act;
  return activationOf(op, &act, why);
}

class ActivationOp : public X86Op {
 public:
  ActivationOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx) {
    std::string why;
    activationOf(op, &act_, &why);
  }
  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    const int64_t n = elementCount(op->outputs[0]);
    float* y = static_cast<float*>(op->outputs[0].data);
    const float* x = static_cast<const float*>(op->inputs[0].data);
    constexpr int64_t kChunk = 1 << 14;
    auto chunk = [&](size_t b, size_t e) {
      for (size_t c = b; c < e; ++c) {
        const int64_t s = static_cast<int64_t>(c) * kChunk, len = std::min(kChunk, n - s);
        if (y != x) std::memcpy(y + s, x + s, static_cast<size_t>(len) * sizeof(float));
        applyActivation(y + s, len, act_);
      }
    };
    const size_t chunks = static_cast<size_t>((n + kChunk - 1) / kChunk);
    if (n < kParallelElements) chunk(0, chunks);
    else ctx_.parallel(chunks, chunk);
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  FusedActivation act_;
};

std::unique_ptr<X86Op> prepareBinary(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<BinaryRowsOp<X86Op, OpContext>>(ctx, op, vbinary);
}
std::unique_ptr<X86Op> prepareActivation(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<ActivationOp>(ctx, op); }

}  // namespace

const OpKind kElementwiseOps[] = {
    {"Add", binarySupported, prepareBinary},           {"Sub", binarySupported, prepareBinary},
    {"Mul", binarySupported, prepareBinary},           {"Div", binarySupported, prepareBinary},
    {"Relu", activationSupported, prepareActivation},  {"Sigmoid", activationSupported, prepareActivation},
    {"Clip", activationSupported, prepareActivation},  {"LeakyRelu", activationSupported, prepareActivation},
    {"HardSigmoid", activationSupported, prepareActivation}, {"HardSwish", activationSupported, prepareActivation},
};
const size_t kNumElementwiseOps = sizeof(kElementwiseOps) / sizeof(kElementwiseOps[0]);

}  // namespace x86
}  // namespace zy
