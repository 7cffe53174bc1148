// QLinearConv on x86, bit-exact with backends/ref (docs/int8.md): the
// qs8-gemm over the input's implicit im2col (u8-window-pack; the input as it
// is for 1x1 stride-1 convolutions), weights packed once per session,
// requantized in the GEMM's store; depthwise convolutions on qs8-dwconv2d (AVX-512 VBMI, or its
// AVX2 form). Other groups and weight zero points other than 0 go to the next backend.
#include <algorithm>
#include <cstring>
#include <tuple>
#include <vector>

#include "core/backend_helpers.h"
#include "kernels/qs8_dwconv.h"
#include "kernels/qs8_gemm.h"
#include "qs8_gemm_ops.h"
#include "kernels/scratch.h"
#include "kernels/u8_window_pack.h"
#include "ops/op_helpers.h"
#include "ops/requantize.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

constexpr int64_t kPanel = 48;  // pixels per qs8-gemm panel

// One filter per channel, a window of up to 7x7, stride 1 or 2, no dilation.
bool isDepthwise(const zy_op_view_t* op, const Attributes& a) {
  const zy_tensor_view_t &x = op->inputs[0], &w = op->inputs[3];
  const int64_t group = a.getInt("group", 1);
  std::vector<int64_t> strides = a.getInts("strides"), dilations = a.getInts("dilations");
  if (strides.empty()) strides = {1, 1};
  return (qs8DwConvAvailable() || qs8DwConvAvx2Available()) && group == x.dims[1] && w.dims[0] == group && w.dims[1] == 1 && w.dims[2] <= 7 && w.dims[3] <= 7 &&
         strides.size() == 2 && strides[0] == strides[1] && (strides[0] == 1 || strides[0] == 2) &&
         std::all_of(dilations.begin(), dilations.end(), [](int64_t d) { return d == 1; });
}

bool qconvSupported(const zy_op_view_t* op, std::string* why) {
  if (!qs8GemmAvailable()) { *why = "int8 convolution on x86 needs AVX2"; return false; }
  if (!qconvParamsSupported(op, why)) return false;
  if (op->inputs[0].rank != 4 || op->inputs[3].rank != 4) { *why = "only 2-D int8 convolutions"; return false; }
  const Attributes a = attributesFromView(op);
  const int64_t group = a.getInt("group", 1);
  if (group != 1 && !isDepthwise(op, a)) {
    *why = "grouped int8 convolutions other than depthwise (up to 7x7, stride 1 or 2, no dilation) are not implemented for x86 yet";
    return false;
  }
  return true;
}

// The requantization and input encoding of x86's int8 GEMMs (unsigned activations: vpdpbusd).
struct QConvQuant : Qs8ConvParams {
  QConvQuant(const zy_op_view_t* op, const Attributes& a, const std::vector<int32_t>& row_sums, size_t ys_index = 6,
             size_t bias_index = 8)
      : Qs8ConvParams(op, a, row_sums, /*gemm_u8=*/true, ys_index, bias_index) {}
};

