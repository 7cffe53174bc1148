// Standalone activation ops for any kernel backend, over the backend's
// vectorized row function (simd/f32_activation.h compiled for its width).
#pragma once
#include <cstring>
#include <string>

#include "binary_ops.h"  // kParallelElements
#include "ops/fused_activation.h"

namespace zy {

// Standalone activations, as the fused ones: Relu, Sigmoid, LeakyRelu,
// HardSigmoid, HardSwish, and Clip with constant or absent bounds.
inline bool activationOf(const zy_op_view_t* op, FusedActivation* act, std::string* why) {
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
    *why = type + " is not implemented here yet";
    return false;
  }
  return true;
}

inline bool activationSupported(const zy_op_view_t* op, std::string* why) {
  if (!allInputsAndOutputF32(op) || op->num_inputs < 1) { *why = "only f32"; return false; }
  FusedActivation act;
  return activationOf(op, &act, why);
}

using ActivationRowFn = void (*)(float* p, int64_t n, const FusedActivation& act);

template <class Base, class Ctx>
class ActivationOp : public Base {
 public:
  ActivationOp(const Ctx& ctx, const zy_op_view_t* op, ActivationRowFn row) : ctx_(ctx), row_(row) {
    std::string why;
    activationOf(op, &act_, &why);
  }
  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    const int64_t n = elementCountOf(op->outputs[0]);
    float* y = static_cast<float*>(op->outputs[0].data);
    const float* x = static_cast<const float*>(op->inputs[0].data);
    constexpr int64_t kChunk = 1 << 14;
    auto chunk = [&](size_t b, size_t e) {
      for (size_t c = b; c < e; ++c) {
        const int64_t s = static_cast<int64_t>(c) * kChunk, len = std::min(kChunk, n - s);
        if (y != x) std::memcpy(y + s, x + s, static_cast<size_t>(len) * sizeof(float));
        row_(y + s, len, act_);
      }
    };
    const size_t chunks = static_cast<size_t>((n + kChunk - 1) / kChunk);
    if (n < kParallelElements) chunk(0, chunks);
    else ctx_.parallel(chunks, chunk);
    return ZY_OK;
  }

 private:
  Ctx ctx_;
  ActivationRowFn row_;
  FusedActivation act_;
};

}  // namespace zy
