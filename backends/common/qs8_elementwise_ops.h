// Element-wise int8 ops in portable C++ for any kernel backend (ARM runs
// them; x86 has AVX-512 versions of its own), bit-exact with backends/ref:
//   QuantizeLinear, DequantizeLinear, QLinearAdd (same shapes), QLinearMul
//   (same shapes or [N, C, 1, 1] as either input), QLinearLookup,
//   QLinearConcat; per-tensor constant parameters only.
// Simple loops over the spec's scalar arithmetic (ops/requantize.h), which
// the compiler vectorizes where it can.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "core/backend_helpers.h"
#include "ops/requantize.h"
#include "qs8_params.h"

namespace zy {
namespace qs8 {

// A constant per-tensor f32 scale at input s and 8-bit zero point at s + 1 (absent: 0).
inline bool perTensor(const zy_op_view_t* op, size_t s, float* scale, int32_t* zp) {
  if (s >= op->num_inputs) return false;
  const zy_tensor_view_t& sv = op->inputs[s];
  if (!sv.is_constant || sv.dtype != ZY_DTYPE_F32 || elementCountOf(sv) != 1) return false;
  *scale = *static_cast<const float*>(sv.data);
  return constantZeroPoint(inputOrAbsent(op, s + 1), zp);
}

inline bool sameShape(const zy_tensor_view_t& a, const zy_tensor_view_t& b) {
  return a.rank == b.rank && std::equal(a.dims, a.dims + a.rank, b.dims);
}

inline int32_t load(const uint8_t* p, int64_t i, bool u8) { return u8 ? p[i] : static_cast<int8_t>(p[i]); }
inline DType dtypeOf(zy_dtype_t t) { return t == ZY_DTYPE_U8 ? DType::U8 : DType::I8; }

// Runs fn(begin, end) over n elements in chunks on the context's threads.
template <class Ctx, class F>
void chunks(const Ctx& ctx, int64_t n, F&& fn) {
  const int64_t chunk = 16 * 1024, count = (n + chunk - 1) / chunk;
  ctx.parallel(static_cast<size_t>(count), [&](size_t b, size_t e) {
    for (size_t t = b; t < e; ++t) fn(static_cast<int64_t>(t) * chunk, std::min(n, static_cast<int64_t>(t + 1) * chunk));
  });
}

inline bool quantizeSupported(const zy_op_view_t* op, std::string* why) {
  float s;
  int32_t z;
  if (op->inputs[0].dtype == ZY_DTYPE_F32 && isByteType(op->outputs[0].dtype) && perTensor(op, 1, &s, &z)) return true;
  *why = "QuantizeLinear with a constant per-tensor scale and zero point only";
  return false;
}

template <class Base, class Ctx>
class QuantizeOp : public Base {
 public:
  QuantizeOp(const Ctx& ctx, const zy_op_view_t* op) : ctx_(ctx) { perTensor(op, 1, &scale_, &zp_); }
  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    const float* x = static_cast<const float*>(op->inputs[0].data);
    uint8_t* y = static_cast<uint8_t*>(op->outputs[0].data);
    const QuantRange r = dtypeRange(dtypeOf(op->outputs[0].dtype));
    chunks(ctx_, elementCountOf(op->inputs[0]), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) y[i] = static_cast<uint8_t>(quantizeValue(x[i], scale_, zp_, r));
    });
    return ZY_OK;
  }

 private:
  Ctx ctx_;
  float scale_ = 1.f;
  int32_t zp_ = 0;
};

inline bool dequantizeSupported(const zy_op_view_t* op, std::string* why) {
  float s;
  int32_t z;
  if (isByteType(op->inputs[0].dtype) && op->outputs[0].dtype == ZY_DTYPE_F32 && perTensor(op, 1, &s, &z)) return true;
  *why = "DequantizeLinear of 8-bit values with a constant per-tensor scale and zero point only";
  return false;
}

template <class Base, class Ctx>
class DequantizeOp : public Base {
 public:
  DequantizeOp(const Ctx& ctx, const zy_op_view_t* op) : ctx_(ctx) { perTensor(op, 1, &scale_, &zp_); }
  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    const uint8_t* x = static_cast<const uint8_t*>(op->inputs[0].data);
    float* y = static_cast<float*>(op->outputs[0].data);
    const bool u8 = op->inputs[0].dtype == ZY_DTYPE_U8;
    chunks(ctx_, elementCountOf(op->inputs[0]), [&](int64_t b, int64_t e) {
      // (q - zp) * scale in f32: the exact product rounded once, as ref's double product cast to f32.
      for (int64_t i = b; i < e; ++i) y[i] = static_cast<float>(load(x, i, u8) - zp_) * scale_;
    });
    return ZY_OK;
  }

 private:
  Ctx ctx_;
  float scale_ = 1.f;
  int32_t zp_ = 0;
};

// QLinearAdd and QLinearMul: A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp.
// inner: 0 = same shapes, else B (after a swap) is one value per `inner` outputs.
inline int64_t innerOf(const zy_tensor_view_t& a, const zy_tensor_view_t& b) {
  if (sameShape(a, b)) return 0;
  if (b.rank != a.rank) return -1;
  int64_t inner = 1;
  bool tail = true;
  for (int32_t d = a.rank - 1; d >= 0; --d) {
    if (tail && b.dims[d] == 1) { inner *= a.dims[d]; continue; }
    tail = false;
    if (b.dims[d] != a.dims[d]) return -1;
  }
  return inner;
}