// The GEMM of the activations with the packed weights, into y ([M][P]):
// panels of kPanel pixels over the session's threads, each packed by
// pack(p0, np, out) as packQs8Activations lays them out. A thread packs each
// panel it meets once. With few panels (small images, batch-1 GEMMs) the
// channels are split too, so that every thread has work; then all panels
// are packed first, once, and the tasks share them (a task per part
// re-packed a 4608-deep panel for every 64 channels).
template <class PackPanel>
void runPanels(const OpContext& ctx, const Qs8PackedWeights& w, const QConvQuant& quant, int64_t P, uint8_t* y, const PackPanel& pack) {
  const int64_t panels = (P + kPanel - 1) / kPanel, panel_bytes = w.kgroups * kPanel * 4;
  const int64_t tiles = (w.m + kQs8Mr - 1) / kQs8Mr, parts = std::min(tiles, std::max<int64_t>(1, 16 / panels));
  // Part p takes tiles [p * tiles / parts, (p + 1) * tiles / parts): even sizes, as the thread pool's chunks.
  auto multiply = [&](const uint8_t* packed, int64_t panel, int64_t part) {
    const int64_t p0 = panel * kPanel, np = std::min(kPanel, P - p0);
    const int64_t m_begin = part * tiles / parts * kQs8Mr, m_end = std::min(w.m, (part + 1) * tiles / parts * kQs8Mr);
    if (m_begin < m_end) qs8GemmPanel(w, packed, np, quant.rq, y + p0, P, m_begin, m_end);
  };
  if (parts > 1) {
    uint8_t* shared = reinterpret_cast<uint8_t*>(threadScratch(static_cast<size_t>(panels * panel_bytes / 4)));
    ctx.parallel(static_cast<size_t>(panels), [&](size_t b, size_t e) {
      for (size_t i = b; i < e; ++i) {
        const int64_t p0 = static_cast<int64_t>(i) * kPanel;
        pack(p0, std::min(kPanel, P - p0), shared + static_cast<int64_t>(i) * panel_bytes);
      }
    });
    ctx.parallel(static_cast<size_t>(panels * parts), [&](size_t b, size_t e) {
      for (size_t t = b; t < e; ++t) {
        const int64_t panel = static_cast<int64_t>(t) / parts;
        multiply(shared + panel * panel_bytes, panel, static_cast<int64_t>(t) % parts);
      }
    });
    return;
  }
  ctx.parallel(static_cast<size_t>(panels), [&](size_t b, size_t e) {
    uint8_t* packed = reinterpret_cast<uint8_t*>(threadScratch(static_cast<size_t>(panel_bytes / 4)));
    for (size_t i = b; i < e; ++i) {
      const int64_t p0 = static_cast<int64_t>(i) * kPanel;
      pack(p0, std::min(kPanel, P - p0), packed);
      multiply(packed, static_cast<int64_t>(i), 0);
    }
  });
}

// x as [K][P] bytes (a 1x1 stride-1 convolution's input, a transposed GEMM operand).
void runPanels(const OpContext& ctx, const Qs8PackedWeights& w, const QConvQuant& quant, const uint8_t* x, int64_t K, int64_t P,
               uint8_t* y) {
  runPanels(ctx, w, quant, P, y, [&](int64_t p0, int64_t np, uint8_t* out) { packQs8Activations(x, P, K, p0, np, quant.pad, quant.flip, out); });
}

