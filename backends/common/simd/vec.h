// Portable SIMD vectors (GCC vector extensions) for kernels written once and
// compiled for each ISA: V = a GCC float vector of the ISA's width (x86:
// F32x16 inside target("avx512f") functions, F32x8 inside target("avx2,fma");
// ARM: F32x4 on NEON). The bodies are always_inline so that they take the ISA
// of the function they land in. No intrinsics here.
#pragma once
#include <cstdint>
#include <cstring>

#include "ops/fused_activation.h"

namespace zy {
namespace simd {

#define ZY_VEC_INLINE __attribute__((always_inline)) inline

template <class V>
constexpr int lanes() { return sizeof(V) / sizeof(float); }

template <class V>
ZY_VEC_INLINE V vload(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof(V));
  return v;
}
template <class V>
ZY_VEC_INLINE void vstore(float* p, V v) { std::memcpy(p, &v, sizeof(V)); }
template <class V>
ZY_VEC_INLINE V vsplat(float x) { return V{} + x; }

// max/min as compare-and-select (GCC lowers it to vmaxps/vminps or a
// compare and a blend).
template <class V>
ZY_VEC_INLINE V vmax(V a, V b) { return a > b ? a : b; }
template <class V>
ZY_VEC_INLINE V vmin(V a, V b) { return a < b ? a : b; }

// The integer vector of the same width.
template <class V>
struct IntVecOf {
  typedef int32_t type __attribute__((vector_size(sizeof(V))));
};
template <class V>
using IntVec = typename IntVecOf<V>::type;

// e^x, relative error ~2e-7 (x clamped to [-87, 88]): x = k ln2 + r,
// e^r by a degree-6 polynomial, 2^k through the exponent bits.
template <class V>
ZY_VEC_INLINE V vexp(V x) {
  x = vmin(vmax(x, vsplat<V>(-87.f)), vsplat<V>(88.f));
  const V shifter = vsplat<V>(12582912.f);  // 1.5 * 2^23: adding it rounds to an integer
  const V k = (x * 1.44269504088896341f + shifter) - shifter;
  const V r = x - k * 0.693359375f + k * 2.12194440e-4f;
  V p = vsplat<V>(1.f / 720);
  p = p * r + 1.f / 120;
  p = p * r + 1.f / 24;
  p = p * r + 1.f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.f;
  p = p * r + 1.f;
  const IntVec<V> bits = (__builtin_convertvector(k, IntVec<V>) + 127) << 23;
  V scale;
  std::memcpy(&scale, &bits, sizeof(V));
  return p * scale;
}

// The activations cheap enough to apply in registers before a store (Relu
// and Clip); kernels apply the others over the stored rows.
template <class V>
struct RegisterActivation {
  bool relu = false, clip = false;
  V lo{}, hi{};

  // `on`: whether the caller may apply it now (false: e.g. a residual comes first).
  RegisterActivation(const FusedActivation& act, bool on = true)
      : relu(on && act.kind == FusedActivation::Relu), clip(on && act.kind == FusedActivation::Clip) {
    if (clip) { lo = vsplat<V>(act.alpha); hi = vsplat<V>(act.beta); }
  }
  ZY_VEC_INLINE V operator()(V x) const {
    if (relu) x = vmax(x, V{});
    if (clip) x = vmin(vmax(x, lo), hi);
    return x;
  }
  // Whether the activation is left for after the store.
  static bool deferred(const FusedActivation& act) {
    return act.kind != FusedActivation::None && act.kind != FusedActivation::Relu && act.kind != FusedActivation::Clip;
  }
};

// Horizontal sum.
template <class V>
ZY_VEC_INLINE float vsum(V v) {
  float s = 0.f;
  for (int i = 0; i < lanes<V>(); ++i) s += v[i];
  return s;
}

}  // namespace simd
}  // namespace zy
