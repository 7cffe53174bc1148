// Quantization ops. QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear,
// MatMulInteger and ConvInteger follow ONNX's arithmetic (f32 scales, ties to
// even); the ops with an int8 output after an integer sum (QLinearConv,
// QLinearMatMul and the com.microsoft QGemm, QLinearAdd, QLinearMul,
// QLinearGlobalAveragePool, QLinearConcat) follow the int8 spec
// (docs/int8.md, ops/requantize.h), which every backend matches to the bit.
#include <cmath>
#include <limits>

#include "broadcast.h"
#include "dispatch.h"
#include "kernel_context.h"
#include "ops/op_helpers.h"
#include "ops/requantize.h"

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

// Requantizes int64 sums (wrapped to int32, as every int8 kernel accumulates)
// plus bias to y, per the int8 spec: one Requantizer per output channel.
// scale_a is per tensor; scale_b per tensor or per channel (`channel(i)`).
template <typename ChannelOf>
Status requantizeTo(const KernelContext& c, const std::vector<int64_t>& acc, const TensorArg& scale_a, const TensorArg& scale_b,
                    const TensorArg& scale_y, const TensorArg& zp_y, const TensorArg* bias, ChannelOf channel) {
  const TensorArg& y = c.output(0);
  const float ys = static_cast<float>(AxisParam::readFloatTensorAt(scale_y, 0));
  const int32_t yzp = zp_y.present() ? static_cast<int32_t>(intAt(zp_y, 0)) : 0;
  QuantRange range;
  ZY_RETURN_IF_ERROR(outputRange(c.attrs(), y.dtype, ys, yzp, &range));
  const int64_t channels = std::max<int64_t>(scale_b.size(), bias && bias->present() ? bias->size() : 1);
  std::vector<Requantizer> rq(static_cast<size_t>(channels));
  for (int64_t m = 0; m < channels; ++m) {
    const double r = productScale(static_cast<float>(AxisParam::readFloatTensorAt(scale_a, 0)),
                                  static_cast<float>(AxisParam::readFloatTensorAt(scale_b, scale_b.size() > 1 ? m : 0)), ys);
    ZY_RETURN_IF_ERROR(Requantizer::fromReal(r, &rq[m]));
  }
  for (size_t i = 0; i < acc.size(); ++i) {
    const int64_t m = channel(static_cast<int64_t>(i));
    uint32_t a = static_cast<uint32_t>(acc[i]);
    if (bias && bias->present()) a += static_cast<uint32_t>(bias->as<int32_t>()[m]);
    storeInt(y, static_cast<int64_t>(i), clampTo(yzp + rq[channels > 1 ? m : 0].apply(static_cast<int32_t>(a)), range));
  }
  return Status::OK();
}

Status qlinearMatMul(KernelContext& c) {
  const TensorArg& y = c.output(0);
  std::vector<int64_t> acc;
  integerMatMul(c.input(0), &c.input(2), c.input(3), &c.input(5), y.shape, &acc);
  const int64_t N = y.shape.empty() ? 1 : y.shape.back();
  return requantizeTo(c, acc, c.input(1), c.input(4), c.input(6), c.input(7), nullptr, [N](int64_t i) { return i % N; });
}

// QGemm (com.microsoft, int8 output): Y = A' * B' + C, A' and B' optionally
// transposed 2-D matrices, C an int32 bias per output column (or absent).
Status qgemm(KernelContext& c) {
  const TensorArg &A = c.input(0), &B = c.input(3), &y = c.output(0);
  const bool ta = c.attrs().getInt("transA", 0) != 0, tb = c.attrs().getInt("transB", 0) != 0;
  const int64_t M = y.shape[0], N = y.shape[1], K = ta ? A.shape[0] : A.shape[1];
  const int64_t za = c.hasInput(2) ? intAt(c.input(2), 0) : 0;
  std::vector<int64_t> acc(static_cast<size_t>(M * N), 0);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      const int64_t zb = c.hasInput(5) ? intAt(c.input(5), c.input(5).size() > 1 ? n : 0) : 0;
      int64_t s = 0;
      for (int64_t k = 0; k < K; ++k)
        s += (intAt(A, ta ? k * M + m : m * K + k) - za) * (intAt(B, tb ? n * K + k : k * N + n) - zb);
      acc[m * N + n] = s;
    }
  const TensorArg& C = c.input(6);
  if (C.present() && C.size() != N && C.size() != 1) return invalidArgument("QGemm: C must hold one int32 per output column");
  return requantizeTo(c, acc, c.input(1), c.input(4), c.input(7), c.input(8), C.present() && C.size() == N ? &C : nullptr,
                      [N](int64_t i) { return i % N; });
}