class QConvOp : public X86Op {
 public:
  QConvOp(const OpContext& ctx, const zy_op_view_t* op)
      : ctx_(ctx),
        attrs_(attributesFromView(op)),
        M_(op->inputs[3].dims[0]),
        kh_(op->inputs[3].dims[2]),
        kw_(op->inputs[3].dims[3]),
        weights_(packQs8Weights(static_cast<const int8_t*>(op->inputs[3].data), M_, op->inputs[3].dims[1] * kh_ * kw_)),
        quant_(op, attrs_, weights_.row_sums) {
    prepareQs8Weights(&weights_);
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!quant_.status.ok()) { *err = quant_.status.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
    WindowGeometry g;
    Status s = computeWindow(attrs_, {H, W}, {kh_, kw_}, false, &g);
    if (!s.ok()) { *err = s.message(); return ZY_INVALID_ARGUMENT; }
    const int64_t P = g.out[0] * g.out[1], K = C * kh_ * kw_;
    const bool direct = kh_ == 1 && kw_ == 1 && g.strides[0] == 1 && g.strides[1] == 1 && g.pad_begin[0] == 0 &&
                        g.pad_begin[1] == 0 && g.out[0] == H && g.out[1] == W;
    const U8Window win{C, H, W, kh_, kw_, g};
    for (int64_t n = 0; n < N; ++n) {
      const uint8_t* xn = static_cast<const uint8_t*>(x.data) + n * C * H * W;
      uint8_t* yn = static_cast<uint8_t*>(y.data) + n * M_ * P;
      if (direct) runPanels(ctx_, weights_, quant_, xn, K, P, yn);
      else runPanels(ctx_, weights_, quant_, P, yn, [&](int64_t p0, int64_t np, uint8_t* out) {
        packQs8Window(win, xn, p0, np, quant_.pad, quant_.flip, out);
      });
    }
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  Attributes attrs_;
  int64_t M_, kh_, kw_;
  Qs8PackedWeights weights_;
  QConvQuant quant_;
};


// Depthwise: each channel's plane padded with the zero point in thread
// scratch, then qs8-dwconv2d over it.
class QDwConvOp : public X86Op {
 public:
  QDwConvOp(const OpContext& ctx, const zy_op_view_t* op)
      : ctx_(ctx), attrs_(attributesFromView(op)), kh_(op->inputs[3].dims[2]), kw_(op->inputs[3].dims[3]), quant_(op, attrs_, rowSums(op)) {
    const int8_t* w = static_cast<const int8_t*>(op->inputs[3].data);
    if (!qs8DwConvAvailable()) {  // qs8-dwconv2d/avx2 takes them as they are
      raw_weights_.assign(w, w + op->inputs[3].dims[0] * kh_ * kw_);
      return;
    }
    for (int64_t c = 0; c < op->inputs[3].dims[0]; ++c) {
      const std::vector<int32_t> p = packQs8DwWeights(w + c * kh_ * kw_, static_cast<int>(kh_), static_cast<int>(kw_));
      weights_.insert(weights_.end(), p.begin(), p.end());
    }
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!quant_.status.ok()) { *err = quant_.status.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
    WindowGeometry g;
    Status s = computeWindow(attrs_, {H, W}, {kh_, kw_}, false, &g);
    if (!s.ok()) { *err = s.message(); return ZY_INVALID_ARGUMENT; }
    const int64_t OH = g.out[0], OW = g.out[1], stride = g.strides[0];
    const uint8_t fill = static_cast<uint8_t>(quant_.pad ^ quant_.flip);
    if (!qs8DwConvAvailable()) {  // AVX2 without VBMI
      const int64_t rows = (OH - 1) * stride + kh_, pitch = qs8DwAvx2Pitch(OW, stride, kw_);
      ctx_.parallel(static_cast<size_t>(N * C), [&](size_t b, size_t e) {
        uint8_t* plane = reinterpret_cast<uint8_t*>(threadScratch(static_cast<size_t>((rows * pitch + 16 + 3) / 4)));
        for (size_t t = b; t < e; ++t) {
          const int64_t c = static_cast<int64_t>(t) % C;
          qs8PadPlaneAvx2(static_cast<const uint8_t*>(x.data) + static_cast<int64_t>(t) * H * W, H, W, g.pad_begin[0], g.pad_begin[1], fill,
                          quant_.flip, rows, pitch, plane);
          qs8DwConvPlaneAvx2({plane, pitch}, raw_weights_.data() + c * kh_ * kw_, static_cast<int>(kh_), static_cast<int>(kw_),
                             static_cast<int>(stride), OH, OW, quant_.rq, c, static_cast<uint8_t*>(y.data) + static_cast<int64_t>(t) * OH * OW);
        }
      });
      return ZY_OK;
    }
    // Narrow planes (7x7): several output rows per vector, from rows kQs8NarrowPitch bytes apart.
    // MobileNetV2's 960-channel 7x7 layers: 0.049 -> 0.038 ms.
    if (narrow_key_ != std::make_tuple(OW, stride, g.pad_begin[1], W)) {
      narrow_ = qs8DwNarrowLayout(static_cast<int>(kw_), static_cast<int>(stride), OW, g.pad_begin[1], W);
      narrow_key_ = std::make_tuple(OW, stride, g.pad_begin[1], W);
    }
    const bool narrow = narrow_.rows_per_vector > 1;
    // Rows the windows touch, and a pitch wide enough for whole 16-pixel vectors.
    const int64_t rows = (OH - 1) * stride + kh_, pitch = narrow ? kQs8NarrowPitch : ((OW + 15) / 16 * 16) * stride + kw_ + 64;
    // The kernel reads 64 bytes from each output vector's first window column: the first `blocks` 64-byte
    // blocks of a padded row, written whole (a memset and a copy call per row took as long as the kernel on 14x14).
    const int64_t blocks = narrow ? 1 : (((OW + 15) / 16 - 1) * 16 * stride + 64 + 63) / 64;
    ctx_.parallel(static_cast<size_t>(N * C), [&](size_t b, size_t e) {
      uint8_t* plane = reinterpret_cast<uint8_t*>(threadScratch(static_cast<size_t>((rows * pitch + 64 * blocks + 3) / 4)));
      for (size_t t = b; t < e; ++t) {
        const int64_t c = static_cast<int64_t>(t) % C;
        qs8PadPlane(static_cast<const uint8_t*>(x.data), N * C * H * W, static_cast<int64_t>(t) * H * W, H, W, g.pad_begin[0],
                    g.pad_begin[1], fill, quant_.flip, rows, pitch, blocks, plane);
        qs8DwConvPlane({plane, pitch}, weights_.data() + c * kh_ * ((kw_ + 3) / 4), static_cast<int>(kh_), static_cast<int>(kw_),
                       static_cast<int>(stride), OH, OW, quant_.rq, c, static_cast<uint8_t*>(y.data) + static_cast<int64_t>(t) * OH * OW,
                       narrow ? &narrow_ : nullptr);
      }
    });
    return ZY_OK;
  }

