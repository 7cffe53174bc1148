// bf16-gemm/avx512bf16-12x32: the opt-in fast-math GEMM (--precision bf16).
// A and B are rounded to bf16 (round to nearest even) and packed as k-pairs:
// one 32-bit lane holds (x[k], x[k+1]), so one vdpbf16ps does two
// multiply-adds per lane into f32 accumulators: twice the f32 FMA rate.
// The store is the f32 kernels' (bias, residual, activation in registers).
#include <immintrin.h>

#include <cstring>

#include "f32_gemm.h"
#include "f32_gemm_tile_avx512.h"

namespace zy {
namespace x86 {

namespace {
constexpr int MR = 12, V = 2, NR = 32;
}

uint16_t bf16FromF32(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return 0x7fc0;  // NaN stays NaN
  bits += 0x7fffu + ((bits >> 16) & 1u);                 // round to nearest even
  return static_cast<uint16_t>(bits >> 16);
}

// kc is counted in k-pairs here: a holds [kc][MR] pairs, b [kc][NR] pairs.
__attribute__((target("avx512f,avx512bf16,avx512bw"))) void bf16GemmAvx512_12x32(int64_t kc, const float* a, const float* b,
                                                                                 float* c, int64_t ldc, int64_t mr, int64_t nr,
                                                                                 bool accumulate, const TileEpilogue* last) {
  __m512 acc[MR][V];
#pragma GCC unroll 16
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) acc[i][v] = _mm512_setzero_ps();
  const int32_t* ap = reinterpret_cast<const int32_t*>(a);
  for (int64_t k = 0; k < kc; ++k) {
    __m512bh bv[V];
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) bv[v] = (__m512bh)_mm512_load_si512(b + k * NR + 16 * v);
    const int32_t* ak = ap + k * MR;
#pragma GCC unroll 16
    for (int i = 0; i < MR; ++i) {
      const __m512bh ai = (__m512bh)_mm512_set1_epi32(ak[i]);
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) acc[i][v] = _mm512_dpbf16_ps(acc[i][v], ai, bv[v]);
    }
  }
  storeTile<MR, V>(acc, c, ldc, mr, nr, accumulate, last);
}

// One packed f32 panel [kc][nr] -> [pairs][nr] k-pairs of bf16, the pairs
// past ceil(kc/2) zero (tile kernels take K in whole blocks of pairs).
__attribute__((target("avx512f,avx512bf16,avx512bw"))) void bf16PairPanel(const float* src, int64_t kc, int64_t nr, int64_t pairs,
                                                                          float* dst) {
  static const int16_t kInterleave[32] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
                                          8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
  const __m512i idx = _mm512_loadu_si512(kInterleave);
  for (int64_t p = 0; p < (kc + 1) / 2; ++p) {
    const float* r0 = src + 2 * p * nr;
    const bool pair = 2 * p + 1 < kc;
    for (int64_t v = 0; v < nr; v += 16) {
      const __m512 lo = _mm512_loadu_ps(r0 + v), hi = pair ? _mm512_loadu_ps(r0 + nr + v) : _mm512_setzero_ps();
      const __m512i both = (__m512i)_mm512_cvtne2ps_pbh(hi, lo);  // [lo x16 | hi x16]
      _mm512_storeu_si512(dst + p * nr + v, _mm512_permutexvar_epi16(idx, both));
    }
  }
  const int64_t filled = (kc + 1) / 2;
  if (pairs > filled) std::memset(dst + filled * nr, 0, static_cast<size_t>((pairs - filled) * nr) * sizeof(float));
}

}  // namespace x86
}  // namespace zy
