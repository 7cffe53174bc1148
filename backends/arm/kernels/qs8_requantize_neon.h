// qs8-requantize/neon: four int32 sums of one output channel to bytes, as the
// int8 spec defines it (ops/requantize.h): + bias, x Q31 multiplier in int64
// lanes, one rounding shift with ties away from zero, + zero point, clamp.
#pragma once
#include <arm_neon.h>

#include <cstdint>

#include "qs8_params.h"

namespace zy {
namespace arm {

// round(p / 2^shift), ties away from zero: floor((p + half - [p < 0]) / 2^shift).
inline int64x2_t qs8RoundingShift(int64x2_t p, int64x2_t half, int64x2_t neg_shift) {
  return vshlq_s64(vaddq_s64(vaddq_s64(p, half), vshrq_n_s64(p, 63)), neg_shift);
}

// The four sums of channel m to bytes at y (the first n of them).
inline void qs8StoreRow(int32x4_t acc, const Qs8Requant& rq, int64_t m, uint8_t* y, int64_t n) {
  acc = vaddq_s32(acc, vdupq_n_s32(rq.bias[m]));
  const int32x2_t mul = vdup_n_s32(rq.multiplier[m]);
  const int64x2_t half = vdupq_n_s64(int64_t{1} << (rq.shift[m] - 1)), neg_shift = vdupq_n_s64(-rq.shift[m]);
  const int64x2_t lo = qs8RoundingShift(vmull_s32(vget_low_s32(acc), mul), half, neg_shift);
  const int64x2_t hi = qs8RoundingShift(vmull_s32(vget_high_s32(acc), mul), half, neg_shift);
  int32x4_t r = vcombine_s32(vmovn_s64(lo), vmovn_s64(hi));
  r = vaddq_s32(r, vdupq_n_s32(rq.zero_point));
  r = vminq_s32(vmaxq_s32(r, vdupq_n_s32(rq.lo)), vdupq_n_s32(rq.hi));
  int32_t v[4];
  vst1q_s32(v, r);
  for (int64_t i = 0; i < n && i < 4; ++i) y[i] = static_cast<uint8_t>(v[i]);
}

}  // namespace arm
}  // namespace zy
