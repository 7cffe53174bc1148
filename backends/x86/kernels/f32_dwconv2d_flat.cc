#include "f32_dwconv2d_flat.h"

#include <immintrin.h>

#include <algorithm>

#include "cpu_features.h"
#include "f32_activation.h"
#include "f32_activation_avx512.h"
#include "lane_mask.h"

namespace zy {
namespace x86 {

namespace {

// x[lo, lo + 16) of a plane of P floats, zeros outside it: a masked load
// only at the plane's ends (they are slow on Zen 4).
__attribute__((target("avx512f"), always_inline)) inline __m512 loadClipped(const float* x, int64_t lo, int64_t P) {
  if (lo >= 0 && lo + 16 <= P) return _mm512_loadu_ps(x + lo);
  const __mmask16 m = laneRange16(-lo, P - lo);
  return m ? _mm512_maskz_loadu_ps(m, x + lo) : _mm512_setzero_ps();
}

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

}  // namespace

bool DwconvFlat::supported(const WindowGeometry& g, int64_t H, int64_t W) {
  return cpuFeatures().avx512f && g.kernel[0] == 3 && g.kernel[1] == 3 && g.strides[0] == 1 && g.strides[1] == 1 && g.dilations[0] == 1 &&
         g.dilations[1] == 1 && g.out[0] == H && g.out[1] == W && g.pad_begin[0] < 3 && g.pad_begin[1] < 3;
}

DwconvFlat::DwconvFlat(const WindowGeometry& g, int64_t H, int64_t W)
    : H_(H), W_(W), pt_(g.pad_begin[0]), pl_(g.pad_begin[1]), vectors_((H * W + 15) / 16) {
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

void DwconvFlat::run(const float* x, const float* w, float bias, const FusedActivation& act, float* y) const {
  const int64_t P = H_ * W_;
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
