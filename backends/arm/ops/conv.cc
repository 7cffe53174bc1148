// Convolutions on ARM: im2col (the input itself for 1x1 stride-1 ones), then
//   fp32: f32-gemm/neon-8x8 (any ARMv8-A), bias and activation in the store;
//     3x3 stride-1 ones with Winograd F(4x4, 3x3) where it pays (36 GEMMs
//     on the same kernel between NEON transforms); fp16 sessions on
//     f16-gemm/neonfp16arith-8x16;
//   int8 (QLinearConv): Qs8ArmGemm (I8MM smmla, SDOT, or smull/sadalp, as
//   the core allows); bit-exact with backends/ref.
// Depthwise convolutions (stride 1 or 2) run per channel plane on NEON, fp32
// and int8. Other groups and fused residuals go to ref for now.
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <vector>

#include "arm_op.h"
#include "core/backend_helpers.h"
#include "cpu_features.h"
#include "kernels/dwconv_neon.h"
#include "kernels/f16_gemm_neon.h"
#include "kernels/f32_gemm_neon.h"
#include "kernels/f32_rows_neon.h"
#include "kernels/f32_winograd_neon.h"
#include "kernels/qs8_gemm_neon.h"
#include "ops/fused_activation.h"
#include "ops/op_helpers.h"
#include "ops/requantize.h"
#include "qs8_params.h"

