// Element-wise int8 ops on x86 (AVX-512), bit-exact with backends/ref:
//   QuantizeLinear    f32 -> int8/uint8: x / scale in f32, ties to even, + zp
//   DequantizeLinear  int8/uint8 -> f32: (q - zp) * scale (one f32 product
//                     is the double product rounded, as ref computes it)
//   QLinearAdd        same-shape inputs: round(a' * Ma + b' * Mb) / 2^K
//                     (the spec's ScaledSum) in int32 lanes
//   QLinearMul        same shapes or a per-channel B: the Q31 requantization
//   QLinearLookup     a 256-byte table (vpermi2b)
//   QLinearConcat     a copy per input, or its requantization
// Per-tensor scales and zero points only; anything else goes to ref. Without
// AVX-512 the portable versions (backends/common) take them.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "axis_split.h"
#include "core/backend_helpers.h"
#include "cpu_features.h"
#include "kernels/lane_mask.h"
#include "kernels/qs8_requantize_avx512.h"
#include "ops/requantize.h"
#include "qs8_elementwise_ops.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

#define ZY_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))

bool avx512() {
  const CpuFeatures& f = cpuFeatures();
  return f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl;
}

using qs8::perTensor;  // constant per-tensor scale and zero point at inputs s, s + 1
using qs8::sameShape;

// 16 bytes (int8 or uint8 per `is_u8`) as int32 lanes.
// Masked only for a short last vector: masked loads and stores run at half
// speed or less on Zen 4.
ZY_AVX512 inline __m512i loadBytes(const uint8_t* p, bool is_u8, __mmask16 m) {
  const __m128i v = m == 0xFFFF ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)) : _mm_maskz_loadu_epi8(m, p);
  return is_u8 ? _mm512_cvtepu8_epi32(v) : _mm512_cvtepi8_epi32(v);
}

ZY_AVX512 inline void storeBytes(uint8_t* p, __m512i v, int32_t lo, int32_t hi, __mmask16 m) {
  v = _mm512_min_epi32(_mm512_max_epi32(v, _mm512_set1_epi32(lo)), _mm512_set1_epi32(hi));
  if (m == 0xFFFF) _mm_storeu_si128(reinterpret_cast<__m128i*>(p), _mm512_cvtepi32_epi8(v));
  else _mm512_mask_cvtepi32_storeu_epi8(p, m, v);
}

// Splits n elements over the session's threads in chunks of whole vectors.
template <typename F>
void forChunks(const OpContext& ctx, int64_t n, F&& body) {
  const int64_t chunk = 16 * 1024, tasks = (n + chunk - 1) / chunk;
  ctx.parallel(static_cast<size_t>(tasks), [&](size_t b, size_t e) {
    for (size_t t = b; t < e; ++t) body(static_cast<int64_t>(t) * chunk, std::min(n, static_cast<int64_t>(t + 1) * chunk));
  });
}

// ---- QuantizeLinear ----

bool quantizeSupported(const zy_op_view_t* op, std::string* why) {
  float s;
  int32_t z;
  if (!avx512() || op->inputs[0].dtype != ZY_DTYPE_F32 || !isByteType(op->outputs[0].dtype) || !perTensor(op, 1, &s, &z)) {
    *why = "x86 QuantizeLinear takes f32 with a constant per-tensor scale and zero point (AVX-512)";
    return false;
  }
  return true;
}

