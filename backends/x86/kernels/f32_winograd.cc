#include "f32_winograd.h"

#include <algorithm>
#include <cstring>

#include "cpu_features.h"
#include "f32_activation.h"
#include "vec.h"

namespace zy {
namespace x86 {

namespace {

// B^T d: the input transform along one axis.
template <class T>
ZY_VEC_INLINE void inputTransform(const T d[6], T r[6]) {
  const T four = T{} + 4.f, five = T{} + 5.f, two = T{} + 2.f;
  r[0] = four * d[0] - five * d[2] + d[4];
  r[1] = d[3] + d[4] - four * (d[1] + d[2]);
  r[2] = d[4] - d[3] + four * (d[1] - d[2]);
  r[3] = d[4] - d[2] + two * (d[3] - d[1]);
  r[4] = d[4] - d[2] - two * (d[3] - d[1]);
  r[5] = four * d[1] - five * d[3] + d[5];
}

// A^T m: the output transform along one axis (6 -> 4).
template <class T>
ZY_VEC_INLINE void outputTransform(const T m[6], T o[4]) {
  const T a = m[1] + m[2], b = m[1] - m[2], c = m[3] + m[4], e = m[3] - m[4];
  const T two = T{} + 2.f, four = T{} + 4.f, eight = T{} + 8.f;
  o[0] = m[0] + a + c;
  o[1] = b + two * e;
  o[2] = a + four * c;
  o[3] = b + eight * e + m[5];
}

template <class V>
ZY_VEC_INLINE void inputTiles(const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                              int64_t xi_stride) {
  constexpr int L = lanes<V>();
  alignas(64) float buf[36][L];
  for (int64_t t0 = 0; t0 < tiles_padded; t0 += L) {
    const int64_t n = std::max<int64_t>(0, std::min<int64_t>(L, tiles - t0));
    for (int64_t l = 0; l < n; ++l) {
      const int64_t t = t0 + l;
      const float* p = plane + (t / tiles_w) * 4 * wp + (t % tiles_w) * 4;
      for (int r = 0; r < 6; ++r)
        for (int c = 0; c < 6; ++c) buf[r * 6 + c][l] = p[r * wp + c];
    }
    for (int64_t l = n; l < L; ++l)
      for (int k = 0; k < 36; ++k) buf[k][l] = 0.f;
    V d[6][6], s[6][6];
    for (int r = 0; r < 6; ++r)
      for (int c = 0; c < 6; ++c) d[r][c] = vload<V>(buf[r * 6 + c]);
    for (int c = 0; c < 6; ++c) {  // columns: s[.][c] = B^T d[.][c]
      V col[6], out[6];
      for (int r = 0; r < 6; ++r) col[r] = d[r][c];
      inputTransform(col, out);
      for (int r = 0; r < 6; ++r) s[r][c] = out[r];
    }
    for (int r = 0; r < 6; ++r) {  // rows: (B^T d) B
      V out[6];
      inputTransform(s[r], out);
      for (int c = 0; c < 6; ++c) vstore(v + (r * 6 + c) * xi_stride + t0, out[c]);
    }
  }
}

template <class V>
ZY_VEC_INLINE void outputTiles(const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias,
                               const float* residual, const FusedActivation& act, float* y, int64_t OH, int64_t OW) {
  constexpr int L = lanes<V>();
  alignas(64) float buf[16][L];
  // Relu and Clip in registers, unless a residual must be added first.
  const RegisterActivation<V> activate(act, !residual);
  const V b = vsplat<V>(bias);
  for (int64_t t0 = 0; t0 < tiles; t0 += L) {
    V s[4][6];
    for (int c = 0; c < 6; ++c) {  // columns: A^T m[.][c]
      V col[6], out[4];
      for (int r = 0; r < 6; ++r) col[r] = vload<V>(mx + (r * 6 + c) * xi_stride + t0);
      outputTransform(col, out);
      for (int r = 0; r < 4; ++r) s[r][c] = out[r];
    }
    for (int r = 0; r < 4; ++r) {  // rows: (A^T m) A
      V out[4];
      outputTransform(s[r], out);
      for (int c = 0; c < 4; ++c) {
        vstore(buf[r * 4 + c], activate(out[c] + b));
      }
    }
    const int64_t n = std::min<int64_t>(L, tiles - t0);
    for (int64_t l = 0; l < n; ++l) {
      const int64_t t = t0 + l, oh0 = (t / tiles_w) * 4, ow0 = (t % tiles_w) * 4;
      const int64_t rows = std::min<int64_t>(4, OH - oh0), cols = std::min<int64_t>(4, OW - ow0);
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) {
          const int64_t o = (oh0 + i) * OW + ow0 + j;
          y[o] = buf[i * 4 + j][l] + (residual ? residual[o] : 0.f);
        }
    }
  }
}

__attribute__((target("avx512f"))) void inputAvx512(const float* p, int64_t wp, int64_t tw, int64_t t, int64_t tp, float* v, int64_t s) {
  inputTiles<F32x16>(p, wp, tw, t, tp, v, s);
}
__attribute__((target("avx2,fma"))) void inputAvx2(const float* p, int64_t wp, int64_t tw, int64_t t, int64_t tp, float* v, int64_t s) {
  inputTiles<F32x8>(p, wp, tw, t, tp, v, s);
}
__attribute__((target("avx512f"))) void outputAvx512(const float* mx, int64_t s, int64_t tw, int64_t t, float bias, const float* r,
                                                     const FusedActivation& act, float* y, int64_t oh, int64_t ow) {
  outputTiles<F32x16>(mx, s, tw, t, bias, r, act, y, oh, ow);
}
__attribute__((target("avx2,fma"))) void outputAvx2(const float* mx, int64_t s, int64_t tw, int64_t t, float bias, const float* r,
                                                    const FusedActivation& act, float* y, int64_t oh, int64_t ow) {
  outputTiles<F32x8>(mx, s, tw, t, bias, r, act, y, oh, ow);
}

}  // namespace

void winogradWeights(const float* w, int64_t M, int64_t C, float* u) {
  static const double G[6][3] = {{1.0 / 4, 0, 0},          {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                 {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
  for (int64_t m = 0; m < M; ++m)
    for (int64_t c = 0; c < C; ++c) {
      const float* g = w + (m * C + c) * 9;
      double gg[6][3];  // G g
      for (int r = 0; r < 6; ++r)
        for (int b = 0; b < 3; ++b) gg[r][b] = G[r][0] * g[b] + G[r][1] * g[3 + b] + G[r][2] * g[6 + b];
      for (int r = 0; r < 6; ++r)
        for (int s = 0; s < 6; ++s)
          u[(r * 6 + s) * M * C + m * C + c] = static_cast<float>(gg[r][0] * G[s][0] + gg[r][1] * G[s][1] + gg[r][2] * G[s][2]);
    }
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
