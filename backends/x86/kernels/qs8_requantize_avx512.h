// qs8-requantize/avx512: 16 int32 sums of one output channel to bytes, as
// the int8 spec defines it (ops/requantize.h): + bias, x Q31 multiplier in
// int64, one rounding shift with ties away from zero, + zero point, clamp.
// Computed in f32 where that is provably the same (kQs8TieBound), else so.
// Shared by the int8 kernels; include only from AVX-512 translation units.
#pragma once
#include <immintrin.h>

#include <cstdint>

#include "lane_mask.h"
#include "qs8_gemm.h"

namespace zy {
namespace x86 {

#define ZY_QS8_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))

// round(p / 2^shift), ties away from zero, on int64 lanes (|p| < 2^62):
// floor((p + 2^(shift-1) - [p < 0]) / 2^shift), one arithmetic shift.
// AVX-512F only, so that the int8 element-wise ops (no VNNI) use it too.
__attribute__((target("avx512f"), always_inline)) inline __m512i qs8RoundingShift(__m512i p, __m512i half, __m128i shift) {
  return _mm512_sra_epi64(_mm512_add_epi64(_mm512_add_epi64(p, half), _mm512_srai_epi64(p, 63)), shift);
}

// The exact requantization of 16 sums a (bias included) of channel m, the
// first lanes of `live` stored at y: the spec's int64 product and rounding
// shift. Qs8ChannelRequant::store takes it for the few vectors whose float
// result it cannot certify.
ZY_QS8_AVX512 inline void qs8StoreExact(__m512i a, const Qs8Requant& rq, int64_t m, uint8_t* y, __mmask16 live) {
  const __m512i mul = _mm512_set1_epi32(rq.multiplier[m]);
  const __m512i half = _mm512_set1_epi64(int64_t{1} << (rq.shift[m] - 1));
  const __m128i shift = _mm_cvtsi32_si128(rq.shift[m]);
  const __m512i even = qs8RoundingShift(_mm512_mul_epi32(a, mul), half, shift);
  const __m512i odd = qs8RoundingShift(_mm512_mul_epi32(_mm512_srli_epi64(a, 32), mul), half, shift);
  __m512i r = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  r = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(r, _mm512_set1_epi32(rq.zero_point)), _mm512_set1_epi32(rq.lo)),
                       _mm512_set1_epi32(rq.hi));
  _mm512_mask_cvtepi32_storeu_epi8(y, live, r);
}

// An op's output zero point and clamp bounds as f32 vectors, set up once
// per kernel call: built per channel, they were reloaded and converted for
// every GEMM row (a byte store may alias the Qs8Requant they come from).
struct Qs8OutputRange {
  __m512 zero_point, lo, hi;
  ZY_QS8_AVX512 explicit Qs8OutputRange(const Qs8Requant& q)
      : zero_point(_mm512_set1_ps(static_cast<float>(q.zero_point))),
        lo(_mm512_set1_ps(static_cast<float>(q.lo))),
        hi(_mm512_set1_ps(static_cast<float>(q.hi))) {}
};

// One output channel's requantization as vectors, set up once for all of
// the channel's outputs (a depthwise plane, a GEMM tile's row): certified in
// float (kQs8TieBound), the exact int64 path for vectors near a tie. The
// int64 path alone had been half of an int8 GEMM's time on layers with few
// input channels (MobileNetV2's expansions).
struct Qs8ChannelRequant {
  __m512i bias;
  __m512 scale, zero_point, lo, hi;
  const Qs8Requant* rq;
  int64_t m;

  ZY_QS8_AVX512 Qs8ChannelRequant(const Qs8Requant& q, const Qs8OutputRange& range, int64_t channel)
      : bias(_mm512_set1_epi32(q.bias[channel])),
        scale(_mm512_set1_ps(q.scale[channel])),
        zero_point(range.zero_point),
        lo(range.lo),
        hi(range.hi),
        rq(&q),
        m(channel) {}

  // Requantizes 16 sums and stores the first n bytes at y.
  ZY_QS8_AVX512 void store(__m512i acc, uint8_t* y, int n) const {
    const __m512i a = _mm512_add_epi32(acc, bias);  // int32, wrapping as the spec's sum does
    __m512 v = _mm512_fmadd_ps(_mm512_cvtepi32_ps(a), scale, zero_point);
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    const __m512i r = _mm512_cvtps_epi32(v);
    const __mmask16 live = firstLanes16(n);
    // |v - round(v)|, measured as v minus its converted value: vreduceps was slower here.
    const __mmask16 near_tie =
        _mm512_cmp_ps_mask(_mm512_abs_ps(_mm512_sub_ps(v, _mm512_cvtepi32_ps(r))), _mm512_set1_ps(kQs8TieBound), _CMP_GT_OQ);
    if (__builtin_expect((near_tie & live) != 0, 0)) {
      qs8StoreExact(a, *rq, m, y, live);
      return;
    }
    _mm512_mask_cvtepi32_storeu_epi8(y, live, r);
  }
};

// Requantizes 16 sums of channel m and stores the first n bytes at y.
ZY_QS8_AVX512 inline void qs8StoreRow(__m512i acc, const Qs8Requant& rq, const Qs8OutputRange& range, int64_t m, uint8_t* y, int n) {
  Qs8ChannelRequant(rq, range, m).store(acc, y, n);
}

}  // namespace x86
}  // namespace zy
