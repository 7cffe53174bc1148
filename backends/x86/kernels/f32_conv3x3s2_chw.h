// Direct 3x3 stride-2 convolution of an NCHW image with few channels, the
// first layer of MobileNet, EfficientNet, ShuffleNet and SqueezeNet:
// f32-conv2d-chw/avx512-3x3s2. 16 output pixels of a row per vector, 16
// output channels (8 for a short last block) in registers. Each input row
// of the window gives its three taps from two loads and three shuffles (even
// lanes, odd lanes, even lanes shifted by one), and each tap feeds one FMA
// per output channel with a broadcast weight. Through the im2col GEMM, three
// input channels made a K of 27 whose packing cost as much as the products.
#pragma once
#include <cstdint>
#include <vector>

#include "ops/fused_activation.h"
#include "ops/op_helpers.h"

namespace zy {
namespace x86 {

class Conv3x3s2Chw {
 public:
  static constexpr int64_t kMaxInputChannels = 4;  // beyond, the GEMM's K is large enough to pay for im2col
  static constexpr int64_t kBlock = 16;           // output channels per block

  // AVX-512, 3x3, stride 2, no dilation, leading pads of at most 1, up to
  // kMaxInputChannels input channels.
  static bool supported(const WindowGeometry& g, int64_t C);

  // w: [M][C][3][3]; bias: [M] or null.
  Conv3x3s2Chw(const float* w, const float* bias, int64_t M, int64_t C);

  int64_t blocks() const { return (M_ + kBlock - 1) / kBlock; }
  // Output rows [oh0, oh1) of channels [block * kBlock, ...) of one image
  // x [C][H][W] into y [M][OH][OW].
  void run(int64_t block, int64_t oh0, int64_t oh1, const float* x, int64_t H, int64_t W, const WindowGeometry& g,
           const FusedActivation& act, float* y) const;

 private:
  int64_t M_, C_;
  std::vector<float> weights_;  // [block][c][tap][kBlock], zero past M
  std::vector<float> bias_;     // [block][kBlock]
};

}  // namespace x86
}  // namespace zy
