#include "f32_dwconv2d_flat.h"

#include <immintrin.h>

#include <algorithm>
#include <utility>

#include "cpu_features.h"
#include "f32_activation.h"
#include "f32_activation_avx512.h"
#include "f32_lane_runs_avx512.h"
#include "lane_mask.h"

namespace zy {
namespace x86 {

namespace {

// The 16 floats from s lanes after (s > 0) or before (s < 0) the vector c,
// with p and n the vectors before and after it.
template <int S>
__attribute__((target("avx512f"), always_inline)) inline __m512 shifted(__m512 p, __m512 c, __m512 n) {
  if constexpr (S == 0) return c;
  else if constexpr (S > 0) return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(n), _mm512_castps_si512(c), S));
  else return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(c), _mm512_castps_si512(p), 16 + S));
}

// U vectors of one plane, from vector v on. For each kernel row, U + 2
// loads give every tap column by lane shifts (a first version's 9 unaligned
// loads per vector, most of them split across cache lines, were bound by the
// load ports). U accumulators hide the FMA latency of the taps chained on each.
template <int PL, int ACT, int U>
__attribute__((target("avx512f"), always_inline)) inline void vectors(const float* x, int64_t W, int64_t P, int64_t pt,
                                                                      const uint16_t* masks, const __m512 (&wv)[9], __m512 bias,
                                                                      const FusedActivation& act, int64_t v, float* y) {
  __m512 acc[U];
#pragma GCC unroll 4
  for (int u = 0; u < U; ++u) acc[u] = bias;
#pragma GCC unroll 3
  for (int i = 0; i < 3; ++i) {
    const int64_t base = v * 16 + (i - pt) * W;
    __m512 row[U + 2];
#pragma GCC unroll 6
    for (int u = 0; u < U + 2; ++u) row[u] = loadClipped(x, base + (u - 1) * 16, P);
#pragma GCC unroll 4
    for (int u = 0; u < U; ++u) {
      const __m512 p = row[u], c = row[u + 1], n = row[u + 2];
      const uint16_t* m = masks + (v + u) * 3;
      acc[u] = _mm512_mask3_fmadd_ps(wv[i * 3 + 0], shifted<0 - PL>(p, c, n), acc[u], m[0]);
      acc[u] = _mm512_mask3_fmadd_ps(wv[i * 3 + 1], shifted<1 - PL>(p, c, n), acc[u], m[1]);
      acc[u] = _mm512_mask3_fmadd_ps(wv[i * 3 + 2], shifted<2 - PL>(p, c, n), acc[u], m[2]);
    }
  }
#pragma GCC unroll 4
  for (int u = 0; u < U; ++u) {
    const __m512 r = activateKind512<ACT>(acc[u], act);
    const int64_t q0 = (v + u) * 16;
    if (q0 + 16 <= P) _mm512_storeu_ps(y + q0, r);
    else _mm512_mask_storeu_ps(y + q0, firstLanes16(P - q0), r);
  }
}

template <int PL, int ACT>
__attribute__((target("avx512f"))) void plane(const float* x, int64_t W, int64_t P, int64_t pt, int64_t nv, const uint16_t* masks,
                                              const float* w, float b, const FusedActivation& act, float* y) {
  __m512 wv[9];
  for (int t = 0; t < 9; ++t) wv[t] = _mm512_set1_ps(w[t]);  // 9 registers (5x5's 25 spilled: 1.5x slower than f32-dwconv2d-cblock)
  const __m512 bias = _mm512_set1_ps(b);
  int64_t v = 0;
  for (; v + 4 <= nv; v += 4) vectors<PL, ACT, 4>(x, W, P, pt, masks, wv, bias, act, v, y);
  for (; v < nv; ++v) vectors<PL, ACT, 1>(x, W, P, pt, masks, wv, bias, act, v, y);
}

constexpr int floorDiv16(int d) { return d >= 0 ? d / 16 : -((-d + 15) / 16); }

// The 16 floats from d lanes after vector v, out of the sliding window A
// whose register j holds vector v + KMIN + j.
template <int D, int KMIN, int K>
__attribute__((target("avx512f"), always_inline)) inline __m512 windowTap(const __m512 (&A)[K]) {
  constexpr int k = floorDiv16(D), r = D - 16 * k, j = k - KMIN;
  static_assert(j >= 0 && j + (r != 0) < K, "the tap lies in the window");
  if constexpr (r == 0) return A[j];
  else return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(A[j + 1]), _mm512_castps_si512(A[j]), r));
}