class QuantizeOp : public X86Op {
 public:
  QuantizeOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx) { perTensor(op, 1, &scale_, &zp_); }

  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    const float* x = static_cast<const float*>(op->inputs[0].data);
    uint8_t* y = static_cast<uint8_t*>(op->outputs[0].data);
    const QuantRange r = dtypeRange(op->outputs[0].dtype == ZY_DTYPE_U8 ? DType::U8 : DType::I8);
    forChunks(ctx_, elementCount(op->inputs[0]), [&](int64_t b, int64_t e) { quantize(x, y, b, e, r); });
    return ZY_OK;
  }

 private:
  ZY_AVX512 void quantize(const float* x, uint8_t* y, int64_t b, int64_t e, QuantRange r) const {
    const __m512 s = _mm512_set1_ps(scale_);
    const __m512i z = _mm512_set1_epi32(zp_);
    for (int64_t i = b; i < e; i += 16) {
      const __mmask16 m = firstLanes16(e - i);
      const __m512 xv = m == 0xFFFF ? _mm512_loadu_ps(x + i) : _mm512_maskz_loadu_ps(m, x + i);
      const __m512 q = _mm512_roundscale_ps(_mm512_div_ps(xv, s), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
      // Saturate in float first: outside int32 the conversion would wrap.
      // (min first: a NaN becomes the top, as ref's saturation makes it.)
      const __m512 c = _mm512_max_ps(_mm512_min_ps(q, _mm512_set1_ps(1024.f)), _mm512_set1_ps(-1024.f));
      storeBytes(y + i, _mm512_add_epi32(_mm512_cvtps_epi32(c), z), r.lo, r.hi, m);
    }
  }

  OpContext ctx_;
  float scale_ = 1.f;
  int32_t zp_ = 0;
};

// ---- DequantizeLinear ----

bool dequantizeSupported(const zy_op_view_t* op, std::string* why) {
  float s;
  int32_t z;
  if (!avx512() || !isByteType(op->inputs[0].dtype) || op->outputs[0].dtype != ZY_DTYPE_F32 || !perTensor(op, 1, &s, &z)) {
    *why = "x86 DequantizeLinear takes 8-bit input with a constant per-tensor scale and zero point (AVX-512)";
    return false;
  }
  return true;
}

class DequantizeOp : public X86Op {
 public:
  DequantizeOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx) { perTensor(op, 1, &scale_, &zp_); }

  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    const uint8_t* x = static_cast<const uint8_t*>(op->inputs[0].data);
    float* y = static_cast<float*>(op->outputs[0].data);
    const bool u8 = op->inputs[0].dtype == ZY_DTYPE_U8;
    forChunks(ctx_, elementCount(op->inputs[0]), [&](int64_t b, int64_t e) { dequantize(x, y, b, e, u8); });
    return ZY_OK;
  }

 private:
  ZY_AVX512 void dequantize(const uint8_t* x, float* y, int64_t b, int64_t e, bool u8) const {
    const __m512 s = _mm512_set1_ps(scale_);
    const __m512i z = _mm512_set1_epi32(zp_);
    for (int64_t i = b; i < e; i += 16) {
      const __mmask16 m = firstLanes16(e - i);
      const __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(loadBytes(x + i, u8, m), z));
      if (m == 0xFFFF) _mm512_storeu_ps(y + i, _mm512_mul_ps(v, s));
      else _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(v, s));
    }
  }

  OpContext ctx_;
  float scale_ = 1.f;
  int32_t zp_ = 0;
};

// ---- QLinearAdd ----

bool addSupported(const zy_op_view_t* op, std::string* why) {
  float s;
  int32_t z;
  if (!avx512() || op->num_inputs < 7 || !isByteType(op->inputs[0].dtype) || op->inputs[3].dtype != op->inputs[0].dtype ||
      !isByteType(op->outputs[0].dtype) || !sameShape(op->inputs[0], op->inputs[3]) || !sameShape(op->inputs[0], op->outputs[0]) ||
      !perTensor(op, 1, &s, &z) || !perTensor(op, 4, &s, &z) || !perTensor(op, 6, &s, &z)) {
    *why = "x86 QLinearAdd takes same-shape 8-bit inputs with constant per-tensor parameters (AVX-512)";
    return false;
  }
  QuantRange r;
  if (!outputRange(attributesFromView(op), DType::I8, 1.f, 0, &r).ok()) { *why = "only Relu and Clip fuse into QLinearAdd"; return false; }
  return true;
}

