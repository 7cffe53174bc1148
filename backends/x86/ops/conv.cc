// Conv on x86: 1x1 stride-1 convolutions as a GEMM on the input as it is
// (strided 1x1 on the subsampled input), 3x3 stride-1 ones with Winograd
// F(4x4, 3x3) where it pays, small images as a pixel-major GEMM, other
// convolutions as one GEMM over the zero-padded input (PaddedPlanes), with
// the weights packed once per session or ahead of time (zy-compile --target
// x86); depthwise convolutions with the direct 3x3 kernel on wide rows, the
// channel-blocked kernel, or the per-plane window kernel. Bias, residual and
// the fused activation are applied in the store.
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

#include "core/backend_helpers.h"
#include "kernels/f32_activation.h"
#include "kernels/f32_conv3x3s2_chw.h"
#include "kernels/f32_dwconv2d_flat.h"
#include "kernels/f32_window3x3_chw.h"
#include "kernels/f32_window2d_cblock.h"
#include "kernels/f32_gemm.h"
#include "kernels/f32_gemv.h"
#include "kernels/f32_pixels_to_channels.h"
#include "kernels/f32_window2d.h"
#include "kernels/f32_winograd.h"
#include "kernels/packed_blob.h"
#include "kernels/padded_planes.h"
#include "kernels/scratch.h"
#include "ops/op_helpers.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

bool convSupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs < 2 || !allF32(op)) { *why = "only f32 Conv"; return false; }
  if (op->inputs[0].rank != 4) { *why = "only 2-D convolutions"; return false; }
  if (!op->inputs[1].is_constant || (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED && !op->inputs[2].is_constant)) {
    *why = "weights and bias must be constants";
    return false;
  }
  const Attributes a = attributesFromView(op);
  const int64_t group = a.getInt("group", 1);
  const bool depthwise = group == op->inputs[0].dims[1] && op->inputs[1].dims[0] == group && op->inputs[1].dims[1] == 1;
  if (group != 1 && !depthwise) { *why = "grouped convolutions other than depthwise are not implemented for x86 yet"; return false; }
  FusedActivation act;
  if (!FusedActivation::parse(a, &act)) { *why = "unknown fused activation"; return false; }
  if (op->num_inputs > 3 && op->inputs[3].dtype != ZY_DTYPE_UNDEFINED && depthwise) {
    *why = "a fused residual on a depthwise convolution is not implemented for x86";
    return false;
  }
  return true;
}

