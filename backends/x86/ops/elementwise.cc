// Element-wise ops on x86: Add, Sub, Mul and Div where one operand has the
// output's shape and the other is equal, a scalar, one value per outer index
// ([N,C,1,1] on [N,C,H,W]: the squeeze-excite scale) or one row repeated
// ([C] on [N,T,C]: a bias); and the activations as standalone ops.
#include <cstring>

#include "core/backend_helpers.h"
#include "kernels/f32_activation.h"
#include "kernels/f32_vbinary.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

// Parallel only above this many elements: below, threads cost more than they save.
constexpr int64_t kParallelElements = 1 << 16;

// How an operand is laid over the output, flattened as [outer, inner].
struct Broadcast {
  enum Kind { Full, PerOuter, PerInner, Unsupported } kind = Unsupported;
  int64_t outer = 1, inner = 1;
};

Broadcast classify(const zy_tensor_view_t& in, const zy_tensor_view_t& out) {
  Broadcast b;
  const int32_t R = out.rank, off = R - in.rank;
  if (off < 0) return b;
  auto dim = [&](int32_t i) { return i < off ? 1 : in.dims[i - off]; };
  int32_t k = 0;  // the leading axes where the operand matches the output
  while (k < R && dim(k) == out.dims[k]) ++k;
  bool ones_after = true;
  for (int32_t i = k; i < R; ++i) ones_after &= dim(i) == 1;
  if (k == R) { b.kind = Broadcast::Full; return b; }
  if (ones_after) {  // [d0..dk-1, 1, ..., 1]: one value per outer index
    b.kind = Broadcast::PerOuter;
    for (int32_t i = 0; i < k; ++i) b.outer *= out.dims[i];
    for (int32_t i = k; i < R; ++i) b.inner *= out.dims[i];
    return b;
  }
  int32_t j = 0;  // leading ones, then equal: one row repeated
  while (j < R && dim(j) == 1) ++j;
  bool equal_after = true;
  for (int32_t i = j; i < R; ++i) equal_after &= dim(i) == out.dims[i];
  if (equal_after) {
    b.kind = Broadcast::PerInner;
    for (int32_t i = 0; i < j; ++i) b.outer *= out.dims[i];
    for (int32_t i = j; i < R; ++i) b.inner *= out.dims[i];
  }
  return b;
}

BinaryOp binaryOpOf(const char* type) {
  if (!std::strcmp(type, "Add")) return BinaryOp::Add;
  if (!std::strcmp(type, "Sub")) return BinaryOp::Sub;
  if (!std::strcmp(type, "Mul")) return BinaryOp::Mul;
  return BinaryOp::Div;
}

// Which operand is the full one; the other must broadcast in a supported way.
bool binaryLayout(const zy_op_view_t* op, int* full, Broadcast* other) {
  for (int f = 0; f < 2; ++f) {
    if (classify(op->inputs[f], op->outputs[0]).kind != Broadcast::Full) continue;
    *full = f;
    *other = classify(op->inputs[1 - f], op->outputs[0]);
    if (other->kind != Broadcast::Unsupported) return true;
  }
  return false;
}

bool binarySupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs != 2 || !allF32(op)) { *why = "only f32 operands"; return false; }
  int full;
  Broadcast other;
  if (!binaryLayout(op, &full, &other)) { *why = "this broadcast pattern is not implemented for x86"; return false; }
  return true;
}

class BinaryOpImpl : public X86Op {
 public:
  BinaryOpImpl(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx), op_(binaryOpOf(op->type)) {}

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    int full;
    Broadcast other;
    if (!binaryLayout(op, &full, &other)) { *err = "the operands' shapes changed to an unsupported broadcast"; return ZY_INVALID_ARGUMENT; }
    const float* a = static_cast<const float*>(op->inputs[full].data);
    const float* b = static_cast<const float*>(op->inputs[1 - full].data);
    float* y = static_cast<float*>(op->outputs[0].data);
    const bool swapped = full == 1;
    const int64_t n = elementCount(op->outputs[0]);
    if (other.kind == Broadcast::Full) {
      constexpr int64_t kChunk = 1 << 14;
      const int64_t chunks = (n + kChunk - 1) / kChunk;
      run(chunks, n, [&](int64_t c) {
        const int64_t s = c * kChunk, len = std::min(kChunk, n - s);
        vbinary(op_, a + s, b + s, false, swapped, y + s, len);
      });
    } else {
      const bool per_outer = other.kind == Broadcast::PerOuter;
      const int64_t inner = other.inner;
      run(other.outer, n, [&](int64_t o) {
        vbinary(op_, a + o * inner, per_outer ? b + o : b, per_outer, swapped, y + o * inner, inner);
      });
    }
    return ZY_OK;
  }

 private:
  template <class F>
  void run(int64_t tasks, int64_t elements, const F& fn) {
    if (elements < kParallelElements) {
      for (int64_t t = 0; t < tasks; ++t) fn(t);
      return;
    }
    ctx_.parallel(static_cast<size_t>(tasks), [&](size_t b, size_t e) {
      for (size_t t = b; t < e; ++t) fn(static_cast<int64_t>(t));
    });
  }

  OpContext ctx_;
  BinaryOp op_;
};

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

std::unique_ptr<X86Op> prepareBinary(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<BinaryOpImpl>(ctx, op); }
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
