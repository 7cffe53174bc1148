// ConvTranspose (2-D, group 1, f32) for the kernel backends: one GEMM per
// image, cols = W^T x with W^T ([M * kh * kw][C], packed once per session by
// the backend's GEMM) against the input as it lies ([C][H * W]), then col2im:
// each input pixel's kh * kw * M values added into the output at their
// positions, on top of the bias. The DB text detectors' 2x2 stride-2
// upsampling (PP-OCR) writes each output once; on ref those two layers were
// 80% of PP-OCRv4 det.
//
// Product: the backend's GEMM, constructed from (ctx, W^T, rows, k) and
// called as product(x, P, cols) for cols[rows][P] = W^T x.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "core/backend_helpers.h"
#include "ops/op_helpers.h"
#include "zy/backend.h"

namespace zy {

inline bool convTransposeSupported(const zy_op_view_t* op, std::string* why) {
  bool f32 = op->num_inputs >= 2 && op->num_outputs == 1 && op->outputs[0].dtype == ZY_DTYPE_F32;
  for (size_t i = 0; f32 && i < op->num_inputs; ++i) f32 = op->inputs[i].dtype == ZY_DTYPE_F32 || op->inputs[i].dtype == ZY_DTYPE_UNDEFINED;
  if (!f32 || op->inputs[0].rank != 4 || op->inputs[1].rank != 4) { *why = "only 2-D f32 ConvTranspose"; return false; }
  if (!op->inputs[1].is_constant || (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED && !op->inputs[2].is_constant)) {
    *why = "weights and bias must be constants";
    return false;
  }
  const Attributes a = attributesFromView(op);
  if (a.getInt("group", 1) != 1) { *why = "grouped ConvTranspose is not implemented here"; return false; }
  if (a.has("activation")) { *why = "a fused activation on ConvTranspose is not implemented here"; return false; }
  return true;
}

template <class Base, class Ctx, class Product>
class ConvTransposeOp : public Base {
 public:
  ConvTransposeOp(const Ctx& ctx, const zy_op_view_t* op)
      : ctx_(ctx), attrs_(attributesFromView(op)), C_(op->inputs[1].dims[0]), M_(op->inputs[1].dims[1]), kh_(op->inputs[1].dims[2]),
        kw_(op->inputs[1].dims[3]), product_(ctx, transposedWeights(op).data(), M_ * kh_ * kw_, C_) {
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
    const int64_t OH = g.out[0], OW = g.out[1], P = H * W;
    if (y.dims[1] != M_ || y.dims[2] != OH || y.dims[3] != OW) { *err = "ConvTranspose: the output's shape does not match"; return ZY_INVALID_ARGUMENT; }
    // The GEMM's output, shared by the calling thread's ConvTransposes (a DB head's is 10 MB).
    // (Its pointer goes to the workers: a thread_local named in their lambda would be their own.)
    thread_local std::vector<float> buffer;
    buffer.resize(static_cast<size_t>(M_ * kh_ * kw_ * P));
    float* cols = buffer.data();
    for (int64_t n = 0; n < N; ++n) {
      const float* xn = static_cast<const float*>(x.data) + n * C_ * P;
      float* yn = static_cast<float*>(y.data) + n * M_ * OH * OW;
      product_(xn, P, cols);
      ctx_.parallel(static_cast<size_t>(M_), [&](size_t b, size_t e) {
        for (size_t m = b; m < e; ++m)
          scatter(cols + static_cast<int64_t>(m) * kh_ * kw_ * P, g, H, W, yn + static_cast<int64_t>(m) * OH * OW,
                  bias_.empty() ? 0.f : bias_[m]);
      });
    }
    return ZY_OK;
  }

 private:
  // W [C][M][kh][kw] as W^T [M * kh * kw][C].
  static std::vector<float> transposedWeights(const zy_op_view_t* op) {
    const zy_tensor_view_t& w = op->inputs[1];
    const int64_t C = w.dims[0], taps = w.dims[1] * w.dims[2] * w.dims[3];
    const float* p = static_cast<const float*>(w.data);
    std::vector<float> wt(static_cast<size_t>(taps * C));
    for (int64_t c = 0; c < C; ++c)
      for (int64_t t = 0; t < taps; ++t) wt[static_cast<size_t>(t * C + c)] = p[c * taps + t];
    return wt;
  }

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

  Ctx ctx_;
  Attributes attrs_;
  int64_t C_, M_, kh_, kw_;
  Product product_;
  std::vector<float> bias_;
};

}  // namespace zy
