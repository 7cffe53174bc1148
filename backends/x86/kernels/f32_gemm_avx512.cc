// f32-gemm/avx512-12x32: 12 rows x 2 zmm of accumulators (24 of 32 registers).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

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
  const bool full = mr == MR && nr == NR;
  const __mmask16 m0 = full ? 0xffff : static_cast<__mmask16>(nr >= 16 ? 0xffff : (1u << nr) - 1);
  const __mmask16 m1 = full ? 0xffff : static_cast<__mmask16>(nr <= 16 ? 0 : nr >= 32 ? 0xffff : (1u << (nr - 16)) - 1);
  const bool vector_act = act && (act->kind == FusedActivation::None || act->kind == FusedActivation::Relu || act->kind == FusedActivation::Clip);
  const __m512 lo = _mm512_set1_ps(act && act->kind == FusedActivation::Clip ? act->alpha : 0.f);
  const __m512 hi = _mm512_set1_ps(act && act->kind == FusedActivation::Clip ? act->beta : 0.f);
  for (int64_t i = 0; i < mr; ++i) {
    float* ci = c + i * ldc;
    __m512 v0 = acc[i][0], v1 = acc[i][1];
    if (accumulate) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, ci));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, ci + 16));
    }
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
    _mm512_mask_storeu_ps(ci, m0, v0);
    _mm512_mask_storeu_ps(ci + 16, m1, v1);
    if (last && act && !vector_act)
      for (int64_t j = 0; j < nr; ++j) ci[j] = act->apply(ci[j]);
  }
}

}  // namespace x86
}  // namespace zy