// acc[n, m, p] = sum (x - x_zp) * (w[m] - w_zp[m]) over the window, as Conv
// defines the window (pads, strides, dilations, groups, auto_pad). Summed in
// int64 and returned as such; callers wrap to int32 as the int8 spec says.
// im2col of the centred input (padding is the zero point: 0 once centred),
// then one integer GEMM per group.
Status integerConv(KernelContext& c, const TensorArg& x, const TensorArg* xzp, const TensorArg& w, const TensorArg* wzp,
                   const Shape& out, std::vector<int64_t>* acc) {
  const Attributes& a = c.attrs();
  const int64_t N = x.shape[0], C = x.shape[1], M = w.shape[0], G = a.getInt("group", 1), Cg = C / G, Mg = M / G;
  const std::vector<int64_t> in_sp(x.shape.begin() + 2, x.shape.end()), k_sp(w.shape.begin() + 2, w.shape.end());
  WindowGeometry g;
  ZY_RETURN_IF_ERROR(computeWindow(a, in_sp, k_sp, false, &g));
  const size_t nd = in_sp.size();
  const int64_t K = numElements(k_sp), P = numElements(g.out), IS = numElements(in_sp), rows = Cg * K;
  const int64_t zx = xzp && xzp->present() ? intAt(*xzp, 0) : 0;
  // Centred weights, [M, Cg*K].
  std::vector<int32_t> wc(static_cast<size_t>(M * rows));
  for (int64_t m = 0; m < M; ++m) {
    const int64_t zw = wzp && wzp->present() ? intAt(*wzp, wzp->size() > 1 ? m : 0) : 0;
    for (int64_t r = 0; r < rows; ++r) wc[m * rows + r] = static_cast<int32_t>(intAt(w, m * rows + r) - zw);
  }
  // Input offset of each (kernel position, output position), -1 in the padding.
  std::vector<int64_t> offset(static_cast<size_t>(K * P));
  std::vector<int64_t> qi(nd), pi(nd);
  for (int64_t q = 0; q < K; ++q) {
    unravel(q, k_sp, qi.data());
    for (int64_t p = 0; p < P; ++p) {
      unravel(p, g.out, pi.data());
      int64_t off = 0;
      bool inside = true;
      for (size_t d = 0; d < nd && inside; ++d) {
        const int64_t pos = pi[d] * g.strides[d] - g.pad_begin[d] + qi[d] * g.dilations[d];
        inside = pos >= 0 && pos < in_sp[d];
        off = off * in_sp[d] + pos;
      }
      offset[q * P + p] = inside ? off : -1;
    }
  }
  acc->assign(static_cast<size_t>(numElements(out)), 0);
  c.parallelFor(static_cast<size_t>(N * G), 1, [&](size_t b, size_t e) {
    std::vector<int32_t> col(static_cast<size_t>(rows * P)), sum(static_cast<size_t>(P));
    for (size_t t = b; t < e; ++t) {
      const int64_t n = static_cast<int64_t>(t) / G, grp = static_cast<int64_t>(t) % G;
      for (int64_t ci = 0; ci < Cg; ++ci) {
        const int64_t base = (n * C + grp * Cg + ci) * IS;
        for (int64_t q = 0; q < K; ++q)
          for (int64_t p = 0; p < P; ++p) {
            const int64_t off = offset[q * P + p];
            col[(ci * K + q) * P + p] = off < 0 ? 0 : static_cast<int32_t>(intAt(x, base + off) - zx);
          }
      }
      for (int64_t m = grp * Mg; m < (grp + 1) * Mg; ++m) {
        // 8-bit products fit int32; their sum wraps in uint32 (defined), as an int32 accumulator would.
        std::fill(sum.begin(), sum.end(), 0);
        const int32_t* wrow = wc.data() + m * rows;
        for (int64_t r = 0; r < rows; ++r) {
          const uint32_t wv = static_cast<uint32_t>(wrow[r]);
          const int32_t* crow = col.data() + r * P;
          uint32_t* srow = reinterpret_cast<uint32_t*>(sum.data());
          for (int64_t p = 0; p < P; ++p) srow[p] += wv * static_cast<uint32_t>(crow[p]);
        }
        for (int64_t p = 0; p < P; ++p) (*acc)[(n * M + m) * P + p] = sum[p];
      }
    }
  });
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
  return requantizeTo(c, acc, c.input(1), c.input(4), c.input(6), c.input(7), &c.input(8), [M, P](int64_t i) { return (i / P) % M; });
}

