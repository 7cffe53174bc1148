// The fused activations on the portable vectors: each backend compiles
// activateVec<V> / activateRow<V> for its width (x86's AVX2 twin, ARM's NEON).
#pragma once
#include <cstdint>

#include "ops/fused_activation.h"
#include "simd/vec.h"

namespace zy {
namespace simd {

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

// act over n floats in place.
template <class V>
ZY_VEC_INLINE void activateRow(float* p, int64_t n, const FusedActivation& act) {
  constexpr int L = lanes<V>();
  int64_t i = 0;
  for (; i + L <= n; i += L) vstore(p + i, activateVec<V>(vload<V>(p + i), act));
  for (; i < n; ++i) p[i] = act.apply(p[i]);
}

}  // namespace simd
}  // namespace zy