template <bool kMul>
bool binarySupported(const zy_op_view_t* op, std::string* why) {
  float s;
  int32_t z;
  bool ok = op->num_inputs >= 7 && isByteType(op->inputs[0].dtype) && op->inputs[3].dtype == op->inputs[0].dtype &&
            isByteType(op->outputs[0].dtype) && perTensor(op, 1, &s, &z) && perTensor(op, 4, &s, &z) && perTensor(op, 6, &s, &z);
  if (ok) {
    const zy_tensor_view_t &a = op->inputs[0], &b = op->inputs[3], &y = op->outputs[0];
    ok = kMul ? (sameShape(a, y) ? innerOf(a, b) >= 0 : sameShape(b, y) && innerOf(b, a) > 0) : sameShape(a, b) && sameShape(a, y);
  }
  QuantRange r;
  if (ok && !outputRange(attributesFromView(op), DType::I8, 1.f, 0, &r).ok()) ok = false;
  if (!ok) *why = kMul ? "QLinearMul of same shapes or a per-channel operand, constant per-tensor parameters only"
                       : "QLinearAdd of same shapes with constant per-tensor parameters only";
  return ok;
}

template <class Base, class Ctx, bool kMul>
class BinaryOp8 : public Base {
 public:
  BinaryOp8(const Ctx& ctx, const zy_op_view_t* op) : ctx_(ctx), swap_(!sameShape(op->inputs[0], op->outputs[0])) {
    float as = 1.f, bs = 1.f, ys = 1.f;
    perTensor(op, swap_ ? 4 : 1, &as, &za_);
    perTensor(op, swap_ ? 1 : 4, &bs, &zb_);
    perTensor(op, 6, &ys, &zy_);
    if (kMul) {
      status_ = Requantizer::fromReal(productScale(as, bs, ys), &rq_);
    } else {
      const double r[2] = {static_cast<double>(as) / ys, static_cast<double>(bs) / ys};
      status_ = ScaledSum::fromReals(r, 2, &sum_);
    }
    if (status_.ok()) status_ = outputRange(attributesFromView(op), dtypeOf(op->outputs[0].dtype), ys, zy_, &range_);
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!status_.ok()) { *err = status_.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &av = op->inputs[swap_ ? 3 : 0], &bv = op->inputs[swap_ ? 0 : 3];
    const uint8_t *a = static_cast<const uint8_t*>(av.data), *b = static_cast<const uint8_t*>(bv.data);
    uint8_t* y = static_cast<uint8_t*>(op->outputs[0].data);
    const bool u8 = av.dtype == ZY_DTYPE_U8;
    const int64_t inner = innerOf(av, bv);
    chunks(ctx_, elementCountOf(op->outputs[0]), [&](int64_t s, int64_t e) {
      for (int64_t i = s; i < e; ++i) {
        const int32_t da = load(a, i, u8) - za_, db = load(b, inner ? i / inner : i, u8) - zb_;
        const int64_t q = kMul ? rq_.apply(da * db) : sum_.apply2(da, db);
        y[i] = static_cast<uint8_t>(clampTo(zy_ + q, range_));
      }
    });
    return ZY_OK;
  }

 private:
  Ctx ctx_;
  bool swap_;
  Status status_;
  int32_t za_ = 0, zb_ = 0, zy_ = 0;
  Requantizer rq_;
  ScaledSum sum_;
  QuantRange range_;
};

// QLinearConcat: Y_scale, Y_zp, then (X, X_scale, X_zp) per input, every X of
// the output's 8-bit dtype, every parameter a constant per-tensor value.
inline bool concatSupported(const zy_op_view_t* op, std::string* why) {
  float s;
  int32_t z;
  bool ok = op->num_inputs >= 5 && (op->num_inputs - 2) % 3 == 0 && isByteType(op->outputs[0].dtype) && perTensor(op, 0, &s, &z);
  for (size_t k = 2; ok && k + 2 < op->num_inputs; k += 3) ok = op->inputs[k].dtype == op->outputs[0].dtype && perTensor(op, k + 1, &s, &z);
  if (!ok) *why = "QLinearConcat takes 8-bit inputs of the output's dtype with constant per-tensor parameters";
  return ok;
}

inline bool lookupSupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs == 2 && isByteType(op->inputs[0].dtype) && op->inputs[1].is_constant && elementCountOf(op->inputs[1]) == 256) return true;
  *why = "QLinearLookup with a constant table only";
  return false;
}

template <class Base, class Ctx>
class LookupOp : public Base {
 public:
  LookupOp(const Ctx& ctx, const zy_op_view_t* op) : ctx_(ctx) { std::memcpy(table_, op->inputs[1].data, 256); }
  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    const uint8_t* x = static_cast<const uint8_t*>(op->inputs[0].data);
    uint8_t* y = static_cast<uint8_t*>(op->outputs[0].data);
    chunks(ctx_, elementCountOf(op->inputs[0]), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) y[i] = table_[x[i]];
    });
    return ZY_OK;
  }

 private:
  Ctx ctx_;
  uint8_t table_[256];
};

}  // namespace qs8
}  // namespace zy
