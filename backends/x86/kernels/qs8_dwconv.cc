#include "qs8_dwconv.h"

#include <algorithm>
#include <vector>

#include "cpu_features.h"
#include "lane_mask.h"
#include "qs8_requantize_avx512.h"

namespace zy {
namespace x86 {

#define ZY_DW_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,avx512vbmi")))

std::vector<int32_t> packQs8DwWeights(const int8_t* w, int kh, int kw) {
  const int groups = (kw + 3) / 4;
  std::vector<int32_t> out(static_cast<size_t>(kh * groups), 0);
  for (int i = 0; i < kh; ++i)
    for (int j = 0; j < kw; ++j) {
      uint32_t& v = reinterpret_cast<uint32_t&>(out[i * groups + j / 4]);
      v |= static_cast<uint32_t>(static_cast<uint8_t>(w[i * kw + j])) << (8 * (j % 4));
    }
  return out;
}

namespace {

// Byte indices for lane p, tap t of group q: p * stride + 4q + t, for
// strides 1 and 2 and groups 0 and 1, built once (7x7 planes are 7 vectors:
// building them per plane cost as much as the convolution).
struct WindowIndices {
  alignas(64) uint8_t idx[2][2][64];
  WindowIndices() {
    for (int s = 0; s < 2; ++s)
      for (int q = 0; q < 2; ++q)
        for (int p = 0; p < 16; ++p)
          for (int t = 0; t < 4; ++t) idx[s][q][4 * p + t] = static_cast<uint8_t>(p * (s + 1) + 4 * q + t);
  }
};
const WindowIndices kWindowIndices;

ZY_DW_AVX512 inline __m512i windowIndex(int stride, int q) { return _mm512_load_si512(kWindowIndices.idx[stride - 1][q]); }

}  // namespace

Qs8DwNarrow qs8DwNarrowLayout(int kw, int stride, int64_t ow_count, int64_t left, int64_t W) {
  Qs8DwNarrow n;
  const int64_t row_bytes = (ow_count - 1) * stride + kw;  // what one output row's windows read
  if (kw > 4 || ow_count < 1 || ow_count > 8 || row_bytes > kQs8NarrowPitch || left + W > kQs8NarrowPitch) return n;
  int64_t r = 16 / ow_count;
  while (r > 1 && (r - 1) * stride * kQs8NarrowPitch + row_bytes > 64) --r;  // every lane's taps inside one load
  if (r < 2) return n;
  n.rows_per_vector = static_cast<int>(r);
  for (int64_t l = 0; l < r * ow_count; ++l)
    for (int t = 0; t < 4; ++t)
      n.index[4 * l + t] = static_cast<uint8_t>((l / ow_count) * stride * kQs8NarrowPitch + (l % ow_count) * stride + t);
  return n;
}

// The plane's output vectors four at a time, with independent
// accumulators (one at a time, each waited for its own chain of dot
// products and requantization). A vector is 16 pixels of a row, or with a
// narrow layout rows_per_vector whole rows. KH: the window's height when
// fixed at compile time (the common 3x3, 5x5, 7x7), else 0 and kh rows (up
// to 7); G: groups of 4 taps per window row.
template <int KH, int G>
ZY_DW_AVX512 void dwPlane(Qs8Plane x, const int32_t* packed_w, int kh, int stride, int64_t oh_count, int64_t ow_count,
                          const Qs8Requant& rq, int64_t m, uint8_t* y, const Qs8DwNarrow* narrow) {
  constexpr int kMaxRows = 7;
  const int rows = KH ? KH : kh;
  const int64_t per_vector = narrow ? narrow->rows_per_vector : 0;
  const __m512i idx0 = narrow ? _mm512_load_si512(narrow->index) : windowIndex(stride, 0), idx1 = windowIndex(stride, 1);
  __m512i w[kMaxRows][G];
  for (int i = 0; i < rows; ++i)
    for (int g = 0; g < G; ++g) w[i][g] = _mm512_set1_epi32(packed_w[i * G + g]);
  const Qs8ChannelRequant requant(rq, Qs8OutputRange(rq), m);
  const int64_t total = narrow ? (oh_count + per_vector - 1) / per_vector : oh_count * ((ow_count + 15) / 16);
  constexpr int U = 4;
  int64_t oh = 0, ow = 0;  // the next vector's row and first column
  for (int64_t v0 = 0; v0 < total; v0 += U) {
    const int n = static_cast<int>(std::min<int64_t>(U, total - v0));
    const uint8_t* in[U];
    int64_t out[U];
    int lanes[U];
    __m512i acc[U];
    for (int u = 0; u < U; ++u) {  // past the last vector: repeat it, unstored
      in[u] = x.data + oh * stride * x.pitch + ow * stride;
      out[u] = oh * ow_count + ow;
      acc[u] = _mm512_setzero_si512();
      if (narrow) {
        lanes[u] = static_cast<int>(std::min(per_vector, oh_count - oh) * ow_count);
        if (u + 1 < n) oh += per_vector;
      } else {
        lanes[u] = static_cast<int>(ow_count - ow);
        if (u + 1 < n && (ow += 16) >= ow_count) ow = 0, ++oh;
      }
    }
    if (narrow) oh += per_vector;
    else if ((ow += 16) >= ow_count) ow = 0, ++oh;
#pragma GCC unroll 7
    for (int i = 0; i < rows; ++i)
#pragma GCC unroll 4
      for (int u = 0; u < U; ++u) {
        const __m512i bytes = _mm512_loadu_si512(in[u] + i * x.pitch);
        acc[u] = _mm512_dpbusd_epi32(acc[u], _mm512_permutexvar_epi8(idx0, bytes), w[i][0]);
        if (G > 1) acc[u] = _mm512_dpbusd_epi32(acc[u], _mm512_permutexvar_epi8(idx1, bytes), w[i][G - 1]);
      }
    for (int u = 0; u < n; ++u) requant.store(acc[u], y + out[u], lanes[u]);
  }
}

ZY_DW_AVX512 void qs8DwConvPlane(Qs8Plane x, const int32_t* packed_w, int kh, int kw, int stride, int64_t oh_count,
                                 int64_t ow_count, const Qs8Requant& rq, int64_t m, uint8_t* y, const Qs8DwNarrow* narrow) {
  if (narrow && narrow->rows_per_vector < 2) narrow = nullptr;
  const bool two = kw > 4;  // groups of 4 taps per window row: windows up to 8 wide
  switch (kh * 2 + two) {
    case 3 * 2: return dwPlane<3, 1>(x, packed_w, kh, stride, oh_count, ow_count, rq, m, y, narrow);
    case 5 * 2 + 1: return dwPlane<5, 2>(x, packed_w, kh, stride, oh_count, ow_count, rq, m, y, narrow);
    case 7 * 2 + 1: return dwPlane<7, 2>(x, packed_w, kh, stride, oh_count, ow_count, rq, m, y, narrow);
    default: return two ? dwPlane<0, 2>(x, packed_w, kh, stride, oh_count, ow_count, rq, m, y, narrow)
                        : dwPlane<0, 1>(x, packed_w, kh, stride, oh_count, ow_count, rq, m, y, narrow);
  }
}

namespace {

// qs8PadPlane for B blocks per row, unrolled (one block: MobileNetV2's 14x14
// and 7x7 planes); B = 0: `blocks` of them, a loop (rows of over 64 outputs).
template <int B>
ZY_DW_AVX512 void padPlaneBlocks(const uint8_t* x, int64_t size, int64_t offset, int64_t H, int64_t W, int64_t top, int64_t left,
                                 uint8_t fill, uint8_t flip, int64_t rows, int64_t pitch, int64_t blocks, uint8_t* dst) {
  const int64_t nb = B ? B : blocks;
  const __m512i f = _mm512_set1_epi8(static_cast<char>(flip)), fv = _mm512_set1_epi8(static_cast<char>(fill));
  // Block j's lanes that hold input columns: [left - 64j, left + W - 64j), set up once.
  __mmask64 few[4];
  std::vector<__mmask64> many(B ? 0 : static_cast<size_t>(nb));  // no allocation per plane for unrolled counts
  __mmask64* in = B ? few : many.data();
  for (int64_t j = 0; j < nb; ++j) in[j] = laneRange64(left - 64 * j, left + W - 64 * j);
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t ih = r - top;
    uint8_t* row = dst + r * pitch;
    const bool data = ih >= 0 && ih < H;
#pragma GCC unroll 4
    for (int64_t j = 0; j < nb; ++j) {
      const __mmask64 lanes = in[j];
      __m512i v = fv;
      if (data) {
        // A load and a blend where all 64 bytes lie in the tensor (masked loads are slow on Zen 4).
        const int64_t from = offset + ih * W + 64 * j - left;
        const __m512i bytes = from >= 0 && from + 64 <= size ? _mm512_loadu_si512(x + from) : _mm512_maskz_loadu_epi8(lanes, x + from);
        v = _mm512_mask_blend_epi8(lanes, fv, _mm512_xor_si512(f, bytes));
      }
      _mm512_storeu_si512(row + 64 * j, v);  // past the row's pitch: the next row's own stores follow
    }
  }
}

}  // namespace

ZY_DW_AVX512 void qs8PadPlane(const uint8_t* x, int64_t size, int64_t offset, int64_t H, int64_t W, int64_t top, int64_t left,
                              uint8_t fill, uint8_t flip, int64_t rows, int64_t pitch, int64_t blocks, uint8_t* dst) {
  switch (blocks) {
    case 1: return padPlaneBlocks<1>(x, size, offset, H, W, top, left, fill, flip, rows, pitch, blocks, dst);
    case 2: return padPlaneBlocks<2>(x, size, offset, H, W, top, left, fill, flip, rows, pitch, blocks, dst);
    case 3: return padPlaneBlocks<3>(x, size, offset, H, W, top, left, fill, flip, rows, pitch, blocks, dst);
    case 4: return padPlaneBlocks<4>(x, size, offset, H, W, top, left, fill, flip, rows, pitch, blocks, dst);
    default: return padPlaneBlocks<0>(x, size, offset, H, W, top, left, fill, flip, rows, pitch, blocks, dst);
  }
}

bool qs8DwConvAvailable() { return qs8GemmAvailable() && cpuFeatures().avx512vbmi; }

}  // namespace x86
}  // namespace zy
