// qs8-gemm/avx2-8x8: the int8 GEMM on AVX2 cores without VNNI, over the
// same packed operands as qs8-gemm/avx512vnni (u8 activations in groups of 4
// along K, s8 weights). vpmaddubsw would saturate (255 * 127 * 2 > 32767), so
// the activations are split into their even and odd bytes as 16-bit lanes and
// multiplied by int16 weight pairs with vpmaddwd: exact, as the spec needs.
// 8 output channels x 8 pixels per tile; the requantization in registers
// (qs8-requantize/avx2).
#include <immintrin.h>

#include <algorithm>

#include "qs8_gemm.h"
#include "qs8_requantize_avx2.h"

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

// One tile: channels [m0, m0 + 8) x the 8 pixels at b (a [K/4][NP][4] panel).
ZY_QS8_AVX2 void tile(const int32_t* pairs, const uint8_t* b, int64_t np_stride, int64_t kg, __m256i* acc) {
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

ZY_QS8_AVX2 void qs8GemmPanelAvx2(const Qs8PackedWeights& w, const uint8_t* packed_x, int64_t np, const Qs8Requant& rq, uint8_t* y,
                              int64_t ldy, int64_t m_begin, int64_t m_end) {
  const int64_t np_stride = (np + kQs8Lanes - 1) / kQs8Lanes * kQs8Lanes;
  for (int64_t m0 = m_begin; m0 < m_end; m0 += kQs8Mr) {
    const int32_t* pairs = w.pairs16.data() + (m0 / kQs8Mr) * w.kgroups * kQs8Mr * 2;
    for (int64_t p0 = 0; p0 < np; p0 += 8) {
      __m256i acc[kQs8Mr];
      tile(pairs, packed_x + p0 * 4, np_stride, w.kgroups, acc);
      for (int64_t i = 0; i < std::min<int64_t>(kQs8Mr, m_end - m0); ++i) qs8StoreRowAvx2(acc[i], rq, m0 + i, y + (m0 + i) * ldy + p0, np - p0);
    }
  }
}

}  // namespace x86
}  // namespace zy
