#include "u8_im2col.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

namespace zy {
namespace x86 {

#define ZY_BW __attribute__((target("avx512f,avx512bw")))

Padded8 paddedGeometry(const WindowGeometry& g, int64_t kh, int64_t kw) {
  Padded8 p;
  p.rows = (g.out[0] - 1) * g.strides[0] + (kh - 1) * g.dilations[0] + 1;
  p.pitch = (g.out[1] - 1) * g.strides[1] + (kw - 1) * g.dilations[1] + 1 + 64;
  return p;
}

void padPlane8(const uint8_t* x, int64_t H, int64_t W, const WindowGeometry& g, const Padded8& p, uint8_t pad, uint8_t* out) {
  std::memset(out, pad, static_cast<size_t>(p.rows * p.pitch));
  const int64_t left = g.pad_begin[1], cols = std::min(W, p.pitch - left);
  const int64_t w0 = std::max<int64_t>(0, -left);  // pads may be negative only in degenerate cases
  for (int64_t h = 0; h < H; ++h) {
    const int64_t r = h + g.pad_begin[0];
    if (r < 0 || r >= p.rows || cols <= w0) continue;
    std::memcpy(out + r * p.pitch + left + w0, x + h * W + w0, static_cast<size_t>(cols - w0));
  }
}

namespace {

ZY_BW void copyBytes(uint8_t* dst, const uint8_t* src, int64_t n) {
  for (int64_t k = 0; k < n; k += 64) {
    const __mmask64 m = n - k >= 64 ? ~__mmask64{0} : (__mmask64{1} << (n - k)) - 1;
    _mm512_mask_storeu_epi8(dst + k, m, _mm512_maskz_loadu_epi8(m, src + k));
  }
}

// dst[k] = src[2k]: 16-bit lanes narrowed to their low byte.
ZY_BW void evenBytes(uint8_t* dst, const uint8_t* src, int64_t n) {
  for (int64_t k = 0; k < n; k += 32) {
    const int64_t left = std::min<int64_t>(32, n - k);
    const __mmask32 m = left >= 32 ? ~__mmask32{0} : (__mmask32{1} << left) - 1;
    _mm512_mask_cvtepi16_storeu_epi8(dst + k, m, _mm512_maskz_loadu_epi16(m, src + 2 * k));
  }
}

}  // namespace

void im2colRow8(const Padded8& p, int64_t c, int64_t i, int64_t j, const WindowGeometry& g, uint8_t* out) {
  const int64_t OH = g.out[0], OW = g.out[1], sh = g.strides[0], sw = g.strides[1];
  const uint8_t* plane = p.data + c * p.rows * p.pitch + i * g.dilations[0] * p.pitch + j * g.dilations[1];
  for (int64_t oh = 0; oh < OH; ++oh, out += OW) {
    const uint8_t* src = plane + oh * sh * p.pitch;
    if (sw == 1) copyBytes(out, src, OW);
    else if (sw == 2) evenBytes(out, src, OW);
    else for (int64_t ow = 0; ow < OW; ++ow) out[ow] = src[ow * sw];
  }
}

}  // namespace x86
}  // namespace zy
