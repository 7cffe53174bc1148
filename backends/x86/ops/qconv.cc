// QLinearConv on x86, bit-exact with backends/ref (docs/int8.md): the
// qs8-gemm over an 8-bit im2col of the input (the input as it is for 1x1
// stride-1 convolutions), weights packed once per session, requantized in the
// GEMM's store. Groups other than 1, weight zero points other than 0, and
// CPUs without AVX-512 VNNI go to the next backend.
#include <algorithm>
#include <cstring>
#include <vector>

#include "core/backend_helpers.h"
#include "kernels/qs8_gemm.h"
#include "kernels/scratch.h"
#include "ops/op_helpers.h"
#include "ops/requantize.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

constexpr int64_t kPanel = 48;  // pixels per qs8-gemm panel

bool isByte(zy_dtype_t t) { return t == ZY_DTYPE_U8 || t == ZY_DTYPE_I8; }

// A constant scalar (or absent: 0) zero point, as int32.
bool constantZeroPoint(const zy_tensor_view_t& t, int32_t* out) {
  *out = 0;
  if (t.dtype == ZY_DTYPE_UNDEFINED) return true;
  if (!t.is_constant || elementCount(t) != 1 || !isByte(t.dtype)) return false;
  *out = t.dtype == ZY_DTYPE_U8 ? *static_cast<const uint8_t*>(t.data) : *static_cast<const int8_t*>(t.data);
  return true;
}

const zy_tensor_view_t& inputOrAbsent(const zy_op_view_t* op, size_t i) {
  static const zy_tensor_view_t absent = {};
  return i < op->num_inputs ? op->inputs[i] : absent;
}

bool qconvSupported(const zy_op_view_t* op, std::string* why) {
  if (!qs8GemmAvailable()) { *why = "int8 convolution on x86 needs AVX-512 VNNI"; return false; }
  if (op->num_inputs < 8) { *why = "QLinearConv needs its 8 quantization inputs"; return false; }
  const zy_tensor_view_t &x = op->inputs[0], &w = op->inputs[3], &y = op->outputs[0];
  if (!isByte(x.dtype) || w.dtype != ZY_DTYPE_I8 || !isByte(y.dtype) || x.rank != 4) {
    *why = "only 2-D convolutions of 8-bit activations with int8 weights";
    return false;
  }
  if (!w.is_constant) { *why = "weights must be constants"; return false; }
  const Attributes a = attributesFromView(op);
  if (a.getInt("group", 1) != 1) { *why = "grouped int8 convolutions are not implemented for x86 yet"; return false; }
  for (size_t i : {1, 4, 6})
    if (!op->inputs[i].is_constant || op->inputs[i].dtype != ZY_DTYPE_F32) { *why = "scales must be f32 constants"; return false; }
  int32_t zp = 0;
  if (!constantZeroPoint(op->inputs[2], &zp) || !constantZeroPoint(inputOrAbsent(op, 7), &zp)) {
    *why = "zero points must be constant scalars";
    return false;
  }
  const zy_tensor_view_t& wzp = op->inputs[5];
  if (wzp.dtype != ZY_DTYPE_UNDEFINED) {
    if (!wzp.is_constant) { *why = "the weights' zero point must be a constant"; return false; }
    const int8_t* z = static_cast<const int8_t*>(wzp.data);
    if (std::any_of(z, z + elementCount(wzp), [](int8_t v) { return v != 0; })) {
      *why = "weights with a nonzero zero point (the int8 spec's weights are symmetric)";
      return false;
    }
  }
  const zy_tensor_view_t& bias = inputOrAbsent(op, 8);
  if (bias.dtype != ZY_DTYPE_UNDEFINED && (!bias.is_constant || bias.dtype != ZY_DTYPE_I32)) {
    *why = "the bias must be an int32 constant";
    return false;
  }
  QuantRange range;
  if (!outputRange(a, y.dtype == ZY_DTYPE_U8 ? DType::U8 : DType::I8, 1.f, 0, &range).ok()) {
    *why = "only Relu and Clip fuse into int8 convolutions";
    return false;
  }
  return true;
}

