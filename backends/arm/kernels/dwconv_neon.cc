#include "dwconv_neon.h"

#include <arm_neon.h>

#include "qs8_requantize_neon.h"

namespace zy {
namespace arm {

void f32DwConvPlane(const float* x, int64_t pitch, const float* w, int kh, int kw, int stride, int64_t oh_count, int64_t ow_count,
                    float* y) {
  for (int64_t oh = 0; oh < oh_count; ++oh) {
    const float* row = x + oh * stride * pitch;
    for (int64_t ow = 0; ow < ow_count; ow += 4) {
      float32x4_t acc = vdupq_n_f32(0.f);
      for (int i = 0; i < kh; ++i)
        for (int j = 0; j < kw; ++j) {
          const float* p = row + i * pitch + ow * stride + j;
          const float32x4_t v = stride == 1 ? vld1q_f32(p) : vld2q_f32(p).val[0];  // stride 2: the even lanes
          acc = vfmaq_n_f32(acc, v, w[i * kw + j]);
        }
      float out[4];
      vst1q_f32(out, acc);
      for (int64_t k = 0; k < 4 && ow + k < ow_count; ++k) y[oh * ow_count + ow + k] = out[k];
    }
  }
}

void qs8DwConvPlane(const int8_t* x, int64_t pitch, const int8_t* w, int kh, int kw, int stride, int64_t oh_count, int64_t ow_count,
                    const Qs8Requant& rq, int64_t m, uint8_t* y) {
  for (int64_t oh = 0; oh < oh_count; ++oh) {
    const int8_t* row = x + oh * stride * pitch;
    for (int64_t ow = 0; ow < ow_count; ow += 8) {
      int32x4_t lo = vdupq_n_s32(0), hi = vdupq_n_s32(0);
      for (int i = 0; i < kh; ++i)
        for (int j = 0; j < kw; ++j) {
          const int8_t* p = row + i * pitch + ow * stride + j;
          const int8x8_t v = stride == 1 ? vld1_s8(p) : vld2_s8(p).val[0];  // stride 2: the even bytes
          const int16x8_t wide = vmovl_s8(v);
          const int16x4_t wt = vdup_n_s16(w[i * kw + j]);
          lo = vmlal_s16(lo, vget_low_s16(wide), wt);
          hi = vmlal_s16(hi, vget_high_s16(wide), wt);
        }
      uint8_t* out = y + oh * ow_count + ow;
      qs8StoreRow(lo, rq, m, out, ow_count - ow);
      if (ow + 4 < ow_count) qs8StoreRow(hi, rq, m, out + 4, ow_count - ow - 4);
    }
  }
}

}  // namespace arm
}  // namespace zy
