// qs8-dwconv2d/avx512vbmi: depthwise int8 convolution of one channel plane,
// any KH x KW window up to 8 wide, stride 1 or 2 (dilation 1), 16 output
// pixels per vector. For each window row, one vpermb turns a 64-byte load
// into 16 lanes of 4 consecutive taps, and one vpdpbusd multiplies them with
// the row's 4 weights: 3 permutes and 3 dot products per 16 outputs of a 3x3.
// The plane comes zero-point padded (and as u8: int8 inputs XOR 0x80), so
// windows never leave it; the per-channel bias already holds
// -zero_point * sum(weights) (see qs8_gemm.h).
#pragma once
#include <cstdint>
#include <vector>

#include "qs8_gemm.h"

namespace zy {
namespace x86 {

struct Qs8Plane {
  const uint8_t* data;  // padded plane: rows of `pitch` bytes, 64 readable bytes past each window
  int64_t pitch;
};

// Weights of one channel as the kernel takes them: per window row, groups of
// 4 taps as one int32 (zeros past the window's width).
std::vector<int32_t> packQs8DwWeights(const int8_t* w, int kh, int kw);

// Narrow planes (output rows of at most 8 pixels: MobileNet's 7x7): a vector
// holds rows_per_vector whole output rows, its lanes' taps gathered from one
// 64-byte load of a plane padded with a pitch of kQs8NarrowPitch bytes. A 7x7
// plane is 4 vectors instead of 7 (7 of 16 lanes used).
constexpr int64_t kQs8NarrowPitch = 16;
struct Qs8DwNarrow {
  int rows_per_vector = 0;            // 0: not narrow
  alignas(64) uint8_t index[64] = {};  // lane l's 4 taps: bytes index[4l .. 4l+3] of the load
};
// The layout for a plane of output width ow_count whose input rows lie at
// columns [left, left + W) of the padded row; rows_per_vector 0 where the
// window is wider than 4, the padded row wider than the pitch, or fewer than
// two rows fit a vector.
Qs8DwNarrow qs8DwNarrowLayout(int kw, int stride, int64_t ow_count, int64_t left, int64_t W);

// y[oh, ow] for channel m = requantized sum over the window of plane[oh*s + i, ow*s + j] * w[i, j].
// With a narrow layout the plane's pitch must be kQs8NarrowPitch.
void qs8DwConvPlane(Qs8Plane x, const int32_t* packed_w, int kh, int kw, int stride, int64_t oh_count, int64_t ow_count,
                    const Qs8Requant& rq, int64_t m, uint8_t* y, const Qs8DwNarrow* narrow = nullptr);

// A channel's H x W plane padded for qs8-dwconv2d: the first 64 * blocks
// bytes of row r (of `rows`, `pitch` apart) hold input row r - top from
// column `left` on, XORed with `flip` (int8 -> u8 when 0x80), and `fill`
// around it; one load, blend and store per 64 bytes. The last row's stores
// may run 64 * blocks - pitch bytes past the plane. x[0, size) is the tensor
// the plane lies in at x + offset: whole loads stay inside it.
void qs8PadPlane(const uint8_t* x, int64_t size, int64_t offset, int64_t H, int64_t W, int64_t top, int64_t left, uint8_t fill,
                 uint8_t flip, int64_t rows, int64_t pitch, int64_t blocks, uint8_t* dst);

// Whether this CPU runs qs8-dwconv2d (AVX-512 VNNI and VBMI).
bool qs8DwConvAvailable();

// qs8-dwconv2d/avx2, for AVX2 cores without VBMI: the same result from a
// plane padded by qs8PadPlaneAvx2 (rows of qs8DwAvx2Pitch bytes, 16
// readable bytes past the last), w the channel's kh x kw int8 weights.
bool qs8DwConvAvx2Available();
int64_t qs8DwAvx2Pitch(int64_t OW, int64_t stride, int64_t kw);
void qs8PadPlaneAvx2(const uint8_t* x, int64_t H, int64_t W, int64_t top, int64_t left, uint8_t fill, uint8_t flip, int64_t rows,
                     int64_t pitch, uint8_t* dst);
void qs8DwConvPlaneAvx2(Qs8Plane x, const int8_t* w, int kh, int kw, int stride, int64_t oh_count, int64_t ow_count,
                        const Qs8Requant& rq, int64_t m, uint8_t* y);

}  // namespace x86
}  // namespace zy
