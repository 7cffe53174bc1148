// Depthwise 2-D convolution over blocks of channels (f32-dwconv2d-cblock):
// a block of 16 channels (AVX-512; 8 with AVX2) is transposed into
// [row][column][channel] with the padding written in, so every kernel tap of
// every output pixel is one vector load and one FMA, then transposed back.
// For small planes (MobileNet's and EfficientNet's 7x7 and 14x14 layers) this
// beats the per-plane kernel of f32_window2d, whose cost there is per-plane
// overhead and vector tails.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ops/fused_activation.h"
#include "ops/op_helpers.h"

namespace zy {
namespace x86 {

class DwconvChannelBlocked {
 public:
  // w: [C][KH * KW]; bias: [C] or null.
  DwconvChannelBlocked(const float* w, const float* bias, int64_t C, int64_t KH, int64_t KW);

  int64_t blocks() const { return (C_ + lanes_ - 1) / lanes_; }
  size_t scratchFloats(const WindowGeometry& g) const;
  // Channels [block * lanes, ...) of one image x [C][H][W] into y [C][OH][OW].
  void run(int64_t block, const float* x, int64_t H, int64_t W, const WindowGeometry& g, const FusedActivation& act, float* y,
           float* scratch) const;

 private:
  int64_t C_, KH_, KW_, lanes_;
  std::vector<float> weights_;  // [block][tap][lanes]
  std::vector<float> bias_;     // [block][lanes]
};

}  // namespace x86
}  // namespace zy
