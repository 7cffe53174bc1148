// The store of an AVX-512 GEMM tile, shared by the f32 and bf16
// microkernels: MR x V zmm accumulators (f32) go to C after the epilogue.
#pragma once
#include <immintrin.h>

#include <cstdint>

#include "f32_activation.h"
#include "f32_activation_avx512.h"
#include "f32_gemm.h"
#include "lane_mask.h"

namespace zy {
namespace x86 {

template <int MR, int V, int ACT>
__attribute__((target("avx512f"), always_inline)) inline void storeTileAs(__m512 (&acc)[MR][V], float* c, int64_t ldc, int64_t mr,
                                                                         int64_t nr, bool accumulate, const TileEpilogue* last) {
  constexpr int NR = 16 * V;
  // Epilogue on registers: earlier K blocks, bias, residual, then the
  // activation (all kinds, exp-based ones included): one store per tile.
  const float* bias = last ? last->bias : nullptr;
  const float* res = last ? last->residual : nullptr;
  const FusedActivation* act = last ? last->act : nullptr;
  const bool apply_act = ACT != FusedActivation::None && act;
  if (mr == MR && nr == NR) {
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) {
        __m512 x = acc[i][v];
        if (accumulate) x = _mm512_add_ps(x, _mm512_loadu_ps(c + i * ldc + 16 * v));
        if (bias) x = _mm512_add_ps(x, _mm512_set1_ps(bias[i]));
        if (res) x = _mm512_add_ps(x, _mm512_loadu_ps(res + i * last->ldr + 16 * v));
        if (apply_act) x = activateKind512<ACT>(x, *act);
        _mm512_storeu_ps(c + i * ldc + 16 * v, x);
      }
  } else {
    // Partial tile: the rows it has, whole vectors but for the last, masked
    // (in registers: the buffer and scalar loop it replaced cost a 28x28
    // layer's partial column tiles as much as their FMAs).
#pragma GCC unroll 32
    for (int i = 0; i < MR; ++i) {
      if (i >= mr) break;
#pragma GCC unroll 4
      for (int v = 0; v < V; ++v) {
        const int64_t cols = nr - 16 * v;
        if (cols <= 0) break;
        const __mmask16 m = firstLanes16(cols);
        float* cv = c + i * ldc + 16 * v;
        __m512 x = acc[i][v];
        if (accumulate) x = _mm512_add_ps(x, cols >= 16 ? _mm512_loadu_ps(cv) : _mm512_maskz_loadu_ps(m, cv));
        if (bias) x = _mm512_add_ps(x, _mm512_set1_ps(bias[i]));
        if (res) {
          const float* rv = res + i * last->ldr + 16 * v;
          x = _mm512_add_ps(x, cols >= 16 ? _mm512_loadu_ps(rv) : _mm512_maskz_loadu_ps(m, rv));
        }
        if (apply_act) x = activateKind512<ACT>(x, *act);
        if (cols >= 16) _mm512_storeu_ps(cv, x);
        else _mm512_mask_storeu_ps(cv, m, x);
      }
    }
  }
}

// The store with the activation's kind as a template argument (see specializedActivation).
template <int MR, int V>
__attribute__((target("avx512f"), always_inline)) inline void storeTile(__m512 (&acc)[MR][V], float* c, int64_t ldc, int64_t mr,
                                                                         int64_t nr, bool accumulate, const TileEpilogue* last) {
  switch (specializedActivation(last ? last->act : nullptr)) {
    case FusedActivation::None: storeTileAs<MR, V, FusedActivation::None>(acc, c, ldc, mr, nr, accumulate, last); return;
    case FusedActivation::Relu: storeTileAs<MR, V, FusedActivation::Relu>(acc, c, ldc, mr, nr, accumulate, last); return;
    case FusedActivation::Clip: storeTileAs<MR, V, FusedActivation::Clip>(acc, c, ldc, mr, nr, accumulate, last); return;
    case FusedActivation::Silu: storeTileAs<MR, V, FusedActivation::Silu>(acc, c, ldc, mr, nr, accumulate, last); return;
    default: storeTileAs<MR, V, kAnyActivation>(acc, c, ldc, mr, nr, accumulate, last);
  }
}

}  // namespace x86
}  // namespace zy