class AddOp : public X86Op {
 public:
  AddOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx) {
    float as, bs, ys;
    perTensor(op, 1, &as, &za_);
    perTensor(op, 4, &bs, &zb_);
    perTensor(op, 6, &ys, &zy_);
    const double r[2] = {static_cast<double>(as) / ys, static_cast<double>(bs) / ys};
    status_ = ScaledSum::fromReals(r, 2, &sum_);
    if (status_.ok())
      status_ = outputRange(attributesFromView(op), op->outputs[0].dtype == ZY_DTYPE_U8 ? DType::U8 : DType::I8, ys, zy_, &range_);
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!status_.ok()) { *err = status_.message(); return ZY_INVALID_ARGUMENT; }
    const uint8_t* a = static_cast<const uint8_t*>(op->inputs[0].data);
    const uint8_t* b = static_cast<const uint8_t*>(op->inputs[3].data);
    uint8_t* y = static_cast<uint8_t*>(op->outputs[0].data);
    const bool u8 = op->inputs[0].dtype == ZY_DTYPE_U8;
    forChunks(ctx_, elementCount(op->outputs[0]), [&](int64_t s, int64_t e) { add(a, b, y, s, e, u8); });
    return ZY_OK;
  }

 private:
  // The spec's sum in int32 lanes (it fits: see ScaledSum), the zero points
  // folded into one constant: a * Ma + b * Mb - (za * Ma + zb * Mb).
  ZY_AVX512 void add(const uint8_t* a, const uint8_t* b, uint8_t* y, int64_t s, int64_t e, bool u8) const {
    const __m512i ma = _mm512_set1_epi32(sum_.multiplier[0]), mb = _mm512_set1_epi32(sum_.multiplier[1]);
    const __m512i centre = _mm512_set1_epi32(za_ * sum_.multiplier[0] + zb_ * sum_.multiplier[1]);
    const __m512i half = _mm512_set1_epi32(int32_t{1} << (sum_.shift - 1)), zy = _mm512_set1_epi32(zy_);
    const __m128i shift = _mm_cvtsi32_si128(sum_.shift);
    for (int64_t i = s; i < e; i += 16) {
      const __mmask16 m = firstLanes16(e - i);
      const __m512i p = _mm512_sub_epi32(
          _mm512_add_epi32(_mm512_mullo_epi32(loadBytes(a + i, u8, m), ma), _mm512_mullo_epi32(loadBytes(b + i, u8, m), mb)), centre);
      // round(p / 2^K), ties away from zero: floor((p + 2^(K-1) - [p < 0]) / 2^K).
      const __m512i r = _mm512_sra_epi32(_mm512_add_epi32(_mm512_add_epi32(p, half), _mm512_srai_epi32(p, 31)), shift);
      storeBytes(y + i, _mm512_add_epi32(r, zy), range_.lo, range_.hi, m);
    }
  }

  OpContext ctx_;
  Status status_;
  int32_t za_ = 0, zb_ = 0, zy_ = 0;
  ScaledSum sum_;
  QuantRange range_;
};

// ---- QLinearMul ----
// Same shapes, or one input one value per leading slice of the other
// ([N, C, H, W] x [N, C, 1, 1], the squeeze-excitation scale, either way
// round): (a - za) * (b - zb), then the Q31 requantization.

// How B broadcasts against A: 0 = same shape, else A's inner size per B element.
int64_t mulInner(const zy_tensor_view_t& a, const zy_tensor_view_t& b) {
  if (sameShape(a, b)) return 0;
  if (b.rank != a.rank) return -1;
  int64_t inner = 1;
  bool tail = true;  // B's trailing dims must be 1, its leading ones equal A's
  for (int32_t d = a.rank - 1; d >= 0; --d) {
    if (tail && b.dims[d] == 1) { inner *= a.dims[d]; continue; }
    tail = false;
    if (b.dims[d] != a.dims[d]) return -1;
  }
  return inner;
}

