// qs8-dwconv2d/avx2: depthwise int8 convolution of one channel plane on
// AVX2 cores without VBMI (qs8-dwconv2d/avx512vbmi's vpermb), windows up to
// 7x7, stride 1 or 2. Eight output pixels of a row per vector: each tap is
// an 8-byte load (stride 2: 16 bytes, their even bytes), widened to int32,
// times the tap's weight, so the sums are exact; then qs8-requantize/avx2.
// Without it, AVX2-only cores ran int8 depthwise layers on ref.
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "cpu_features.h"
#include "qs8_dwconv.h"
#include "qs8_requantize_avx2.h"

namespace zy {
namespace x86 {

bool qs8DwConvAvx2Available() { return cpuFeatures().avx2 && cpuFeatures().fma; }

int64_t qs8DwAvx2Pitch(int64_t OW, int64_t stride, int64_t kw) { return ((OW + 7) / 8 * 8) * stride + kw + 16; }

void qs8PadPlaneAvx2(const uint8_t* x, int64_t H, int64_t W, int64_t top, int64_t left, uint8_t fill, uint8_t flip, int64_t rows,
                     int64_t pitch, uint8_t* dst) {
  std::memset(dst, fill, static_cast<size_t>(rows * pitch + 16));
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t ih = r - top;
    if (ih < 0 || ih >= H) continue;
    const int64_t from = std::max<int64_t>(0, -left), to = std::min(W, pitch - left);  // input columns that land in the row
    uint8_t* row = dst + r * pitch + left;
    for (int64_t c = from; c < to; ++c) row[c] = static_cast<uint8_t>(x[ih * W + c] ^ flip);
  }
}

ZY_QS8_AVX2 void qs8DwConvPlaneAvx2(Qs8Plane x, const int8_t* w, int kh, int kw, int stride, int64_t oh_count, int64_t ow_count,
                                     const Qs8Requant& rq, int64_t m, uint8_t* y) {
  __m256i wv[7 * 7];
  for (int t = 0; t < kh * kw; ++t) wv[t] = _mm256_set1_epi32(w[t]);
  const __m128i evens = _mm_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, -1, -1, -1, -1, -1, -1, -1, -1);
  for (int64_t oh = 0; oh < oh_count; ++oh)
    for (int64_t ow = 0; ow < ow_count; ow += 8) {
      __m256i acc = _mm256_setzero_si256();
      for (int i = 0; i < kh; ++i) {
        const uint8_t* row = x.data + (oh * stride + i) * x.pitch + ow * stride;
        for (int j = 0; j < kw; ++j) {
          const __m128i bytes = stride == 1 ? _mm_loadl_epi64(reinterpret_cast<const __m128i*>(row + j))
                                            : _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row + j)), evens);
          acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(_mm256_cvtepu8_epi32(bytes), wv[i * kw + j]));
        }
      }
      qs8StoreRowAvx2(acc, rq, m, y + oh * ow_count + ow, std::min<int64_t>(8, ow_count - ow));
    }
}

}  // namespace x86
}  // namespace zy
