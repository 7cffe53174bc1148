// A 16x16 block of floats transposed in 16 AVX-512 registers, for kernels
// that switch between [pixel][channel] and [channel][pixel] on the fly (the
// channel-blocked window kernels, the pixel-major GEMM's store).
#pragma once
#include <immintrin.h>

namespace zy {
namespace x86 {

// r[i][j] <-> r[j][i] for a 16x16 block. Half of it is in-lane shuffles
// (vunpcklps/vunpckhps, vshufps), which Zen 4 issues beside its FMAs, the
// other half 128-bit lane moves (vshuff32x4); a butterfly of 64 vpermt2ps
// took 64 FMA slots. After the in-lane half, u[4g + c] holds, in lane l,
// rows 4g..4g+3 at column 4l + c; output row 4l + c is lane l of u[c],
// u[4 + c], u[8 + c] and u[12 + c], a 4x4 transpose of lanes.
__attribute__((target("avx512f"), always_inline)) inline void transpose16x16(__m512 r[16]) {
  __m512 u[16];
#pragma GCC unroll 4
  for (int g = 0; g < 4; ++g) {
    const __m512* q = r + 4 * g;
    const __m512 t0 = _mm512_unpacklo_ps(q[0], q[1]), t1 = _mm512_unpackhi_ps(q[0], q[1]);
    const __m512 t2 = _mm512_unpacklo_ps(q[2], q[3]), t3 = _mm512_unpackhi_ps(q[2], q[3]);
    u[4 * g + 0] = _mm512_shuffle_ps(t0, t2, 0x44);
    u[4 * g + 1] = _mm512_shuffle_ps(t0, t2, 0xEE);
    u[4 * g + 2] = _mm512_shuffle_ps(t1, t3, 0x44);
    u[4 * g + 3] = _mm512_shuffle_ps(t1, t3, 0xEE);
  }
#pragma GCC unroll 4
  for (int c = 0; c < 4; ++c) {
    const __m512 p0 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0x44), p1 = _mm512_shuffle_f32x4(u[c], u[4 + c], 0xEE);
    const __m512 p2 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0x44), p3 = _mm512_shuffle_f32x4(u[8 + c], u[12 + c], 0xEE);
    r[c] = _mm512_shuffle_f32x4(p0, p2, 0x88);
    r[4 + c] = _mm512_shuffle_f32x4(p0, p2, 0xDD);
    r[8 + c] = _mm512_shuffle_f32x4(p1, p3, 0x88);
    r[12 + c] = _mm512_shuffle_f32x4(p1, p3, 0xDD);
  }
}

}  // namespace x86
}  // namespace zy