bool mulSupported(const zy_op_view_t* op, std::string* why) {
  float s;
  int32_t z;
  if (!avx512() || op->num_inputs < 7 || !isByteType(op->inputs[0].dtype) || op->inputs[3].dtype != op->inputs[0].dtype ||
      !isByteType(op->outputs[0].dtype) || !perTensor(op, 1, &s, &z) || !perTensor(op, 4, &s, &z) || !perTensor(op, 6, &s, &z) ||
      !(sameShape(op->inputs[0], op->outputs[0]) ? mulInner(op->inputs[0], op->inputs[3]) >= 0
                                                 : sameShape(op->inputs[3], op->outputs[0]) && mulInner(op->inputs[3], op->inputs[0]) > 0)) {
    *why = "x86 QLinearMul takes 8-bit A and B of A's shape or [N, C, 1, 1], constant per-tensor parameters (AVX-512)";
    return false;
  }
  QuantRange r;
  if (!outputRange(attributesFromView(op), DType::I8, 1.f, 0, &r).ok()) { *why = "only Relu and Clip fuse into QLinearMul"; return false; }
  return true;
}

class MulOp : public X86Op {
 public:
  MulOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx) {
    // The product is symmetric: the full-size input goes first.
    swap_ = !sameShape(op->inputs[0], op->outputs[0]);
    float as, bs, ys;
    perTensor(op, swap_ ? 4 : 1, &as, &za_);
    perTensor(op, swap_ ? 1 : 4, &bs, &zb_);
    perTensor(op, 6, &ys, &zy_);
    status_ = Requantizer::fromReal(productScale(as, bs, ys), &rq_);
    if (status_.ok())
      status_ = outputRange(attributesFromView(op), op->outputs[0].dtype == ZY_DTYPE_U8 ? DType::U8 : DType::I8, ys, zy_, &range_);
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!status_.ok()) { *err = status_.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &av = op->inputs[swap_ ? 3 : 0], &bv = op->inputs[swap_ ? 0 : 3];
    const uint8_t* a = static_cast<const uint8_t*>(av.data);
    const uint8_t* b = static_cast<const uint8_t*>(bv.data);
    uint8_t* y = static_cast<uint8_t*>(op->outputs[0].data);
    const bool u8 = av.dtype == ZY_DTYPE_U8;
    const int64_t n = elementCount(op->outputs[0]), inner = mulInner(av, bv);
    if (inner == 0) {
      forChunks(ctx_, n, [&](int64_t s, int64_t e) { mul(a + s, b + s, false, y + s, e - s, u8); });
    } else {
      ctx_.parallel(static_cast<size_t>(n / inner), [&](size_t s, size_t e) {
        for (size_t o = s; o < e; ++o) mul(a + o * inner, b + o, true, y + o * inner, inner, u8);
      });
    }
    return ZY_OK;
  }

 private:
  // n outputs; b is one value for all of them when `scalar_b`.
  ZY_AVX512 void mul(const uint8_t* a, const uint8_t* b, bool scalar_b, uint8_t* y, int64_t n, bool u8) const {
    const __m512i za = _mm512_set1_epi32(za_), zb = _mm512_set1_epi32(zb_), zy = _mm512_set1_epi32(zy_);
    const __m512i mul = _mm512_set1_epi32(rq_.multiplier), half = _mm512_set1_epi64(int64_t{1} << (rq_.shift - 1));
    const __m128i shift = _mm_cvtsi32_si128(rq_.shift);
    const __m512i bv = _mm512_set1_epi32((u8 ? static_cast<int32_t>(*b) : static_cast<int32_t>(static_cast<int8_t>(*b))) - zb_);
    for (int64_t i = 0; i < n; i += 16) {
      const __mmask16 m = firstLanes16(n - i);
      const __m512i db = scalar_b ? bv : _mm512_sub_epi32(loadBytes(b + i, u8, m), zb);
      const __m512i p = _mm512_mullo_epi32(_mm512_sub_epi32(loadBytes(a + i, u8, m), za), db);
      const __m512i even = qs8RoundingShift(_mm512_mul_epi32(p, mul), half, shift);
      const __m512i odd = qs8RoundingShift(_mm512_mul_epi32(_mm512_srli_epi64(p, 32), mul), half, shift);
      storeBytes(y + i, _mm512_add_epi32(_mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32)), zy), range_.lo, range_.hi, m);
    }
  }

  OpContext ctx_;
  Status status_;
  bool swap_ = false;
  int32_t za_ = 0, zb_ = 0, zy_ = 0;
  Requantizer rq_;
  QuantRange range_;
};

