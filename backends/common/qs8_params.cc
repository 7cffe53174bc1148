#include "qs8_params.h"

#include <algorithm>
#include <cmath>

#include "core/backend_helpers.h"
#include "ops/requantize.h"

namespace zy {

Qs8PackedWeights packQs8Weights(const int8_t* w, int64_t m, int64_t k) {
  Qs8PackedWeights p;
  p.m = m;
  p.k = k;
  p.kgroups = (k + 3) / 4;
  const int64_t panels = (m + kQs8Mr - 1) / kQs8Mr;
  p.data.assign(static_cast<size_t>(panels * p.kgroups * kQs8Mr * 4), 0);
  p.row_sums.assign(static_cast<size_t>(m), 0);
  for (int64_t r = 0; r < m; ++r) {
    int8_t* panel = p.data.data() + (r / kQs8Mr) * p.kgroups * kQs8Mr * 4;
    for (int64_t c = 0; c < k; ++c) {
      panel[((c / 4) * kQs8Mr + r % kQs8Mr) * 4 + c % 4] = w[r * k + c];
      p.row_sums[r] += w[r * k + c];
    }
  }
  return p;
}

int64_t elementCountOf(const zy_tensor_view_t& t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t.rank; ++i) n *= t.dims[i];
  return n;
}

const zy_tensor_view_t& inputOrAbsent(const zy_op_view_t* op, size_t i) {
  static const zy_tensor_view_t absent = {};
  return i < op->num_inputs ? op->inputs[i] : absent;
}

bool constantZeroPoint(const zy_tensor_view_t& t, int32_t* out) {
  *out = 0;
  if (t.dtype == ZY_DTYPE_UNDEFINED) return true;
  if (!t.is_constant || elementCountOf(t) != 1 || !isByteType(t.dtype)) return false;
  *out = t.dtype == ZY_DTYPE_U8 ? *static_cast<const uint8_t*>(t.data) : *static_cast<const int8_t*>(t.data);
  return true;
}

bool symmetricWeights(const zy_tensor_view_t& zp) {
  if (zp.dtype == ZY_DTYPE_UNDEFINED) return true;
  if (!zp.is_constant || zp.dtype != ZY_DTYPE_I8) return false;
  const int8_t* z = static_cast<const int8_t*>(zp.data);
  return std::all_of(z, z + elementCountOf(zp), [](int8_t v) { return v == 0; });
}

bool qconvParamsSupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs < 8 || !isByteType(op->inputs[0].dtype) || op->inputs[3].dtype != ZY_DTYPE_I8 || !isByteType(op->outputs[0].dtype)) {
    *why = "8-bit activations and int8 weights only";
    return false;
  }
  if (!op->inputs[3].is_constant) { *why = "weights must be constants"; return false; }
  for (size_t i : {1, 4, 6})
    if (!op->inputs[i].is_constant || op->inputs[i].dtype != ZY_DTYPE_F32) { *why = "scales must be f32 constants"; return false; }
  int32_t zp = 0;
  if (!constantZeroPoint(op->inputs[2], &zp) || !constantZeroPoint(inputOrAbsent(op, 7), &zp)) { *why = "zero points must be constant scalars"; return false; }
  if (!symmetricWeights(op->inputs[5])) { *why = "weights with a nonzero zero point (the int8 spec's weights are symmetric)"; return false; }
  const zy_tensor_view_t& bias = inputOrAbsent(op, 8);
  if (bias.dtype != ZY_DTYPE_UNDEFINED && (!bias.is_constant || bias.dtype != ZY_DTYPE_I32)) { *why = "the bias must be an int32 constant"; return false; }
  QuantRange range;
  if (!outputRange(attributesFromView(op), DType::I8, 1.f, 0, &range).ok()) { *why = "only Relu and Clip fuse into int8 convolutions"; return false; }
  return true;
}

Qs8ConvParams::Qs8ConvParams(const zy_op_view_t* op, const Attributes& a, const std::vector<int32_t>& row_sums, bool gemm_u8,
                             size_t ys_index, size_t bias_index) {
  const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0], &ws = op->inputs[4], &bias = inputOrAbsent(op, bias_index);
  int32_t xzp = 0, yzp = 0;
  constantZeroPoint(op->inputs[2], &xzp);
  constantZeroPoint(inputOrAbsent(op, ys_index + 1), &yzp);
  const bool x_u8 = x.dtype == ZY_DTYPE_U8;
  flip = x_u8 == gemm_u8 ? 0 : 0x80;
  pad = static_cast<uint8_t>(xzp);
  // The zero point as the GEMM sees it: x ^ 0x80 is x + 128 (int8 -> u8) or x - 128 (u8 -> int8).
  const uint32_t xzp_gemm = static_cast<uint32_t>(xzp + (flip ? (gemm_u8 ? 128 : -128) : 0));
  const float xs = *static_cast<const float*>(op->inputs[1].data), ys = *static_cast<const float*>(op->inputs[ys_index].data);
  const float* wsp = static_cast<const float*>(ws.data);
  QuantRange range;
  status = outputRange(a, y.dtype == ZY_DTYPE_U8 ? DType::U8 : DType::I8, ys, yzp, &range);
  rq.zero_point = yzp;
  rq.lo = range.lo;
  rq.hi = range.hi;
  const size_t M = row_sums.size();
  rq.bias.resize(M);
  rq.multiplier.resize(M);
  rq.shift.resize(M);
  rq.scale.resize(M);
  for (size_t m = 0; m < M && status.ok(); ++m) {
    Requantizer r;
    status = Requantizer::fromReal(productScale(xs, wsp[elementCountOf(ws) > 1 ? m : 0], ys), &r);
    const uint32_t b = bias.dtype != ZY_DTYPE_UNDEFINED ? static_cast<uint32_t>(static_cast<const int32_t*>(bias.data)[m]) : 0u;
    rq.bias[m] = static_cast<int32_t>(b - xzp_gemm * static_cast<uint32_t>(row_sums[m]));
    rq.multiplier[m] = r.multiplier;
    rq.shift[m] = r.shift;
    rq.scale[m] = static_cast<float>(std::ldexp(static_cast<double>(r.multiplier), -r.shift));
  }
}

}  // namespace zy
