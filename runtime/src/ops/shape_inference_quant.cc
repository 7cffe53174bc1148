// Shape inference: quantization ops. ONNX's own (QuantizeLinear,
// DequantizeLinear, DynamicQuantizeLinear, ConvInteger, MatMulInteger,
// QLinearMatMul, QLinearConv) and the com.microsoft ones that ONNX Runtime's
// QOperator format uses (QGemm, QLinearAdd, QLinearMul,
// QLinearGlobalAveragePool, QLinearConcat), and QLinearLookup, a table of
// 256 values that zy-fold-qdq makes. Ops with a quantized output may
// carry a fused `activation` (Relu or Clip; see ops/requantize.h).
#include "ops/infer_common.h"
#include "ops/requantize.h"

namespace zy {
namespace {

using namespace infer;

bool isQuantized(DType t) { return t == DType::U8 || t == DType::I8; }

// The quantized output's dtype: its zero point's, else the first input's.
Status quantizedOutput(const std::vector<ValueInfo>& i, size_t zp, size_t first, const Attributes& a, DType* out) {
  *out = in(i, zp).present() ? i[zp].dtype : i[first].dtype;
  if (!isQuantized(*out)) return unsupported(std::string("a quantized output of ") + dtypeName(*out) + " is not supported");
  QuantRange unused;
  return outputRange(a, *out, 1.f, 0, &unused);  // rejects activations without an integer form
}

// ONNX's own quantization ops (QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear, ConvInteger, MatMulInteger, QLinearMatMul, QLinearConv).
Status quantizeLinear(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  const DType t = in(i, 2).present() ? i[2].dtype : DType::U8;
  if (t != DType::U8 && t != DType::I8) return unsupported(std::string("QuantizeLinear to ") + dtypeName(t) + " is not supported");
  o[0] = {t, i[0].shape};
  return Status::OK();
}

Status dequantizeLinear(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  if (i[0].dtype != DType::U8 && i[0].dtype != DType::I8 && i[0].dtype != DType::I32)
    return unsupported(std::string("DequantizeLinear from ") + dtypeName(i[0].dtype) + " is not supported");
  o[0] = {i[1].dtype, i[0].shape};
  return Status::OK();
}

Status dynamicQuantizeLinear(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 1));
  ZY_RETURN_IF_ERROR(requireFloat(i[0], "x"));
  o[0] = {DType::U8, i[0].shape};
  if (o.size() > 1) o[1] = {DType::F32, {}};
  if (o.size() > 2) o[2] = {DType::U8, {}};
  return Status::OK();
}

Status matmulInteger(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o, size_t a_idx, size_t b_idx,
                     DType out) {
  ZY_RETURN_IF_ERROR(requireInputs(i, std::max(a_idx, b_idx) + 1));
  Shape A = i[a_idx].shape, B = i[b_idx].shape;
  if (A.empty() || B.empty()) return invalidArgument("inputs must not be scalars");
  const bool a1 = A.size() == 1, b1 = B.size() == 1;
  if (a1) A.insert(A.begin(), 1);
  if (b1) B.push_back(1);
  if (A.back() != B[B.size() - 2]) return invalidArgument("inner dimensions differ");
  Shape batch;
  ZY_RETURN_IF_ERROR(broadcastShapes(Shape(A.begin(), A.end() - 2), Shape(B.begin(), B.end() - 2), &batch));
  if (!a1) batch.push_back(A[A.size() - 2]);
  if (!b1) batch.push_back(B.back());
  o[0] = {out, batch};
  return Status::OK();
}

Status matMulIntegerInfer(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  return matmulInteger(a, i, o, 0, 1, DType::I32);
}

Status qlinearMatMul(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 7));
  DType t;
  ZY_RETURN_IF_ERROR(quantizedOutput(i, 7, 0, a, &t));
  return matmulInteger(a, i, o, 0, 3, t);
}