// QLinearAdd / QLinearMul (com.microsoft): A, A_scale, A_zp, B, B_scale,
// B_zp, C_scale, C_zp, numpy broadcasting. Add rounds once over both scaled
// terms (ScaledSum); Mul requantizes the product of the centred inputs.
template <bool kMul>
Status qlinearBinary(KernelContext& c) {
  const TensorArg &A = c.input(0), &B = c.input(3), &y = c.output(0);
  const double as = AxisParam::readFloatTensorAt(c.input(1), 0), bs = AxisParam::readFloatTensorAt(c.input(4), 0);
  const float ys = static_cast<float>(AxisParam::readFloatTensorAt(c.input(6), 0));
  const int32_t za = c.hasInput(2) ? static_cast<int32_t>(intAt(c.input(2), 0)) : 0;
  const int32_t zb = c.hasInput(5) ? static_cast<int32_t>(intAt(c.input(5), 0)) : 0;
  const int32_t zy = c.hasInput(7) ? static_cast<int32_t>(intAt(c.input(7), 0)) : 0;
  QuantRange range;
  ZY_RETURN_IF_ERROR(outputRange(c.attrs(), y.dtype, ys, zy, &range));
  Requantizer rq;
  ScaledSum sum;
  if (kMul) {
    ZY_RETURN_IF_ERROR(Requantizer::fromReal(as * bs / ys, &rq));
  } else {
    const double r[2] = {as / ys, bs / ys};
    ZY_RETURN_IF_ERROR(ScaledSum::fromReals(r, 2, &sum));
  }
  std::vector<std::vector<int64_t>> st = {broadcastStrides(A.shape, y.shape), broadcastStrides(B.shape, y.shape)};
  broadcastLoop(y.shape, st, [&](int64_t o, const int64_t* off) {
    const int32_t a = static_cast<int32_t>(intAt(A, off[0])) - za, b = static_cast<int32_t>(intAt(B, off[1])) - zb;
    storeInt(y, o, clampTo(zy + (kMul ? rq.apply(a * b) : sum.apply2(a, b)), range));
  });
  return Status::OK();
}

