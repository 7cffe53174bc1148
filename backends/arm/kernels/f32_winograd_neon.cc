#include "f32_winograd_neon.h"

#include "f32_rows_neon.h"

namespace zy {
namespace arm {

typedef float F32x4 __attribute__((vector_size(16)));

void winogradInput(const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                   int64_t xi_stride) {
  simd::winogradInputTiles<F32x4>(plane, wp, tiles_w, tiles, tiles_padded, v, xi_stride);
}

void winogradOutput(const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias, const FusedActivation& act,
                    float* y, int64_t OH, int64_t OW) {
  simd::winogradOutputTiles<F32x4>(mx, xi_stride, tiles_w, tiles, bias, nullptr, act, y, OH, OW);
  if (simd::RegisterActivation<F32x4>::deferred(act)) applyActivation(y, OH * OW, act);
}

}  // namespace arm
}  // namespace zy