// Planes padded by one on every side, of a width known at compile time:
// every tap of vector v lies within vectors v - W/16 - 1 to v + W/16 + 1
// (offsets -W - 1 to W + 1). A window of registers holding them slides
// along the plane one vector at a time, so a vector costs one load and each
// tap is a lane shift by an immediate (3 registers up to 14 wide, 17 for
// 112). The general path's row loads at +-W split cache lines, and on this
// Zen 4 a zmm shuffle and a zmm FMA share a pipe. One thread, in L1, cycles
// per vector: 7x7 39 -> 18, 14x14 27 -> 15, 28x28 23-33 -> 14, 56x56
// 24-28 -> 14, 112x112 21-28 -> 12.
template <int W, int ACT>
__attribute__((target("avx512f"))) void windowPlane(const float* x, int64_t P, const uint16_t* masks, const float* w, float b,
                                                  const FusedActivation& act, float* y) {
  constexpr int KMIN = floorDiv16(-W - 1), KMAX = floorDiv16(W + 1) + 1, K = KMAX - KMIN + 1;
  __m512 wv[9];
  for (int t = 0; t < 9; ++t) wv[t] = _mm512_set1_ps(w[t]);
  const __m512 bias = _mm512_set1_ps(b);
  const int64_t nv = (P + 15) / 16;
  __m512 A[K];
#pragma GCC unroll 32
  for (int j = 0; j < K; ++j) A[j] = j + KMIN < 0 ? _mm512_setzero_ps() : loadClipped(x, (j + KMIN) * 16, P);
  for (int64_t v = 0; v < nv; ++v) {
    const uint16_t* m = masks + v * 3;  // lanes whose left (0) and right (2) tap columns stay in the row
    __m512 a0 = _mm512_mask3_fmadd_ps(wv[0], windowTap<-W - 1, KMIN>(A), bias, m[0]);
    __m512 a1 = _mm512_mul_ps(wv[1], windowTap<-W, KMIN>(A));
    __m512 a2 = _mm512_maskz_mul_ps(m[2], wv[2], windowTap<-W + 1, KMIN>(A));
    a0 = _mm512_mask3_fmadd_ps(wv[3], windowTap<-1, KMIN>(A), a0, m[0]);
    a1 = _mm512_fmadd_ps(wv[4], windowTap<0, KMIN>(A), a1);
    a2 = _mm512_mask3_fmadd_ps(wv[5], windowTap<1, KMIN>(A), a2, m[2]);
    a0 = _mm512_mask3_fmadd_ps(wv[6], windowTap<W - 1, KMIN>(A), a0, m[0]);
    a1 = _mm512_fmadd_ps(wv[7], windowTap<W, KMIN>(A), a1);
    a2 = _mm512_mask3_fmadd_ps(wv[8], windowTap<W + 1, KMIN>(A), a2, m[2]);
    const __m512 r = activateKind512<ACT>(_mm512_add_ps(a0, _mm512_add_ps(a1, a2)), act);
    if (v * 16 + 16 <= P) _mm512_storeu_ps(y + v * 16, r);
    else _mm512_mask_storeu_ps(y + v * 16, firstLanes16(P - v * 16), r);
#pragma GCC unroll 32
    for (int j = 0; j + 1 < K; ++j) A[j] = A[j + 1];
    const int64_t q = (v + 1 + KMAX) * 16;
    A[K - 1] = q + 16 <= P ? _mm512_loadu_ps(x + q) : loadClipped(x, q, P);
  }
}

// The widths windowPlane is built for: every width up to 15, and beyond, the
// stages of 224x224 and 320x320 networks and a few more. Others take the
// general path.
using WindowWidths =
    std::integer_sequence<int, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 24, 28, 32, 40, 48, 56, 64, 80, 96, 112>;

template <int ACT, int... Ws, class Fn>
void windowPlaneFor(int64_t W, std::integer_sequence<int, Ws...>, Fn* fn) {
  ((W == Ws ? (*fn = windowPlane<Ws, ACT>, 0) : 0), ...);
}

template <int... Ws>
bool isWindowWidth(int64_t W, std::integer_sequence<int, Ws...>) { return ((W == Ws) || ...); }

}  // namespace

bool DwconvFlat::supported(const WindowGeometry& g, int64_t H, int64_t W) {
  return cpuFeatures().avx512f && g.kernel[0] == 3 && g.kernel[1] == 3 && g.strides[0] == 1 && g.strides[1] == 1 && g.dilations[0] == 1 &&
         g.dilations[1] == 1 && g.out[0] == H && g.out[1] == W && g.pad_begin[0] < 3 && g.pad_begin[1] < 3;
}

DwconvFlat::DwconvFlat(const WindowGeometry& g, int64_t H, int64_t W, const FusedActivation& act)
    : H_(H), W_(W), pt_(g.pad_begin[0]), pl_(g.pad_begin[1]), vectors_((H * W + 15) / 16), act_(act) {
  if (slidingWindow(g, W))
    withActivationKind(&act_, [&](auto kind) { windowPlaneFor<decltype(kind)::value>(W, WindowWidths{}, &window_); });
  masks_.resize(static_cast<size_t>(vectors_ * 3));
  for (int64_t v = 0; v < vectors_; ++v)
    for (int64_t j = 0; j < 3; ++j) {
      uint16_t m = 0;
      for (int64_t l = 0; l < 16; ++l) {
        const int64_t col = (v * 16 + l) % W + j - pl_;
        if (col >= 0 && col < W) m = static_cast<uint16_t>(m | (1u << l));
      }
      masks_[static_cast<size_t>(v * 3 + j)] = m;
    }
}

bool DwconvFlat::slidingWindow(const WindowGeometry& g, int64_t W) {
  return g.pad_begin[0] == 1 && g.pad_begin[1] == 1 && isWindowWidth(W, WindowWidths{});
}

void DwconvFlat::run(const float* x, const float* w, float bias, float* y) const {
  const int64_t P = H_ * W_;
  const FusedActivation& act = act_;
  if (window_) return window_(x, P, masks_.data(), w, bias, act, y);
  withActivationKind(&act, [&](auto kind) {
    constexpr int ACT = decltype(kind)::value;
    switch (pl_) {  // the left padding fixes which lane shift each tap column takes
      case 0: plane<0, ACT>(x, W_, P, pt_, vectors_, masks_.data(), w, bias, act, y); break;
      case 1: plane<1, ACT>(x, W_, P, pt_, vectors_, masks_.data(), w, bias, act, y); break;
      default: plane<2, ACT>(x, W_, P, pt_, vectors_, masks_.data(), w, bias, act, y); break;
    }
  });
}

}  // namespace x86
}  // namespace zy
