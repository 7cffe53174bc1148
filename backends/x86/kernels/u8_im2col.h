// u8-im2col/avx512: the 8-bit im2col of the int8 convolutions, in two steps
// that are both straight vector copies: the input padded with its zero point
// once (Padded8), then each im2col row gathered from it row by row (stride 1:
// a copy; stride 2: the even bytes, vpmovwb; other strides: scalar).
#pragma once
#include <cstdint>
#include <vector>

#include "ops/op_helpers.h"

namespace zy {
namespace x86 {

struct Padded8 {
  int64_t rows = 0, pitch = 0;  // per channel: `rows` rows of `pitch` bytes
  const uint8_t* data = nullptr;
};

// Geometry of the padded planes of a C x H x W input for window geometry g
// (kernel kh x kw): every window fits, and each row has 64 spare bytes.
Padded8 paddedGeometry(const WindowGeometry& g, int64_t kh, int64_t kw);

// Channel c of x (H x W) into its padded plane at out (geometry p), filled with `pad`.
void padPlane8(const uint8_t* x, int64_t H, int64_t W, const WindowGeometry& g, const Padded8& p, uint8_t pad, uint8_t* out);

// im2col row (c, i, j) of the padded input: out[oh * OW + ow] = plane_c[oh*sh + i*dh][ow*sw + j*dw].
void im2colRow8(const Padded8& p, int64_t c, int64_t i, int64_t j, const WindowGeometry& g, uint8_t* out);

}  // namespace x86
}  // namespace zy
