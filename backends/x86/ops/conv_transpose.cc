// ConvTranspose on x86 (2-D, group 1, f32): one GEMM per image, cols = W^T x
// with W^T ([M * kh * kw][C], packed once per session) against the input as
// it lies ([C][H * W]), then col2im: each input pixel's kh * kw * M values
// added into the output at their positions, on top of the bias. The DB text
// detectors' 2x2 stride-2 upsampling (PP-OCR) writes each output once; on ref
// those two layers were 80% of PP-OCRv4 det.
#include <algorithm>
#include <vector>

#include "core/backend_helpers.h"
#include "kernels/f32_gemm.h"
#include "ops/op_helpers.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

bool convTransposeSupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs < 2 || !allF32(op) || op->inputs[0].rank != 4 || op->inputs[1].rank != 4) {
    *why = "only 2-D f32 ConvTranspose";
    return false;
  }
  if (!op->inputs[1].is_constant || (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED && !op->inputs[2].is_constant)) {
    *why = "weights and bias must be constants";
    return false;
  }
  const Attributes a = attributesFromView(op);
  if (a.getInt("group", 1) != 1) { *why = "grouped ConvTranspose is not implemented for x86"; return false; }
  if (a.has("activation")) { *why = "a fused activation on ConvTranspose is not implemented for x86"; return false; }
  return true;
}

class ConvTransposeOp : public X86Op {
 public:
  ConvTransposeOp(const OpContext& ctx, const zy_op_view_t* op)
      : ctx_(ctx), attrs_(attributesFromView(op)), C_(op->inputs[1].dims[0]), M_(op->inputs[1].dims[1]), kh_(op->inputs[1].dims[2]),
        kw_(op->inputs[1].dims[3]) {
    // W [C][M][kh][kw] as W^T [M * kh * kw][C].
    const float* w = static_cast<const float*>(op->inputs[1].data);
    const int64_t taps = M_ * kh_ * kw_;
    std::vector<float> wt(static_cast<size_t>(taps * C_));
    for (int64_t c = 0; c < C_; ++c)
      for (int64_t t = 0; t < taps; ++t) wt[static_cast<size_t>(t * C_ + c)] = w[c * taps + t];
    weights_ = packA(ctx.gemmFor(taps, 0), wt.data(), taps, C_, C_);
    if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED) {
      const float* b = static_cast<const float*>(op->inputs[2].data);
      bias_.assign(b, b + M_);
    }
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    const int64_t N = x.dims[0], H = x.dims[2], W = x.dims[3];
    if (x.dims[1] != C_) { *err = "ConvTranspose: the input's channels do not match the weights"; return ZY_INVALID_ARGUMENT; }
    WindowGeometry g;
    Status s = computeConvTransposeWindow(attrs_, {H, W}, {kh_, kw_}, &g);
    if (!s.ok()) { *err = s.message(); return ZY_INVALID_ARGUMENT; }
    const int64_t OH = g.out[0], OW = g.out[1], P = H * W, taps = M_ * kh_ * kw_;
    if (y.dims[1] != M_ || y.dims[2] != OH || y.dims[3] != OW) { *err = "ConvTranspose: the output's shape does not match"; return ZY_INVALID_ARGUMENT; }
    std::vector<float>& cols = ctx_.workspace->output;
    cols.resize(static_cast<size_t>(taps * P));
    for (int64_t n = 0; n < N; ++n) {
      const float* xn = static_cast<const float*>(x.data) + n * C_ * P;
      float* yn = static_cast<float*>(y.data) + n * M_ * OH * OW;
      gemm(weights_, xn, P, P, cols.data(), P, nullptr, FusedActivation{}, ctx_.parallel);
      ctx_.parallel(static_cast<size_t>(M_), [&](size_t b, size_t e) {
        for (size_t m = b; m < e; ++m) scatter(cols.data() + static_cast<int64_t>(m) * kh_ * kw_ * P, g, H, W, yn + static_cast<int64_t>(m) * OH * OW,
                                               bias_.empty() ? 0.f : bias_[m]);
      });
    }
    return ZY_OK;
  }

 private:
  // Output channel m: bias, plus each tap's column at its output positions.
  void scatter(const float* col, const WindowGeometry& g, int64_t H, int64_t W, float* out, float bias) const {
    const int64_t OH = g.out[0], OW = g.out[1], sh = g.strides[0], sw = g.strides[1];
    std::fill(out, out + OH * OW, bias);
    for (int64_t i = 0; i < kh_; ++i)
      for (int64_t j = 0; j < kw_; ++j, col += H * W) {
        const int64_t dy = i * g.dilations[0] - g.pad_begin[0], dx = j * g.dilations[1] - g.pad_begin[1];
        // Input columns whose output column dx + iw * sw lies in [0, OW).
        const int64_t lo = dx >= 0 ? 0 : (-dx + sw - 1) / sw, hi = std::min(W, dx < OW ? (OW - 1 - dx) / sw + 1 : 0);
        for (int64_t ih = 0; ih < H; ++ih) {
          const int64_t oh = ih * sh + dy;
          if (oh < 0 || oh >= OH) continue;
          float* row = out + oh * OW;
          const float* src = col + ih * W;
          for (int64_t iw = lo; iw < hi; ++iw) row[dx + iw * sw] += src[iw];
        }
      }
  }

  OpContext ctx_;
  Attributes attrs_;
  int64_t C_, M_, kh_, kw_;
  PackedA weights_;
  std::vector<float> bias_;
};

std::unique_ptr<X86Op> prepareConvTranspose(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<ConvTransposeOp>(ctx, op);
}

}  // namespace

const OpKind kConvTransposeOps[] = {{"ConvTranspose", convTransposeSupported, prepareConvTranspose}};
const size_t kNumConvTransposeOps = 1;

}  // namespace x86
}  // namespace zy
