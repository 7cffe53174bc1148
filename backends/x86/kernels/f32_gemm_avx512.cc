// f32-gemm/avx512-12x32: 12 rows x 2 zmm of accumulators (24 of 32 registers).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "f32_activation.h"
#include "f32_gemm.h"

namespace zy {
namespace x86 {

namespace {
constexpr int MR = 12, NR = 32;
}

__attribute__((target("avx512f,fma"))) void f32GemmAvx512_12x32(int64_t kc, const float* a, const float* b, float* c,
                                                                  int64_t ldc, int64_t mr, int64_t nr, bool accumulate,
                                                                  bool last, const float* bias, const FusedActivation* act) {
  __m512 acc[MR][2];
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    const __m512 b0 = _mm512_load_ps(b + k * NR), b1 = _mm512_load_ps(b + k * NR + 16);
    const float* ak = a + k * MR;
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i) {
      const __m512 ai = _mm512_set1_ps(ak[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  const bool vector_act = !act || act->kind == FusedActivation::None || act->kind == FusedActivation::Relu ||
                          act->kind == FusedActivation::Clip;
  const __m512 lo = _mm512_set1_ps(act && act->kind == FusedActivation::Clip ? act->alpha : 0.f);
  const __m512 hi = _mm512_set1_ps(act && act->kind == FusedActivation::Clip ? act->beta : 0.f);
  // The epilogue on registers (bias, then Relu/Clip; other activations after
  // the store). With earlier K blocks in C it runs after adding them instead.
  if (last && !accumulate) {
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i) {
      if (bias && i < mr) {
        const __m512 bi = _mm512_set1_ps(bias[i]);
        acc[i][0] = _mm512_add_ps(acc[i][0], bi);
        acc[i][1] = _mm512_add_ps(acc[i][1], bi);
      }
      if (act && act->kind == FusedActivation::Relu) {
        acc[i][0] = _mm512_max_ps(acc[i][0], _mm512_setzero_ps());
        acc[i][1] = _mm512_max_ps(acc[i][1], _mm512_setzero_ps());
      } else if (act && act->kind == FusedActivation::Clip) {
        acc[i][0] = _mm512_min_ps(_mm512_max_ps(acc[i][0], lo), hi);
        acc[i][1] = _mm512_min_ps(_mm512_max_ps(acc[i][1], lo), hi);
      }
    }
  }
  if (mr == MR && nr == NR) {
    // Full tile: registers straight to C (indices are constants, so the
    // accumulators never leave registers).
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i) {
      __m512 v0 = acc[i][0], v1 = acc[i][1];
      if (accumulate) {
        v0 = _mm512_add_ps(v0, _mm512_loadu_ps(c + i * ldc));
        v1 = _mm512_add_ps(v1, _mm512_loadu_ps(c + i * ldc + 16));
        if (last) {
          if (bias) {
            const __m512 bi = _mm512_set1_ps(bias[i]);
            v0 = _mm512_add_ps(v0, bi);
            v1 = _mm512_add_ps(v1, bi);
          }
          if (act && act->kind == FusedActivation::Relu) {
            v0 = _mm512_max_ps(v0, _mm512_setzero_ps());
            v1 = _mm512_max_ps(v1, _mm512_setzero_ps());
          } else if (act && act->kind == FusedActivation::Clip) {
            v0 = _mm512_min_ps(_mm512_max_ps(v0, lo), hi);
            v1 = _mm512_min_ps(_mm512_max_ps(v1, lo), hi);
          }
        }
      }
      _mm512_storeu_ps(c + i * ldc, v0);
      _mm512_storeu_ps(c + i * ldc + 16, v1);
    }
  } else {
    alignas(64) float tile[MR][NR];
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i) {
      _mm512_store_ps(tile[i], acc[i][0]);
      _mm512_store_ps(tile[i] + 16, acc[i][1]);
    }
    for (int64_t i = 0; i < mr; ++i) {
      float* ci = c + i * ldc;
      if (accumulate) {
        // Partial sums from earlier K blocks, then the epilogue.
        for (int64_t j = 0; j < nr; ++j) tile[i][j] += ci[j];
        if (last) {
          if (bias)
            for (int64_t j = 0; j < nr; ++j) tile[i][j] += bias[i];
          if (act && vector_act)
            for (int64_t j = 0; j < nr; ++j) tile[i][j] = act->apply(tile[i][j]);
        }
      }
      std::memcpy(ci, tile[i], static_cast<size_t>(nr) * sizeof(float));
    }
  }
  if (last && !vector_act)
    for (int64_t i = 0; i < mr; ++i) applyActivation(c + i * ldc, nr, *act);
}

}  // namespace x86
}  // namespace zy
