// QGemm and QLinearMatMul with constant int8 weights, for any kernel backend
// running the qs8 GEMM: what they take (constant symmetric weights, constant
// per-tensor parameters, B's scales per tensor or per column), and B packed as
// the GEMM's weights (N rows of K). A's rows are the GEMM's "pixels".
#pragma once
#include <string>
#include <vector>

#include "core/backend_helpers.h"
#include "ops/requantize.h"
#include "qs8_params.h"

namespace zy {

inline bool qgemmShapeSupported(const zy_op_view_t* op, std::string* why) {
  const Attributes a = attributesFromView(op);
  if (op->num_inputs < 9 || op->inputs[7].dtype != ZY_DTYPE_F32 || !op->inputs[7].is_constant || a.getInt("transA", 0) != 0) {
    *why = "QGemm needs an int8 output (y_scale) and A not transposed";
    return false;
  }
  const zy_tensor_view_t &A = op->inputs[0], &B = op->inputs[3], &C = op->inputs[6];
  if (!isByteType(A.dtype) || A.rank != 2 || B.dtype != ZY_DTYPE_I8 || !B.is_constant || B.rank != 2) {
    *why = "A must be 8-bit and B a constant int8 matrix";
    return false;
  }
  for (size_t i : {1, 4})
    if (!op->inputs[i].is_constant || op->inputs[i].dtype != ZY_DTYPE_F32) { *why = "scales must be f32 constants"; return false; }
  int32_t zp = 0;
  if (!constantZeroPoint(op->inputs[2], &zp) || !constantZeroPoint(op->inputs[8], &zp)) { *why = "zero points must be constant scalars"; return false; }
  if (!symmetricWeights(op->inputs[5])) { *why = "B with a nonzero zero point (the int8 spec's weights are symmetric)"; return false; }
  const int64_t n = a.getInt("transB", 0) ? B.dims[0] : B.dims[1];
  if (C.dtype != ZY_DTYPE_UNDEFINED && (!C.is_constant || C.dtype != ZY_DTYPE_I32 || elementCountOf(C) != n)) {
    *why = "C must be an int32 constant with one value per column";
    return false;
  }
  QuantRange range;
  if (!outputRange(a, DType::I8, 1.f, 0, &range).ok()) { *why = "only Relu and Clip fuse into int8 GEMMs"; return false; }
  return true;
}

// QLinearMatMul with a constant 2-D B: QGemm's inputs without C (y_scale at 6).
inline bool qmatmulShapeSupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs < 7) { *why = "QLinearMatMul needs its quantization inputs"; return false; }
  const zy_tensor_view_t &A = op->inputs[0], &B = op->inputs[3];
  if (!isByteType(A.dtype) || A.rank < 2 || B.dtype != ZY_DTYPE_I8 || !B.is_constant || B.rank != 2 || !isByteType(op->outputs[0].dtype)) {
    *why = "QLinearMatMul takes 8-bit A (rank 2 or more) and a constant int8 matrix B";
    return false;
  }
  for (size_t i : {1, 4, 6})
    if (!op->inputs[i].is_constant || op->inputs[i].dtype != ZY_DTYPE_F32) { *why = "scales must be f32 constants"; return false; }
  if (elementCountOf(op->inputs[1]) != 1 || elementCountOf(op->inputs[6]) != 1 ||
      (elementCountOf(op->inputs[4]) != 1 && elementCountOf(op->inputs[4]) != B.dims[1])) {
    *why = "per-tensor scales (B's may be per column)";
    return false;
  }
  int32_t zp = 0;
  if (!constantZeroPoint(op->inputs[2], &zp) || !constantZeroPoint(inputOrAbsent(op, 7), &zp)) { *why = "zero points must be constant scalars"; return false; }
  if (!symmetricWeights(op->inputs[5])) { *why = "B with a nonzero zero point (the int8 spec's weights are symmetric)"; return false; }
  QuantRange range;
  if (!outputRange(attributesFromView(op), DType::I8, 1.f, 0, &range).ok()) { *why = "only Relu and Clip fuse into int8 GEMMs"; return false; }
  return true;
}

// B as N rows of K (transposed once when it is [K, N]).
inline Qs8PackedWeights packGemmWeights(const zy_op_view_t* op, bool trans_b) {
  const zy_tensor_view_t& B = op->inputs[3];
  const int8_t* b = static_cast<const int8_t*>(B.data);
  if (trans_b) return packQs8Weights(b, B.dims[0], B.dims[1]);
  const int64_t K = B.dims[0], N = B.dims[1];
  std::vector<int8_t> rows(static_cast<size_t>(K * N));
  for (int64_t k = 0; k < K; ++k)
    for (int64_t n = 0; n < N; ++n) rows[n * K + k] = b[k * N + n];
  return packQs8Weights(rows.data(), N, K);
}


}  // namespace zy
