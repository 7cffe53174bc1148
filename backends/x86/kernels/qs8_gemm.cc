// qs8-gemm/avx512vnni-8x48: 8 output channels x up to 3 zmm of 16 pixels,
// 24 int32 accumulators; per group of 4 K: 3 loads, 8 broadcasts, 24 vpdpbusd.
// The tile is requantized in registers (qs8-requantize: Q31 multiplier,
// one rounding shift with ties away from zero, zero point, clamp) and stored
// as bytes: no int32 round trip through memory.
#include "qs8_gemm.h"

#include <emmintrin.h>
#include <immintrin.h>

#include <algorithm>

#include "cpu_features.h"
#include "qs8_requantize_avx512.h"

namespace zy {
namespace x86 {

void packQs8Activations(const uint8_t* x, int64_t ld, int64_t k, int64_t p0, int64_t np, uint8_t pad, uint8_t flip, uint8_t* out) {
  const __m128i f = _mm_set1_epi8(static_cast<char>(flip));
  const int64_t NP = (np + kQs8Lanes - 1) / kQs8Lanes * kQs8Lanes, kgroups = (k + 3) / 4;
  for (int64_t g = 0; g < kgroups; ++g) {
    uint8_t* o = out + g * NP * 4;
    const bool full = 4 * g + 3 < k;
    const uint8_t* r0 = x + (4 * g) * ld + p0;
    int64_t p = 0;
    if (full) {
      // 16 pixels x 4 rows -> 16 x (4 bytes): two rounds of byte/word interleaving.
      for (; p + 16 <= np; p += 16) {
        const __m128i a = _mm_xor_si128(f, _mm_loadu_si128(reinterpret_cast<const __m128i*>(r0 + p)));
        const __m128i b = _mm_xor_si128(f, _mm_loadu_si128(reinterpret_cast<const __m128i*>(r0 + ld + p)));
        const __m128i c = _mm_xor_si128(f, _mm_loadu_si128(reinterpret_cast<const __m128i*>(r0 + 2 * ld + p)));
        const __m128i d = _mm_xor_si128(f, _mm_loadu_si128(reinterpret_cast<const __m128i*>(r0 + 3 * ld + p)));
        const __m128i ab_lo = _mm_unpacklo_epi8(a, b), ab_hi = _mm_unpackhi_epi8(a, b);
        const __m128i cd_lo = _mm_unpacklo_epi8(c, d), cd_hi = _mm_unpackhi_epi8(c, d);
        __m128i* dst = reinterpret_cast<__m128i*>(o + p * 4);
        _mm_storeu_si128(dst + 0, _mm_unpacklo_epi16(ab_lo, cd_lo));
        _mm_storeu_si128(dst + 1, _mm_unpackhi_epi16(ab_lo, cd_lo));
        _mm_storeu_si128(dst + 2, _mm_unpacklo_epi16(ab_hi, cd_hi));
        _mm_storeu_si128(dst + 3, _mm_unpackhi_epi16(ab_hi, cd_hi));
      }
    }
    for (; p < NP; ++p)
      for (int64_t j = 0; j < 4; ++j) {
        const int64_t row = 4 * g + j;
        o[p * 4 + j] = static_cast<uint8_t>((p >= np ? pad : row < k ? x[row * ld + p0 + p] : 0) ^ flip);
      }
  }
}

namespace {

#define ZY_VNNI ZY_QS8_AVX512

template <int V>
ZY_VNNI inline void panelTiles(const Qs8PackedWeights& w, const uint8_t* b, int64_t np, const Qs8Requant& rq, uint8_t* y,
                               int64_t ldy, int64_t m_begin, int64_t m_end) {
  constexpr int64_t NP = kQs8Lanes * V;
  const int64_t kg = w.kgroups;
  for (int64_t m0 = m_begin; m0 < m_end; m0 += kQs8Mr) {
    const int32_t* a = reinterpret_cast<const int32_t*>(w.data.data() + (m0 / kQs8Mr) * kg * kQs8Mr * 4);
    __m512i acc[kQs8Mr][V];
#pragma GCC unroll 8
    for (int i = 0; i < kQs8Mr; ++i)
#pragma GCC unroll 3
      for (int v = 0; v < V; ++v) acc[i][v] = _mm512_setzero_si512();
    for (int64_t g = 0; g < kg; ++g) {
      __m512i bv[V];
#pragma GCC unroll 3
      for (int v = 0; v < V; ++v) bv[v] = _mm512_loadu_si512(b + (g * NP + kQs8Lanes * v) * 4);
#pragma GCC unroll 8
      for (int i = 0; i < kQs8Mr; ++i) {
        const __m512i ai = _mm512_set1_epi32(a[g * kQs8Mr + i]);
#pragma GCC unroll 3
        for (int v = 0; v < V; ++v) acc[i][v] = _mm512_dpbusd_epi32(acc[i][v], bv[v], ai);
      }
    }
    // Constant indices only: a runtime index would send the accumulators to the stack.
    const int64_t rows = std::min<int64_t>(kQs8Mr, w.m - m0);
#pragma GCC unroll 8
    for (int i = 0; i < kQs8Mr; ++i) {
      if (i >= rows) break;
      const int64_t m = m0 + i;
#pragma GCC unroll 3
      for (int v = 0; v < V; ++v) {
        const int64_t p = kQs8Lanes * v;
        if (p < np) qs8StoreRow(acc[i][v], rq, m, y + m * ldy + p, static_cast<int>(np - p));
      }
    }
  }
}

ZY_VNNI void qs8GemmPanelVnni(const Qs8PackedWeights& w, const uint8_t* packed_x, int64_t np, const Qs8Requant& rq, uint8_t* y,
                              int64_t ldy, int64_t m_begin, int64_t m_end) {
  if (np <= 16) panelTiles<1>(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else if (np <= 32) panelTiles<2>(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else panelTiles<3>(w, packed_x, np, rq, y, ldy, m_begin, m_end);
}

}  // namespace

void qs8GemmPanelAvx2(const Qs8PackedWeights& w, const uint8_t* packed_x, int64_t np, const Qs8Requant& rq, uint8_t* y, int64_t ldy,
                      int64_t m_begin, int64_t m_end);

namespace {

bool hasVnni() {
  const CpuFeatures& f = cpuFeatures();
  return f.avx512f && f.avx512bw && f.avx512vl && f.avx512dq && f.avx512vnni;
}

}  // namespace

void qs8GemmPanel(const Qs8PackedWeights& w, const uint8_t* packed_x, int64_t np, const Qs8Requant& rq, uint8_t* y, int64_t ldy,
                  int64_t m_begin, int64_t m_end) {
  if (m_end < 0) m_end = w.m;
  if (hasVnni()) qs8GemmPanelVnni(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else qs8GemmPanelAvx2(w, packed_x, np, rq, y, ldy, m_begin, m_end);
}

bool qs8GemmAvailable() { return hasVnni() || cpuFeatures().avx2; }

}  // namespace x86
}  // namespace zy
