#include "f32_activation.h"

#include <immintrin.h>

#include "cpu_features.h"

namespace zy {
namespace x86 {

namespace {

// exp(x) for x in [-88, 88]: x = k*ln2 + r, e^r by a degree-6 polynomial
// (relative error ~2e-7), 2^k by scalef.
__attribute__((target("avx512f"))) inline __m512 exp512(__m512 x) {
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
__attribute__((target("avx512f"))) inline __m512 reciprocal512(__m512 d) {
  const __m512 r = _mm512_rcp14_ps(d);
  return _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(2.f)));
}

__attribute__((target("avx512f"))) void activationAvx512(float* p, int64_t n, const FusedActivation& act) {
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.f);
  const __m512 alpha = _mm512_set1_ps(act.alpha), beta = _mm512_set1_ps(act.beta);
  const __m512 sixth = _mm512_set1_ps(1.f / 6), half = _mm512_set1_ps(0.5f);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 x = _mm512_loadu_ps(p + i), y;
    switch (act.kind) {
      case FusedActivation::Relu: y = _mm512_max_ps(x, zero); break;
      case FusedActivation::Clip: y = _mm512_min_ps(_mm512_max_ps(x, alpha), beta); break;
      case FusedActivation::LeakyRelu: y = _mm512_mask_mul_ps(x, _mm512_cmp_ps_mask(x, zero, _CMP_LT_OQ), x, alpha); break;
      case FusedActivation::HardSigmoid: y = _mm512_min_ps(one, _mm512_max_ps(zero, _mm512_fmadd_ps(alpha, x, beta))); break;
      case FusedActivation::HardSwish: y = _mm512_mul_ps(x, _mm512_min_ps(one, _mm512_max_ps(zero, _mm512_fmadd_ps(x, sixth, half)))); break;
      case FusedActivation::Sigmoid: y = reciprocal512(_mm512_add_ps(one, exp512(_mm512_sub_ps(zero, x)))); break;
      case FusedActivation::Silu: y = _mm512_mul_ps(x, reciprocal512(_mm512_add_ps(one, exp512(_mm512_sub_ps(zero, x))))); break;
      default: y = x; break;
    }
    _mm512_storeu_ps(p + i, y);
  }
  for (; i < n; ++i) p[i] = act.apply(p[i]);
}

}  // namespace

void applyActivation(float* p, int64_t n, const FusedActivation& act) {
  if (act.kind == FusedActivation::None) return;
  if (cpuFeatures().avx512f) return activationAvx512(p, n, act);
  for (int64_t i = 0; i < n; ++i) p[i] = act.apply(p[i]);
}

}  // namespace x86
}  // namespace zy
