#include "qs8_dwconv.h"

#include "cpu_features.h"
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

// Byte indices for lane p, tap t of group q: p * stride + 4q + t.
ZY_DW_AVX512 inline __m512i windowIndex(int stride, int q) {
  alignas(64) uint8_t idx[64];
  for (int p = 0; p < 16; ++p)
    for (int t = 0; t < 4; ++t) idx[4 * p + t] = static_cast<uint8_t>(p * stride + 4 * q + t);
  return _mm512_load_si512(idx);
}

}  // namespace

ZY_DW_AVX512 void qs8DwConvPlane(Qs8Plane x, const int32_t* packed_w, int kh, int kw, int stride, int64_t oh_count,
                                 int64_t ow_count, const Qs8Requant& rq, int64_t m, uint8_t* y) {
  const int groups = (kw + 3) / 4;  // at most 2 (windows up to 8 wide)
  const __m512i idx0 = windowIndex(stride, 0), idx1 = windowIndex(stride, 1);
  for (int64_t oh = 0; oh < oh_count; ++oh) {
    const uint8_t* row = x.data + oh * stride * x.pitch;
    for (int64_t ow = 0; ow < ow_count; ow += 16) {
      __m512i acc = _mm512_setzero_si512();
      for (int i = 0; i < kh; ++i) {
        const __m512i bytes = _mm512_loadu_si512(row + i * x.pitch + ow * stride);
        acc = _mm512_dpbusd_epi32(acc, _mm512_permutexvar_epi8(idx0, bytes), _mm512_set1_epi32(packed_w[i * groups]));
        if (groups > 1)
          acc = _mm512_dpbusd_epi32(acc, _mm512_permutexvar_epi8(idx1, bytes), _mm512_set1_epi32(packed_w[i * groups + 1]));
      }
      qs8StoreRow(acc, rq, m, y + oh * ow_count + ow, static_cast<int>(ow_count - ow));
    }
  }
}

ZY_DW_AVX512 void qs8CopyFlipped(uint8_t* dst, const uint8_t* src, int64_t n, uint8_t flip) {
  const __m512i f = _mm512_set1_epi8(static_cast<char>(flip));
  for (int64_t i = 0; i < n; i += 64) {
    const __mmask64 m = n - i >= 64 ? ~__mmask64{0} : (__mmask64{1} << (n - i)) - 1;
    _mm512_mask_storeu_epi8(dst + i, m, _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, src + i), f));
  }
}

bool qs8DwConvAvailable() { return qs8GemmAvailable() && cpuFeatures().avx512vbmi; }

}  // namespace x86
}  // namespace zy
