// 2-D window kernels over blocks of channels: depthwise convolution
// (f32-dwconv2d-cblock) and max pooling (f32-maxpool2d-cblock). A block of 16
// channels (AVX-512; 8 with AVX2) is transposed into [row][column][channel]
// with the padding written in, so every kernel tap of every output pixel is
// one vector load (and one FMA or max), then transposed back. Up to 56x56
// outputs this beats the per-plane kernels of f32_window2d, whose cost is
// per-plane overhead, vector tails and strided reads.
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

class MaxPoolChannelBlocked {
 public:
  explicit MaxPoolChannelBlocked(int64_t C);

  int64_t blocks() const { return (C_ + lanes_ - 1) / lanes_; }
  size_t scratchFloats(const WindowGeometry& g) const;
  // Channels [block * lanes, ...) of one image x [C][H][W] into y [C][OH][OW];
  // padding never wins.
  void run(int64_t block, const float* x, int64_t H, int64_t W, const WindowGeometry& g, float* y, float* scratch) const;

 private:
  int64_t C_, lanes_;
};

}  // namespace x86
}  // namespace zy