namespace zy {
namespace arm {
namespace {

// Row r = (c, i, j) of the im2col matrix of a C x H x W input: x at
// (oh*s - pad + i*d, ow*s - pad + j*d) for every output, `pad` outside.
template <typename T>
void im2colRow(const T* x, int64_t H, int64_t W, int64_t kh, int64_t kw, const WindowGeometry& g, int64_t r, T pad, T* out) {
  const int64_t c = r / (kh * kw), i = r / kw % kh, j = r % kw;
  for (int64_t oh = 0; oh < g.out[0]; ++oh) {
    const int64_t ih = oh * g.strides[0] - g.pad_begin[0] + i * g.dilations[0];
    for (int64_t ow = 0; ow < g.out[1]; ++ow) {
      const int64_t iw = ow * g.strides[1] - g.pad_begin[1] + j * g.dilations[1];
      *out++ = ih >= 0 && ih < H && iw >= 0 && iw < W ? x[(c * H + ih) * W + iw] : pad;
    }
  }
}

// The GEMM's B operand: x itself for 1x1 stride-1 unpadded convolutions, else its im2col.
template <typename T>
const T* gemmInput(const OpContext& ctx, const T* x, int64_t C, int64_t H, int64_t W, int64_t kh, int64_t kw,
                   const WindowGeometry& g, T pad, std::vector<T>* col) {
  const int64_t P = g.out[0] * g.out[1], K = C * kh * kw;
  if (kh == 1 && kw == 1 && g.strides[0] == 1 && g.strides[1] == 1 && g.pad_begin[0] == 0 && g.pad_begin[1] == 0 && P == H * W)
    return x;
  col->resize(static_cast<size_t>(K * P));
  ctx.parallel(static_cast<size_t>(K), [&](size_t b, size_t e) {
    for (size_t r = b; r < e; ++r) im2colRow(x, H, W, kh, kw, g, static_cast<int64_t>(r), pad, col->data() + r * P);
  });
  return col->data();
}

bool is2dUngrouped(const zy_op_view_t* op, size_t w_index, std::string* why) {
  const zy_tensor_view_t &x = op->inputs[0], &w = op->inputs[w_index];
  if (x.rank != 4 || w.rank != 4 || !w.is_constant) { *why = "2-D convolutions with constant weights only"; return false; }
  if (attributesFromView(op).getInt("group", 1) != 1) { *why = "grouped convolutions are not implemented for ARM yet"; return false; }
  return true;
}

// ---- fp32 Conv ----

// What both fp32 convolutions take: f32 tensors, a constant bias, a known
// fused activation, no fused residual.
bool f32ConvSupported(const zy_op_view_t* op, std::string* why) {
  for (size_t i = 0; i < op->num_inputs; ++i)
    if (op->inputs[i].dtype != ZY_DTYPE_F32 && op->inputs[i].dtype != ZY_DTYPE_UNDEFINED) { *why = "only f32 Conv"; return false; }
  if (op->num_inputs > 3 && op->inputs[3].dtype != ZY_DTYPE_UNDEFINED) { *why = "a fused residual is not implemented for ARM yet"; return false; }
  if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED && !op->inputs[2].is_constant) { *why = "the bias must be a constant"; return false; }
  FusedActivation act;
  if (!FusedActivation::parse(attributesFromView(op), &act)) { *why = "unknown fused activation"; return false; }
  return true;
}

bool convSupported(const zy_op_view_t* op, std::string* why) { return f32ConvSupported(op, why) && is2dUngrouped(op, 1, why); }

class ConvOp : public ArmOp {
 public:
  ConvOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx), attrs_(attributesFromView(op)) {
    const zy_tensor_view_t& w = op->inputs[1];
    kh_ = w.dims[2];
    kw_ = w.dims[3];
    const float* wp = static_cast<const float*>(w.data);
    if (ctx.fp16) {
      half_ = packF16Weights(wp, w.dims[0], w.dims[1] * kh_ * kw_);
    } else if (useWinograd(op, attrs_)) {
      const int64_t m = w.dims[0], c = w.dims[1];
      std::vector<float> u(static_cast<size_t>(kWinogradPoints * m * c));
      winogradWeights(wp, m, c, u.data());
      for (int64_t xi = 0; xi < kWinogradPoints; ++xi) winograd_.push_back(packF32Weights(u.data() + xi * m * c, m, c));
    } else {
      weights_ = packF32Weights(wp, w.dims[0], w.dims[1] * kh_ * kw_);
    }
    if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED) {
      const float* b = static_cast<const float*>(op->inputs[2].data);
      bias_.assign(b, b + w.dims[0]);
    }
    FusedActivation::parse(attrs_, &act_);
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
    WindowGeometry g;
    Status s = computeWindow(attrs_, {H, W}, {kh_, kw_}, false, &g);
    if (!s.ok()) { *err = s.message(); return ZY_INVALID_ARGUMENT; }
    const float* bias = bias_.empty() ? nullptr : bias_.data();
    if (!winograd_.empty()) return runWinograd(static_cast<const float*>(x.data), N, C, H, W, g, bias, static_cast<float*>(y.data));
    const bool half = ctx_.fp16;
    const int64_t M = half ? half_.m : weights_.m, K = half ? half_.k : weights_.k, nr = half ? kF16Nr : kF32Nr;
    const int64_t P = g.out[0] * g.out[1], panels = (P + nr - 1) / nr;
    for (int64_t n = 0; n < N; ++n) {
      const float* src = gemmInput(ctx_, static_cast<const float*>(x.data) + n * C * H * W, C, H, W, kh_, kw_, g, 0.f, &col_);
      float* yn = static_cast<float*>(y.data) + n * M * P;
      if (!half) {
        f32Gemm(ctx_, weights_, src, P, P, bias, act_, yn, P);
        continue;
      }
      ctx_.parallel(static_cast<size_t>(panels), [&](size_t b, size_t e) {
        std::vector<uint16_t> panel16(static_cast<size_t>(K * kF16Nr));
        for (size_t t = b; t < e; ++t) {
          const int64_t p0 = static_cast<int64_t>(t) * nr, np = std::min<int64_t>(nr, P - p0);
          packF16Panel(src, P, K, p0, np, panel16.data());
          f16GemmPanel(half_, panel16.data(), np, bias, act_, yn + p0, P);
        }
      });
    }
    return ZY_OK;
  }

 private:
  // 3x3, stride 1, no dilation, not grouped, with enough channels and tiles
  // to pay for the transforms: the rule measured on x86 (from 32 input
  // channels at 49+ tiles, from 128 at 16+ tiles); no ARM core was at hand
  // to tune it. ZY_ARM_WINOGRAD=0 turns it off.
  static bool useWinograd(const zy_op_view_t* op, const Attributes& a) {
    const char* env = std::getenv("ZY_ARM_WINOGRAD");
    if (env && std::strcmp(env, "0") == 0) return false;
    const zy_tensor_view_t &w = op->inputs[1], &y = op->outputs[0];
    if (w.dims[2] != 3 || w.dims[3] != 3 || w.dims[0] < 8 || y.rank != 4 || y.dims[2] <= 0 || y.dims[3] <= 0) return false;
    const int64_t tiles = ((y.dims[2] + 3) / 4) * ((y.dims[3] + 3) / 4), channels = w.dims[1];
    if (!((tiles >= 49 && channels >= 32) || (tiles >= 16 && channels >= 128))) return false;
    for (int64_t s : a.getInts("strides")) if (s != 1) return false;
    for (int64_t d : a.getInts("dilations")) if (d != 1) return false;
    return true;
  }

