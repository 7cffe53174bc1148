// Google Benchmark: f32 GEMM microkernels through the blocked driver, one
// thread. Reports GFLOP/s and the share of this machine's FMA peak, measured
// at start-up (machine_peak.h; the clock wanders, so a share can pass 1 on a
// fast moment).
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "kernels/f32_gemm.h"
#include "machine_peak.h"

namespace {

const double kPeakAvx512 = zy::bench::fmaPeakGflops(true) * 1e9, kPeakAvx2 = zy::bench::fmaPeakGflops(false) * 1e9;

void BM_F32Gemm(benchmark::State& state, const zy::x86::GemmKernel* kernel) {
  const int64_t m = state.range(0), n = state.range(1), k = state.range(2);
  std::vector<float> a(m * k, 0.5f), b(k * n, 0.25f), c(m * n);
  const zy::x86::PackedA pa = zy::x86::packA(kernel, a.data(), m, k, k);
  const zy::FusedActivation act;
  const zy::x86::ParallelFor serial = [](size_t count, const std::function<void(size_t, size_t)>& fn) { if (count) fn(0, count); };
  for (auto _ : state) {
    zy::x86::gemm(pa, b.data(), n, n, c.data(), n, nullptr, act, serial);
    benchmark::DoNotOptimize(c.data());
  }
  const double flops = 2.0 * m * n * k;
  state.counters["GFLOP/s"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  const double peak = std::strstr(kernel->name, "avx512") ? kPeakAvx512 : kPeakAvx2;
  state.counters["peak_share"] = benchmark::Counter(flops / peak, benchmark::Counter::kIsIterationInvariantRate);
}

// Square GEMMs and the shapes of typical convolutions as GEMMs (M = output
// channels, N = output pixels, K = input channels x kernel).
const std::vector<std::vector<int64_t>> kShapes = {
    {256, 256, 256}, {1024, 1024, 1024}, {64, 3136, 576}, {128, 784, 1152}, {512, 49, 4608}, {96, 12544, 16},
    // MobileNetV2's pointwise convolutions: expand (small K) and project (small M).
    {144, 3136, 24}, {24, 3136, 144}, {192, 784, 32}, {384, 196, 64}, {64, 196, 384}, {960, 49, 160}, {1280, 49, 320},
    // SqueezeNet's classifier and ResNet-50's bottleneck 1x1 convolutions.
    {1000, 169, 512}, {64, 3136, 256}, {256, 3136, 64}, {512, 784, 128}, {128, 784, 512}, {256, 196, 1024}, {1024, 196, 256},
    {512, 49, 2048}, {2048, 49, 512}, {1024, 196, 512},
    // The same layers pixel-major (M = pixels, N = output channels) on 7x7 and 14x14 images.
    {49, 2048, 512}, {49, 512, 2048}, {196, 1024, 256}, {196, 256, 1024},
    // One Winograd point's GEMM on 16 tiles (ResNet's 14x14 and 7x7 3x3 layers).
    {256, 16, 256}, {512, 16, 512}};

int registerAll() {
  for (const zy::x86::GemmKernel* k : zy::x86::availableGemmKernels())
    for (const auto& s : kShapes)
      benchmark::RegisterBenchmark(k->name, BM_F32Gemm, k)->Args(s)->Unit(benchmark::kMillisecond);
  return 0;
}
const int kRegistered = registerAll();

}  // namespace

BENCHMARK_MAIN();
