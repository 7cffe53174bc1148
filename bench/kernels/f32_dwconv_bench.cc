// Google Benchmark: depthwise convolutions of MobileNetV2 and EfficientNet
// through the x86 kernels (channel-blocked, per-plane, direct 3x3, flat 3x3), one thread. Reports the time against the memory
// bound, (input + output bytes) / this machine's streaming bandwidth: the
// issue's target is a bound_ratio of 2 or less.
#include <benchmark/benchmark.h>

#include <vector>

#include "kernels/f32_dwconv2d_flat.h"
#include "kernels/f32_window2d_cblock.h"
#include "kernels/f32_window2d.h"
#include "kernels/f32_window3x3_chw.h"
#include "kernels/scratch.h"
#include "machine_peak.h"

namespace {

const double kBandwidth = zy::bench::memoryBandwidthGBs() * 1e9;

zy::WindowGeometry geometry(int64_t h, int64_t w, int64_t k, int64_t s) {
  zy::WindowGeometry g;
  const int64_t p = k / 2;
  g.kernel = {k, k};
  g.strides = {s, s};
  g.dilations = {1, 1};
  g.pad_begin = {p, p};
  g.pad_end = {p, p};
  g.out = {(h + 2 * p - k) / s + 1, (w + 2 * p - k) / s + 1};
  return g;
}

// args: channels, height (= width), kernel, stride, kernel kind: per-plane
// window (0), channel-blocked (1), direct 3x3 (2, f32-dwconv2d-chw), flat 3x3
// (3, f32-dwconv2d-flat)
void BM_Dwconv(benchmark::State& state) {
  const int64_t c = state.range(0), h = state.range(1), k = state.range(2), s = state.range(3), kind = state.range(4);
  const bool blocked = kind == 1;
  const zy::WindowGeometry g = geometry(h, h, k, s);
  const int64_t p = g.out[0] * g.out[1];
  std::vector<float> x(c * h * h, 0.5f), w(c * k * k, 0.1f), bias(c, 0.f), y(c * p);
  zy::FusedActivation relu;
  relu.kind = zy::FusedActivation::Relu;
  zy::x86::DwconvChannelBlocked cb(w.data(), bias.data(), c, k, k);
  zy::x86::Window2d win(g, h, h);
  if (kind == 2 && !zy::x86::window3x3ChwSupported(g)) {
    state.SkipWithError("the direct kernel needs AVX-512 and a 3x3 window");
    return;
  }
  if (kind == 3 && !zy::x86::DwconvFlat::supported(g, h, h)) {
    state.SkipWithError("the flat kernel needs AVX-512, a 3x3 window and stride 1");
    return;
  }
  const zy::x86::DwconvFlat flat(g, h, h, relu);
  for (auto _ : state) {
    if (kind == 3) {
      for (int64_t i = 0; i < c; ++i) flat.run(x.data() + i * h * h, w.data() + i * k * k, 0.f, y.data() + i * p);
    } else if (kind == 2) {
      for (int64_t i = 0; i < c; ++i) zy::x86::dwconv3x3Chw(x.data() + i * h * h, h, h, g, w.data() + i * k * k, 0.f, relu, y.data() + i * p);
    } else if (blocked) {
      float* scratch = zy::x86::threadScratch(cb.scratchFloats(g));
      for (int64_t b = 0; b < cb.blocks(); ++b) cb.run(b, x.data(), h, h, g, relu, y.data(), scratch);
    } else {
      float* scratch = zy::x86::threadScratch(win.scratchFloats());
      for (int64_t i = 0; i < c; ++i) win.dwconv(x.data() + i * h * h, w.data() + i * k * k, 0.f, relu, y.data() + i * p, scratch);
    }
    benchmark::DoNotOptimize(y.data());
  }
  const double bytes = 4.0 * (x.size() + y.size());
  state.counters["GB/s"] = benchmark::Counter(bytes, benchmark::Counter::kIsIterationInvariantRate);
  // (time per run) / (bytes / bandwidth): 1 = at the memory bound.
  state.counters["bound_ratio"] = benchmark::Counter(bytes / kBandwidth, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["bandwidth_GB/s"] = kBandwidth / 1e9;
}

BENCHMARK(BM_Dwconv)
    ->ArgNames({"c", "hw", "k", "s", "kind"})
    ->Args({32, 112, 3, 1, 1})->Args({32, 112, 3, 1, 0})->Args({32, 112, 3, 1, 2})->Args({32, 112, 3, 1, 3})
    ->Args({96, 112, 3, 2, 1})->Args({96, 112, 3, 2, 0})->Args({96, 112, 3, 2, 2})
    ->Args({144, 56, 3, 1, 1})->Args({144, 56, 3, 1, 2})->Args({144, 56, 3, 1, 3})
    ->Args({144, 56, 3, 2, 1})->Args({144, 56, 3, 2, 2})->Args({192, 28, 3, 2, 1})->Args({192, 28, 3, 2, 2})
    ->Args({576, 14, 3, 2, 1})->Args({576, 14, 3, 2, 2})
    ->Args({192, 28, 3, 1, 1})->Args({192, 28, 3, 1, 2})->Args({192, 28, 3, 1, 3})
    ->Args({384, 14, 3, 1, 1})->Args({384, 14, 3, 1, 3})->Args({960, 7, 3, 1, 1})->Args({960, 7, 3, 1, 3})->Args({672, 14, 5, 1, 1})->Args({1152, 7, 5, 1, 1})
    ->Unit(benchmark::kMicrosecond);

}  // namespace