  // Input tiles of every channel -> 36 GEMMs (U_xi [M][C] x V_xi [C][tiles]) -> output tiles.
  zy_status_code_t runWinograd(const float* xp, int64_t N, int64_t C, int64_t H, int64_t W, const WindowGeometry& g,
                               const float* bias, float* yp) {
    const int64_t M = winograd_[0].m, OH = g.out[0], OW = g.out[1], TW = (OW + 3) / 4, TH = (OH + 3) / 4, T = TH * TW;
    const int64_t Tp = (T + kWinogradTileLanes - 1) / kWinogradTileLanes * kWinogradTileLanes, panels = Tp / kF32Nr;
    const int64_t Hp = TH * 4 + 2, Wp = TW * 4 + 2, PT = g.pad_begin[0], PL = g.pad_begin[1];
    col_.resize(static_cast<size_t>(kWinogradPoints * (C + M) * Tp));
    float* v = col_.data();
    float* mx = v + kWinogradPoints * C * Tp;
    for (int64_t n = 0; n < N; ++n) {
      const float* x = xp + n * C * H * W;
      ctx_.parallel(static_cast<size_t>(C), [&](size_t begin, size_t end) {
        std::vector<float> plane(static_cast<size_t>(Hp * Wp));
        for (size_t c = begin; c < end; ++c) {
          std::fill(plane.begin(), plane.end(), 0.f);
          for (int64_t ih = 0; ih < H; ++ih) {
            const int64_t r = ih + PT;
            if (r < 0 || r >= Hp) continue;
            for (int64_t iw = std::max<int64_t>(0, -PL); iw < W && iw + PL < Wp; ++iw)
              plane[static_cast<size_t>(r * Wp + iw + PL)] = x[(static_cast<int64_t>(c) * H + ih) * W + iw];
          }
          winogradInput(plane.data(), Wp, TW, T, Tp, v + static_cast<int64_t>(c) * Tp, C * Tp);
        }
      });
      // Tasks of (point, group of tile panels).
      const int64_t cols = std::min<int64_t>(ctx_.blocking.group, panels) * kF32Nr, tasks = (Tp + cols - 1) / cols;
      ctx_.parallel(static_cast<size_t>(kWinogradPoints * tasks), [&](size_t begin, size_t end) {
        for (size_t t = begin; t < end; ++t) {
          const int64_t xi = static_cast<int64_t>(t) / tasks, p0 = static_cast<int64_t>(t) % tasks * cols;
          f32GemmColumns(winograd_[static_cast<size_t>(xi)], v + xi * C * Tp, Tp, p0, std::min(cols, Tp - p0), nullptr,
                         FusedActivation{}, mx + xi * M * Tp, Tp, ctx_.blocking);
        }
      });
      float* y = yp + n * M * OH * OW;
      ctx_.parallel(static_cast<size_t>(M), [&](size_t begin, size_t end) {
        for (size_t m = begin; m < end; ++m)
          winogradOutput(mx + static_cast<int64_t>(m) * Tp, M * Tp, TW, T, bias ? bias[m] : 0.f, act_,
                         y + static_cast<int64_t>(m) * OH * OW, OH, OW);
      });
    }
    return ZY_OK;
  }

  OpContext ctx_;
  Attributes attrs_;
  int64_t kh_ = 1, kw_ = 1;
  F32PackedWeights weights_;
  std::vector<F32PackedWeights> winograd_;  // Winograd: U for each of the 36 points, packed
  F16PackedWeights half_;  // instead of weights_ in fp16 sessions
  std::vector<float> bias_, col_;
  FusedActivation act_;
};

// ---- int8 QLinearConv ----

bool qconvSupported(const zy_op_view_t* op, std::string* why, bool depthwise = false) {
  if (!qconvParamsSupported(op, why)) return false;
  return depthwise || is2dUngrouped(op, 3, why);
}
bool qconvGemmSupported(const zy_op_view_t* op, std::string* why) { return qconvSupported(op, why); }