 private:
  static std::vector<int32_t> rowSums(const zy_op_view_t* op) {
    const zy_tensor_view_t& w = op->inputs[3];
    const int64_t taps = w.dims[2] * w.dims[3];
    std::vector<int32_t> sums(static_cast<size_t>(w.dims[0]), 0);
    const int8_t* p = static_cast<const int8_t*>(w.data);
    for (int64_t i = 0; i < elementCount(w); ++i) sums[i / taps] += p[i];
    return sums;
  }

  OpContext ctx_;
  Attributes attrs_;
  int64_t kh_, kw_;
  QConvQuant quant_;
  std::vector<int32_t> weights_;        // qs8-dwconv2d/avx512vbmi: groups of 4 taps (packQs8DwWeights)
  std::vector<int8_t> raw_weights_;     // qs8-dwconv2d/avx2: [C][kh][kw]
  Qs8DwNarrow narrow_;                                     // the narrow layout for the last shape run
  std::tuple<int64_t, int64_t, int64_t, int64_t> narrow_key_{-1, -1, -1, -1};  // (OW, stride, left pad, W) it was built for
};

// ---- QGemm: Y = A * op(B) + C, as a 1x1 convolution of A's rows ----

bool qgemmSupported(const zy_op_view_t* op, std::string* why) {
  if (!qs8GemmAvailable()) { *why = "int8 GEMM on x86 needs AVX2"; return false; }
  return qgemmShapeSupported(op, why);
}

bool qmatmulSupported(const zy_op_view_t* op, std::string* why) {
  if (!qs8GemmAvailable()) { *why = "int8 MatMul on x86 needs AVX2"; return false; }
  return qmatmulShapeSupported(op, why);
}

// QGemm and QLinearMatMul: A's rows (all leading dimensions) are the GEMM's
// "pixels", B's columns its output channels: A^T as [K][rows] bytes, the
// product as [N][rows], transposed back into Y.
class QGemmOp : public X86Op {
 public:
  QGemmOp(const OpContext& ctx, const zy_op_view_t* op, bool matmul)
      : ctx_(ctx),
        weights_(packGemmWeights(op, !matmul && attributesFromView(op).getInt("transB", 0) != 0)),
        quant_(op, attributesFromView(op), weights_.row_sums, matmul ? 6 : 7, matmul ? 100 : 6) {
    prepareQs8Weights(&weights_);
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!quant_.status.ok()) { *err = quant_.status.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &A = op->inputs[0], &y = op->outputs[0];
    const int64_t K = weights_.k, rows = elementCount(A) / std::max<int64_t>(1, K), N = weights_.m;
    uint8_t* t = ctx_.workspace->bytes.reserve(static_cast<size_t>(K * rows + (rows > 1 ? N * rows : 0)));
    const uint8_t* a = static_cast<const uint8_t*>(A.data);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t k = 0; k < K; ++k) t[k * rows + r] = a[r * K + k];
    uint8_t* out = rows > 1 ? t + K * rows : static_cast<uint8_t*>(y.data);
    runPanels(ctx_, weights_, quant_, t, K, rows, out);
    if (rows > 1)
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t n = 0; n < N; ++n) static_cast<uint8_t*>(y.data)[r * N + n] = out[n * rows + r];
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  Qs8PackedWeights weights_;
  QConvQuant quant_;
};

std::unique_ptr<X86Op> prepareQGemm(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<QGemmOp>(ctx, op, false); }
std::unique_ptr<X86Op> prepareQMatMul(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<QGemmOp>(ctx, op, true); }

std::unique_ptr<X86Op> prepareQConv(const OpContext& ctx, const zy_op_view_t* op) {
  if (attributesFromView(op).getInt("group", 1) != 1) return std::make_unique<QDwConvOp>(ctx, op);
  return std::make_unique<QConvOp>(ctx, op);
}

}  // namespace

const OpKind kQuantizedOps[] = {{"QLinearConv", qconvSupported, prepareQConv}, {"QGemm", qgemmSupported, prepareQGemm},
                                {"QLinearMatMul", qmatmulSupported, prepareQMatMul}};
const size_t kNumQuantizedOps = sizeof(kQuantizedOps) / sizeof(kQuantizedOps[0]);

}  // namespace x86
}  // namespace zy
