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
      const auto row = [&](int64_t j, int64_t p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(r0 + j * ld + p)); };
      for (; p + 16 <= np; p += 16) interleaveRows4x16(row(0, p), row(1, p), row(2, p), row(3, p), f, o + p * 4);
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
  const Qs8OutputRange range(rq);
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
        if (p < np) qs8StoreRow(acc[i][v], rq, range, m, y + m * ldy + p, static_cast<int>(np - p));
      }
    }
  }
}

// qs8-gemm/avx512vnni-tail: panels of 1-4 pixels (a 49-pixel image's last
// pixel, a 196-pixel one's last 4). A 16-pixel vector would waste most of
// its lanes, so the roles turn: a ymm holds 8 output channels of one pixel,
// the weights' [8][4] group is its second operand and the pixel's 4 bytes
// are broadcast. T weight panels at once give T * NPX independent sums.
// qs8RoundingShift with a shift per int64 lane.
ZY_VNNI inline __m256i roundingShift4(__m256i p, __m256i shift, __m256i one) {
  const __m256i half = _mm256_sllv_epi64(one, _mm256_sub_epi64(shift, one));
  return _mm256_srav_epi64(_mm256_add_epi64(_mm256_add_epi64(p, half), _mm256_srai_epi64(p, 63)), shift);
}

// The exact int64 requantization of sums a (bias included) of channels [m0, m0 + 8), `live` of them.
ZY_VNNI inline __m256i requantizeChannelsExact(__m256i a, const Qs8Requant& rq, int64_t m0, __mmask8 live) {
  const __m256i mul = _mm256_maskz_loadu_epi32(live, rq.multiplier.data() + m0);
  // Channels 0, 2, 4, 6 in the even 32-bit lanes, 1, 3, 5, 7 in the odd ones, each as int64.
  const __m256i shift = _mm256_mask_loadu_epi32(_mm256_set1_epi32(1), live, rq.shift.data() + m0);
  const __m256i low = _mm256_set1_epi64x(0xFFFFFFFF), one = _mm256_set1_epi64x(1);
  const __m256i sh_even = _mm256_and_si256(shift, low), sh_odd = _mm256_srli_epi64(shift, 32);
  const __m256i even = roundingShift4(_mm256_mul_epi32(a, mul), sh_even, one);
  const __m256i odd = roundingShift4(_mm256_mul_epi32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(mul, 32)), sh_odd, one);
  const __m256i r = _mm256_mask_blend_epi32(0xAA, even, _mm256_slli_epi64(odd, 32));
  return _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(r, _mm256_set1_epi32(rq.zero_point)), _mm256_set1_epi32(rq.lo)),
                          _mm256_set1_epi32(rq.hi));
}

// Requantizes the sums of channels [m0, m0 + rows) of one pixel and stores
// them at y + m * ldy: certified in float (kQs8TieBound), exact near a tie.
ZY_VNNI inline void qs8StoreChannels(__m256i acc, const Qs8Requant& rq, int64_t m0, int rows, uint8_t* y, int64_t ldy) {
  const __mmask8 live = static_cast<__mmask8>((1u << rows) - 1u);
  const __m256i a = _mm256_add_epi32(acc, _mm256_maskz_loadu_epi32(live, rq.bias.data() + m0));
  // The AVX512VL form of the FMA: the "fma" target would keep the store from inlining into AVX-512 kernels.
  __m256 v = _mm256_mask_fmadd_ps(_mm256_cvtepi32_ps(a), 0xFF, _mm256_maskz_loadu_ps(live, rq.scale.data() + m0),
                                  _mm256_set1_ps(static_cast<float>(rq.zero_point)));
  v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(static_cast<float>(rq.lo))), _mm256_set1_ps(static_cast<float>(rq.hi)));
  __m256i r = _mm256_cvtps_epi32(v);
  const __m256 off = _mm256_andnot_ps(_mm256_set1_ps(-0.f), _mm256_sub_ps(v, _mm256_cvtepi32_ps(r)));  // |v - round(v)|
  if (__builtin_expect((_mm256_cmp_ps_mask(off, _mm256_set1_ps(kQs8TieBound), _CMP_GT_OQ) & live) != 0, 0))
    r = requantizeChannelsExact(a, rq, m0, live);
  alignas(16) uint8_t bytes[16];
  _mm_store_si128(reinterpret_cast<__m128i*>(bytes), _mm256_maskz_cvtepi32_epi8(0xFF, r));
  for (int i = 0; i < rows; ++i) y[(m0 + i) * ldy] = bytes[i];
}