class QConvOp : public ArmOp {
 public:
  QConvOp(const OpContext& ctx, const zy_op_view_t* op)
      : ctx_(ctx),
        attrs_(attributesFromView(op)),
        kh_(op->inputs[3].dims[2]),
        kw_(op->inputs[3].dims[3]),
        gemm_(static_cast<const int8_t*>(op->inputs[3].data), op->inputs[3].dims[0], op->inputs[3].dims[1] * kh_ * kw_),
        params_(op, attrs_, gemm_.weights().row_sums, /*gemm_u8=*/false) {}

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!params_.status.ok()) { *err = params_.status.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
    WindowGeometry g;
    Status s = computeWindow(attrs_, {H, W}, {kh_, kw_}, false, &g);
    if (!s.ok()) { *err = s.message(); return ZY_INVALID_ARGUMENT; }
    const int64_t P = g.out[0] * g.out[1], nr = gemm_.panelWidth(), panels = (P + nr - 1) / nr;
    for (int64_t n = 0; n < N; ++n) {
      const uint8_t* src = gemmInput(ctx_, static_cast<const uint8_t*>(x.data) + n * C * H * W, C, H, W, kh_, kw_, g, params_.pad, &col_);
      uint8_t* yn = static_cast<uint8_t*>(y.data) + n * gemm_.weights().m * P;
      ctx_.parallel(static_cast<size_t>(panels), [&](size_t b, size_t e) {
        std::vector<int8_t> scratch(gemm_.scratchBytes());
        for (size_t t = b; t < e; ++t) {
          const int64_t p0 = static_cast<int64_t>(t) * nr;
          gemm_.panel(src, P, p0, std::min(nr, P - p0), params_.pad, params_.flip, params_.rq, scratch.data(), yn, P);
        }
      });
    }
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  Attributes attrs_;
  int64_t kh_, kw_;
  Qs8ArmGemm gemm_;
  Qs8ConvParams params_;
  std::vector<uint8_t> col_;
};

// ---- Depthwise (fp32 and int8) ----
// One filter per channel, stride 1 or 2, no dilation: each channel's plane is
// padded in a per-thread buffer (zeros, or the zero point), then the plane kernel.

bool depthwiseGeometry(const zy_op_view_t* op, size_t w_index) {
  const zy_tensor_view_t &x = op->inputs[0], &w = op->inputs[w_index];
  const Attributes a = attributesFromView(op);
  std::vector<int64_t> strides = a.getInts("strides"), dilations = a.getInts("dilations");
  if (strides.empty()) strides = {1, 1};
  return x.rank == 4 && w.rank == 4 && w.is_constant && a.getInt("group", 1) == x.dims[1] && w.dims[0] == x.dims[1] &&
         w.dims[1] == 1 && strides.size() == 2 && strides[0] == strides[1] && (strides[0] == 1 || strides[0] == 2) &&
         std::all_of(dilations.begin(), dilations.end(), [](int64_t d) { return d == 1; });
}

bool dwSupported(const zy_op_view_t* op, std::string* why) {
  if (!f32ConvSupported(op, why)) return false;
  if (!depthwiseGeometry(op, 1)) { *why = "depthwise with stride 1 or 2 and no dilation only"; return false; }
  return true;
}

bool qdwSupported(const zy_op_view_t* op, std::string* why) {
  if (!qconvSupported(op, why, /*depthwise=*/true)) return false;  // first: it checks that the inputs exist
  if (!depthwiseGeometry(op, 3)) { *why = "depthwise with stride 1 or 2 and no dilation only"; return false; }
  return true;
}

// Runs plane(c, padded plane, pitch, out) for every channel, the plane padded with `fill`.
template <typename T, typename Plane>
zy_status_code_t eachPaddedPlane(const OpContext& ctx, const zy_op_view_t* op, const Attributes& attrs, int64_t kh, int64_t kw,
                                 T fill, uint8_t flip, std::string* err, Plane&& plane) {
  const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
  const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
  WindowGeometry g;
  Status s = computeWindow(attrs, {H, W}, {kh, kw}, false, &g);
  if (!s.ok()) { *err = s.message(); return ZY_INVALID_ARGUMENT; }
  const int64_t OH = g.out[0], OW = g.out[1], stride = g.strides[0];
  const int64_t rows = (OH - 1) * stride + kh, pitch = ((OW + 7) / 8 * 8) * stride + kw + 16;
  ctx.parallel(static_cast<size_t>(N * C), [&](size_t b, size_t e) {
    std::vector<T> padded(static_cast<size_t>(rows * pitch));
    for (size_t t = b; t < e; ++t) {
      std::fill(padded.begin(), padded.end(), fill);
      const T* src = static_cast<const T*>(x.data) + static_cast<int64_t>(t) * H * W;
      for (int64_t ih = 0; ih < H; ++ih) {
        const int64_t r = ih + g.pad_begin[0];
        if (r < 0 || r >= rows) continue;
        T* dst = padded.data() + r * pitch + g.pad_begin[1];
        const int64_t n = std::min(W, pitch - g.pad_begin[1]);
        if constexpr (std::is_same<T, float>::value) std::copy(src + ih * W, src + ih * W + n, dst);
        else for (int64_t iw = 0; iw < n; ++iw) dst[iw] = static_cast<T>(src[ih * W + iw] ^ flip);
      }
      plane(static_cast<int64_t>(t) % C, padded.data(), pitch, static_cast<int>(stride), OH, OW,
            static_cast<int64_t>(t) * OH * OW);
    }
  });
  (void)y;
  return ZY_OK;
}

