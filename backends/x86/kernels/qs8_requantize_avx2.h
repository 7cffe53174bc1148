// qs8-requantize/avx2: 8 int32 sums of one output channel to bytes, as the
// int8 spec defines it (ops/requantize.h), for the AVX2 kernels: certified
// in f32 (kQs8TieBound in qs8_gemm.h), the exact int64 path near a tie.
// Include only from translation units built for AVX2 and FMA.
#pragma once
#include <immintrin.h>

#include <cstdint>

#include "qs8_gemm.h"

namespace zy {
namespace x86 {

#define ZY_QS8_AVX2 __attribute__((target("avx2,fma")))

// round(p / 2^shift), ties away from zero, on int64 lanes: floor((p + half -
// [p < 0]) / 2^shift) with the arithmetic shift AVX2 lacks built from a
// logical one on the complement.
ZY_QS8_AVX2 inline __m256i qs8RoundingShiftAvx2(__m256i p, __m256i half, __m128i shift) {
  const __m256i neg = _mm256_cmpgt_epi64(_mm256_setzero_si256(), p);
  const __m256i t = _mm256_add_epi64(_mm256_add_epi64(p, half), neg);
  const __m256i tn = _mm256_cmpgt_epi64(_mm256_setzero_si256(), t);
  return _mm256_xor_si256(_mm256_srl_epi64(_mm256_xor_si256(t, tn), shift), tn);
}

// The spec's result for eight sums a (bias included) of channel m: the int64 product and rounding shift.
ZY_QS8_AVX2 inline __m256i qs8RequantizeExactAvx2(__m256i a, const Qs8Requant& rq, int64_t m) {
  const int32_t shift = rq.shift[m];
  const __m256i mul = _mm256_set1_epi32(rq.multiplier[m]);
  const __m256i half = _mm256_set1_epi64x(int64_t{1} << (shift - 1));
  const __m128i s = _mm_cvtsi32_si128(shift);
  const __m256i even = qs8RoundingShiftAvx2(_mm256_mul_epi32(a, mul), half, s);
  const __m256i odd = qs8RoundingShiftAvx2(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), mul), half, s);
  const __m256i r = _mm256_add_epi32(_mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA), _mm256_set1_epi32(rq.zero_point));
  return _mm256_min_epi32(_mm256_max_epi32(r, _mm256_set1_epi32(rq.lo)), _mm256_set1_epi32(rq.hi));
}

// Eight sums of channel m (bias not yet added) to their bytes at y, the first n.
ZY_QS8_AVX2 inline void qs8StoreRowAvx2(__m256i acc, const Qs8Requant& rq, int64_t m, uint8_t* y, int64_t n) {
  const __m256i a = _mm256_add_epi32(acc, _mm256_set1_epi32(rq.bias[m]));
  __m256 v = _mm256_fmadd_ps(_mm256_cvtepi32_ps(a), _mm256_set1_ps(rq.scale[m]), _mm256_set1_ps(static_cast<float>(rq.zero_point)));
  v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(static_cast<float>(rq.lo))), _mm256_set1_ps(static_cast<float>(rq.hi)));
  __m256i r = _mm256_cvtps_epi32(v);
  const __m256 off = _mm256_andnot_ps(_mm256_set1_ps(-0.f), _mm256_sub_ps(v, _mm256_cvtepi32_ps(r)));  // |v - round(v)|
  const int live = n >= 8 ? 0xFF : (1 << n) - 1;
  if (__builtin_expect((_mm256_movemask_ps(_mm256_cmp_ps(off, _mm256_set1_ps(kQs8TieBound), _CMP_GT_OQ)) & live) != 0, 0))
    r = qs8RequantizeExactAvx2(a, rq, m);
  // Lane i's low byte to byte i: within each 128-bit half, then the halves side by side.
  const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 4, 8, 12, -1, -1, -1, -1, -1, -1,
                                        -1, -1, -1, -1, -1, -1);
  const __m256i b = _mm256_shuffle_epi8(r, pick);
  const __m128i bytes = _mm_unpacklo_epi32(_mm256_castsi256_si128(b), _mm256_extracti128_si256(b, 1));
  if (n >= 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(y), bytes);
    return;
  }
  alignas(16) uint8_t v8[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(v8), bytes);
  for (int64_t i = 0; i < n; ++i) y[i] = v8[i];
}

}  // namespace x86
}  // namespace zy