template <int T, int NPX>
ZY_VNNI void tailTiles(const Qs8PackedWeights& w, const uint8_t* b, int64_t np, const Qs8Requant& rq, uint8_t* y, int64_t ldy,
                       int64_t m0, int64_t m_end) {
  const int64_t kg = w.kgroups;
  const int32_t* a = reinterpret_cast<const int32_t*>(w.data.data() + (m0 / kQs8Mr) * kg * kQs8Mr * 4);
  __m256i acc[T][NPX];
#pragma GCC unroll 8
  for (int t = 0; t < T; ++t)
#pragma GCC unroll 4
    for (int p = 0; p < NPX; ++p) acc[t][p] = _mm256_setzero_si256();
  for (int64_t g = 0; g < kg; ++g) {
    __m256i x[NPX];
#pragma GCC unroll 4
    for (int p = 0; p < NPX; ++p) x[p] = _mm256_set1_epi32(reinterpret_cast<const int32_t*>(b)[g * kQs8Lanes + p]);
#pragma GCC unroll 8
    for (int t = 0; t < T; ++t) {
      const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + (t * kg + g) * kQs8Mr));
#pragma GCC unroll 4
      for (int p = 0; p < NPX; ++p) acc[t][p] = _mm256_dpbusd_epi32(acc[t][p], x[p], wv);
    }
  }
#pragma GCC unroll 8
  for (int t = 0; t < T; ++t)
#pragma GCC unroll 4
    for (int p = 0; p < NPX; ++p)
      if (p < np) qs8StoreChannels(acc[t][p], rq, m0 + t * kQs8Mr, static_cast<int>(std::min<int64_t>(kQs8Mr, m_end - m0 - t * kQs8Mr)), y + p, ldy);
}

template <int NPX>
ZY_VNNI void tailPanel(const Qs8PackedWeights& w, const uint8_t* b, int64_t np, const Qs8Requant& rq, uint8_t* y, int64_t ldy,
                       int64_t m_begin, int64_t m_end) {
  constexpr int T = NPX <= 2 ? 8 : 4;
  int64_t m0 = m_begin;
  for (; m0 + T * kQs8Mr <= m_end; m0 += T * kQs8Mr) tailTiles<T, NPX>(w, b, np, rq, y, ldy, m0, m_end);
  for (; m0 < m_end; m0 += kQs8Mr) tailTiles<1, NPX>(w, b, np, rq, y, ldy, m0, m_end);
}

ZY_VNNI void qs8GemmPanelVnni(const Qs8PackedWeights& w, const uint8_t* packed_x, int64_t np, const Qs8Requant& rq, uint8_t* y,
                              int64_t ldy, int64_t m_begin, int64_t m_end) {
  if (np == 1) tailPanel<1>(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else if (np == 2) tailPanel<2>(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else if (np <= 4) tailPanel<4>(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else if (np <= 16) panelTiles<1>(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else if (np <= 32) panelTiles<2>(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else panelTiles<3>(w, packed_x, np, rq, y, ldy, m_begin, m_end);
}

}  // namespace

// qs8_gemm_avx2.cc: qs8-gemm/avxvnni-8x16 (VEX, and its EVEX twin) and qs8-gemm/avx2-8x8.
void qs8GemmPanelAvxVnni(const Qs8PackedWeights& w, const uint8_t* packed_x, int64_t np, const Qs8Requant& rq, uint8_t* y, int64_t ldy,
                         int64_t m_begin, int64_t m_end);
void qs8GemmPanelAvxVnniEvex(const Qs8PackedWeights& w, const uint8_t* packed_x, int64_t np, const Qs8Requant& rq, uint8_t* y,
                             int64_t ldy, int64_t m_begin, int64_t m_end);
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
  const CpuFeatures& f = cpuFeatures();
  if (hasVnni()) qs8GemmPanelVnni(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else if (f.avx_vnni) qs8GemmPanelAvxVnni(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else if (f.avx_vnni_evex) qs8GemmPanelAvxVnniEvex(w, packed_x, np, rq, y, ldy, m_begin, m_end);
  else qs8GemmPanelAvx2(w, packed_x, np, rq, y, ldy, m_begin, m_end);
}

bool qs8GemmAvailable() { return hasVnni() || cpuFeatures().avx2; }

const char* qs8GemmKernelName() {
  const CpuFeatures& f = cpuFeatures();
  if (hasVnni()) return "qs8-gemm/avx512vnni-8x48";
  if (f.avx_vnni || f.avx_vnni_evex) return f.avx_vnni ? "qs8-gemm/avxvnni-8x16" : "qs8-gemm/avxvnni-8x16 (EVEX)";
  return f.avx2 ? "qs8-gemm/avx2-8x8" : "none";
}

}  // namespace x86
}  // namespace zy