// ---- QLinearLookup ----
// Table[byte]: the 256-byte table in four zmm, vpermi2b on the low 7 bits,
// the top bit choosing the half (AVX512-VBMI).

bool lookupSupported(const zy_op_view_t* op, std::string* why) {
  const CpuFeatures& f = cpuFeatures();
  if (!avx512() || !f.avx512vbmi || op->num_inputs != 2 || !isByteType(op->inputs[0].dtype) || !op->inputs[1].is_constant ||
      elementCount(op->inputs[1]) != 256) {
    *why = "x86 QLinearLookup takes a constant table (AVX512-VBMI)";
    return false;
  }
  return true;
}

class LookupOp : public X86Op {
 public:
  LookupOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx) { std::memcpy(table_, op->inputs[1].data, 256); }

  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    const uint8_t* x = static_cast<const uint8_t*>(op->inputs[0].data);
    uint8_t* y = static_cast<uint8_t*>(op->outputs[0].data);
    forChunks(ctx_, elementCount(op->inputs[0]), [&](int64_t b, int64_t e) { lookup(x, y, b, e); });
    return ZY_OK;
  }

 private:
  __attribute__((target("avx512f,avx512bw,avx512vbmi"))) void lookup(const uint8_t* x, uint8_t* y, int64_t b, int64_t e) const {
    const __m512i t0 = _mm512_loadu_si512(table_), t1 = _mm512_loadu_si512(table_ + 64);
    const __m512i t2 = _mm512_loadu_si512(table_ + 128), t3 = _mm512_loadu_si512(table_ + 192);
    for (int64_t i = b; i < e; i += 64) {
      const __mmask64 m = firstLanes64(e - i);
      const __m512i idx = _mm512_maskz_loadu_epi8(m, x + i);
      const __m512i lo = _mm512_permutex2var_epi8(t0, idx, t1), hi = _mm512_permutex2var_epi8(t2, idx, t3);
      _mm512_mask_storeu_epi8(y + i, m, _mm512_mask_blend_epi8(_mm512_movepi8_mask(idx), lo, hi));
    }
  }

  OpContext ctx_;
  alignas(64) uint8_t table_[256];
};

// ---- QLinearConcat ----
// Y_scale, Y_zp, then (X, X_scale, X_zp) per input: each input is copied when
// its parameters are Y's, else requantized (a Q31 factor on the centred value).

bool concatSupported(const zy_op_view_t* op, std::string* why) {
  if (!avx512()) { *why = "x86 QLinearConcat needs AVX-512"; return false; }
  return qs8::concatSupported(op, why);
}

