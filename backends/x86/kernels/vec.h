// Portable SIMD vectors (GCC vector extensions) for kernels written once and
// compiled twice: with V = F32x16 inside target("avx512f") functions and
// V = F32x8 inside target("avx2,fma") functions. The bodies must be
// always_inline so that they take the ISA of the function they land in.
#pragma once
#include <immintrin.h>

#include <cstdint>
#include <cstring>

namespace zy {
namespace x86 {

typedef float F32x16 __attribute__((vector_size(64)));
typedef float F32x8 __attribute__((vector_size(32)));

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

// Horizontal sum.
template <class V>
ZY_VEC_INLINE float vsum(V v) {
  float s = 0.f;
  for (int i = 0; i < lanes<V>(); ++i) s += v[i];
  return s;
}

}  // namespace x86
}  // namespace zy
