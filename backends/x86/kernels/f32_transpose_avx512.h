// A 16x16 block of floats transposed in 16 AVX-512 registers, for kernels
// that switch between [pixel][channel] and [channel][pixel] on the fly (the
// channel-blocked window kernels, the pixel-major GEMM's store).
#pragma once
#include <immintrin.h>

#include <cstdint>

namespace zy {
namespace x86 {

// r[i][j] <-> r[j][i] for a 16x16 block, as a butterfly: at distance k
// (8, 4, 2, 1) rows i and i + k exchange their k-wide sub-blocks. Lane p of
// the new row i takes a[p] or b[p - k]; of row i + k, a[p + k] or b[p].
struct TransposeIndices {
  alignas(64) int32_t a[4][16], b[4][16];
  constexpr TransposeIndices() : a(), b() {
    for (int s = 0, k = 8; s < 4; ++s, k /= 2)
      for (int p = 0; p < 16; ++p) {
        a[s][p] = (p & k) ? 16 + p - k : p;
        b[s][p] = (p & k) ? 16 + p : p + k;
      }
  }
};
inline constexpr TransposeIndices kTranspose;

template <int K>
__attribute__((target("avx512f"), always_inline)) inline void transposeStage(__m512 r[16], int s) {
  const __m512i va = _mm512_load_si512(kTranspose.a[s]), vb = _mm512_load_si512(kTranspose.b[s]);
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) {
    if (i & K) continue;
    const __m512 a = r[i], b = r[i + K];
    r[i] = _mm512_permutex2var_ps(a, va, b);
    r[i + K] = _mm512_permutex2var_ps(a, vb, b);
  }
}

// Fully unrolled, so that the 16 rows stay in registers.
__attribute__((target("avx512f"), always_inline)) inline void transpose16x16(__m512 r[16]) {
  transposeStage<8>(r, 0);
  transposeStage<4>(r, 1);
  transposeStage<2>(r, 2);
  transposeStage<1>(r, 3);
}

}  // namespace x86
}  // namespace zy
