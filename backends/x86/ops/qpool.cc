// int8 pooling on x86: the shared ops (backends/common/qs8_pool_ops.h), the
// MaxPool planes compiled for AVX-512BW where the CPU has it.
#include <immintrin.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "cpu_features.h"
#include "kernels/lane_mask.h"
#include "qs8_pool_ops.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

#define ZY_BW __attribute__((target("avx512f,avx512bw,avx512vl")))

template <bool kU8>
ZY_BW inline __m512i maxBytes(__m512i a, __m512i b) {
  return kU8 ? _mm512_max_epu8(a, b) : _mm512_max_epi8(a, b);
}

// Horizontal stride 2 (ResNet's 3x3 stem pool): the shared plane loop picks
// every other maximum one byte at a time. Here the window's rows are maxed
// into a padded row, then each 32 outputs take the max of the row's even or
// odd bytes at each tap, narrowed from words (vpmovwb).
template <bool kU8>
ZY_BW void maxPoolPlaneStride2(const uint8_t* x, uint8_t* y, int64_t H, int64_t W, const WindowGeometry& g) {
  const int64_t OH = g.out[0], OW = g.out[1], KH = g.kernel[0], KW = g.kernel[1], pl = g.pad_begin[1];
  const uint8_t lowest = kU8 ? 0 : 0x80;
  const __m512i low = _mm512_set1_epi8(static_cast<char>(lowest));
  // row[i] holds input column i - pl; whole 64-byte loads at 2 * ow + tap stay inside.
  const int64_t len = std::max(pl + W, 2 * ((OW + 31) / 32 * 32) + KW) + 64;
  thread_local std::vector<uint8_t> buffer;
  buffer.resize(static_cast<size_t>(len));
  uint8_t* row = buffer.data();
  std::memset(row, lowest, static_cast<size_t>(len));  // the padding; each output row rewrites only [pl, pl + W)
  for (int64_t oh = 0; oh < OH; ++oh) {
    const int64_t h0 = oh * g.strides[0] - g.pad_begin[0], hs = std::max<int64_t>(h0, 0), he = std::min(h0 + KH, H);
    uint8_t* out = y + oh * OW;
    if (hs >= he) {  // a window entirely in the padding (ceil_mode): ref keeps the lowest value
      std::memset(out, lowest, static_cast<size_t>(OW));
      continue;
    }
    for (int64_t w0 = 0; w0 < W; w0 += 64) {
      const __mmask64 m = firstLanes64(W - w0);
      __m512i v = _mm512_maskz_loadu_epi8(m, x + hs * W + w0);
      for (int64_t h = hs + 1; h < he; ++h) v = maxBytes<kU8>(v, _mm512_maskz_loadu_epi8(m, x + h * W + w0));
      _mm512_mask_storeu_epi8(row + pl + w0, m, v);
    }
    for (int64_t ow = 0; ow < OW; ow += 32) {
      __m256i acc = _mm512_castsi512_si256(low);
      for (int64_t j = 0; j < KW; ++j) {
        __m512i words = _mm512_loadu_si512(row + 2 * ow + (j & ~int64_t{1}));
        if (j & 1) words = _mm512_srli_epi16(words, 8);
        acc = _mm512_castsi512_si256(maxBytes<kU8>(_mm512_castsi256_si512(acc), _mm512_castsi256_si512(_mm512_cvtepi16_epi8(words))));
      }
      const int64_t n = std::min<int64_t>(32, OW - ow);
      _mm256_mask_storeu_epi8(out + ow, n == 32 ? ~__mmask32{0} : (__mmask32{1} << n) - 1, acc);
    }
  }
}

ZY_BW void maxPoolPlaneAvx512(const void* x, void* y, bool u8, int64_t H, int64_t W, const WindowGeometry& g, void* row) {
  if (g.strides[1] == 2) {
    if (u8) maxPoolPlaneStride2<true>(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), H, W, g);
    else maxPoolPlaneStride2<false>(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), H, W, g);
    return;
  }
  if (u8) maxPoolPlane(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), H, W, g, static_cast<uint8_t*>(row));
  else maxPoolPlane(static_cast<const int8_t*>(x), static_cast<int8_t*>(y), H, W, g, static_cast<int8_t*>(row));
}

void maxPoolPlaneBaseline(const void* x, void* y, bool u8, int64_t H, int64_t W, const WindowGeometry& g, void* row) {
  if (u8) maxPoolPlane(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), H, W, g, static_cast<uint8_t*>(row));
  else maxPoolPlane(static_cast<const int8_t*>(x), static_cast<int8_t*>(y), H, W, g, static_cast<int8_t*>(row));
}

std::unique_ptr<X86Op> prepareMaxPool(const OpContext& ctx, const zy_op_view_t* op) {
  const bool avx512 = cpuFeatures().avx512f && cpuFeatures().avx512bw && cpuFeatures().avx512vl;
  return std::make_unique<Qs8MaxPoolOp<X86Op, OpContext>>(ctx, op, avx512 ? maxPoolPlaneAvx512 : maxPoolPlaneBaseline);
}
std::unique_ptr<X86Op> prepareGap(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<QLinearGapOp<X86Op, OpContext>>(ctx, op);
}

}  // namespace

const OpKind kQuantizedPoolOps[] = {{"MaxPool", qs8MaxPoolSupported, prepareMaxPool},
                                    {"QLinearGlobalAveragePool", qlinearGapSupported, prepareGap}};
const size_t kNumQuantizedPoolOps = sizeof(kQuantizedPoolOps) / sizeof(kQuantizedPoolOps[0]);

}  // namespace x86
}  // namespace zy
