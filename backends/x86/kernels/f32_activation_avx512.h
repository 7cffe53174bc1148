// The fused activations on one AVX-512 vector, inline, for kernels that
// apply them in registers before the store (GEMM tiles) and for
// applyActivation. Functions carry target("avx512f"): call them only from
// AVX-512 code.
#pragma once
#include <immintrin.h>

#include "ops/fused_activation.h"

namespace zy {
namespace x86 {

// exp(x) for x in [-88, 88]: x = k*ln2 + r, e^r by a degree-6 polynomial
// (relative error ~2e-7), 2^k by scalef.
__attribute__((target("avx512f"), always_inline)) inline __m512 exp512(__m512 x) {
  x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.f)), _mm512_set1_ps(-88.f));
  const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)), _MM_FROUND_TO_NEAREST_INT);
  const __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693359375f), x);
  const __m512 r2 = _mm512_fnmadd_ps(k, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.f / 720);
  p = _mm512_fmadd_ps(p, r2, _mm512_set1_ps(1.f / 120));
  p = _mm512_fmadd_ps(p, r2, _mm512_set1_ps(1.f / 24));
  p = _mm512_fmadd_ps(p, r2, _mm512_set1_ps(1.f / 6));
  p = _mm512_fmadd_ps(p, r2, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r2, _mm512_set1_ps(1.f));
  p = _mm512_fmadd_ps(p, r2, _mm512_set1_ps(1.f));
  return _mm512_scalef_ps(p, k);
}

// 1 / d: the 14-bit estimate and one Newton step (relative error ~1e-7;
// vdivps costs several times more and made Sigmoid and SiLU the slowest part
// of EfficientNet's convolutions).
__attribute__((target("avx512f"), always_inline)) inline __m512 reciprocal512(__m512 d) {
  const __m512 r = _mm512_rcp14_ps(d);
  return _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(2.f)));
}

// act(x); None returns x.
__attribute__((target("avx512f"), always_inline)) inline __m512 activate512(__m512 x, const FusedActivation& act) {
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.f);
  switch (act.kind) {
    case FusedActivation::Relu: return _mm512_max_ps(x, zero);
    case FusedActivation::Clip: return _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(act.alpha)), _mm512_set1_ps(act.beta));
    case FusedActivation::LeakyRelu:
      return _mm512_mask_mul_ps(x, _mm512_cmp_ps_mask(x, zero, _CMP_LT_OQ), x, _mm512_set1_ps(act.alpha));
    case FusedActivation::HardSigmoid:
      return _mm512_min_ps(one, _mm512_max_ps(zero, _mm512_fmadd_ps(_mm512_set1_ps(act.alpha), x, _mm512_set1_ps(act.beta))));
    case FusedActivation::HardSwish:
      return _mm512_mul_ps(x, _mm512_min_ps(one, _mm512_max_ps(zero, _mm512_fmadd_ps(x, _mm512_set1_ps(1.f / 6), _mm512_set1_ps(0.5f)))));
    case FusedActivation::Sigmoid: return reciprocal512(_mm512_add_ps(one, exp512(_mm512_sub_ps(zero, x))));
    case FusedActivation::Silu: return _mm512_mul_ps(x, reciprocal512(_mm512_add_ps(one, exp512(_mm512_sub_ps(zero, x)))));
    case FusedActivation::None: break;
  }
  return x;
}

}  // namespace x86
}  // namespace zy
