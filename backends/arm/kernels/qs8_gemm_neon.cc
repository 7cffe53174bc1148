#include "qs8_gemm_neon.h"

#include "cpu_features.h"
#include "qs8_requantize_neon.h"

#include <arm_neon.h>

#include <algorithm>

namespace zy {
namespace arm {

void packQs8Panel(const uint8_t* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, uint8_t pad, uint8_t flip, int8_t* out) {
  const int64_t kgroups = (k + 3) / 4;
  for (int64_t g = 0; g < kgroups; ++g)
    for (int64_t p = 0; p < kQs8Nr; ++p)
      for (int64_t j = 0; j < 4; ++j) {
        const int64_t row = 4 * g + j;
        const uint8_t v = row >= k ? 0 : static_cast<uint8_t>((p < nr ? x[row * ld + n0 + p] : pad) ^ flip);
        out[(g * kQs8Nr + p) * 4 + j] = static_cast<int8_t>(v);
      }
}

__attribute__((target("arch=armv8.2-a+dotprod"))) void qs8GemmPanelDot(const Qs8PackedWeights& w, const int8_t* panel, int64_t nr,
                                                                     const Qs8Requant& rq, uint8_t* y, int64_t ldy) {
  const int64_t kg = w.kgroups;
  for (int64_t m0 = 0; m0 < w.m; m0 += kQs8Mr) {
    const int8_t* a = w.data.data() + (m0 / kQs8Mr) * kg * kQs8Mr * 4;
    int32x4_t acc[kQs8Mr][3];
    for (int i = 0; i < kQs8Mr; ++i)
      for (int j = 0; j < 3; ++j) acc[i][j] = vdupq_n_s32(0);
    for (int64_t g = 0; g < kg; ++g) {
      const int8x16_t w0 = vld1q_s8(a + g * 32), w1 = vld1q_s8(a + g * 32 + 16);
      const int8x16_t x0 = vld1q_s8(panel + g * 48), x1 = vld1q_s8(panel + g * 48 + 16), x2 = vld1q_s8(panel + g * 48 + 32);
#define ZY_ROW(i, wv, lane)                               \
  acc[i][0] = vdotq_laneq_s32(acc[i][0], x0, wv, lane);   \
  acc[i][1] = vdotq_laneq_s32(acc[i][1], x1, wv, lane);   \
  acc[i][2] = vdotq_laneq_s32(acc[i][2], x2, wv, lane);
      ZY_ROW(0, w0, 0) ZY_ROW(1, w0, 1) ZY_ROW(2, w0, 2) ZY_ROW(3, w0, 3)
      ZY_ROW(4, w1, 0) ZY_ROW(5, w1, 1) ZY_ROW(6, w1, 2) ZY_ROW(7, w1, 3)
#undef ZY_ROW
    }
    // Constant indices only (unrolled): a runtime index would keep the accumulators on the stack.
    const int64_t rows = std::min<int64_t>(kQs8Mr, w.m - m0);
#pragma GCC unroll 8
    for (int i = 0; i < kQs8Mr; ++i) {
      if (i >= rows) break;
#pragma GCC unroll 3
      for (int j = 0; j < 3; ++j)
        if (4 * j < nr) qs8StoreRow(acc[i][j], rq, m0 + i, y + (m0 + i) * ldy + 4 * j, nr - 4 * j);
    }
  }
}

namespace {

// 4 channels (of a packed 8) x 4 pixels over all K into out[4][4]; a
// function of its own with 8 accumulators, or GCC 12 keeps some on the stack
// (bench/mca shows the spills).
__attribute__((noinline)) void tile4x4Neon(const int8_t* a, const int8_t* x, int64_t kg, int32_t* out) {
  // acc[i][0]: (k0+k1, k2+k3) of pixels 0 and 1; acc[i][1]: of pixels 2 and 3.
  int32x4_t acc[4][2];
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) acc[i][0] = acc[i][1] = vdupq_n_s32(0);
  for (int64_t g = 0; g < kg; ++g, a += kQs8Mr * 4, x += kQs8Nr * 4) {
    const int8x16_t xv = vld1q_s8(x);
#pragma GCC unroll 4
    for (int i = 0; i < 4; ++i) {
      // The channel's 4 weights, repeated for the 4 pixels.
      const int8x16_t wv = vreinterpretq_s8_s32(vld1q_dup_s32(reinterpret_cast<const int32_t*>(a + i * 4)));
      acc[i][0] = vpadalq_s16(acc[i][0], vmull_s8(vget_low_s8(xv), vget_low_s8(wv)));
      acc[i][1] = vpadalq_s16(acc[i][1], vmull_s8(vget_high_s8(xv), vget_high_s8(wv)));
    }
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) vst1q_s32(out + 4 * i, vpaddq_s32(acc[i][0], acc[i][1]));
}

}  // namespace

void qs8GemmPanelNeon(const Qs8PackedWeights& w, const int8_t* panel, int64_t nr, const Qs8Requant& rq, uint8_t* y, int64_t ldy) {
  int32_t sums[kQs8Mr * 4];
  for (int64_t j = 0; 4 * j < nr; ++j)  // 4 pixels at a time
    for (int64_t m0 = 0; m0 < w.m; m0 += kQs8Mr) {
      const int8_t* a = w.data.data() + (m0 / kQs8Mr) * w.kgroups * kQs8Mr * 4;
      tile4x4Neon(a, panel + 4 * j * 4, w.kgroups, sums);
      tile4x4Neon(a + 16, panel + 4 * j * 4, w.kgroups, sums + 16);
      for (int64_t i = 0; i < std::min<int64_t>(kQs8Mr, w.m - m0); ++i)
        qs8StoreRow(vld1q_s32(sums + 4 * i), rq, m0 + i, y + (m0 + i) * ldy + 4 * j, nr - 4 * j);
    }
}

Qs8ArmGemm::Qs8ArmGemm(const int8_t* w, int64_t m, int64_t k)
    : kernel_(cpuFeatures().i8mm ? kI8mm : cpuFeatures().dotprod ? kDot : kNeon), packed_(packQs8Weights(w, m, k)) {
  if (kernel_ == kI8mm) {
    mmla_ = packQs8MmlaWeights(w, m, k);
    packed_.data.clear();  // only the row sums are needed
    packed_.data.shrink_to_fit();
  }
}

size_t Qs8ArmGemm::scratchBytes() const {
  return kernel_ == kI8mm ? static_cast<size_t>((packed_.k + 7) / 8 * kQs8MmlaNr * 8) : static_cast<size_t>(packed_.kgroups * kQs8Nr * 4);
}

void Qs8ArmGemm::panel(const uint8_t* x, int64_t ld, int64_t p0, int64_t np, uint8_t pad, uint8_t flip, const Qs8Requant& rq,
                       int8_t* scratch, uint8_t* y, int64_t ldy) const {
  if (kernel_ == kI8mm) {
    packQs8MmlaPanel(x, ld, packed_.k, p0, np, pad, flip, scratch);
    qs8GemmPanelMmla(mmla_, packed_.m, packed_.k, scratch, np, rq, y + p0, ldy);
    return;
  }
  packQs8Panel(x, ld, packed_.k, p0, np, pad, flip, scratch);
  if (kernel_ == kDot) qs8GemmPanelDot(packed_, scratch, np, rq, y + p0, ldy);
  else qs8GemmPanelNeon(packed_, scratch, np, rq, y + p0, ldy);
}

}  // namespace arm
}  // namespace zy
