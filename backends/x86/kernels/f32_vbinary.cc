#include "f32_vbinary.h"

#include "cpu_features.h"
#include "vec.h"

namespace zy {
namespace x86 {
namespace {

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

__attribute__((target("avx512f"))) void vbinaryAvx512(BinaryOp op, const float* a, const float* b, bool s, bool w, float* y, int64_t n) {
  vbinaryImpl<F32x16>(op, a, b, s, w, y, n);
}
__attribute__((target("avx2,fma"))) void vbinaryAvx2(BinaryOp op, const float* a, const float* b, bool s, bool w, float* y, int64_t n) {
  vbinaryImpl<F32x8>(op, a, b, s, w, y, n);
}

}  // namespace

void vbinary(BinaryOp op, const float* a, const float* b, bool b_scalar, bool swapped, float* y, int64_t n) {
  if (cpuFeatures().avx512f) vbinaryAvx512(op, a, b, b_scalar, swapped, y, n);
  else vbinaryAvx2(op, a, b, b_scalar, swapped, y, n);
}

}  // namespace x86
}  // namespace zy
