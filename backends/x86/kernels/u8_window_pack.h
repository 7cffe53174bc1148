// u8-window-pack: the int8 convolution's implicit im2col. A panel of output
// pixels is packed for qs8-gemm straight from the unpadded input, in the
// layout packQs8Activations writes ([K/4][NP][4] bytes, K ordered as
// (channel, kernel row, kernel column)): no padded copy, no im2col buffer.
//
// For each kernel tap, the panel's pixels read a few contiguous runs of an
// input row (stride 1: bytes; stride 2: every other byte) that do not depend
// on the channel. The runs are worked out once per panel; then an im2col
// row of up to 64 pixels is one 64-byte load and a blend per run
// (AVX-512BW; masked loads only at the tensor's ends), the lanes no run
// covers (the padding) take the zero point, and four rows are interleaved
// in registers. Without AVX-512 the same runs are copied into rows of pad
// bytes and four rows interleaved with SSE2.
#pragma once
#include <cstdint>
#include <vector>

#include "ops/op_helpers.h"

namespace zy {
namespace x86 {

// The convolution's window over one C x H x W input (batch item).
struct U8Window {
  int64_t C = 0, H = 0, W = 0, kh = 0, kw = 0;
  WindowGeometry g;
};

// Packs the implicit im2col rows [0, C*kh*kw) for output pixels [p0, p0 + np)
// of x: as packQs8Activations over the im2col of x padded with `pad`, every
// byte XORed with `flip`. Pixels past np hold pad ^ flip. Thread-safe.
void packQs8Window(const U8Window& win, const uint8_t* x, int64_t p0, int64_t np, uint8_t pad, uint8_t flip, uint8_t* out);

}  // namespace x86
}  // namespace zy
