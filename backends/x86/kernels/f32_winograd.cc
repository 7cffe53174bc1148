#include "f32_winograd.h"

#include "cpu_features.h"
#include "f32_activation.h"
#include "vec.h"

namespace zy {
namespace x86 {

namespace {

template <class V>
ZY_VEC_INLINE void inputTiles(int tile, const float* p, int64_t wp, int64_t tw, int64_t t, int64_t tp, float* v, int64_t s) {
  if (tile == 4) simd::winogradInputTilesOf<simd::WinogradF43, V>(p, wp, tw, t, tp, v, s);
  else simd::winogradInputTilesOf<simd::WinogradF23, V>(p, wp, tw, t, tp, v, s);
}
template <class V>
ZY_VEC_INLINE void outputTiles(int tile, const float* mx, int64_t s, int64_t tw, int64_t t, float bias, const float* r,
                               const FusedActivation& act, float* y, int64_t oh, int64_t ow) {
  if (tile == 4) simd::winogradOutputTilesOf<simd::WinogradF43, V>(mx, s, tw, t, bias, r, act, y, oh, ow);
  else simd::winogradOutputTilesOf<simd::WinogradF23, V>(mx, s, tw, t, bias, r, act, y, oh, ow);
}

__attribute__((target("avx512f"))) void inputAvx512(int tile, const float* p, int64_t wp, int64_t tw, int64_t t, int64_t tp, float* v,
                                                    int64_t s) {
  inputTiles<F32x16>(tile, p, wp, tw, t, tp, v, s);
}
__attribute__((target("avx2,fma"))) void inputAvx2(int tile, const float* p, int64_t wp, int64_t tw, int64_t t, int64_t tp, float* v,
                                                   int64_t s) {
  inputTiles<F32x8>(tile, p, wp, tw, t, tp, v, s);
}
__attribute__((target("avx512f"))) void outputAvx512(int tile, const float* mx, int64_t s, int64_t tw, int64_t t, float bias,
                                                     const float* r, const FusedActivation& act, float* y, int64_t oh, int64_t ow) {
  outputTiles<F32x16>(tile, mx, s, tw, t, bias, r, act, y, oh, ow);
}
__attribute__((target("avx2,fma"))) void outputAvx2(int tile, const float* mx, int64_t s, int64_t tw, int64_t t, float bias,
                                                    const float* r, const FusedActivation& act, float* y, int64_t oh, int64_t ow) {
  outputTiles<F32x8>(tile, mx, s, tw, t, bias, r, act, y, oh, ow);
}

}  // namespace

void winogradInput(int tile, const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                   int64_t xi_stride) {
  if (cpuFeatures().avx512f) inputAvx512(tile, plane, wp, tiles_w, tiles, tiles_padded, v, xi_stride);
  else inputAvx2(tile, plane, wp, tiles_w, tiles, tiles_padded, v, xi_stride);
}

void winogradOutput(int tile, const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias, const float* residual,
                    const FusedActivation& act, float* y, int64_t OH, int64_t OW) {
  if (cpuFeatures().avx512f) outputAvx512(tile, mx, xi_stride, tiles_w, tiles, bias, residual, act, y, OH, OW);
  else outputAvx2(tile, mx, xi_stride, tiles_w, tiles, bias, residual, act, y, OH, OW);
  if (residual || RegisterActivation<F32x16>::deferred(act)) applyActivation(y, OH * OW, act);
}

}  // namespace x86
}  // namespace zy
