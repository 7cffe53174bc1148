// qs8-gemm/avx2-8x8: the int8 GEMM on AVX2 cores without VNNI, over the
// same packed operands as qs8-gemm/avx512vnni (u8 activations in groups of 4
// along K, s8 weights). vpmaddubsw would saturate (255 * 127 * 2 > 32767), so
// the activations are split into their even and odd bytes as 16-bit lanes and
// multiplied by int16 weight pairs with vpmaddwd: exact, as the spec needs.
// 8 output channels x 8 pixels per tile; the requantization (Q31 multiplier,
// one rounding shift, ties away from zero) in registers, without vpsraq.
#include <immintrin.h>

#include <algorithm>

#include "qs8_gemm.h"

namespace zy {
namespace x86 {

void prepareQs8Weights(Qs8PackedWeights* w) {
  if (!w->pairs16.empty()) return;
  const int64_t panels = (w->m + kQs8Mr - 1) / kQs8Mr;
  w->pairs16.resize(static_cast<size_t>(panels * w->kgroups * kQs8Mr * 2));
  for (int64_t i = 0; i < panels * w->kgroups * kQs8Mr; ++i) {
    const int8_t* q = w->data.data() + i * 4;
    auto pair = [](int8_t lo, int8_t hi) {
      return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(lo)) | (static_cast<uint32_t>(static_cast<uint16_t>(hi)) << 16));
    };
    w->pairs16[2 * i] = pair(q[0], q[2]);
    w->pairs16[2 * i + 1] = pair(q[1], q[3]);
  }
}

namespace {

#define ZY_AVX2 __attribute__((target("avx2")))

// round(p / 2^shift), ties away from zero, on int64 lanes: floor((p + half -
// [p < 0]) / 2^shift) with the arithmetic shift AVX2 lacks built from a
// logical one on the complement.
ZY_AVX2 inline __m256i roundingShift(__m256i p, __m256i half, __m128i shift) {
  const __m256i neg = _mm256_cmpgt_epi64(_mm256_setzero_si256(), p);
  const __m256i t = _mm256_add_epi64(_mm256_add_epi64(p, half), neg);
  const __m256i tn = _mm256_cmpgt_epi64(_mm256_setzero_si256(), t);
  return _mm256_xor_si256(_mm256_srl_epi64(_mm256_xor_si256(t, tn), shift), tn);
}

// Eight sums of channel m to bytes at y (the first n).
ZY_AVX2 inline void storeRow(__m256i acc, const Qs8Requant& rq, int64_t m, uint8_t* y, int64_t n) {
  const int32_t shift = rq.shift[m];
  acc = _mm256_add_epi32(acc, _mm256_set1_epi32(rq.bias[m]));
  const __m256i mul = _mm256_set1_epi32(rq.multiplier[m]);
  const __m256i half = _mm256_set1_epi64x(int64_t{1} << (shift - 1));
  const __m128i s = _mm_cvtsi32_si128(shift);
  const __m256i even = roundingShift(_mm256_mul_epi32(acc, mul), half, s);
  const __m256i odd = roundingShift(_mm256_mul_epi32(_mm256_srli_epi64(acc, 32), mul), half, s);
  __m256i r = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  r = _mm256_add_epi32(r, _mm256_set1_epi32(rq.zero_point));
  r = _mm256_min_epi32(_mm256_max_epi32(r, _mm256_set1_epi32(rq.lo)), _mm256_set1_epi32(rq.hi));
  alignas(32) int32_t v[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(v), r);
  for (int64_t i = 0; i < n && i < 8; ++i) y[i] = static_cast<uint8_t>(v[i]);
}

// One tile: channels [m0, m0 + 8) x the 8 pixels at b (a [K/4][NP][4] panel).
ZY_AVX2 void tile(const int32_t* pairs, const uint8_t* b, int64_t np_stride, int64_t kg, __m256i* acc) {
  const __m256i low_bytes = _mm256_set1_epi32(0x00FF00FF);
  for (int i = 0; i < kQs8Mr; ++i) acc[i] = _mm256_setzero_si256();
  for (int64_t g = 0; g < kg; ++g) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + g * np_stride * 4));
    const __m256i x02 = _mm256_and_si256(x, low_bytes), x13 = _mm256_srli_epi16(x, 8);  // (k0, k2) and (k1, k3) as int16
    const int32_t* p = pairs + g * kQs8Mr * 2;
#pragma GCC unroll 8
    for (int i = 0; i < kQs8Mr; ++i)
      acc[i] = _mm256_add_epi32(acc[i], _mm256_add_epi32(_mm256_madd_epi16(x02, _mm256_set1_epi32(p[2 * i])),
                                                         _mm256_madd_epi16(x13, _mm256_set1_epi32(p[2 * i + 1]))));
  }
}

}  // namespace

ZY_AVX2 void qs8GemmPanelAvx2(const Qs8PackedWeights& w, const uint8_t* packed_x, int64_t np, const Qs8Requant& rq, uint8_t* y,
                              int64_t ldy, int64_t m_begin, int64_t m_end) {
  const int64_t np_stride = (np + kQs8Lanes - 1) / kQs8Lanes * kQs8Lanes;
  for (int64_t m0 = m_begin; m0 < m_end; m0 += kQs8Mr) {
    const int32_t* pairs = w.pairs16.data() + (m0 / kQs8Mr) * w.kgroups * kQs8Mr * 2;
    for (int64_t p0 = 0; p0 < np; p0 += 8) {
      __m256i acc[kQs8Mr];
      tile(pairs, packed_x + p0 * 4, np_stride, w.kgroups, acc);
      for (int64_t i = 0; i < std::min<int64_t>(kQs8Mr, m_end - m0); ++i) storeRow(acc[i], rq, m0 + i, y + (m0 + i) * ldy + p0, np - p0);
    }
  }
}

}  // namespace x86
}  // namespace zy
