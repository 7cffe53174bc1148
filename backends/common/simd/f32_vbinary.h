// Binary element-wise rows on the portable vectors (f32-vadd, f32-vsub,
// f32-vmul, f32-vdiv in XNNPACK's terms): y[i] = a[i] op b[i], or a[i] op b[0]
// when b is a scalar; `swapped` computes b op a (Sub and Div with a broadcast
// left operand). Each backend compiles vbinaryImpl<V> for its width.
#pragma once
#include <cstdint>

#include "simd/vec.h"

namespace zy {

enum class BinaryOp { Add, Sub, Mul, Div };

namespace simd {

template <BinaryOp OP, class T>
ZY_VEC_INLINE T apply(T a, T b) {
  if (OP == BinaryOp::Add) return a + b;
  if (OP == BinaryOp::Sub) return a - b;
  if (OP == BinaryOp::Mul) return a * b;
  return a / b;
}

template <class V, BinaryOp OP, bool SCALAR, bool SWAP>
ZY_VEC_INLINE void loop(const float* a, const float* b, float* y, int64_t n) {
  constexpr int L = lanes<V>();
  const V bs = vsplat<V>(b[0]);
  int64_t i = 0;
  for (; i + L <= n; i += L) {
    const V x = vload<V>(a + i), z = SCALAR ? bs : vload<V>(b + i);
    vstore(y + i, SWAP ? apply<OP>(z, x) : apply<OP>(x, z));
  }
  for (; i < n; ++i) {
    const float x = a[i], z = SCALAR ? b[0] : b[i];
    y[i] = SWAP ? apply<OP>(z, x) : apply<OP>(x, z);
  }
}

template <class V, BinaryOp OP>
ZY_VEC_INLINE void dispatchShape(const float* a, const float* b, bool scalar, bool swapped, float* y, int64_t n) {
  if (scalar) {
    if (swapped) loop<V, OP, true, true>(a, b, y, n);
    else loop<V, OP, true, false>(a, b, y, n);
  } else {
    if (swapped) loop<V, OP, false, true>(a, b, y, n);
    else loop<V, OP, false, false>(a, b, y, n);
  }
}

template <class V>
ZY_VEC_INLINE void vbinaryImpl(BinaryOp op, const float* a, const float* b, bool scalar, bool swapped, float* y, int64_t n) {
  switch (op) {
    case BinaryOp::Add: return dispatchShape<V, BinaryOp::Add>(a, b, scalar, swapped, y, n);
    case BinaryOp::Sub: return dispatchShape<V, BinaryOp::Sub>(a, b, scalar, swapped, y, n);
    case BinaryOp::Mul: return dispatchShape<V, BinaryOp::Mul>(a, b, scalar, swapped, y, n);
    case BinaryOp::Div: return dispatchShape<V, BinaryOp::Div>(a, b, scalar, swapped, y, n);
  }
}

}  // namespace simd
}  // namespace zy
