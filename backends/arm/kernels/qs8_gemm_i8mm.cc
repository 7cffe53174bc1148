// qs8-gemm/neoni8mm-8x8 (ARMv8.6 I8MM): smmla multiplies a 2x8 block of
// weights by an 8x2 block of activations into a 2x2 block of int32 sums, 32
// multiply-adds per instruction where sdot does 16. Weights packed as
// [M/8][K/8][4 row pairs][2][8], activations as [K/8][8 pixels][8]; 16
// accumulators (8 channels x 8 pixels), 16 smmla per 8 loads.
#include <arm_neon.h>

#include <algorithm>

#include "qs8_gemm_neon.h"
#include "qs8_requantize_neon.h"

namespace zy {
namespace arm {

std::vector<int8_t> packQs8MmlaWeights(const int8_t* w, int64_t m, int64_t k) {
  const int64_t panels = (m + kQs8Mr - 1) / kQs8Mr, kg = (k + 7) / 8;
  std::vector<int8_t> out(static_cast<size_t>(panels * kg * kQs8Mr * 8), 0);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t c = 0; c < k; ++c)
      out[(((r / kQs8Mr) * kg + c / 8) * kQs8Mr + r % kQs8Mr) * 8 + c % 8] = w[r * k + c];
  return out;
}

void packQs8MmlaPanel(const uint8_t* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, uint8_t pad, uint8_t flip, int8_t* out) {
  const int64_t kg = (k + 7) / 8;
  for (int64_t g = 0; g < kg; ++g)
    for (int64_t p = 0; p < kQs8MmlaNr; ++p)
      for (int64_t j = 0; j < 8; ++j) {
        const int64_t row = 8 * g + j;
        const uint8_t v = row >= k ? 0 : static_cast<uint8_t>((p < nr ? x[row * ld + n0 + p] : pad) ^ flip);
        out[(g * kQs8MmlaNr + p) * 8 + j] = static_cast<int8_t>(v);
      }
}

namespace {

// 8 channels x 8 pixels over all K into out[8][8]; a function of its own (see f32_gemm_neon.cc).
__attribute__((target("arch=armv8.6-a+i8mm"), noinline)) void tile8x8(const int8_t* a, const int8_t* b, int64_t kg, int32_t* out) {
  int32x4_t c[4][4];  // [row pair][pixel pair], each a 2x2 block (r0p0, r0p1, r1p0, r1p1)
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i)
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) c[i][j] = vdupq_n_s32(0);
  for (int64_t g = 0; g < kg; ++g, a += kQs8Mr * 8, b += kQs8MmlaNr * 8) {
    int8x16_t wv[4], xv[4];
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) wv[i] = vld1q_s8(a + 16 * i);
#pragma GCC unroll 4
    for (int j = 0; j < 4; ++j) xv[j] = vld1q_s8(b + 16 * j);
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i)
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) c[i][j] = vmmlaq_s32(c[i][j], wv[i], xv[j]);
  }
  // Rows of 8 pixels: row 2i from the low halves of its four blocks, row 2i+1 from the high halves.
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i)
#pragma GCC unroll 2
    for (int h = 0; h < 2; ++h) {
      int32_t* row = out + (2 * i + h) * kQs8MmlaNr;
      vst1q_s32(row, vcombine_s32(h ? vget_high_s32(c[i][0]) : vget_low_s32(c[i][0]), h ? vget_high_s32(c[i][1]) : vget_low_s32(c[i][1])));
      vst1q_s32(row + 4, vcombine_s32(h ? vget_high_s32(c[i][2]) : vget_low_s32(c[i][2]), h ? vget_high_s32(c[i][3]) : vget_low_s32(c[i][3])));
    }
}

}  // namespace

void qs8GemmPanelMmla(const std::vector<int8_t>& w, int64_t m, int64_t k, const int8_t* panel, int64_t nr, const Qs8Requant& rq,
                      uint8_t* y, int64_t ldy) {
  const int64_t kg = (k + 7) / 8;
  int32_t sums[kQs8Mr * kQs8MmlaNr];
  for (int64_t m0 = 0; m0 < m; m0 += kQs8Mr) {
    tile8x8(w.data() + (m0 / kQs8Mr) * kg * kQs8Mr * 8, panel, kg, sums);
    for (int64_t i = 0; i < std::min<int64_t>(kQs8Mr, m - m0); ++i)
      for (int64_t p = 0; p < nr; p += 4)
        qs8StoreRow(vld1q_s32(sums + i * kQs8MmlaNr + p), rq, m0 + i, y + (m0 + i) * ldy + p, nr - p);
  }
}

}  // namespace arm
}  // namespace zy
