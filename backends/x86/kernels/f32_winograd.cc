#include "f32_winograd.h"

#include "cpu_features.h"
#include "f32_activation.h"
#include "vec.h"

namespace zy {
namespace x86 {

namespace {

__attribute__((target("avx512f"))) void inputAvx512(const float* p, int64_t wp, int64_t tw, int64_t t, int64_t tp, float* v, int64_t s) {
  winogradInputTiles<F32x16>(p, wp, tw, t, tp, v, s);
}
__attribute__((target("avx2,fma"))) void inputAvx2(const float* p, int64_t wp, int64_t tw, int64_t t, int64_t tp, float* v, int64_t s) {
  winogradInputTiles<F32x8>(p, wp, tw, t, tp, v, s);
}
__attribute__((target("avx512f"))) void outputAvx512(const float* mx, int64_t s, int64_t tw, int64_t t, float bias, const float* r,
                                                     const FusedActivation& act, float* y, int64_t oh, int64_t ow) {
  winogradOutputTiles<F32x16>(mx, s, tw, t, bias, r, act, y, oh, ow);
}
__attribute__((target("avx2,fma"))) void outputAvx2(const float* mx, int64_t s, int64_t tw, int64_t t, float bias, const float* r,
                                                    const FusedActivation& act, float* y, int64_t oh, int64_t ow) {
  winogradOutputTiles<F32x8>(mx, s, tw, t, bias, r, act, y, oh, ow);
}

__attribute__((target("avx512f"))) void input23Avx512(const float* p, int64_t wp, int64_t tw, int64_t t, int64_t tp, float* v, int64_t s) {
  winograd23InputTiles<F32x16>(p, wp, tw, t, tp, v, s);
}
__attribute__((target("avx2,fma"))) void input23Avx2(const float* p, int64_t wp, int64_t tw, int64_t t, int64_t tp, float* v, int64_t s) {
  winograd23InputTiles<F32x8>(p, wp, tw, t, tp, v, s);
}
__attribute__((target("avx512f"))) void output23Avx512(const float* mx, int64_t s, int64_t tw, int64_t t, float bias, const float* r,
                                                       const FusedActivation& act, float* y, int64_t oh, int64_t ow) {
  winograd23OutputTiles<F32x16>(mx, s, tw, t, bias, r, act, y, oh, ow);
}
__attribute__((target("avx2,fma"))) void output23Avx2(const float* mx, int64_t s, int64_t tw, int64_t t, float bias, const float* r,
                                                      const FusedActivation& act, float* y, int64_t oh, int64_t ow) {
  winograd23OutputTiles<F32x8>(mx, s, tw, t, bias, r, act, y, oh, ow);
}

}  // namespace

void winograd23Input(const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                     int64_t xi_stride) {
  if (cpuFeatures().avx512f) input23Avx512(plane, wp, tiles_w, tiles, tiles_padded, v, xi_stride);
  else input23Avx2(plane, wp, tiles_w, tiles, tiles_padded, v, xi_stride);
}

void winograd23Output(const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias, const float* residual,
                      const FusedActivation& act, float* y, int64_t OH, int64_t OW) {
  if (cpuFeatures().avx512f) output23Avx512(mx, xi_stride, tiles_w, tiles, bias, residual, act, y, OH, OW);
  else output23Avx2(mx, xi_stride, tiles_w, tiles, bias, residual, act, y, OH, OW);
  if (residual || RegisterActivation<F32x16>::deferred(act)) applyActivation(y, OH * OW, act);
}

void winogradInput(const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                   int64_t xi_stride) {
  if (cpuFeatures().avx512f) inputAvx512(plane, wp, tiles_w, tiles, tiles_padded, v, xi_stride);
  else inputAvx2(plane, wp, tiles_w, tiles, tiles_padded, v, xi_stride);
}

void winogradOutput(const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias, const float* residual,
                    const FusedActivation& act, float* y, int64_t OH, int64_t OW) {
  if (cpuFeatures().avx512f) outputAvx512(mx, xi_stride, tiles_w, tiles, bias, residual, act, y, OH, OW);
  else outputAvx2(mx, xi_stride, tiles_w, tiles, bias, residual, act, y, OH, OW);
  if (residual || RegisterActivation<F32x16>::deferred(act)) applyActivation(y, OH * OW, act);
}

}  // namespace x86
}  // namespace zy
