#include "machine_peak.h"

#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace zy {
namespace bench {
namespace {

double seconds(const std::chrono::steady_clock::time_point& t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// 12 independent FMA chains: enough to cover latency x throughput on current cores.
__attribute__((target("avx512f,fma"), noinline)) float fmaLoop512(long iters) {
  __m512 a[12];
  for (int i = 0; i < 12; ++i) a[i] = _mm512_set1_ps(1.f + i * 1e-3f);
  const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
  for (long k = 0; k < iters; ++k)
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) a[i] = _mm512_fmadd_ps(a[i], m, c);
  __m512 s = a[0];
  for (int i = 1; i < 12; ++i) s = _mm512_add_ps(s, a[i]);
  return _mm512_reduce_add_ps(s);
}

__attribute__((target("avx2,fma"), noinline)) float fmaLoop256(long iters) {
  __m256 a[12];
  for (int i = 0; i < 12; ++i) a[i] = _mm256_set1_ps(1.f + i * 1e-3f);
  const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  for (long k = 0; k < iters; ++k)
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) a[i] = _mm256_fmadd_ps(a[i], m, c);
  __m256 s = a[0];
  for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, a[i]);
  alignas(32) float v[8];
  _mm256_store_ps(v, s);
  return v[0];
}

// 12 independent vpdpbusd chains (u8 x s8, 64 multiply-adds each).
__attribute__((target("avx512f,avx512bw,avx512vnni"), noinline)) int vnniLoop512(long iters) {
  __m512i a[12];
  for (int i = 0; i < 12; ++i) a[i] = _mm512_set1_epi32(i);
  const __m512i b = _mm512_set1_epi32(0x01010101), c = _mm512_set1_epi32(0x01fe01fe);
  for (long k = 0; k < iters; ++k)
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) a[i] = _mm512_dpbusd_epi32(a[i], b, c);
  __m512i s = a[0];
  for (int i = 1; i < 12; ++i) s = _mm512_add_epi32(s, a[i]);
  return _mm512_reduce_add_epi32(s);
}

}  // namespace

double vnniPeakGops() {
  const long iters = 4000000;
  double best = 0;
  volatile int sink = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    sink = sink + vnniLoop512(iters);
    best = std::max(best, 2.0 * 12 * 64 * iters / seconds(t0) / 1e9);
  }
  return best;
}

double fmaPeakGflops(bool avx512) {
  const long iters = 4000000;
  double best = 0;
  volatile float sink = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    sink = sink + (avx512 ? fmaLoop512(iters) : fmaLoop256(iters));
    const double flops = 2.0 * 12 * (avx512 ? 16 : 8) * iters;
    best = std::max(best, flops / seconds(t0) / 1e9);
  }
  return best;
}

double memoryBandwidthGBs() {
  const size_t n = size_t(64) << 20;  // 64 MiB each way: far past the caches
  std::vector<char> src(n, 1), dst(n, 0);
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    std::memcpy(dst.data(), src.data(), n);
    best = std::max(best, 2.0 * n / seconds(t0) / 1e9);
    src[rep] = dst[n - 1 - rep];
  }
  return best;
}

}  // namespace bench
}  // namespace zy
