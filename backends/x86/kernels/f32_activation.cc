#include "f32_activation.h"

#include <immintrin.h>

#include "cpu_features.h"
#include "f32_activation_avx512.h"
#include "vec.h"

namespace zy {
namespace x86 {

namespace {

__attribute__((target("avx512f"))) void activationAvx512(float* p, int64_t n, const FusedActivation& act) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(p + i, activate512(_mm512_loadu_ps(p + i), act));
  for (; i < n; ++i) p[i] = act.apply(p[i]);
}

// The AVX2 twin, on portable vectors (vec.h).
template <class V>
ZY_VEC_INLINE V activateVec(V x, const FusedActivation& act) {
  const V zero{}, one = vsplat<V>(1.f);
  switch (act.kind) {
    case FusedActivation::Relu: return vmax(x, zero);
    case FusedActivation::Clip: return vmin(vmax(x, vsplat<V>(act.alpha)), vsplat<V>(act.beta));
    case FusedActivation::LeakyRelu: return x < zero ? x * act.alpha : x;
    case FusedActivation::HardSigmoid: return vmin(one, vmax(zero, x * act.alpha + act.beta));
    case FusedActivation::HardSwish: return x * vmin(one, vmax(zero, x * (1.f / 6) + 0.5f));
    case FusedActivation::Sigmoid: return one / (one + vexp<V>(-x));
    case FusedActivation::Silu: return x / (one + vexp<V>(-x));
    case FusedActivation::None: break;
  }
  return x;
}

__attribute__((target("avx2,fma"))) void activationAvx2(float* p, int64_t n, const FusedActivation& act) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) vstore(p + i, activateVec<F32x8>(vload<F32x8>(p + i), act));
  for (; i < n; ++i) p[i] = act.apply(p[i]);
}

}  // namespace

void applyActivation(float* p, int64_t n, const FusedActivation& act) {
  if (act.kind == FusedActivation::None) return;
  if (cpuFeatures().avx512f) activationAvx512(p, n, act);
  else activationAvx2(p, n, act);
}

}  // namespace x86
}  // namespace zy