class ConcatOp : public X86Op {
 public:
  ConcatOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx), axis_(attributesFromView(op).getInt("axis", 0)) {
    float ys;
    perTensor(op, 0, &ys, &zy_);
    for (size_t k = 2; k < op->num_inputs; k += 3) {
      Input in;
      float xs;
      perTensor(op, k + 1, &xs, &in.zp);
      in.copy = xs == ys && in.zp == zy_;
      if (status_.ok()) status_ = Requantizer::fromReal(static_cast<double>(xs) / ys, &in.rq);
      inputs_.push_back(in);
    }
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!status_.ok()) { *err = status_.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t& y = op->outputs[0];
    const int64_t axis = axis_ < 0 ? axis_ + y.rank : axis_;
    if (axis < 0 || axis >= y.rank) { *err = "axis is out of range"; return ZY_INVALID_ARGUMENT; }
    const AxisSplit split = splitAtAxis(y, axis);
    const int64_t outer = split.outer, inner = split.inner, y_row = split.along * inner;
    const QuantRange range = dtypeRange(y.dtype == ZY_DTYPE_U8 ? DType::U8 : DType::I8);
    const bool u8 = y.dtype == ZY_DTYPE_U8;
    int64_t base = 0;
    for (size_t i = 0; i < inputs_.size(); ++i) {
      const zy_tensor_view_t& x = op->inputs[2 + 3 * i];
      const int64_t row = x.dims[axis] * inner;
      const uint8_t* xp = static_cast<const uint8_t*>(x.data);
      uint8_t* yp = static_cast<uint8_t*>(y.data) + base;
      const Input& in = inputs_[i];
      ctx_.parallel(static_cast<size_t>(outer), [&](size_t b, size_t e) {
        for (size_t o = b; o < e; ++o) {
          if (in.copy) std::memcpy(yp + o * y_row, xp + o * row, static_cast<size_t>(row));
          else requantize(xp + o * row, yp + o * y_row, row, in, u8, range);
        }
      });
      base += row;
    }
    return ZY_OK;
  }

 private:
  struct Input {
    int32_t zp = 0;
    bool copy = false;
    Requantizer rq;
  };

  ZY_AVX512 void requantize(const uint8_t* x, uint8_t* y, int64_t n, const Input& in, bool u8, QuantRange range) const {
    const __m512i z = _mm512_set1_epi32(in.zp), mul = _mm512_set1_epi32(in.rq.multiplier), zy = _mm512_set1_epi32(zy_);
    const __m512i half = _mm512_set1_epi64(int64_t{1} << (in.rq.shift - 1));
    const __m128i shift = _mm_cvtsi32_si128(in.rq.shift);
    for (int64_t i = 0; i < n; i += 16) {
      const __mmask16 m = firstLanes16(n - i);
      const __m512i d = _mm512_sub_epi32(loadBytes(x + i, u8, m), z);
      const __m512i even = qs8RoundingShift(_mm512_mul_epi32(d, mul), half, shift);
      const __m512i odd = qs8RoundingShift(_mm512_mul_epi32(_mm512_srli_epi64(d, 32), mul), half, shift);
      const __m512i r = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
      storeBytes(y + i, _mm512_add_epi32(r, zy), range.lo, range.hi, m);
    }
  }

  OpContext ctx_;
  int64_t axis_;
  int32_t zy_ = 0;
  Status status_;
  std::vector<Input> inputs_;
};

template <typename T>
std::unique_ptr<X86Op> prepare(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<T>(ctx, op); }

// The portable versions (backends/common/qs8_elementwise_ops.h): what runs
// where AVX-512 is missing, after the kinds above refused.
template <typename T>
std::unique_ptr<X86Op> preparePortable(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<T>(ctx, op); }

}  // namespace

const OpKind kQuantizedElementwiseOps[] = {{"QuantizeLinear", quantizeSupported, prepare<QuantizeOp>},
                                           {"DequantizeLinear", dequantizeSupported, prepare<DequantizeOp>},
                                           {"QLinearAdd", addSupported, prepare<AddOp>},
                                           {"QLinearMul", mulSupported, prepare<MulOp>},
                                           {"QLinearLookup", lookupSupported, prepare<LookupOp>},
                                           {"QLinearConcat", concatSupported, prepare<ConcatOp>},
                                           {"QuantizeLinear", qs8::quantizeSupported, preparePortable<qs8::QuantizeOp<X86Op, OpContext>>},
                                           {"DequantizeLinear", qs8::dequantizeSupported, preparePortable<qs8::DequantizeOp<X86Op, OpContext>>},
                                           {"QLinearAdd", qs8::binarySupported<false>, preparePortable<qs8::BinaryOp8<X86Op, OpContext, false>>},
                                           {"QLinearMul", qs8::binarySupported<true>, preparePortable<qs8::BinaryOp8<X86Op, OpContext, true>>},
                                           {"QLinearLookup", qs8::lookupSupported, preparePortable<qs8::LookupOp<X86Op, OpContext>>}};
const size_t kNumQuantizedElementwiseOps = sizeof(kQuantizedElementwiseOps) / sizeof(kQuantizedElementwiseOps[0]);

}  // namespace x86
}  // namespace zy
