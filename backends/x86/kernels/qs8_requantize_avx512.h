// qs8-requantize/avx512: 16 int32 sums of one output channel to bytes, as
// the int8 spec defines it (ops/requantize.h): + bias, x Q31 multiplier in
// int64, one rounding shift with ties away from zero, + zero point, clamp.
// Shared by the int8 kernels; include only from AVX-512 translation units.
#pragma once
#include <immintrin.h>

#include <cstdint>

#include "qs8_gemm.h"

namespace zy {
namespace x86 {

#define ZY_QS8_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni")))

// round(p / 2^shift), ties away from zero, on int64 lanes (|p| < 2^62):
// floor((p + 2^(shift-1) - [p < 0]) / 2^shift), one arithmetic shift.
ZY_QS8_AVX512 inline __m512i qs8RoundingShift(__m512i p, __m512i half, __m128i shift) {
  return _mm512_sra_epi64(_mm512_add_epi64(_mm512_add_epi64(p, half), _mm512_srai_epi64(p, 63)), shift);
}

// One output channel's requantization as vectors, set up once for all of
// the channel's outputs (a depthwise plane).
struct Qs8ChannelRequant {
  __m512i bias, mul, half, zero_point, lo, hi;
  __m128i shift;

  ZY_QS8_AVX512 Qs8ChannelRequant(const Qs8Requant& rq, int64_t m)
      : bias(_mm512_set1_epi32(rq.bias[m])),
        mul(_mm512_set1_epi32(rq.multiplier[m])),
        half(_mm512_set1_epi64(int64_t{1} << (rq.shift[m] - 1))),
        zero_point(_mm512_set1_epi32(rq.zero_point)),
        lo(_mm512_set1_epi32(rq.lo)),
        hi(_mm512_set1_epi32(rq.hi)),
        shift(_mm_cvtsi32_si128(rq.shift[m])) {}

  // Requantizes 16 sums and stores the first n bytes at y.
  ZY_QS8_AVX512 void store(__m512i acc, uint8_t* y, int n) const {
    acc = _mm512_add_epi32(acc, bias);
    const __m512i even = qs8RoundingShift(_mm512_mul_epi32(acc, mul), half, shift);
    const __m512i odd = qs8RoundingShift(_mm512_mul_epi32(_mm512_srli_epi64(acc, 32), mul), half, shift);
    __m512i r = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
    r = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(r, zero_point), lo), hi);
    _mm512_mask_cvtepi32_storeu_epi8(y, static_cast<__mmask16>(n >= 16 ? 0xFFFF : (1u << n) - 1), r);
  }
};

// Requantizes 16 sums of channel m and stores the first n bytes at y.
ZY_QS8_AVX512 inline void qs8StoreRow(__m512i acc, const Qs8Requant& rq, int64_t m, uint8_t* y, int n) {
  Qs8ChannelRequant(rq, m).store(acc, y, n);
}

}  // namespace x86
}  // namespace zy