class ConvOp : public X86Op {
 public:
  ConvOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx), attrs_(attributesFromView(op)) {
    FusedActivation::parse(attrs_, &act_);
    const zy_tensor_view_t& w = op->inputs[1];
    const int64_t m = w.dims[0], k = w.dims[1] * w.dims[2] * w.dims[3];
    depthwise_ = attrs_.getInt("group", 1) != 1;
    const float* wp = static_cast<const float*>(w.data);
    if (depthwise_) {
      dw_weights_.assign(wp, wp + m * k);
      const float* b = op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED ? static_cast<const float*>(op->inputs[2].data) : nullptr;
      dw_blocked_ = std::make_unique<DwconvChannelBlocked>(wp, b, m, w.dims[2], w.dims[3]);
    } else if ((wino_tile_ = winogradTile(ctx, op, attrs_)) != 0) {
      const int64_t c = w.dims[1], points = winogradPoints();
      const GemmKernel* kernel = ctx.f32GemmFor(m, winogradTiles(op->outputs[0], wino_tile_));
      if (!viewPacked(op->blob, op->blob_size, kernel, m, c, points, &winograd_)) {  // packed ahead of time, or now
        std::vector<float> u(static_cast<size_t>(points * m * c));
        if (wino_tile_ == 4) winogradWeights(wp, m, c, u.data());
        else winograd23Weights(wp, m, c, u.data());
        for (int64_t xi = 0; xi < points; ++xi) winograd_.push_back(packA(kernel, u.data() + xi * m * c, m, c, c));
      }
    } else if (usePixelMajor(ctx, op, attrs_)) {  // weights as B [K][M], packed once
      std::vector<float> wt(static_cast<size_t>(k * m));
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < k; ++j) wt[static_cast<size_t>(j * m + i)] = wp[i * k + j];
      const zy_tensor_view_t& y = op->outputs[0];
      pixel_kernel_ = pixelMajorGemmKernel(y.dims[2] * y.dims[3], m);
      pixel_major_ = std::make_unique<PrepackedB>(wt.data(), k, m, pixel_kernel_->nr);
    } else {  // packed ahead of time, or once per session, for the kernel that suits this output
      const zy_tensor_view_t& y = op->outputs[0];
      const int64_t p = y.rank == 4 && y.dims[2] > 0 && y.dims[3] > 0 ? y.dims[2] * y.dims[3] : 0;
      const GemmKernel* kernel = ctx.gemmFor(m, p);
      std::vector<PackedA> packed;
      weights_ = viewPacked(op->blob, op->blob_size, kernel, m, k, 1, &packed) ? packed[0] : packA(kernel, wp, m, k, k);
      if (p == 1 && k == w.dims[1]) rows_.assign(wp, wp + m * k);  // 1x1 on a 1x1 image: dot products
    }
    if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED) {
      const float* bias = static_cast<const float*>(op->inputs[2].data);
      bias_.assign(bias, bias + m);
    }
    if (useDirectStem(ctx, op, attrs_, depthwise_))
      direct3x3s2_ = std::make_unique<Conv3x3s2Chw>(wp, bias_.empty() ? nullptr : bias_.data(), m, w.dims[1]);
  }

  // What zy-compile --target x86 keeps: the packed GEMM or Winograd weights.
  std::vector<uint8_t> compiledBlob() const override {
    if (!winograd_.empty()) return serializePacked(winograd_);
    if (weights_.kernel && rows_.empty()) return serializePacked({weights_});
    return {};
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    const zy_tensor_view_t &x = op->inputs[0], &w = op->inputs[1], &y = op->outputs[0];
    const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3], M = w.dims[0];
    WindowGeometry g;
    Status s = computeWindow(attrs_, {H, W}, {w.dims[2], w.dims[3]}, false, &g);
    if (!s.ok()) { *err = s.message(); return s.code(); }
    const int64_t P = g.out[0] * g.out[1];
    if (y.dims[1] != M || y.dims[2] * y.dims[3] != P) { *err = "output shape does not match"; return ZY_INVALID_ARGUMENT; }
    const float* xp = static_cast<const float*>(x.data);
    float* yp = static_cast<float*>(y.data);
    const float* bias = bias_.empty() ? nullptr : bias_.data();
    // The fused residual (input 3): added before the activation.
    const float* residual = op->num_inputs > 3 && op->inputs[3].dtype != ZY_DTYPE_UNDEFINED ? static_cast<const float*>(op->inputs[3].data) : nullptr;
    if (depthwise_ && useFlatDepthwise(g, H, W)) {  // one plane per task
      if (!dw_flat_ || dw_flat_H_ != H || dw_flat_W_ != W) {  // lane masks for this plane size
        dw_flat_ = std::make_unique<DwconvFlat>(g, H, W, act_);
        dw_flat_H_ = H, dw_flat_W_ = W;
      }
      const DwconvFlat& flat = *dw_flat_;
      ctx_.parallel(static_cast<size_t>(N * C), [&](size_t begin, size_t end) {
        for (size_t p = begin; p < end; ++p) {
          const int64_t c = static_cast<int64_t>(p) % C;
          flat.run(xp + static_cast<int64_t>(p) * H * W, dw_weights_.data() + c * 9, bias ? bias[c] : 0.f, yp + static_cast<int64_t>(p) * P);
        }
      });
      return ZY_OK;
    }
    if (depthwise_ && (useDirectDepthwise(g) || P > kBlockedDepthwiseMaxPixels)) {  // one plane per task
      const bool direct = useDirectDepthwise(g);
      const Window2d win(g, H, W);
      const int64_t taps = w.dims[2] * w.dims[3];
      ctx_.parallel(static_cast<size_t>(N * C), [&](size_t begin, size_t end) {
        float* scratch = direct ? nullptr : threadScratch(win.scratchFloats());
        for (size_t p = begin; p < end; ++p) {
          const int64_t c = static_cast<int64_t>(p) % C;
          const float *x = xp + static_cast<int64_t>(p) * H * W, *wc = dw_weights_.data() + c * taps;
          float* y = yp + static_cast<int64_t>(p) * P;
          if (direct) dwconv3x3Chw(x, H, W, g, wc, bias ? bias[c] : 0.f, act_, y);
          else win.dwconv(x, wc, bias ? bias[c] : 0.f, act_, y, scratch);
        }
      });
      return ZY_OK;
    }
    if (depthwise_) {
      const DwconvChannelBlocked& dw = *dw_blocked_;
      const int64_t blocks = dw.blocks();
      ctx_.parallel(static_cast<size_t>(N * blocks), [&](size_t begin, size_t end) {
        float* scratch = threadScratch(dw.scratchFloats(g));
        for (size_t t = begin; t < end; ++t) {
          const int64_t n = static_cast<int64_t>(t) / blocks;
          dw.run(static_cast<int64_t>(t) % blocks, xp + n * C * H * W, H, W, g, act_, yp + n * C * P, scratch);
        }
      });
      return ZY_OK;
    }
    // (direct3x3s2_ is never made for a convolution with a fused residual.)
    if (direct3x3s2_ && Conv3x3s2Chw::supported(g, C)) return runDirect3x3s2(xp, N, C, H, W, M, g, yp);
    const bool pointwise = isPointwise(w.dims[2], w.dims[3], g);
    if (!winograd_.empty()) return runWinograd(xp, N, C, H, W, M, g, bias, residual, yp);
    if (pixel_major_) return runPixelMajor(xp, N, C, H, W, M, w.dims[2], w.dims[3], g, bias, residual, yp);
    if (pointwise && P == 1 && !rows_.empty()) {  // squeeze-excite: one dot product per output channel
      for (int64_t n = 0; n < N; ++n) {
        ctx_.parallel(static_cast<size_t>(M), [&](size_t begin, size_t end) {
          gemvRows(rows_.data(), xp + n * C, C, bias, yp + n * M, static_cast<int64_t>(begin), static_cast<int64_t>(end));
          if (residual)
            for (size_t m = begin; m < end; ++m) yp[n * M + static_cast<int64_t>(m)] += residual[n * M + static_cast<int64_t>(m)];
          applyActivation(yp + n * M + begin, static_cast<int64_t>(end - begin), act_);
        });
      }
      return ZY_OK;
    }
    if (isSubsampledPointwise(w.dims[2], w.dims[3], g)) {
      // A 1x1 convolution without pads is a GEMM on the input as it is, or
      // strided (ResNet's downsample) on the pixels it reads.
      float* sub = pointwise ? nullptr : ctx_.workspace->image.reserve(static_cast<size_t>(C * P));
      for (int64_t n = 0; n < N; ++n) {
        const float* b = xp + n * C * H * W;
        if (!pointwise) {
          ctx_.parallel(static_cast<size_t>(C), [&](size_t begin, size_t end) {
            for (size_t c = begin; c < end; ++c)
              subsamplePlane(b + static_cast<int64_t>(c) * H * W, W, g.strides[0], g.strides[1], g.out[0], g.out[1],
                             sub + static_cast<int64_t>(c) * P);
          });
          b = sub;
        }
        gemm(weights_, b, P, P, yp + n * M * P, P, bias, act_, ctx_.parallel, residual ? residual + n * M * P : nullptr);
      }
      return ZY_OK;
    }
    const PaddedPlanes img(g, H, W, 0);
    if (newInputSize(H, W)) setImageOffsets(img, C, w.dims[2], w.dims[3]);
    for (int64_t n = 0; n < N; ++n) {
      const float* padded = padImage(img, xp + n * C * H * W, C);
      gemm(weights_, PaddedImagePacker(padded, offsets_, g.out[1], img.Wq), P, yp + n * M * P, P, bias, act_,
           ctx_.parallel, residual ? residual + n * M * P : nullptr);
    }
    return ZY_OK;
  }

 private:
  // Whether the input's planes are H x W for the first time since the
  // tables built from them (offsets_, pixel_, panel_base_) were made: a model
  // with dynamic dimensions may run a new size; a static one builds them once.
  bool newInputSize(int64_t H, int64_t W) {
    if (H == tables_h_ && W == tables_w_) return false;
    tables_h_ = H, tables_w_ = W;
    return true;
  }

  // The im2col rows of a padded image: row (c, i, j) starts at c * floats + tapOffset(i, j).
  void setImageOffsets(const PaddedPlanes& img, int64_t C, int64_t KH, int64_t KW) {
    offsets_.resize(static_cast<size_t>(C * KH * KW));
    for (int64_t c = 0; c < C; ++c)
      for (int64_t i = 0; i < KH; ++i)
        for (int64_t j = 0; j < KW; ++j) offsets_[static_cast<size_t>((c * KH + i) * KW + j)] = c * img.floats() + img.tapOffset(i, j);
  }

  // One image's C channels into the workspace's padded planes, in parallel:
  // tasks of a channel's rows, so that few channels still split evenly
  // (an RGB image in 3 tasks left one of two threads idle for a third of
  // them: MobileNetV2's first convolution at 2 threads waited 15 us there).
  const float* padImage(const PaddedPlanes& img, const float* image, int64_t C) {
    float* dst = ctx_.workspace->image.reserve(static_cast<size_t>(C * img.floats()));
    const int64_t blocks = std::min<int64_t>(img.Hq, std::max<int64_t>(1, 8 * ctx_.parallel.threads / C));  // row blocks per channel
    ctx_.parallel(static_cast<size_t>(C * blocks), [&](size_t begin, size_t end) {
      for (size_t t = begin; t < end; ++t) {
        const int64_t c = static_cast<int64_t>(t) / blocks, b = static_cast<int64_t>(t) % blocks;
        img.fillRows(image + c * img.H * img.W, 0.f, b * img.Hq / blocks, (b + 1) * img.Hq / blocks, dst + c * img.floats());
      }
    });
    return dst;
  }

  // A 1x1 window without padding at any stride reads one pixel per output.
  static bool isSubsampledPointwise(int64_t KH, int64_t KW, const WindowGeometry& g) {
    return KH == 1 && KW == 1 && g.pad_begin[0] == 0 && g.pad_begin[1] == 0 && g.pad_end[0] == 0 && g.pad_end[1] == 0;
  }
  static bool isPointwise(int64_t KH, int64_t KW, const WindowGeometry& g) {
    return isSubsampledPointwise(KH, KW, g) && g.strides[0] == 1 && g.strides[1] == 1;
  }

  // Small images (ResNet's 7x7 and 14x14 stages): the GEMM with pixels as
  // rows, 7 or 14 at a time (f32-gemm/avx512-7x48 or 14x32), and the weights
  // as B, packed once. 49 pixels fill 7 rows exactly and 196 fill 14, where
  // the channel-major GEMM computes 64 and 224 columns. Measured per layer
  // (ResNet-18/50, SqueezeNet, MobileNetV2, EfficientNet): it wins up to 64
  // pixels; up to 784 (28x28) for convolutions through the padded image
  // (ResNet's 3x3 stride-2 layer onto 28x28: 2.74 -> 2.63 ms), and up to 196
  // (14x14) for 1x1 convolutions with more than 512 input channels, whose
  // channel-major GEMM packs B too (1024 -> 256 on 14x14: 1.31 -> 1.06 ms). 1x1 convolutions
  // with fewer input channels read B in place; from 80 of them pixel-major
  // still wins where it pads less (384 -> 64 on 14x14: 0.130 -> 0.107 ms;
  // with the vector store, 96 -> 576: 0.262 -> 0.239, 80 -> 480: 0.212 ->
  // 0.199), with 64 it loses (64 -> 384: 0.119 -> 0.127 ms). From 64 output
  // channels; not in bf16 sessions.
  static constexpr int64_t kPixelMajorMaxPixels = 64, kPixelMajorMaxPointwisePixels = 196, kPixelMajorMaxPaddedPixels = 784,
                           kPixelMajorInPlaceMaxChannels = 512, kPixelMajorMinChannels = 80, kPixelMajorStridedMinChannels = 512;
  static bool usePixelMajor(const OpContext& ctx, const zy_op_view_t* op, const Attributes& a) {
    const zy_tensor_view_t &x = op->inputs[0], &w = op->inputs[1];
    if (ctx.bf16 || !pixelMajorGemmKernel(1, 1) || w.dims[0] < 64 || x.dims[2] <= 0 || x.dims[3] <= 0) return false;
    WindowGeometry g;
    if (!computeWindow(a, {x.dims[2], x.dims[3]}, {w.dims[2], w.dims[3]}, false, &g).ok()) return false;
    const int64_t pixels = g.out[0] * g.out[1], M = w.dims[0], K = w.dims[1];
    const bool pointwise = isPointwise(w.dims[2], w.dims[3], g);
    // Strided 1x1: subsampled, its B is read in place (ResNet's 256 -> 512 downsample onto 28x28: 2.6 -> 2.1 ms),
    // but for up to 196 outputs from 512+ channels: an in-place B block of 48 KiB is then only 32 pixels wide,
    // and the weights are read again for each (ResNet-50's 512 -> 1024 onto 14x14: 2.19 -> 2.09 ms pixel-major;
    // ResNet-18's 128 -> 256 is 6% slower so).
    if (!pointwise && isSubsampledPointwise(w.dims[2], w.dims[3], g) && pixels > kPixelMajorMaxPixels &&
        (pixels > kPixelMajorMaxPointwisePixels || K < kPixelMajorStridedMinChannels))
      return false;
    if (pixels <= 0 || pixels > (pointwise ? kPixelMajorMaxPointwisePixels : kPixelMajorMaxPaddedPixels)) return false;
    if (pixels <= kPixelMajorMaxPixels || !pointwise || K > kPixelMajorInPlaceMaxChannels) return true;
    // A 1x1 convolution whose channel-major GEMM reads B in place: pixel-major
    // from kPixelMajorMinChannels input channels when it computes fewer padded outputs.
    const auto padded = [](int64_t rows, int64_t cols, const GemmKernel* k) {
      return (rows + k->mr - 1) / k->mr * k->mr * ((cols + k->nr - 1) / k->nr * k->nr);
    };
    return K >= kPixelMajorMinChannels && padded(pixels, M, pixelMajorGemmKernel(pixels, M)) < padded(M, pixels, selectGemmKernel(M, pixels));
  }

  static constexpr int64_t kInPlaceAMinPixels = 169;
  zy_status_code_t runPixelMajor(const float* xp, int64_t N, int64_t C, int64_t H, int64_t W, int64_t M, int64_t KH, int64_t KW,
                                 const WindowGeometry& g, const float* bias, const float* residual, float* yp) {
    const GemmKernel* kernel = pixel_kernel_;
    const int64_t OH = g.out[0], OW = g.out[1], P = OH * OW, K = C * KH * KW;
    const bool pointwise = isPointwise(KH, KW, g);
    const PaddedPlanes img(g, H, W, 0);
    const int64_t mr = kernel->mr, panels = (P + mr - 1) / mr;
    // Panels of mr pixels: read in place where their pixels are one run of
    // the input (1x1) or of its padded planes, from 13x13 images on; the
    // others packed, in parallel ([panel][K][mr]). The packing took 13% of
    // MobileNetV2's 576 -> 96 projection on 14x14 (0.234 -> 0.207 ms in
    // place), SqueezeNet's 512 -> 64 on 13x13 0.092 -> 0.078. On 7x7 reading
    // in place is slower (MobileNetV2's 960 -> 160: 0.168 -> 0.191 ms): every
    // column panel re-reads A's columns, 7 floats in a cache line or two.
    const bool in_place = kernel->run_a_in_place && P >= kInPlaceAMinPixels;
    if (newInputSize(H, W)) {
      // GEMM row p = oh * OW + ow reads its im2col values at pixel_[p] in each row.
      pixel_.resize(static_cast<size_t>(P));
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) pixel_[static_cast<size_t>(oh * OW + ow)] = oh * (pointwise ? OW : img.Wq) + ow;
      if (pointwise) {
        offsets_.resize(static_cast<size_t>(K));
        for (int64_t c = 0; c < C; ++c) offsets_[static_cast<size_t>(c)] = c * P;
      } else {
        setImageOffsets(img, C, KH, KW);
      }
      panel_base_.assign(static_cast<size_t>(panels), -1);
      for (int64_t p = 0; in_place && p < panels; ++p) {
        const int64_t first = p * mr, last = first + mr - 1;  // pixel_ increases, so equal ends mean one run
        if (last < P && pixel_[static_cast<size_t>(last)] - pixel_[static_cast<size_t>(first)] == mr - 1)
          panel_base_[static_cast<size_t>(p)] = pixel_[static_cast<size_t>(first)];
      }
    }
    Workspace& ws = *ctx_.workspace;
    float* packed = ws.packed.reserve(packedAFloats(kernel, P, K));
    float* output = ws.output.reserve(static_cast<size_t>(P * M));
    for (int64_t n = 0; n < N; ++n) {
      const float* image = xp + n * C * H * W;
      const float* padded = pointwise ? nullptr : padImage(img, image, C);
      const float* base = pointwise ? image : padded;
      ctx_.parallel(static_cast<size_t>(panels), [&](size_t begin, size_t end) {
        for (size_t p = begin; p < end; ++p) {
          if (panel_base_[p] >= 0) continue;
          const int64_t p0 = static_cast<int64_t>(p) * mr;
          packAColumns(kernel, base, offsets_.data(), pixel_.data() + p0, std::min(mr, P - p0), K, packed + p0 * K);
        }
      });
      PackedA a = PackedA::borrowed(kernel, P, K, packed);
      if (in_place) {
        a.by_columns = base;
        a.row_offsets = offsets_.data();
        a.panel_base = panel_base_.data();
      }
      gemm(a, *pixel_major_, M, output, M, nullptr, FusedActivation{}, ctx_.parallel);
      // [pixel][channel] -> [channel][pixel], with bias, residual and activation.
      float* yn = yp + n * M * P;
      const float* rn = residual ? residual + n * M * P : nullptr;
      constexpr int64_t kBlock = 16;  // channels per task: one transposed block wide
      ctx_.parallel(static_cast<size_t>((M + kBlock - 1) / kBlock), [&](size_t begin, size_t end) {
        pixelsToChannels(output, M, P, static_cast<int64_t>(begin) * kBlock, std::min(M, static_cast<int64_t>(end) * kBlock), bias,
                         rn, act_, yn);
      });
    }
    return ZY_OK;
  }

  // An image of up to 4 channels under a 3x3 stride-2 window (the RGB stems
  // of MobileNet, EfficientNet, ShuffleNet, SqueezeNet): the direct kernel
  // (f32-conv2d-chw/avx512-3x3s2) instead of the im2col GEMM, whose K of 27
  // cost as much to pack as to multiply. The GEMM weights stay packed for
  // geometries the direct kernel declines (a SAME pad of 2); in bf16 sessions only where keepsF32Shortcuts().
  static bool useDirectStem(const OpContext& ctx, const zy_op_view_t* op, const Attributes& a, bool depthwise) {
    const zy_tensor_view_t& w = op->inputs[1];
    if (!ctx.keepsF32Shortcuts() || depthwise || w.dims[2] != 3 || w.dims[3] != 3 || w.dims[1] > Conv3x3s2Chw::kMaxInputChannels) return false;
    if (op->num_inputs > 3 && op->inputs[3].dtype != ZY_DTYPE_UNDEFINED) return false;  // a fused residual
    for (int64_t s : a.getInts("strides")) if (s != 2) return false;
    return a.getInts("strides").size() == 2;
  }

  // Tasks of a channel block's output rows, channel block by channel block:
  // the thread that computes a set of channels is the one the next op (a
  // depthwise layer, split over channels) gives them to. Tasks of rows over
  // every block left each thread half of every plane it read next.
  zy_status_code_t runDirect3x3s2(const float* xp, int64_t N, int64_t C, int64_t H, int64_t W, int64_t M, const WindowGeometry& g,
                                  float* yp) {
    const int64_t OH = g.out[0], P = g.out[0] * g.out[1], blocks = direct3x3s2_->blocks();
    const int64_t chunks = std::min<int64_t>(OH, std::max<int64_t>(1, 8 * ctx_.parallel.threads / blocks));  // row blocks per channel block
    ctx_.parallel(static_cast<size_t>(N * blocks * chunks), [&](size_t begin, size_t end) {
      for (size_t t = begin; t < end; ++t) {
        const int64_t n = static_cast<int64_t>(t) / (blocks * chunks), b = static_cast<int64_t>(t) / chunks % blocks,
                      r = static_cast<int64_t>(t) % chunks;
        direct3x3s2_->run(b, r * OH / chunks, (r + 1) * OH / chunks, xp + n * C * H * W, H, W, g, act_, yp + n * M * P);
      }
    });
    return ZY_OK;
  }

  // 3x3 at stride 1 onto 14x14 and larger, the size of the input: the flat
  // per-plane kernel (f32-dwconv2d-flat), measured inside MobileNetV2 against
  // the kernels below: 56x56 0.193 -> 0.135 ms, 28x28 0.071 -> 0.052, 14x14
  // 0.042 -> 0.034, 112x112 0.159 -> 0.146. Planes padded by one whose width
  // has its sliding window (one load per vector, every tap a lane shift; up
  // to 15 wide, and the common widths to 112) take it at any size, 7x7 too
  // (where its general path had lost to the channel-blocked kernel inside
  // the models). Inside MobileNetV2 at one thread:
  // 960-channel 7x7 layers 0.032-0.037 -> 0.022 ms (on the channel-blocked
  // kernel before), 14x14 0.038 -> 0.024 and 0.058 -> 0.036, 28x28 0.059 ->
  // 0.043, 56x56 0.144 -> 0.123, 112x112 0.130 -> 0.100 (the general flat
  // path before); EfficientNet-b0's layers 0.14 ms in all.
  static constexpr int64_t kFlatDepthwiseMinPixels = 14 * 14;
  static bool useFlatDepthwise(const WindowGeometry& g, int64_t H, int64_t W) {
    return DwconvFlat::supported(g, H, W) && (DwconvFlat::slidingWindow(g, W) || H * W >= kFlatDepthwiseMinPixels);
  }

  // Wide output rows take the direct per-plane kernel (f32-dwconv2d-chw):
  // measured inside MobileNetV2 and EfficientNet, it beats the channel-blocked
  // kernel 2.2x on 112x112 and 1.3x at stride 2 onto 56x56 and 28x28, ties at
  // stride 1 on 56x56 and at stride 2 onto 14x14, and loses on 28x28 rows at
  // stride 1 (1.3x) and below.
  static bool useDirectDepthwise(const WindowGeometry& g) {
    return window3x3ChwSupported(g) && (g.out[1] >= 56 || (g.strides[1] == 2 && g.out[1] >= 28));
  }

  // Depthwise outputs up to this many pixels take the channel-blocked kernel,
  // larger ones the per-plane kernel: on MobileNetV2 the blocked kernel is
  // 1.1-2x faster up to 56x56 and even at 112x112.
  static constexpr int64_t kBlockedDepthwiseMaxPixels = 56 * 56;

  // 3x3, stride 1, no dilation, not grouped, and enough work per tile to pay
  // for the transforms: measured per layer on resnet18/50 and squeezenet,
  // F(4x4, 3x3) wins from 32 input channels at 49+ tiles (a 28x28 output: 2x
  // faster than the pixel-major GEMM with 128 channels), and at 16 tiles
  // (14x14, 13x13) with a GEMM kernel 16 columns wide (f32-gemm/avx512-24x16):
  // ResNet-50's 256-channel 14x14 layers 2.19 -> 1.10 ms, SqueezeNet's 13x13
  // expand3x3 0.48 -> 0.31 ms (32-wide tiles computed twice the tiles, and
  // lost to the pixel-major GEMM by 3%). 7x7 and 8x8 outputs (4 tiles of
  // 4x4) with 64+ input channels take F(2x2, 3x3), 16 tiles: ResNet-50's
  // 512-channel 7x7 layers 2.45 -> 1.72 ms (its 16 GEMMs read 16.8 MB of
  // transformed weights, against 9.4 MB for the pixel-major GEMM). The output
  // tile size (4 or 2), 0 for none; ZY_X86_WINOGRAD=0 turns it off.
  static int64_t winogradTile(const OpContext& ctx, const zy_op_view_t* op, const Attributes& a) {
    const char* env = std::getenv("ZY_X86_WINOGRAD");
    if (env && std::strcmp(env, "0") == 0) return 0;
    const zy_tensor_view_t &w = op->inputs[1], &y = op->outputs[0];
    if (!ctx.keepsF32Shortcuts() || w.dims[2] != 3 || w.dims[3] != 3 || a.getInt("group", 1) != 1 || w.dims[0] < 8) return 0;
    if (y.rank != 4 || y.dims[2] <= 0 || y.dims[3] <= 0 || w.dims[1] < 32) return 0;
    for (int64_t s : a.getInts("strides")) if (s != 1) return 0;
    for (int64_t d : a.getInts("dilations")) if (d != 1) return 0;
    // 16 tiles fill one 16-wide GEMM tile, where there is such a kernel.
    const auto fillsNarrowKernel = [&](int64_t tiles) { return tiles == 16 && ctx.f32GemmFor(w.dims[0], tiles)->nr <= 16; };
    const int64_t tiles4 = winogradTiles(y, 4);
    if (tiles4 >= 49 || fillsNarrowKernel(tiles4)) return 4;
    if (fillsNarrowKernel(winogradTiles(y, 2)) && w.dims[1] >= 64) return 2;
    return 0;
  }
  // Output tiles of size m of a 4-D output.
  static int64_t winogradTiles(const zy_tensor_view_t& y, int64_t m) { return ((y.dims[2] + m - 1) / m) * ((y.dims[3] + m - 1) / m); }
  int64_t winogradPoints() const { return wino_tile_ == 4 ? kWinogradPoints : kWinograd23Points; }

  zy_status_code_t runWinograd(const float* xp, int64_t N, int64_t C, int64_t H, int64_t W, int64_t M, const WindowGeometry& g,
                               const float* bias, const float* residual, float* yp) {
    const int64_t tile = wino_tile_, points = winogradPoints();
    const int64_t OH = g.out[0], OW = g.out[1], TW = (OW + tile - 1) / tile, TH = (OH + tile - 1) / tile, T = TH * TW;
    const int64_t Tp = (T + kWinogradTileLanes - 1) / kWinogradTileLanes * kWinogradTileLanes;
    const int64_t Hp = TH * tile + 2, Wp = TW * tile + 2, PT = g.pad_begin[0], PL = g.pad_begin[1];
    float* v = ctx_.workspace->image.reserve(static_cast<size_t>(points * C * Tp));
    float* mx = ctx_.workspace->output.reserve(static_cast<size_t>(points * M * Tp));
    const ParallelFor serial = [](size_t n, const std::function<void(size_t, size_t)>& fn) { if (n) fn(0, n); };
    for (int64_t n = 0; n < N; ++n) {
      const float* x = xp + n * C * H * W;
      ctx_.parallel(static_cast<size_t>(C), [&](size_t begin, size_t end) {
        float* plane = threadScratch(static_cast<size_t>(Hp * Wp));
        const int64_t lo = std::min(Wp, PL), hi = std::max(lo, std::min(Wp, W + PL));
        for (size_t c = begin; c < end; ++c) {
          for (int64_t r = 0; r < Hp; ++r) {
            float* row = plane + r * Wp;
            const int64_t ih = r - PT;
            if (ih < 0 || ih >= H) { std::memset(row, 0, static_cast<size_t>(Wp) * sizeof(float)); continue; }
            std::memset(row, 0, static_cast<size_t>(lo) * sizeof(float));
            std::memcpy(row + lo, x + (static_cast<int64_t>(c) * H + ih) * W + lo - PL, static_cast<size_t>(hi - lo) * sizeof(float));
            std::memset(row + hi, 0, static_cast<size_t>(Wp - hi) * sizeof(float));
          }
          winogradInput(static_cast<int>(tile), plane, Wp, TW, T, Tp, v + static_cast<int64_t>(c) * Tp, C * Tp);
        }
      });
      ctx_.parallel(static_cast<size_t>(points), [&](size_t begin, size_t end) {
        for (size_t xi = begin; xi < end; ++xi)
          gemm(winograd_[xi], v + static_cast<int64_t>(xi) * C * Tp, Tp, Tp, mx + static_cast<int64_t>(xi) * M * Tp, Tp, nullptr,
               FusedActivation{}, serial);
      });
      float* y = yp + n * M * OH * OW;
      ctx_.parallel(static_cast<size_t>(M), [&](size_t begin, size_t end) {
        for (size_t m = begin; m < end; ++m) {
          const float* r = residual ? residual + (n * M + static_cast<int64_t>(m)) * OH * OW : nullptr;
          winogradOutput(static_cast<int>(tile), mx + static_cast<int64_t>(m) * Tp, M * Tp, TW, T, bias ? bias[m] : 0.f, r, act_,
                         y + static_cast<int64_t>(m) * OH * OW, OH, OW);
        }
      });
    }
    return ZY_OK;
  }

  OpContext ctx_;
  Attributes attrs_;
  FusedActivation act_;
  bool depthwise_ = false;
  int64_t wino_tile_ = 0;          // Winograd's output tile: 4 (F(4x4, 3x3)), 2 (F(2x2, 3x3)), 0 (none)
  std::vector<PackedA> winograd_;  // Winograd: U for each of the 36 or 16 points, packed
  std::unique_ptr<PrepackedB> pixel_major_;  // small images: the weights as B [K][M]
  const GemmKernel* pixel_kernel_ = nullptr;  // ... and the microkernel for them
  std::vector<float> dw_weights_;  // depthwise: [C][KH*KW]
  std::unique_ptr<DwconvChannelBlocked> dw_blocked_;
  std::unique_ptr<DwconvFlat> dw_flat_;
  std::unique_ptr<Conv3x3s2Chw> direct3x3s2_;  // few-channel 3x3 stride-2 images (stems)
  int64_t dw_flat_H_ = 0, dw_flat_W_ = 0;
  std::vector<float> rows_;        // 1x1 convolution of a 1x1 image: the weights as [M][C]
  PackedA weights_;
  std::vector<float> bias_;
  std::vector<int64_t> offsets_;  // per im2col row: where it starts in the padded image
  std::vector<int64_t> pixel_;    // pixel-major: each output pixel's position in an im2col row
  std::vector<int64_t> panel_base_;  // ... each pixel panel's first position where read in place, else -1
  int64_t tables_h_ = -1, tables_w_ = -1;  // the input plane size those tables are for
};

std::unique_ptr<X86Op> prepareConv(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<ConvOp>(ctx, op); }

}  // namespace

const OpKind kConvOps[] = {{"Conv", convSupported, prepareConv}};
const size_t kNumConvOps = 1;

}  // namespace x86
}  // namespace zy