// QLinearGlobalAveragePool (com.microsoft): X, x_scale, x_zp, y_scale, y_zp;
// NCHW, or NHWC with channels_last = 1. The mean's 1/HW goes into the
// requantization factor, so the sum is rounded once.
Status qlinearGlobalAveragePool(KernelContext& c) {
  const TensorArg &x = c.input(0), &y = c.output(0);
  const bool last = c.attrs().getInt("channels_last", 0) != 0;
  const int64_t N = x.shape[0], C = last ? x.shape.back() : x.shape[1], HW = x.size() / std::max<int64_t>(1, N * C);
  const int32_t zx = c.hasInput(2) ? static_cast<int32_t>(intAt(c.input(2), 0)) : 0;
  const float ys = static_cast<float>(AxisParam::readFloatTensorAt(c.input(3), 0));
  const int32_t zy = c.hasInput(4) ? static_cast<int32_t>(intAt(c.input(4), 0)) : 0;
  Requantizer rq;
  ZY_RETURN_IF_ERROR(Requantizer::fromReal(AxisParam::readFloatTensorAt(c.input(1), 0) / ys / static_cast<double>(HW), &rq));
  const QuantRange range = dtypeRange(y.dtype);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ch = 0; ch < C; ++ch) {
      int64_t s = 0;
      for (int64_t p = 0; p < HW; ++p) s += intAt(x, last ? (n * HW + p) * C + ch : (n * C + ch) * HW + p) - zx;
      storeInt(y, n * C + ch, clampTo(zy + rq.apply(static_cast<int32_t>(s)), range));
    }
  return Status::OK();
}

// QLinearConcat (com.microsoft): Y_scale, Y_zp, then (X, X_scale, X_zp) per
// input; each input is requantized to Y's parameters (exact copy when equal).
Status qlinearConcat(KernelContext& c) {
  const TensorArg& y = c.output(0);
  const float ys = static_cast<float>(AxisParam::readFloatTensorAt(c.input(0), 0));
  const int32_t zy = c.hasInput(1) ? static_cast<int32_t>(intAt(c.input(1), 0)) : 0;
  int64_t axis = 0;
  ZY_RETURN_IF_ERROR(normalizeAxis(c.attrs().getInt("axis", 0), y.rank(), &axis));
  int64_t outer, inner;
  outerInner(y.shape, axis, &outer, &inner);
  const int64_t y_row = y.shape[axis] * inner;
  const QuantRange range = dtypeRange(y.dtype);
  int64_t base = 0;
  for (size_t k = 2; k + 1 < c.numInputs(); k += 3) {
    const TensorArg& x = c.input(k);
    const int32_t zx = c.hasInput(k + 2) ? static_cast<int32_t>(intAt(c.input(k + 2), 0)) : 0;
    Requantizer rq;
    ZY_RETURN_IF_ERROR(Requantizer::fromReal(AxisParam::readFloatTensorAt(c.input(k + 1), 0) / ys, &rq));
    const int64_t row = x.shape[axis] * inner;
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < row; ++i)
        storeInt(y, o * y_row + base + i, clampTo(zy + rq.apply(static_cast<int32_t>(intAt(x, o * row + i)) - zx), range));
    base += row;
  }
  return Status::OK();
}

// QLinearLookup: Table[byte of X], the table tabulated by the compiler.
Status qlinearLookup(KernelContext& c) {
  const uint8_t* x = c.input(0).as<uint8_t>();
  const uint8_t* table = c.input(1).as<uint8_t>();
  uint8_t* y = c.output(0).as<uint8_t>();
  for (int64_t i = 0; i < c.input(0).size(); ++i) y[i] = table[x[i]];
  return Status::OK();
}

}  // namespace

void registerQuantizationKernels(KernelRegistry& r) {
  r["QLinearLookup"] = {qlinearLookup, {DType::I8, DType::U8}};
  r["QuantizeLinear"] = {quantizeLinear, {}};
  r["DequantizeLinear"] = {dequantizeLinear, {}};
  r["DynamicQuantizeLinear"] = {dynamicQuantizeLinear, floatTypes()};
  r["MatMulInteger"] = {matMulInteger, {}};
  r["QLinearMatMul"] = {qlinearMatMul, {}};
  r["ConvInteger"] = {convInteger, {}};
  r["QLinearConv"] = {qlinearConv, {}};
  r["QGemm"] = {qgemm, {}};
  r["QLinearAdd"] = {qlinearBinary<false>, {}};
  r["QLinearMul"] = {qlinearBinary<true>, {}};
  r["QLinearGlobalAveragePool"] = {qlinearGlobalAveragePool, {}};
  r["QLinearConcat"] = {qlinearConcat, {}};
}

}  // namespace ref
}  // namespace zy
