// The int8 arithmetic spec (docs/int8.md), in one place. Every backend
// derives its requantization constants and rounding from these functions, so
// that all of them agree with backends/ref to the bit.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "core/attributes.h"
#include "core/dtype.h"
#include "core/status.h"

namespace zy {

// round(p / 2^n), ties away from zero, for 1 <= n <= 62 and |p| < 2^62.
inline int64_t roundingShiftRight(int64_t p, int n) {
  const int64_t half = int64_t{1} << (n - 1);
  return p >= 0 ? (p + half) >> n : -((-p + half) >> n);
}

// The real factor of an integer product: a_scale * b_scale / y_scale, in
// double from the f32 scales, in this order (every backend computes it so).
inline double productScale(float a_scale, float b_scale, float y_scale) {
  return static_cast<double>(a_scale) * static_cast<double>(b_scale) / static_cast<double>(y_scale);
}

// A real factor r > 0 as multiplier * 2^-shift, the multiplier a Q31 value in
// [2^30, 2^31). Applied to an int32 accumulator in one int64 product and one
// rounding shift: exact, and the same on every ISA.
struct Requantizer {
  int32_t multiplier = 0;
  int shift = 1;

  static Status fromReal(double r, Requantizer* out) {
    if (!(r >= 0) || !std::isfinite(r)) return invalidArgument("requantization scale must be finite and non-negative");
    int e = 0;
    const double m = std::frexp(r, &e);  // r = m * 2^e, m in [0.5, 1)
    int64_t q = std::llround(m * 2147483648.0);
    if (q == (int64_t{1} << 31)) { q >>= 1; ++e; }
    const int n = 31 - e;
    if (r == 0 || n > 62) { *out = {0, 1}; return Status::OK(); }  // below 2^-31: every int32 rounds to 0
    if (n < 1) return invalidArgument("requantization scale " + std::to_string(r) + " is too large (at most 2^30)");
    *out = {static_cast<int32_t>(q), n};
    return Status::OK();
  }
  int64_t apply(int32_t acc) const { return roundingShiftRight(static_cast<int64_t>(acc) * multiplier, shift); }
};

// Sum of a few integer terms, each times its own real factor, rounded once:
// round(sum_i d_i * r_i) with every r_i = M_i / 2^K on one shared K. Used by
// QLinearAdd; terms must be 9-bit (|d_i| < 2^8 plus sign), at most 4 of them.
// The multipliers have 20 bits (M <= 2^20, the factors to about 1e-6), so
// that the sum and its rounding fit int32: |sum| < 4 * 2^8 * 2^20 = 2^30,
// plus half of 2^K <= 2^29. Kernels run it in 32-bit lanes, 16 to a zmm.
struct ScaledSum {
  static constexpr int kMaxTerms = 4;
  int32_t multiplier[kMaxTerms] = {};
  int shift = 1;

  static Status fromReals(const double* r, int count, ScaledSum* out) {
    int e_max = -1000;
    for (int i = 0; i < count; ++i) {
      if (!(r[i] >= 0) || !std::isfinite(r[i])) return invalidArgument("scale ratio must be finite and non-negative");
      int e = 0;
      if (r[i] > 0) std::frexp(r[i], &e);
      e_max = std::max(e_max, r[i] > 0 ? e : -1000);
    }
    out->shift = std::min(30, 20 - e_max);  // the largest factor times 2^K in [2^19, 2^20)
    if (out->shift < 1) return invalidArgument("scale ratio is too large (at most 2^19)");
    for (int i = 0; i < count; ++i) out->multiplier[i] = static_cast<int32_t>(std::llround(std::ldexp(r[i], out->shift)));
    return Status::OK();
  }
  int32_t apply2(int32_t a, int32_t b) const {
    return static_cast<int32_t>(roundingShiftRight(int64_t{a} * multiplier[0] + int64_t{b} * multiplier[1], shift));
  }
};

// The output range of a quantized op: its dtype's range, narrowed by a fused
// Relu or Clip (quantize(relu(y)) == max(quantize(y), zero_point) exactly,
// since quantization is monotonic).
struct QuantRange {
  int32_t lo = -128, hi = 127;
};

// ONNX QuantizeLinear of one value: x / scale in f32, ties to even, plus zp.
inline int32_t quantizeValue(float x, float scale, int32_t zero_point, QuantRange r) {
  const double q = std::nearbyint(x / scale) + zero_point;
  return static_cast<int32_t>(std::max<double>(r.lo, std::min<double>(r.hi, q)));
}

inline QuantRange dtypeRange(DType t) { return t == DType::U8 ? QuantRange{0, 255} : QuantRange{-128, 127}; }

// Range of an op's quantized output with the fused `activation` attribute
// (Relu, or Clip with activation_alpha/beta as min/max; nothing else has an
// exact integer form).
inline Status outputRange(const Attributes& a, DType t, float scale, int32_t zero_point, QuantRange* out) {
  *out = dtypeRange(t);
  const std::string act = a.getString("activation", "");
  if (act.empty()) return Status::OK();
  if (act == "Relu") {
    out->lo = std::max(out->lo, zero_point);
  } else if (act == "Clip") {
    out->lo = std::max(out->lo, quantizeValue(a.getFloat("activation_alpha", -INFINITY), scale, zero_point, *out));
    out->hi = std::min(out->hi, quantizeValue(a.getFloat("activation_beta", INFINITY), scale, zero_point, dtypeRange(t)));
  } else {
    return invalidArgument("activation '" + act + "' cannot be fused into a quantized op (Relu and Clip can)");
  }
  return Status::OK();
}

inline int32_t clampTo(int64_t v, QuantRange r) { return static_cast<int32_t>(std::max<int64_t>(r.lo, std::min<int64_t>(r.hi, v))); }

}  // namespace zy