// QGemm: A, a_scale, a_zp, B, b_scale, b_zp, [C int32], y_scale, y_zp.
Status qgemm(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 5));
  if (!in(i, 7).present()) return unsupported("QGemm without y_scale (a float output) is not supported");
  if (a.getFloat("alpha", 1.f) != 1.f) return unsupported("QGemm with alpha != 1 is not supported");
  const Shape &A = i[0].shape, &B = i[3].shape;
  if (A.size() != 2 || B.size() != 2) return invalidArgument("A and B must be matrices");
  const bool ta = a.getInt("transA", 0) != 0, tb = a.getInt("transB", 0) != 0;
  const int64_t M = ta ? A[1] : A[0], K = ta ? A[0] : A[1], KB = tb ? B[1] : B[0], N = tb ? B[0] : B[1];
  if (K != KB) return invalidArgument("inner dimensions differ: " + shapeToString(A) + " and " + shapeToString(B));
  if (in(i, 6).present() && in(i, 6).dtype != DType::I32) return invalidArgument("C must be int32");
  o[0].shape = {M, N};
  return quantizedOutput(i, 8, 0, a, &o[0].dtype);
}

Status convInteger(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  o[0].dtype = DType::I32;
  return convOutputShape(a, i[0].shape, i[1].shape, ValueInfo{}, &o[0].shape);
}

// QLinearConv: x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, [B int32].
Status qlinearConv(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 7));
  ZY_RETURN_IF_ERROR(quantizedOutput(i, 7, 0, a, &o[0].dtype));
  return convOutputShape(a, i[0].shape, i[3].shape, in(i, 8), &o[0].shape);
}

// QLinearAdd, QLinearMul: A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp.
Status qlinearBinary(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 7));
  if (i[0].dtype != i[3].dtype) return invalidArgument("A and B differ in dtype");
  ZY_RETURN_IF_ERROR(broadcastShapes(i[0].shape, i[3].shape, &o[0].shape));
  return quantizedOutput(i, 7, 0, a, &o[0].dtype);
}

// QLinearGlobalAveragePool: X, x_scale, x_zp, y_scale, y_zp.
Status qlinearGlobalAveragePool(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 4));
  Shape s = i[0].shape;
  if (s.size() < 3) return invalidArgument("X must have rank 3 or more");
  const bool last = a.getInt("channels_last", 0) != 0;
  for (size_t k = last ? 1 : 2; k < (last ? s.size() - 1 : s.size()); ++k) s[k] = 1;
  o[0].shape = s;
  return quantizedOutput(i, 4, 0, Attributes{}, &o[0].dtype);
}

// QLinearConcat: Y_scale, Y_zp, then (X, X_scale, X_zp) per input.
Status qlinearConcat(const Attributes& a, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  if (i.size() < 5 || (i.size() - 2) % 3 != 0) return invalidArgument("inputs must be Y_scale, Y_zp and (X, X_scale, X_zp) triples");
  std::vector<ValueInfo> xs;
  for (size_t k = 2; k < i.size(); k += 3) xs.push_back(i[k]);
  std::vector<ValueInfo> out(1);
  ZY_RETURN_IF_ERROR(inferConcat(a, xs, out));
  o[0].shape = out[0].shape;
  return quantizedOutput(i, 1, 2, Attributes{}, &o[0].dtype);
}

// QLinearLookup (Zhongyuan's own): X (8-bit), Table (256 8-bit values, a
// constant) -> Table[byte of X]. zy-fold-qdq makes it from a float function
// between a DequantizeLinear and a QuantizeLinear, tabulated at compile time.
Status qlinearLookup(const Attributes&, const std::vector<ValueInfo>& i, std::vector<ValueInfo>& o) {
  ZY_RETURN_IF_ERROR(requireInputs(i, 2));
  if (!isQuantized(i[0].dtype) || !isQuantized(i[1].dtype)) return invalidArgument("X and Table must be 8-bit");
  if (numElements(i[1].shape) != 256) return invalidArgument("Table must hold 256 values, one per byte of X");
  o[0] = {i[1].dtype, i[0].shape};
  return Status::OK();
}

}  // namespace

void registerQuantInference(InferRegistry& r) {
  r["QLinearLookup"] = qlinearLookup;
  r["QuantizeLinear"] = quantizeLinear;
  r["DequantizeLinear"] = dequantizeLinear;
  r["DynamicQuantizeLinear"] = dynamicQuantizeLinear;
  r["MatMulInteger"] = matMulIntegerInfer;
  r["ConvInteger"] = convInteger;
  r["QLinearMatMul"] = qlinearMatMul;
  r["QLinearConv"] = qlinearConv;
  r["QGemm"] = qgemm;
  r["QLinearAdd"] = qlinearBinary;
  r["QLinearMul"] = qlinearBinary;
  r["QLinearGlobalAveragePool"] = qlinearGlobalAveragePool;
  r["QLinearConcat"] = qlinearConcat;
}

}  // namespace zy