class QConvOp : public X86Op {
 public:
  QConvOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx), attrs_(attributesFromView(op)) {
    const zy_tensor_view_t &x = op->inputs[0], &w = op->inputs[3], &y = op->outputs[0];
    M_ = w.dims[0];
    kh_ = w.dims[2];
    kw_ = w.dims[3];
    const int64_t k = w.dims[1] * kh_ * kw_;
    weights_ = packQs8Weights(static_cast<const int8_t*>(w.data), M_, k);
    int32_t xzp = 0, yzp = 0;
    constantZeroPoint(op->inputs[2], &xzp);
    constantZeroPoint(inputOrAbsent(op, 7), &yzp);
    flip_ = x.dtype == ZY_DTYPE_I8 ? 0x80 : 0;
    pad_ = static_cast<uint8_t>(xzp);  // the zero point's bits, in the input's own encoding
    const int32_t xzp_u8 = xzp + (flip_ ? 128 : 0);
    const float xs = *static_cast<const float*>(op->inputs[1].data), ys = *static_cast<const float*>(op->inputs[6].data);
    const zy_tensor_view_t &ws = op->inputs[4], &bias = inputOrAbsent(op, 8);
    const float* wsp = static_cast<const float*>(ws.data);
    QuantRange range;
    status_ = outputRange(attrs_, y.dtype == ZY_DTYPE_U8 ? DType::U8 : DType::I8, ys, yzp, &range);
    rq_.zero_point = yzp;
    rq_.lo = range.lo;
    rq_.hi = range.hi;
    rq_.bias.resize(static_cast<size_t>(M_));
    rq_.multiplier.resize(static_cast<size_t>(M_));
    rq_.shift.resize(static_cast<size_t>(M_));
    for (int64_t m = 0; m < M_ && status_.ok(); ++m) {
      Requantizer r;
      status_ = Requantizer::fromReal(productScale(xs, wsp[elementCount(ws) > 1 ? m : 0], ys), &r);
      const uint32_t b = bias.dtype != ZY_DTYPE_UNDEFINED ? static_cast<uint32_t>(static_cast<const int32_t*>(bias.data)[m]) : 0u;
      rq_.bias[m] = static_cast<int32_t>(b - static_cast<uint32_t>(xzp_u8) * static_cast<uint32_t>(weights_.row_sums[m]));
      rq_.multiplier[m] = r.multiplier;
      rq_.shift[m] = r.shift;
    }
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!status_.ok()) { *err = status_.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
    WindowGeometry g;
    Status s = computeWindow(attrs_, {H, W}, {kh_, kw_}, false, &g);
    if (!s.ok()) { *err = s.message(); return ZY_INVALID_ARGUMENT; }
    const int64_t OH = g.out[0], OW = g.out[1], P = OH * OW, K = C * kh_ * kw_;
    const bool direct = kh_ == 1 && kw_ == 1 && g.strides[0] == 1 && g.strides[1] == 1 && g.pad_begin[0] == 0 &&
                        g.pad_begin[1] == 0 && OH == H && OW == W;
    std::vector<uint8_t>& col = ctx_.workspace->bytes;
    if (!direct) col.resize(static_cast<size_t>(K * P));
    const int64_t panels = (P + kPanel - 1) / kPanel, kgroups = (K + 3) / 4;
    for (int64_t n = 0; n < N; ++n) {
      const uint8_t* xn = static_cast<const uint8_t*>(x.data) + n * C * H * W;
      uint8_t* yn = static_cast<uint8_t*>(y.data) + n * M_ * P;
      if (!direct)
        ctx_.parallel(static_cast<size_t>(K), [&](size_t b, size_t e) {
          for (size_t r = b; r < e; ++r) im2colRow(xn, H, W, g, static_cast<int64_t>(r), OH, OW, col.data() + r * P);
        });
      const uint8_t* src = direct ? xn : col.data();
      ctx_.parallel(static_cast<size_t>(panels), [&](size_t b, size_t e) {
        uint8_t* packed = reinterpret_cast<uint8_t*>(threadScratch(static_cast<size_t>(kgroups * kPanel)));
        for (size_t t = b; t < e; ++t) {
          const int64_t p0 = static_cast<int64_t>(t) * kPanel, np = std::min(kPanel, P - p0);
          packQs8Activations(src, P, K, p0, np, pad_, flip_, packed);
          qs8GemmPanel(weights_, packed, np, rq_, yn + p0, P);
        }
      });
    }
    return ZY_OK;
  }

 private:
  // Row r = (c, i, j) of the im2col matrix: x[c, oh*s - pad + i*d, ow*s - pad + j*d]
  // over all outputs, the zero point where the window leaves the image.
  void im2colRow(const uint8_t* x, int64_t H, int64_t W, const WindowGeometry& g, int64_t r, int64_t OH, int64_t OW,
                 uint8_t* out) const {
    const int64_t c = r / (kh_ * kw_), i = r / kw_ % kh_, j = r % kw_;
    const int64_t sh = g.strides[0], sw = g.strides[1];
    const int64_t dy = i * g.dilations[0] - g.pad_begin[0], dx = j * g.dilations[1] - g.pad_begin[1];
    // Outputs whose column lands inside the image: [ow_lo, ow_hi).
    int64_t ow_lo = dx >= 0 ? 0 : (-dx + sw - 1) / sw;
    int64_t ow_hi = W - dx <= 0 ? 0 : std::min(OW, (W - dx + sw - 1) / sw);
    ow_lo = std::min(ow_lo, ow_hi);
    for (int64_t oh = 0; oh < OH; ++oh, out += OW) {
      const int64_t ih = oh * sh + dy;
      if (ih < 0 || ih >= H) { std::memset(out, pad_, static_cast<size_t>(OW)); continue; }
      const uint8_t* row = x + (c * H + ih) * W + dx;
      std::memset(out, pad_, static_cast<size_t>(ow_lo));
      if (sw == 1) std::memcpy(out + ow_lo, row + ow_lo, static_cast<size_t>(ow_hi - ow_lo));
      else for (int64_t ow = ow_lo; ow < ow_hi; ++ow) out[ow] = row[ow * sw];
      std::memset(out + ow_hi, pad_, static_cast<size_t>(OW - ow_hi));
    }
  }

  OpContext ctx_;
  Attributes attrs_;
  Status status_;
  int64_t M_ = 0, kh_ = 1, kw_ = 1;
  uint8_t pad_ = 0, flip_ = 0;
  Qs8PackedWeights weights_;
  Qs8Requant rq_;
};

std::unique_ptr<X86Op> prepareQConv(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<QConvOp>(ctx, op); }

}  // namespace

const OpKind kQuantizedOps[] = {{"QLinearConv", qconvSupported, prepareQConv}};
const size_t kNumQuantizedOps = sizeof(kQuantizedOps) / sizeof(kQuantizedOps[0]);

}  // namespace x86
}  // namespace zy
