// The int8 GEMM on AVX2 cores without AVX-512, over the same packed
// operands as qs8-gemm/avx512vnni (u8 activations in groups of 4 along K, s8
// weights), 8 output channels per tile; the requantization in registers
// (qs8-requantize/avx2).
//   qs8-gemm/avxvnni-8x16: vpdpbusd on 256 bits (AVX-VNNI: Alder Lake and
//     later client cores, Zen 5), four products per int32 lane in one
//     instruction, 16 pixels a tile. Its EVEX twin (AVX512-VNNI + VL, the same
//     instruction on ymm) runs under ZY_X86_ISA=avxvnni, so that the kernel is
//     tested on AVX-512 machines too.
//   qs8-gemm/avx2-8x8: without VNNI. vpmaddubsw would saturate (255 * 127 *
//     2 > 32767), so the activations are split into their even and odd bytes
//     as 16-bit lanes and multiplied by int16 weight pairs with vpmaddwd:
//     exact, as the spec needs.
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

// qs8-gemm/avxvnni-8x16, defined twice: NAME with TARGET and DPBUSD, the VEX
// or the EVEX encoding. acc[i][h] holds pixels 8h..8h+7 of channel i; the
// packed pixels are padded to 16, so a tile never reads past them.
#define ZY_DEFINE_QS8_GEMM_VNNI256(NAME, TARGET, DPBUSD)                                                                         \
  TARGET void NAME(const Qs8PackedWeights& w, const uint8_t* packed_x, int64_t np, const Qs8Requant& rq, uint8_t* y, int64_t ldy, \
                   int64_t m_begin, int64_t m_end) {                                                                             \
    const int64_t np_stride = (np + kQs8Lanes - 1) / kQs8Lanes * kQs8Lanes;                                                      \
    for (int64_t m0 = m_begin; m0 < m_end; m0 += kQs8Mr) {                                                                       \
      const int32_t* w4 = reinterpret_cast<const int32_t*>(w.data.data()) + (m0 / kQs8Mr) * w.kgroups * kQs8Mr;                \
      for (int64_t p0 = 0; p0 < np; p0 += 16) {                                                                                  \
        __m256i acc[kQs8Mr][2];                                                                                                  \
        for (int i = 0; i < kQs8Mr; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_si256();                                        \
        const uint8_t* b = packed_x + p0 * 4;                                                                                    \
        for (int64_t g = 0; g < w.kgroups; ++g) {                                                                                \
          const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + g * np_stride * 4));                        \
          const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + g * np_stride * 4 + 32));                   \
          const int32_t* wg = w4 + g * kQs8Mr; /* channel i's four weights of group g */                                         \
          _Pragma("GCC unroll 8") for (int i = 0; i < kQs8Mr; ++i) {                                                             \
            const __m256i wi = _mm256_set1_epi32(wg[i]);                                                                         \
            acc[i][0] = DPBUSD(acc[i][0], x0, wi);                                                                               \
            acc[i][1] = DPBUSD(acc[i][1], x1, wi);                                                                               \
          }                                                                                                                      \
        }                                                                                                                        \
        for (int64_t i = 0; i < std::min<int64_t>(kQs8Mr, m_end - m0); ++i) {                                                    \
          uint8_t* row = y + (m0 + i) * ldy + p0;                                                                                \
          qs8StoreRowAvx2(acc[i][0], rq, m0 + i, row, np - p0);                                                                  \
          if (np - p0 > 8) qs8StoreRowAvx2(acc[i][1], rq, m0 + i, row + 8, np - p0 - 8);                                         \
        }                                                                                                                        \
      }                                                                                                                          \
    }                                                                                                                            \
  }

ZY_DEFINE_QS8_GEMM_VNNI256(qs8GemmPanelAvxVnni, __attribute__((target("avx2,fma,avxvnni"))), _mm256_dpbusd_avx_epi32)
ZY_DEFINE_QS8_GEMM_VNNI256(qs8GemmPanelAvxVnniEvex, __attribute__((target("avx2,fma,avx512f,avx512vl,avx512vnni"))), _mm256_dpbusd_epi32)

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