class DwConvOp : public ArmOp {
 public:
  DwConvOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx), attrs_(attributesFromView(op)) {
    const zy_tensor_view_t& w = op->inputs[1];
    kh_ = w.dims[2];
    kw_ = w.dims[3];
    const float* wp = static_cast<const float*>(w.data);
    weights_.assign(wp, wp + w.dims[0] * kh_ * kw_);
    if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED) {
      const float* b = static_cast<const float*>(op->inputs[2].data);
      bias_.assign(b, b + w.dims[0]);
    }
    FusedActivation::parse(attrs_, &act_);
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    float* y = static_cast<float*>(op->outputs[0].data);
    return eachPaddedPlane<float>(ctx_, op, attrs_, kh_, kw_, 0.f, 0, err,
                                  [&](int64_t c, const float* plane, int64_t pitch, int stride, int64_t OH, int64_t OW, int64_t out) {
                                    f32DwConvPlane(plane, pitch, weights_.data() + c * kh_ * kw_, static_cast<int>(kh_),
                                                   static_cast<int>(kw_), stride, OH, OW, y + out);
                                    const float b = bias_.empty() ? 0.f : bias_[c];
                                    for (int64_t i = 0; i < OH * OW; ++i) y[out + i] += b;
                                    applyActivation(y + out, OH * OW, act_);
                                  });
  }

 private:
  OpContext ctx_;
  Attributes attrs_;
  int64_t kh_ = 1, kw_ = 1;
  std::vector<float> weights_, bias_;
  FusedActivation act_;
};

class QDwConvOp : public ArmOp {
 public:
  QDwConvOp(const OpContext& ctx, const zy_op_view_t* op)
      : ctx_(ctx),
        attrs_(attributesFromView(op)),
        kh_(op->inputs[3].dims[2]),
        kw_(op->inputs[3].dims[3]),
        weights_(static_cast<const int8_t*>(op->inputs[3].data),
                 static_cast<const int8_t*>(op->inputs[3].data) + op->inputs[3].dims[0] * kh_ * kw_),
        params_(op, attrs_, channelSums(weights_, kh_ * kw_), /*gemm_u8=*/false) {}

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!params_.status.ok()) { *err = params_.status.message(); return ZY_INVALID_ARGUMENT; }
    uint8_t* y = static_cast<uint8_t*>(op->outputs[0].data);
    return eachPaddedPlane<uint8_t>(
        ctx_, op, attrs_, kh_, kw_, static_cast<uint8_t>(params_.pad ^ params_.flip), params_.flip, err,
        [&](int64_t c, const uint8_t* plane, int64_t pitch, int stride, int64_t OH, int64_t OW, int64_t out) {
          qs8DwConvPlane(reinterpret_cast<const int8_t*>(plane), pitch, weights_.data() + c * kh_ * kw_, static_cast<int>(kh_),
                         static_cast<int>(kw_), stride, OH, OW, params_.rq, c, y + out);
        });
  }

 private:
  static std::vector<int32_t> channelSums(const std::vector<int8_t>& w, int64_t taps) {
    std::vector<int32_t> sums(w.size() / static_cast<size_t>(taps), 0);
    for (size_t i = 0; i < w.size(); ++i) sums[i / static_cast<size_t>(taps)] += w[i];
    return sums;
  }

  OpContext ctx_;
  Attributes attrs_;
  int64_t kh_, kw_;
  std::vector<int8_t> weights_;
  Qs8ConvParams params_;
};

template <typename T>
std::unique_ptr<ArmOp> prepare(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<T>(ctx, op); }

}  // namespace

const OpKind kConvOps[] = {{"Conv", convSupported, prepare<ConvOp>},
                           {"Conv", dwSupported, prepare<DwConvOp>},
                           {"QLinearConv", qconvGemmSupported, prepare<QConvOp>},
                           {"QLinearConv", qdwSupported, prepare<QDwConvOp>}};
const size_t kNumConvOps = sizeof(kConvOps) / sizeof(kConvOps[0]);

}  // namespace arm
}  // namespace zy
