// f32-gemm/neon-8x8: the ARMv8.0 NEON GEMM under the ARM backend's
// convolutions: 8 output channels x 8 pixels, 16 accumulators, 16 FMLA (by
// lane) per 4 loads (an 8x12 tile needs 29 registers, and GCC 12 spills two
// accumulators per iteration: llvm-mca showed it). Weights packed once as
// [M/8][K][8]; activations per panel as [K][8]. Bias and a fused activation
// in the store.
// Cache blocking (F32GemmBlocking, from the core's cache sizes): K in passes
// of kc, so that one [kc][8] activation micro-panel stays in L1D while every
// weight tile streams past it; weight blocks of mc rows, kept in L2 while a
// group of panels uses them.
#pragma once
#include <cstdint>
#include <vector>

#include "cpu_features.h"
#include "ops/fused_activation.h"

namespace zy {
namespace arm {

constexpr int kF32Mr = 8, kF32Nr = 8;

struct F32PackedWeights {
  int64_t m = 0, k = 0;
  std::vector<float> data;
};
F32PackedWeights packF32Weights(const float* w, int64_t m, int64_t k);

// Columns [n0, n0 + nr) of x ([k][ld]) as a [k][8] panel, zero-padded.
void packF32Panel(const float* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, float* out);

struct F32GemmBlocking {
  int64_t kc = 512;   // K per pass: a [kc][8] activation micro-panel fills at most half of L1D
  int64_t mc = 64;    // weight rows per block: an [mc][kc] block fills at most half of L2
  int64_t group = 4;  // panels per call that share each weight block: a quarter of L2
  static F32GemmBlocking forCaches(const CacheSizes& caches);
};

// c[m][n] (rows ldc apart) for every channel and the columns of `count`
// consecutive panels ([count][k][8], all full but the last, which has
// last_nr columns). Accumulates in a per-thread buffer across K passes.
void f32GemmPanels(const F32PackedWeights& w, const float* panels, int64_t count, int64_t last_nr, const float* bias,
                   const FusedActivation& act, float* c, int64_t ldc, const F32GemmBlocking& blocking);

// c[:, n0, n0 + n) = w x[:, n0, n0 + n) (+ bias, act) for x [k][ld]: packs the
// columns as panels (in a per-thread buffer), then f32GemmPanels.
void f32GemmColumns(const F32PackedWeights& w, const float* x, int64_t ld, int64_t n0, int64_t n, const float* bias,
                    const FusedActivation& act, float* c, int64_t ldc, const F32GemmBlocking& blocking);

// One panel of nr columns.
inline void f32GemmPanel(const F32PackedWeights& w, const float* panel, int64_t nr, const float* bias, const FusedActivation& act,
                         float* c, int64_t ldc, const F32GemmBlocking& blocking = F32GemmBlocking{}) {
  f32GemmPanels(w, panel, 1, nr, bias, act, c, ldc, blocking);
}

}  // namespace arm
}  // namespace zy
