// Google Benchmark: qs8-gemm/avx512vnni-8x48 over the shapes of int8
// convolutions as GEMMs (M = output channels, N = pixels, K = input channels
// x window), one thread, packing of the activations and the requantizing
// store included. Reports GOP/s (2 per multiply-add) and the share of this
// machine's VNNI peak, measured at start-up.
#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

#include "kernels/qs8_gemm.h"
#include "machine_peak.h"

namespace {

double peak() {
  static const double p = zy::x86::qs8GemmAvailable() ? zy::bench::vnniPeakGops() * 1e9 : 1.0;
  return p;
}

void BM_Qs8Gemm(benchmark::State& state) {
  if (!zy::x86::qs8GemmAvailable()) {
    state.SkipWithError("this CPU has no AVX-512 VNNI");
    return;
  }
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2), panel = 48;
  // Varied bytes and a scale that spreads the outputs over the byte range,
  // so that the requantizing store sees what a network gives it.
  std::vector<int8_t> w(m * k);
  std::vector<uint8_t> x(k * n), packed(((k + 3) / 4) * panel * 4), y(m * n);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>((i * 37 + 11) % 255 - 127);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>((i * 53 + 7) % 256);
  const zy::Qs8PackedWeights pw = zy::packQs8Weights(w.data(), m, k);
  zy::Qs8Requant rq;
  rq.bias.assign(m, 0);
  rq.multiplier.assign(m, 1518500250);  // 2^30.5
  rq.shift.assign(m, 40);
  rq.scale.assign(m, std::ldexp(1518500250.f, -40));
  rq.zero_point = 128;
  rq.lo = 0;
  rq.hi = 255;
  for (auto _ : state) {
    for (int64_t p0 = 0; p0 < n; p0 += panel) {
      const int64_t np = std::min(panel, n - p0);
      zy::x86::packQs8Activations(x.data(), n, k, p0, np, 0, 0, packed.data());
      zy::x86::qs8GemmPanel(pw, packed.data(), np, rq, y.data() + p0, n);
    }
    benchmark::DoNotOptimize(y.data());
  }
  const double ops = 2.0 * m * n * k;
  state.counters["GOP/s"] = benchmark::Counter(ops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_share"] = benchmark::Counter(ops / peak(), benchmark::Counter::kIsIterationInvariantRate);
}

// Square, ResNet-18's 3x3 layers, ResNet-50's 1x1 layers, MobileNetV2's pointwise ones.
BENCHMARK(BM_Qs8Gemm)
    ->Name("qs8-gemm/avx512vnni-8x48")
    ->Args({1024, 1024, 1024})
    ->Args({64, 3136, 576})
    ->Args({128, 784, 1152})
    ->Args({256, 196, 2304})
    ->Args({512, 49, 4608})
    ->Args({64, 3136, 256})
    ->Args({256, 3136, 64})
    ->Args({144, 3136, 24})
    ->Args({24, 3136, 144})
    ->Args({960, 49, 160})
    ->Unit(benchmark::kMillisecond);

}  // namespace
