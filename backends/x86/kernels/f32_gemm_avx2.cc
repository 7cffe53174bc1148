// f32-gemm/avx2-6x16: 6 rows x 2 ymm of accumulators (12 of 16 registers).
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "f32_activation.h"
#include "f32_gemm.h"

namespace zy {
namespace x86 {

namespace {
constexpr int MR = 6, NR = 16;
}

__attribute__((target("avx2,fma"))) void f32GemmAvx2_6x16(int64_t kc, const float* a, const float* b, float* c,
                                                           int64_t ldc, int64_t mr, int64_t nr, bool accumulate,
                                                           const TileEpilogue* last) {
  __m256 acc[MR][2];
#pragma GCC unroll 6
  for (int i = 0; i < MR; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_load_ps(b + k * NR), b1 = _mm256_load_ps(b + k * NR + 8);
    const float* ak = a + k * MR;
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      const __m256 ai = _mm256_broadcast_ss(ak + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
  }
  // Epilogue: earlier K blocks, bias, residual in registers for full tiles
  // (through a buffer for partial ones); then the activation over the rows.
  const float* bias = last ? last->bias : nullptr;
  const float* res = last ? last->residual : nullptr;
  const int64_t ldr = last ? last->ldr : 0;
  const FusedActivation* act = last && last->act && last->act->kind != FusedActivation::None ? last->act : nullptr;
  if (mr == MR && nr == NR) {
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i)
#pragma GCC unroll 2
      for (int v = 0; v < 2; ++v) {
        __m256 x = acc[i][v];
        if (accumulate) x = _mm256_add_ps(x, _mm256_loadu_ps(c + i * ldc + 8 * v));
        if (bias) x = _mm256_add_ps(x, _mm256_set1_ps(bias[i]));
        if (res) x = _mm256_add_ps(x, _mm256_loadu_ps(res + i * ldr + 8 * v));
        _mm256_storeu_ps(c + i * ldc + 8 * v, x);
      }
  } else {
    alignas(32) float tile[MR][NR];
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      _mm256_store_ps(tile[i], acc[i][0]);
      _mm256_store_ps(tile[i] + 8, acc[i][1]);
    }
    for (int64_t i = 0; i < mr; ++i) {
      float* ci = c + i * ldc;
      const float b = bias ? bias[i] : 0.f;
      for (int64_t j = 0; j < nr; ++j) ci[j] = tile[i][j] + (accumulate ? ci[j] : 0.f) + b + (res ? res[i * ldr + j] : 0.f);
    }
  }
  if (act)
    for (int64_t i = 0; i < mr; ++i) applyActivation(c + i * ldc, nr, *act);
}

}  // namespace x86
}  // namespace zy
