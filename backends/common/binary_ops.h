// Add, Sub, Mul and Div as ops over rows, for any kernel backend: one operand
// has the output's shape and the other is equal, a scalar, one value per
// outer index ([N,C,1,1] on [N,C,H,W]: the squeeze-excite scale) or one row
// repeated ([C] on [N,T,C]: a bias). The row kernel comes from the backend.
#pragma once
#include <cstring>
#include <string>

#include "row_ops.h"  // allInputsAndOutputF32
#include "simd/f32_vbinary.h"

namespace zy {

// Parallel only above this many elements: below, threads cost more than they save.
constexpr int64_t kParallelElements = 1 << 16;

// How an operand is laid over the output, flattened as [outer, inner].
struct Broadcast {
  enum Kind { Full, PerOuter, PerInner, Unsupported } kind = Unsupported;
  int64_t outer = 1, inner = 1;
};

inline Broadcast classify(const zy_tensor_view_t& in, const zy_tensor_view_t& out) {
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

inline BinaryOp binaryOpOf(const char* type) {
  if (!std::strcmp(type, "Add")) return BinaryOp::Add;
  if (!std::strcmp(type, "Sub")) return BinaryOp::Sub;
  if (!std::strcmp(type, "Mul")) return BinaryOp::Mul;
  return BinaryOp::Div;
}

// Which operand is the full one; the other must broadcast in a supported way.
inline bool binaryLayout(const zy_op_view_t* op, int* full, Broadcast* other) {
  for (int f = 0; f < 2; ++f) {
    if (classify(op->inputs[f], op->outputs[0]).kind != Broadcast::Full) continue;
    *full = f;
    *other = classify(op->inputs[1 - f], op->outputs[0]);
    if (other->kind != Broadcast::Unsupported) return true;
  }
  return false;
}

inline bool binarySupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs != 2 || !allInputsAndOutputF32(op)) { *why = "only f32 operands"; return false; }
  int full;
  Broadcast other;
  if (!binaryLayout(op, &full, &other)) { *why = "this broadcast pattern is not implemented here"; return false; }
  return true;
}

using VBinaryFn = void (*)(BinaryOp op, const float* a, const float* b, bool b_scalar, bool swapped, float* y, int64_t n);

// Base: the backend's op class; Ctx: its context (parallel); vbinary: its row kernel.
template <class Base, class Ctx>
class BinaryRowsOp : public Base {
 public:
  BinaryRowsOp(const Ctx& ctx, const zy_op_view_t* op, VBinaryFn vbinary) : ctx_(ctx), op_(binaryOpOf(op->type)), vbinary_(vbinary) {}

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    int full;
    Broadcast other;
    if (!binaryLayout(op, &full, &other)) { *err = "the operands' shapes changed to an unsupported broadcast"; return ZY_INVALID_ARGUMENT; }
    const float* a = static_cast<const float*>(op->inputs[full].data);
    const float* b = static_cast<const float*>(op->inputs[1 - full].data);
    float* y = static_cast<float*>(op->outputs[0].data);
    const bool swapped = full == 1;
    const int64_t n = elementCountOf(op->outputs[0]);
    if (other.kind == Broadcast::Full) {
      constexpr int64_t kChunk = 1 << 14;
      const int64_t chunks = (n + kChunk - 1) / kChunk;
      run(chunks, n, [&](int64_t c) {
        const int64_t s = c * kChunk, len = std::min(kChunk, n - s);
        vbinary_(op_, a + s, b + s, false, swapped, y + s, len);
      });
    } else {
      const bool per_outer = other.kind == Broadcast::PerOuter;
      const int64_t inner = other.inner;
      run(other.outer, n, [&](int64_t o) {
        vbinary_(op_, a + o * inner, per_outer ? b + o : b, per_outer, swapped, y + o * inner, inner);
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

  Ctx ctx_;
  BinaryOp op_;
  VBinaryFn vbinary_;
};

}  // namespace zy
