// f32-dwconv2d-flat/avx512-3x3: a depthwise 3x3 convolution at stride 1
// whose output is the size of its input ("same" padding), on one NCHW plane
// read as a flat array: a vector holds 16 consecutive output pixels, across
// row ends, so a 14x14 plane is 13 vectors and a 7x7 one 4. Tap (i, j) of
// every lane then lies at a fixed offset from the output position: one load
// per kernel row (with its neighbours), lane shifts for its columns; lanes
// whose tap column falls off the row (and so reads the neighbouring row) are
// masked out of that tap's FMA, and rows above and below the plane load as
// zeros. No padded copy and no transpose: the channel-blocked kernel spent
// half its time in 16x16 transposes on small planes.
// With one pixel of padding, planes up to 15 wide and those of the common
// widths from 16 to 112 slide a window of registers along the plane instead
// (vectors v - W/16 - 1 to v + W/16 + 1): one load per vector, every tap a
// lane shift by an immediate. The general path's row loads at +-W split
// cache lines, and on Zen 4 a shuffle and an FMA share a pipe: the window
// runs 1.5-2.2x faster (14 cycles per vector against 21-39).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ops/fused_activation.h"
#include "ops/op_helpers.h"

namespace zy {
namespace x86 {

class DwconvFlat {
 public:
  // AVX-512, a 3x3 kernel, stride 1, no dilation, output H x W.
  static bool supported(const WindowGeometry& g, int64_t H, int64_t W);

  DwconvFlat(const WindowGeometry& g, int64_t H, int64_t W, const FusedActivation& act);
  // y[H][W] = act(bias + sum over taps of w[i][j] * x[h - pad_top + i][w - pad_left + j]).
  void run(const float* x, const float* w, float bias, float* y) const;
  // Whether a plane W wide with these pads slides a window of registers
  // (pads of one, widths up to 15 and the common ones to 112): one load per
  // vector, 1.5-2.2x the general path's speed at any height.
  static bool slidingWindow(const WindowGeometry& g, int64_t W);

 private:
  using PlaneFn = void (*)(const float* x, int64_t P, const uint16_t* masks, const float* w, float bias, const FusedActivation& act,
                          float* y);
  int64_t H_, W_, pt_, pl_, vectors_;
  FusedActivation act_;
  std::vector<uint16_t> masks_;  // [vector][tap column]: lanes whose tap column stays in the row
  PlaneFn window_ = nullptr;     // the sliding-window kernel for this width and activation, if built for them
};

}  // namespace x86
}  // namespace zy
