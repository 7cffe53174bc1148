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

// u[xi * M * C + m * C + c] = (G g G^T)[xi] from w [M][C][3][3], G being T x 3
// (in double, then rounded once): T * T points per weight.
template <int T>
inline void winogradWeightsWith(const double (&G)[T][3], const float* w, int64_t M, int64_t C, float* u) {
  for (int64_t m = 0; m < M; ++m)
    for (int64_t c = 0; c < C; ++c) {
      const float* g = w + (m * C + c) * 9;
      double gg[T][3];  // G g
      for (int r = 0; r < T; ++r)
        for (int b = 0; b < 3; ++b) gg[r][b] = G[r][0] * g[b] + G[r][1] * g[3 + b] + G[r][2] * g[6 + b];
      for (int r = 0; r < T; ++r)
        for (int s = 0; s < T; ++s)
          u[(r * T + s) * M * C + m * C + c] = static_cast<float>(gg[r][0] * G[s][0] + gg[r][1] * G[s][1] + gg[r][2] * G[s][2]);
    }
}

// F(4x4, 3x3)'s U.
inline void winogradWeights(const float* w, int64_t M, int64_t C, float* u) {
  static const double G[6][3] = {{1.0 / 4, 0, 0},          {-1.0 / 6, -1.0 / 6, -1.0 / 6}, {-1.0 / 6, 1.0 / 6, -1.0 / 6},
                                 {1.0 / 24, 1.0 / 12, 1.0 / 6}, {1.0 / 24, -1.0 / 12, 1.0 / 6}, {0, 0, 1}};
  winogradWeightsWith(G, w, M, C, u);
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

// Winograd F(2x2, 3x3) (f32-winograd-f23): each 2x2 output tile from a 4x4
// input tile, 16 GEMMs, 4 multiplies per output and channel instead of 9.
// For small images (7x7: 16 tiles, where F(4x4, 3x3) has 4), and exact to a
// few ulps: its transforms only add, subtract and halve.
//   U = G g G^T with G = [1 0 0; 1/2 1/2 1/2; 1/2 -1/2 1/2; 0 0 1],
//   V = B^T d B with B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],
//   Y = A^T (U . V) A with A^T = [1 1 1 0; 0 1 -1 -1].
constexpr int64_t kWinograd23Points = 16;

// F(2x2, 3x3)'s U.
inline void winograd23Weights(const float* w, int64_t M, int64_t C, float* u) {
  static const double G[4][3] = {{1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
  winogradWeightsWith(G, w, M, C, u);
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

// The two variants for the tile loops below: output tile M x M from an input
// tile T x T (T = M + 2), with their 1-D transforms.
struct WinogradF43 {
  static constexpr int M = 4, T = 6;
  template <class V>
  ZY_VEC_INLINE static void input(const V d[T], V r[T]) { inputTransform(d, r); }
  template <class V>
  ZY_VEC_INLINE static void output(const V m[T], V o[M]) { outputTransform(m, o); }
};
struct WinogradF23 {
  static constexpr int M = 2, T = 4;
  template <class V>
  ZY_VEC_INLINE static void input(const V d[T], V r[T]) { input23Transform(d, r); }
  template <class V>
  ZY_VEC_INLINE static void output(const V m[T], V o[M]) { output23Transform(m, o); }
};

// One input channel: plane is its zero-padded copy, row stride wp, with tile
// t = th * tiles_w + tw starting at (M th, M tw). Writes v[xi * xi_stride + t]
// for the T * T points xi and t < tiles_padded (tiles past `tiles` get zeros).
template <class W, class V>
ZY_VEC_INLINE void winogradInputTilesOf(const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                                        int64_t xi_stride) {
  constexpr int L = lanes<V>(), T = W::T;
  alignas(64) float buf[T * T][L];
  for (int64_t t0 = 0; t0 < tiles_padded; t0 += L) {
    const int64_t n = std::max<int64_t>(0, std::min<int64_t>(L, tiles - t0));
    for (int64_t l = 0; l < n; ++l) {
      const int64_t t = t0 + l;
      const float* p = plane + (t / tiles_w) * W::M * wp + (t % tiles_w) * W::M;
      for (int r = 0; r < T; ++r)
        for (int c = 0; c < T; ++c) buf[r * T + c][l] = p[r * wp + c];
    }
    for (int64_t l = n; l < L; ++l)
      for (int k = 0; k < T * T; ++k) buf[k][l] = 0.f;
    V s[T][T];
    for (int c = 0; c < T; ++c) {  // columns: s[.][c] = B^T d[.][c]
      V col[T], out[T];
      for (int r = 0; r < T; ++r) col[r] = vload<V>(buf[r * T + c]);
      W::input(col, out);
      for (int r = 0; r < T; ++r) s[r][c] = out[r];
    }
    for (int r = 0; r < T; ++r) {  // rows: (B^T d) B
      V out[T];
      W::input(s[r], out);
      for (int c = 0; c < T; ++c) vstore(v + (r * T + c) * xi_stride + t0, out[c]);
    }
  }
}

// One output channel: from mx[xi * xi_stride + t], adds bias and the residual
// plane (optional), applies Relu/Clip in registers (the caller applies a
// deferred activation, or any activation after a residual, over y) and writes
// the OH x OW plane y (tiles clipped at the edges).
template <class W, class V>
ZY_VEC_INLINE void winogradOutputTilesOf(const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias,
                                         const float* residual, const FusedActivation& act, float* y, int64_t OH, int64_t OW) {
  constexpr int L = lanes<V>(), T = W::T, M = W::M;
  alignas(64) float buf[M * M][L];
  // Relu and Clip in registers, unless a residual must be added first.
  const RegisterActivation<V> activate(act, !residual);
  const V b = vsplat<V>(bias);
  for (int64_t t0 = 0; t0 < tiles; t0 += L) {
    V s[M][T];
    for (int c = 0; c < T; ++c) {  // columns: A^T m[.][c]
      V col[T], out[M];
      for (int r = 0; r < T; ++r) col[r] = vload<V>(mx + (r * T + c) * xi_stride + t0);
      W::output(col, out);
      for (int r = 0; r < M; ++r) s[r][c] = out[r];
    }
    for (int r = 0; r < M; ++r) {  // rows: (A^T m) A
      V out[M];
      W::output(s[r], out);
      for (int c = 0; c < M; ++c) vstore(buf[r * M + c], activate(out[c] + b));
    }
    const int64_t n = std::min<int64_t>(L, tiles - t0);
    for (int64_t l = 0; l < n; ++l) {
      const int64_t t = t0 + l, oh0 = (t / tiles_w) * M, ow0 = (t % tiles_w) * M;
      const int64_t rows = std::min<int64_t>(M, OH - oh0), cols = std::min<int64_t>(M, OW - ow0);
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) {
          const int64_t o = (oh0 + i) * OW + ow0 + j;
          y[o] = buf[i * M + j][l] + (residual ? residual[o] : 0.f);
        }
    }
  }
}

// F(4x4, 3x3), as the ARM backend calls them.
template <class V>
ZY_VEC_INLINE void winogradInputTiles(const float* plane, int64_t wp, int64_t tiles_w, int64_t tiles, int64_t tiles_padded, float* v,
                                      int64_t xi_stride) {
  winogradInputTilesOf<WinogradF43, V>(plane, wp, tiles_w, tiles, tiles_padded, v, xi_stride);
}
template <class V>
ZY_VEC_INLINE void winogradOutputTiles(const float* mx, int64_t xi_stride, int64_t tiles_w, int64_t tiles, float bias,
                                       const float* residual, const FusedActivation& act, float* y, int64_t OH, int64_t OW) {
  winogradOutputTilesOf<WinogradF43, V>(mx, xi_stride, tiles_w, tiles, bias, residual, act, y, OH, OW);
}

}  // namespace simd
}  // namespace zy
