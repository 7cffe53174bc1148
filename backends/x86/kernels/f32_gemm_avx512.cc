// f32-gemm/avx512-<MR>x<16*V>: MR rows x V zmm accumulators per row.
//   12x32: 24 accumulators, 14 loads per 24 FMAs;
//   8x48:  24 accumulators, 11 loads per 24 FMAs;
//   7x48:  21 accumulators, for 7-row pixel-major GEMMs (7x7 images);
//   14x32: 28 accumulators, pixel-major for 14x14 / 28x28 images with
//          channel counts that are multiples of 32 (nothing padded);
//   13x32: 26 accumulators, pixel-major for 13x13 images (SqueezeNet);
//   24x16: 24 accumulators, 25 loads per 24 FMAs, for N of at most 16
//          (Winograd on 14x14 images: 16 tiles), where a 32-wide tile
//          computes twice the columns.
#include <immintrin.h>

#include "f32_gemm.h"
#include "f32_gemm_tile_avx512.h"

namespace zy {
namespace x86 {

namespace {

// ldb = 0: B packed as [kc][NR]; else B read in place, rows ldb apart.
// aoff null: A packed as [kc][MR]; else A read in place by columns, column k at a + aoff[k].
template <int MR, int V>
__attribute__((target("avx512f,fma"), always_inline)) inline void gemmTile(int64_t kc, const float* a, const int64_t* aoff,
                                                                            const float* b, int64_t ldb, float* c, int64_t ldc,
                                                                            int64_t mr, int64_t nr, bool accumulate,
                                                                            const TileEpilogue* last) {
  constexpr int NR = 16 * V;
  const int64_t stride = ldb ? ldb : NR;
  __m512 acc[MR][V];
#pragma GCC unroll 32
  for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) acc[i][v] = _mm512_setzero_ps();
  if (last && last->residual) {
    // The residual's rows are 4-12 KB apart, too many streams for the hardware
    // prefetcher: fetched now, they arrive while the K loop runs.
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) {
        _mm_prefetch(reinterpret_cast<const char*>(last->residual + i * last->ldr + 16 * v), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16 * v), _MM_HINT_T0);
      }
  }
  for (int64_t k = 0; k < kc; ++k) {
    if (ldb) {  // B read in place: rows ldb apart defeat the hardware prefetcher
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) _mm_prefetch(reinterpret_cast<const char*>(b + (k + 6) * stride + 16 * v), _MM_HINT_T0);
    }
    if (aoff && k + 8 < kc) {  // A's columns apart: both cache lines that MR floats may span
      _mm_prefetch(reinterpret_cast<const char*>(a + aoff[k + 8]), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(a + aoff[k + 8] + MR - 1), _MM_HINT_T0);
    }
    __m512 bv[V];
#pragma GCC unroll 4
    for (int v = 0; v < V; ++v) bv[v] = _mm512_loadu_ps(b + k * stride + 16 * v);
    const float* ak = aoff ? a + aoff[k] : a + k * MR;
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      const __m512 ai = _mm512_set1_ps(ak[i]);
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
  }
  storeTile<MR, V>(acc, c, ldc, mr, nr, accumulate, last);
}

}  // namespace

// The entry points GemmKernel holds, one per tile shape (f32_gemm.h):
// packed A and B, B read in place (full-width tiles), A read in place
// (full-height tiles).
template <int MR, int V>
__attribute__((target("avx512f,fma"))) void f32GemmAvx512(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                                                            int64_t nr, bool accumulate, const TileEpilogue* last) {
  gemmTile<MR, V>(kc, a, nullptr, b, 0, c, ldc, mr, nr, accumulate, last);
}

template <int MR, int V>
__attribute__((target("avx512f,fma"))) void f32GemmAvx512BInPlace(int64_t kc, const float* a, const float* b, int64_t ldb, float* c,
                                                                    int64_t ldc, int64_t mr, bool accumulate, const TileEpilogue* last) {
  gemmTile<MR, V>(kc, a, nullptr, b, ldb, c, ldc, mr, 16 * V, accumulate, last);
}

template <int MR, int V>
__attribute__((target("avx512f,fma"))) void f32GemmAvx512AInPlace(int64_t kc, const float* a, const int64_t* aoff, const float* b,
                                                                    float* c, int64_t ldc, int64_t nr, bool accumulate,
                                                                    const TileEpilogue* last) {
  gemmTile<MR, V>(kc, a, aoff, b, 0, c, ldc, MR, nr, accumulate, last);
}

template void f32GemmAvx512<12, 2>(int64_t, const float*, const float*, float*, int64_t, int64_t, int64_t, bool, const TileEpilogue*);
template void f32GemmAvx512<8, 3>(int64_t, const float*, const float*, float*, int64_t, int64_t, int64_t, bool, const TileEpilogue*);
template void f32GemmAvx512<7, 3>(int64_t, const float*, const float*, float*, int64_t, int64_t, int64_t, bool, const TileEpilogue*);
template void f32GemmAvx512<14, 2>(int64_t, const float*, const float*, float*, int64_t, int64_t, int64_t, bool, const TileEpilogue*);
template void f32GemmAvx512<13, 2>(int64_t, const float*, const float*, float*, int64_t, int64_t, int64_t, bool, const TileEpilogue*);
template void f32GemmAvx512<24, 1>(int64_t, const float*, const float*, float*, int64_t, int64_t, int64_t, bool, const TileEpilogue*);
template void f32GemmAvx512BInPlace<12, 2>(int64_t, const float*, const float*, int64_t, float*, int64_t, int64_t, bool, const TileEpilogue*);
template void f32GemmAvx512BInPlace<8, 3>(int64_t, const float*, const float*, int64_t, float*, int64_t, int64_t, bool, const TileEpilogue*);
template void f32GemmAvx512AInPlace<7, 3>(int64_t, const float*, const int64_t*, const float*, float*, int64_t, int64_t, bool,
                                          const TileEpilogue*);
template void f32GemmAvx512AInPlace<14, 2>(int64_t, const float*, const int64_t*, const float*, float*, int64_t, int64_t, bool,
                                           const TileEpilogue*);
template void f32GemmAvx512AInPlace<13, 2>(int64_t, const float*, const int64_t*, const float*, float*, int64_t, int64_t, bool,
                                           const TileEpilogue*);

}  // namespace x86
}  // namespace zy
