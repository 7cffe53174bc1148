// The fused activations on one AVX-512 vector, inline, for kernels that
// apply them in registers before the store (GEMM tiles) and for
// applyActivation. Functions carry target("avx512f"): call them only from
// AVX-512 code.
#pragma once
#include <immintrin.h>

#include <type_traits>

#include "ops/fused_activation.h"

namespace zy {
namespace x86 {

// e^(x m) for m = log2(e) * sign (x clamped by the caller): k = round(x m)
// and f = x m - k in [-0.5, 0.5], the latter in one FMA (so only log2e's own
// rounding errs, ~2e-8 of |x log2e|); 2^f by a degree-5 polynomial fitted
// for relative error on [-0.5, 0.5] (2.4e-7 evaluated in float; the degree-6
// Taylor form it replaces took two more operations for 2e-7), 2^k by scalef.
__attribute__((target("avx512f"), always_inline)) inline __m512 expScaled512(__m512 x, __m512 m) {
  const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, m), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 f = _mm512_fmsub_ps(x, m, k);
  __m512 p = _mm512_set1_ps(1.3276446843519807e-3f);
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(9.675533510744572e-3f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(5.550713092088699e-2f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(2.4022120237350464e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(6.931469440460205e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.0000001192092896f));
  return _mm512_scalef_ps(p, k);
}

// exp(x) for x in [-88, 88] (clamped outside). 11 operations.
__attribute__((target("avx512f"), always_inline)) inline __m512 exp512(__m512 x) {
  x = _mm512_max_ps(_mm512_min_ps(x, _mm512_set1_ps(88.f)), _mm512_set1_ps(-88.f));
  return expScaled512(x, _mm512_set1_ps(1.44269504088896341f));
}

// e^-x for Sigmoid and SiLU: the negation folded into the log2e factor
// (exact) and only the clamp that matters, x >= -88 (e^88 is finite, so 1 +
// e^-x never reaches inf); beyond x = 88 e^-x underflows to 0 as the
// clamped form's 6e-39 did, both leaving 1 + e^-x = 1. Bit for bit
// exp512(-x) on [-88, 88], two operations fewer.
__attribute__((target("avx512f"), always_inline)) inline __m512 expNeg512(__m512 x) {
  return expScaled512(_mm512_max_ps(x, _mm512_set1_ps(-88.f)), _mm512_set1_ps(-1.44269504088896341f));
}

// 1 / d: the 14-bit estimate and one Newton step (relative error ~1e-7;
// vdivps costs several times more and made Sigmoid and SiLU the slowest part
// of EfficientNet's convolutions).
__attribute__((target("avx512f"), always_inline)) inline __m512 reciprocal512(__m512 d) {
  const __m512 r = _mm512_rcp14_ps(d);
  return _mm512_mul_ps(r, _mm512_fnmadd_ps(d, r, _mm512_set1_ps(2.f)));
}

// act(x) for an activation kind fixed at compile time, so that kernels
// applying it per vector carry no switch in their loops; kAnyActivation
// switches on act.kind (for the exp-based kinds, whose own cost dwarfs it).
constexpr int kAnyActivation = -1;

__attribute__((target("avx512f"), always_inline)) inline __m512 activate512(__m512 x, const FusedActivation& act);

template <int KIND>
__attribute__((target("avx512f"), always_inline)) inline __m512 activateKind512(__m512 x, const FusedActivation& act) {
  const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(1.f);
  if constexpr (KIND == FusedActivation::None) return x;
  else if constexpr (KIND == FusedActivation::Relu) return _mm512_max_ps(x, zero);
  else if constexpr (KIND == FusedActivation::Clip) return _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(act.alpha)), _mm512_set1_ps(act.beta));
  else if constexpr (KIND == FusedActivation::LeakyRelu)
    return _mm512_mask_mul_ps(x, _mm512_cmp_ps_mask(x, zero, _CMP_LT_OQ), x, _mm512_set1_ps(act.alpha));
  else if constexpr (KIND == FusedActivation::HardSigmoid)
    return _mm512_min_ps(one, _mm512_max_ps(zero, _mm512_fmadd_ps(_mm512_set1_ps(act.alpha), x, _mm512_set1_ps(act.beta))));
  else if constexpr (KIND == FusedActivation::HardSwish)
    return _mm512_mul_ps(x, _mm512_min_ps(one, _mm512_max_ps(zero, _mm512_fmadd_ps(x, _mm512_set1_ps(1.f / 6), _mm512_set1_ps(0.5f)))));
  else if constexpr (KIND == FusedActivation::Sigmoid) return reciprocal512(_mm512_add_ps(one, expNeg512(x)));
  else if constexpr (KIND == FusedActivation::Silu) return _mm512_mul_ps(x, reciprocal512(_mm512_add_ps(one, expNeg512(x))));
  else return activate512(x, act);
}

// act(x); None returns x.
__attribute__((target("avx512f"), always_inline)) inline __m512 activate512(__m512 x, const FusedActivation& act) {
  switch (act.kind) {
    case FusedActivation::None: break;
    case FusedActivation::Relu: return activateKind512<FusedActivation::Relu>(x, act);
    case FusedActivation::Clip: return activateKind512<FusedActivation::Clip>(x, act);
    case FusedActivation::LeakyRelu: return activateKind512<FusedActivation::LeakyRelu>(x, act);
    case FusedActivation::HardSigmoid: return activateKind512<FusedActivation::HardSigmoid>(x, act);
    case FusedActivation::HardSwish: return activateKind512<FusedActivation::HardSwish>(x, act);
    case FusedActivation::Sigmoid: return activateKind512<FusedActivation::Sigmoid>(x, act);
    case FusedActivation::Silu: return activateKind512<FusedActivation::Silu>(x, act);
  }
  return x;
}

// The kind kernels specialize for (None, Relu and Clip, where a switch per
// vector costs as much as they do; SiLU, EfficientNet's), else kAnyActivation.
inline int specializedActivation(const FusedActivation* act) {
  const int kind = act ? act->kind : FusedActivation::None;
  return kind == FusedActivation::None || kind == FusedActivation::Relu || kind == FusedActivation::Clip || kind == FusedActivation::Silu
             ? kind
             : kAnyActivation;
}

// f(std::integral_constant<int, KIND>{}) with KIND = specializedActivation(act):
// a kernel instantiates its loop once per kind this way. (The GEMM store
// switches itself: its accumulators must stay in registers, and a lambda
// would not carry the AVX-512 target it needs to inline the store.)
template <typename F>
void withActivationKind(const FusedActivation* act, F&& f) {
  switch (specializedActivation(act)) {
    case FusedActivation::None: f(std::integral_constant<int, FusedActivation::None>{}); return;
    case FusedActivation::Relu: f(std::integral_constant<int, FusedActivation::Relu>{}); return;
    case FusedActivation::Clip: f(std::integral_constant<int, FusedActivation::Clip>{}); return;
    case FusedActivation::Silu: f(std::integral_constant<int, FusedActivation::Silu>{}); return;
    default: f(std::integral_constant<int, kAnyActivation>{});
  }
}

}  // namespace x86
}  // namespace zy
