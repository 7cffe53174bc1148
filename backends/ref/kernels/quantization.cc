// ONNX's quantization ops with ONNX's own arithmetic (float scales, rounding
// half to even): QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
// MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv.
#include <cmath>
#include <limits>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"
#include "ops/op_helpers.h"

namespace zy {
namespace ref {
namespace {

// Integer element i of a u8/i8/i32 tensor.
int64_t intAt(const TensorArg& t, int64_t i) {
  switch (t.dtype) {
    case DType::U8: return t.as<uint8_t>()[i];
    case DType::I8: return t.as<int8_t>()[i];
    case DType::I32: return t.as<int32_t>()[i];
    default: return readIndex(t, i);
  }
}

// Per-tensor or per-axis parameter for element i of a tensor of `shape`.
struct AxisParam {
  const TensorArg* p = nullptr;
  int64_t axis = 1, inner = 1, dim = 1;
  AxisParam(const TensorArg* param, const Shape& shape, int64_t ax) : p(param) {
    if (!p || !p->present() || p->size() <= 1) return;
    axis = ax < 0 ? ax + static_cast<int64_t>(shape.size()) : ax;
    int64_t outer;
    outerInner(shape, axis, &outer, &inner);
    dim = shape[axis];
  }
  int64_t slot(int64_t i) const { return p && p->present() && p->size() > 1 ? (i / inner) % dim : 0; }
  double real(int64_t i) const { return p && p->present() ? readFloatTensorAt(*p, slot(i)) : 0.0; }
  int64_t integer(int64_t i) const { return p && p->present() ? intAt(*p, slot(i)) : 0; }
  static double readFloatTensorAt(const TensorArg& t, int64_t i) {
    return t.dtype == DType::F64 ? t.as<double>()[i] : t.dtype == DType::F16 ? halfToFloat(t.as<uint16_t>()[i]) : t.as<float>()[i];
  }
};

int64_t saturate(double v, DType t) {
  const double lo = t == DType::U8 ? 0 : -128, hi = t == DType::U8 ? 255 : 127;
  return static_cast<int64_t>(std::max(lo, std::min(hi, v)));
}

void storeInt(const TensorArg& t, int64_t i, int64_t v) {
  if (t.dtype == DType::U8) t.as<uint8_t>()[i] = static_cast<uint8_t>(v);
  else if (t.dtype == DType::I8) t.as<int8_t>()[i] = static_cast<int8_t>(v);
  else t.as<int32_t>()[i] = static_cast<int32_t>(v);
}

Status quantizeLinear(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  const int64_t axis = c.attrs().getInt("axis", 1);
  AxisParam scale(&c.input(1), x.shape, axis), zp(&c.input(2), x.shape, axis);
  for (int64_t i = 0; i < x.size(); ++i) {
    // Divide in f32, as ONNX defines it.
    const float v = x.dtype == DType::I32 ? static_cast<float>(x.as<int32_t>()[i]) : static_cast<float>(AxisParam::readFloatTensorAt(x, i));
    const float r = v / static_cast<float>(scale.real(i));
    storeInt(y, i, saturate(std::nearbyint(r) + static_cast<double>(zp.integer(i)), y.dtype));
  }
  return Status::OK();
}

Status dequantizeLinear(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  const int64_t axis = c.attrs().getInt("axis", 1);
  AxisParam scale(&c.input(1), x.shape, axis), zp(&c.input(2), x.shape, axis);
  return withFloatType(y.dtype, [&](auto t) {
    using T = decltype(t);
    for (int64_t i = 0; i < x.size(); ++i) y.as<T>()[i] = static_cast<T>(static_cast<double>(intAt(x, i) - zp.integer(i)) * scale.real(i));
    return Status::OK();
  });
}

Status dynamicQuantizeLinear(KernelContext& c) {
  const TensorArg& x = c.input(0);
  double lo = 0, hi = 0;  // the range always includes 0
  for (int64_t i = 0; i < x.size(); ++i) {
    const double v = AxisParam::readFloatTensorAt(x, i);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  const float scale = static_cast<float>((hi - lo) / 255.0);
  const double zp = scale == 0 ? 0 : std::max(0.0, std::min(255.0, std::nearbyint(-lo / scale)));
  for (int64_t i = 0; i < x.size(); ++i) {
    // In f32, as ONNX defines it: 0.5f / scale can round differently in double.
    const float r = scale == 0 ? 0.f : static_cast<float>(AxisParam::readFloatTensorAt(x, i)) / scale;
    const double q = std::nearbyint(r) + zp;
    c.output(0).as<uint8_t>()[i] = static_cast<uint8_t>(std::max(0.0, std::min(255.0, q)));
  }
  if (c.numOutputs() > 1 && c.output(1).present()) c.output(1).as<float>()[0] = scale;
  if (c.numOutputs() > 2 && c.output(2).present()) c.output(2).as<uint8_t>()[0] = static_cast<uint8_t>(zp);
  return Status::OK();
}

// acc[b, m, n] = sum_k (A[m,k] - a_zp) * (B[k,n] - b_zp), batched with
// broadcasting. a_zp may be per row (M), b_zp per column (N).
void integerMatMul(const TensorArg& A, const TensorArg* azp, const TensorArg& B, const TensorArg* bzp, const Shape& out,
                   std::vector<int64_t>* acc) {
  Shape as = A.shape, bs = B.shape;
  if (as.size() == 1) as.insert(as.begin(), 1);
  if (bs.size() == 1) bs.push_back(1);
  const int64_t M = as[as.size() - 2], K = as.back(), N = bs.back();
  Shape ab(as.begin(), as.end() - 2), bb(bs.begin(), bs.end() - 2), batch;
  broadcastShapes(ab, bb, &batch);
  std::vector<std::vector<int64_t>> st = {broadcastStrides(ab, batch), broadcastStrides(bb, batch)};
  acc->assign(static_cast<size_t>(numElements(out)), 0);
  int64_t bi = 0;
  broadcastLoop(batch, st, [&](int64_t, const int64_t* off) {
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        const int64_t za = azp && azp->present() ? intAt(*azp, azp->size() > 1 ? m : 0) : 0;
        const int64_t zb = bzp && bzp->present() ? intAt(*bzp, bzp->size() > 1 ? n : 0) : 0;
        int64_t s = 0;
        for (int64_t k = 0; k < K; ++k) s += (intAt(A, (off[0] * M + m) * K + k) - za) * (intAt(B, (off[1] * K + k) * N + n) - zb);
        (*acc)[(bi * M + m) * N + n] = s;
      }
    ++bi;
  });
}

Status matMulInteger(KernelContext& c) {
  std::vector<int64_t> acc;
  integerMatMul(c.input(0), &c.input(2), c.input(1), &c.input(3), c.output(0).shape, &acc);
  for (size_t i = 0; i < acc.size(); ++i) c.output(0).as<int32_t>()[i] = static_cast<int32_t>(acc[i]);
  return Status::OK();
}

Status qlinearMatMul(KernelContext& c) {
  const TensorArg& y = c.output(0);
  std::vector<int64_t> acc;
  integerMatMul(c.input(0), &c.input(2), c.input(3), &c.input(5), y.shape, &acc);
  const int64_t N = y.shape.empty() ? 1 : y.shape.back();
  const double ys = AxisParam::readFloatTensorAt(c.input(6), 0);
  const int64_t yzp = intAt(c.input(7), 0);
  for (size_t i = 0; i < acc.size(); ++i) {
    const int64_t n = static_cast<int64_t>(i) % N;
    const double as = AxisParam::readFloatTensorAt(c.input(1), 0);
    const double bs = AxisParam::readFloatTensorAt(c.input(4), c.input(4).size() > 1 ? n : 0);
    storeInt(y, static_cast<int64_t>(i), saturate(std::nearbyint(static_cast<double>(acc[i]) * as * bs / ys) + yzp, y.dtype));
  }
  return Status::OK();
}

// acc[n, m, p] = sum (x - x_zp) * (w[m] - w_zp[m]) over the window, as Conv
// defines the window (pads, strides, dilations, groups, auto_pad).
Status integerConv(KernelContext& c, const TensorArg& x, const TensorArg* xzp, const TensorArg& w, const TensorArg* wzp,
                   const Shape& out, std::vector<int64_t>* acc) {
  const Attributes& a = c.attrs();
  const int64_t N = x.shape[0], C = x.shape[1], M = w.shape[0], G = a.getInt("group", 1), Cg = C / G, Mg = M / G;
  const std::vector<int64_t> in_sp(x.shape.begin() + 2, x.shape.end()), k_sp(w.shape.begin() + 2, w.shape.end());
  WindowGeometry g;
  ZY_RETURN_IF_ERROR(computeWindow(a, in_sp, k_sp, false, &g));
  const size_t nd = in_sp.size();
  const int64_t K = numElements(k_sp), P = numElements(g.out), IS = numElements(in_sp);
  const int64_t zx = xzp && xzp->present() ? intAt(*xzp, 0) : 0;
  acc->assign(static_cast<size_t>(numElements(out)), 0);
  std::vector<int64_t> pi(nd), qi(nd);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m) {
      const int64_t grp = m / Mg;
      const int64_t zw = wzp && wzp->present() ? intAt(*wzp, wzp->size() > 1 ? m : 0) : 0;
      for (int64_t p = 0; p < P; ++p) {
        unravel(p, g.out, pi.data());
        int64_t s = 0;
        for (int64_t q = 0; q < K; ++q) {
          unravel(q, k_sp, qi.data());
          int64_t off = 0;
          bool inside = true;
          for (size_t d = 0; d < nd && inside; ++d) {
            const int64_t pos = pi[d] * g.strides[d] - g.pad_begin[d] + qi[d] * g.dilations[d];
            inside = pos >= 0 && pos < in_sp[d];
            off = off * in_sp[d] + pos;
          }
          if (!inside) continue;  // padding holds the zero point: contributes 0
          for (int64_t ci = 0; ci < Cg; ++ci)
            s += (intAt(x, (n * C + grp * Cg + ci) * IS + off) - zx) * (intAt(w, (m * Cg + ci) * K + q) - zw);
        }
        (*acc)[(n * M + m) * P + p] = s;
      }
    }
  return Status::OK();
}

Status convInteger(KernelContext& c) {
  std::vector<int64_t> acc;
  ZY_RETURN_IF_ERROR(integerConv(c, c.input(0), &c.input(2), c.input(1), &c.input(3), c.output(0).shape, &acc));
  for (size_t i = 0; i < acc.size(); ++i) c.output(0).as<int32_t>()[i] = static_cast<int32_t>(acc[i]);
  return Status::OK();
}

Status qlinearConv(KernelContext& c) {
  const TensorArg& y = c.output(0);
  std::vector<int64_t> acc;
  ZY_RETURN_IF_ERROR(integerConv(c, c.input(0), &c.input(2), c.input(3), &c.input(5), y.shape, &acc));
  const int64_t M = y.shape[1], P = y.size() / std::max<int64_t>(1, y.shape[0] * M);
  const double xs = AxisParam::readFloatTensorAt(c.input(1), 0), ys = AxisParam::readFloatTensorAt(c.input(6), 0);
  const int64_t yzp = intAt(c.input(7), 0);
  for (size_t i = 0; i < acc.size(); ++i) {
    const int64_t m = (static_cast<int64_t>(i) / P) % M;
    const double ws = AxisParam::readFloatTensorAt(c.input(4), c.input(4).size() > 1 ? m : 0);
    const int64_t bias = c.hasInput(8) ? c.input(8).as<int32_t>()[m] : 0;
    storeInt(y, static_cast<int64_t>(i), saturate(std::nearbyint(static_cast<double>(acc[i] + bias) * xs * ws / ys) + yzp, y.dtype));
  }
  return Status::OK();
}

}  // namespace

void registerQuantizationKernels(KernelRegistry& r) {
  r["QuantizeLinear"] = {quantizeLinear, {}};
  r["DequantizeLinear"] = {dequantizeLinear, {}};
  r["DynamicQuantizeLinear"] = {dynamicQuantizeLinear, floatTypes()};
  r["MatMulInteger"] = {matMulInteger, {}};
  r["QLinearMatMul"] = {qlinearMatMul, {}};
  r["ConvInteger"] = {convInteger, {}};
  r["QLinearConv"] = {qlinearConv, {}};
}

}  // namespace ref
}  // namespace zy
