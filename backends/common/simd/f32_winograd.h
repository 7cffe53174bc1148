// Winograd F(4x4, 3x3) on the portable vectors, shared by x86 and ARM
// (f32-winograd-f43): each 4x4 output tile comes from a 6x6 input tile
// through 36 independent GEMMs over channels, 2.25 multiplies per output and
// channel instead of 9.
//   U = G g G^T (weights, once), V = B^T d B (input tiles),
//   Y = A^T (U . V) A (output tiles), with the points 0, +-1, +-2, inf.
// Its rounding differs from direct convolution by a few ulps of the largest
// partial sums; tests check it against ref, and backends can turn it off.
// Each backend instantiates winogradInputTiles / winogradOutputTiles at its
// width; tiles go L at a time into the lanes (L = lanes<V>()).
#pragma once
#include <algorithm>
#include <cstdint>

#include "ops/fused_activation.h"
#include "simd/vec.h"

namespace zy {
namespace simd {

constexpr int64_t kWinogradPoints = 36;     // 6x6 transformed values per tile
constexpr int64_t kWinogradTileLanes = 16;  // tiles are padded to a multiple of this (any backend's L divides it)

// u[xi * M * C + m * C + c] from w [M][C][3][3] (in double, then rounded once).
inline void winogradWeights(const float* w, int64_t M, int64_t C, float* u) {
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

// One input channel: plane is its zero-padded copy, row stride wp, with tile
// t = th * tiles_w + tw starting at (4 th, 4 tw). Writes v[xi * xi_stride + t]
// for t < tiles_padded (tiles past `tiles` get zeros).
template <class V>
ZY_VEC_INLINE void winogradInputTiles(const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
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

// One output channel: from mx[xi * xi_stride + t], adds bias and the residual
// plane (optional), applies Relu/Clip in registers (the caller applies a
// deferred activation, or any activation after a residual, over y) and writes
// the OH x OW plane y (tiles clipped at the edges).
template <class V>
ZY_VEC_INLINE void winogradOutputTiles(const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias,
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

// Winograd F(2x2, 3x3) (f32-winograd-f23): each 2x2 output tile from a 4x4
// input tile, 16 GEMMs, 4 multiplies per output and channel instead of 9.
// For small images (7x7: 16 tiles, where F(4x4, 3x3) has 4), and exact to a
// few ulps: its transforms only add, subtract and halve.
//   U = G g G^T with G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
//   V = B^T d B with B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],
//   Y = A^T (U . V) A with A^T = [1 1 1 0; 0 1 -1 -1].
constexpr int64_t kWinograd23Points = 16;

// u[xi * M * C + m * C + c] from w [M][C][3][3].
inline void winograd23Weights(const float* w, int64_t M, int64_t C, float* u) {
  static const double G[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  for (int64_t m = 0; m < M; ++m)
    for (int64_t c = 0; c < C; ++c) {
      const float* g = w + (m * C + c) * 9;
      double gg[4][3];  // G g
      for (int r = 0; r < 4; ++r)
        for (int b = 0; b < 3; ++b) gg[r][b] = G[r][0] * g[b] + G[r][1] * g[3 + b] + G[r][2] * g[6 + b];
      for (int r = 0; r < 4; ++r)
        for (int s = 0; s < 4; ++s)
          u[(r * 4 + s) * M * C + m * C + c] = static_cast<float>(gg[r][0] * G[s][0] + gg[r][1] * G[s][1] + gg[r][2] * G[s][2]);
    }
}

template <class T>
ZY_VEC_INLINE void input23Transform(const T d[4], T r[4]) {
  r[0] = d[0] - d[2];
  r[1] = d[1] + d[2];
  r[2] = d[2] - d[1];
  r[3] = d[1] - d[3];
}

template <class T>
ZY_VEC_INLINE void output23Transform(const T m[4], T o[2]) {
  o[0] = m[0] + m[1] + m[2];
  o[1] = m[1] - m[2] - m[3];
}

// As winogradInputTiles, for F(2x2, 3x3): tile t = th * tiles_w + tw starts
// at (2 th, 2 tw) of the padded plane.
template <class V>
ZY_VEC_INLINE void winograd23InputTiles(const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                                        int64_t xi_stride) {
  constexpr int L = lanes<V>();
  alignas(64) float buf[16][L];
  for (int64_t t0 = 0; t0 < tiles_padded; t0 += L) {
    const int64_t n = std::max<int64_t>(0, std::min<int64_t>(L, tiles - t0));
    for (int64_t l = 0; l < n; ++l) {
      const int64_t t = t0 + l;
      const float* p = plane + (t / tiles_w) * 2 * wp + (t % tiles_w) * 2;
      for (int r = 0; r < 4; ++r)
        for (int c = 0; c < 4; ++c) buf[r * 4 + c][l] = p[r * wp + c];
    }
    for (int64_t l = n; l < L; ++l)
      for (int k = 0; k < 16; ++k) buf[k][l] = 0.f;
    V s[4][4];
    for (int c = 0; c < 4; ++c) {  // columns: s[.][c] = B^T d[.][c]
      V col[4], out[4];
      for (int r = 0; r < 4; ++r) col[r] = vload<V>(buf[r * 4 + c]);
      input23Transform(col, out);
      for (int r = 0; r < 4; ++r) s[r][c] = out[r];
    }
    for (int r = 0; r < 4; ++r) {  // rows: (B^T d) B
      V out[4];
      input23Transform(s[r], out);
      for (int c = 0; c < 4; ++c) vstore(v + (r * 4 + c) * xi_stride + t0, out[c]);
    }
  }
}

// As winogradOutputTiles, for F(2x2, 3x3).
template <class V>
ZY_VEC_INLINE void winograd23OutputTiles(const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias,
                                         const float* residual, const FusedActivation& act, float* y, int64_t OH, int64_t OW) {
  constexpr int L = lanes<V>();
  alignas(64) float buf[4][L];
  const RegisterActivation<V> activate(act, !residual);
  const V b = vsplat<V>(bias);
  for (int64_t t0 = 0; t0 < tiles; t0 += L) {
    V s[2][4];
    for (int c = 0; c < 4; ++c) {  // columns: A^T m[.][c]
      V col[4], out[2];
      for (int r = 0; r < 4; ++r) col[r] = vload<V>(mx + (r * 4 + c) * xi_stride + t0);
      output23Transform(col, out);
      for (int r = 0; r < 2; ++r) s[r][c] = out[r];
    }
    for (int r = 0; r < 2; ++r) {  // rows: (A^T m) A
      V out[2];
      output23Transform(s[r], out);
      for (int c = 0; c < 2; ++c) vstore(buf[r * 2 + c], activate(out[c] + b));
    }
    const int64_t n = std::min<int64_t>(L, tiles - t0);
    for (int64_t l = 0; l < n; ++l) {
      const int64_t t = t0 + l, oh0 = (t / tiles_w) * 2, ow0 = (t % tiles_w) * 2;
      const int64_t rows = std::min<int64_t>(2, OH - oh0), cols = std::min<int64_t>(2, OW - ow0);
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) {
          const int64_t o = (oh0 + i) * OW + ow0 + j;
          y[o] = buf[i * 2 + j][l] + (residual ? residual[o] : 0.f);
        }
    }
  }
}

}  // namespace simd
}  // namespace zy
