// The int8 GEMM of the int8 spec (docs/int8.md) on ARM. Qs8ArmGemm picks the
// kernel the core runs best: qs8-gemm/neoni8mm-8x8 (ARMv8.6 I8MM: smmla,
// its own packing, qs8_gemm_i8mm.cc), or one of two over the k4 layout:
//   qs8-gemm/neondot-8x12 (ARMv8.2 dotprod): 8 output channels x 12 pixels,
//     24 int32x4 accumulators, one sdot (by lane) per accumulator and group
//     of 4 along K;
//   qs8-gemm/neon-4x4 (ARMv8.0): smull (8 products to int16) and sadalp
//     (pairwise into int32) per 2 pixels, 8 accumulators of half-sums. Activations enter as
// signed bytes (uint8 inputs XOR 0x80, the zero point folded into the bias by
// Qs8ConvParams); the requantization (Q31 multiplier, one rounding shift,
// ties away from zero) runs on the accumulators in int64 lanes.
#pragma once
#include <cstdint>
#include <vector>

#include "qs8_params.h"

namespace zy {
namespace arm {

constexpr int kQs8Nr = 12;  // pixels per tile

// Columns [n0, n0 + nr) of x ([k][ld] bytes) as [K/4][12][4], bytes XOR flip,
// missing pixels `pad`, rows past k 0 (their weights are 0).
void packQs8Panel(const uint8_t* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, uint8_t pad, uint8_t flip, int8_t* out);

// y[m][n] (rows ldy apart) for every channel and the panel's nr columns.
void qs8GemmPanelDot(const Qs8PackedWeights& w, const int8_t* panel, int64_t nr, const Qs8Requant& rq, uint8_t* y, int64_t ldy);
void qs8GemmPanelNeon(const Qs8PackedWeights& w, const int8_t* panel, int64_t nr, const Qs8Requant& rq, uint8_t* y, int64_t ldy);

// I8MM: weights as [M/8][K/8][4 row pairs][2][8] from rows of K; panels of 8
// pixels as [K/8][8][8].
constexpr int kQs8MmlaNr = 8;
std::vector<int8_t> packQs8MmlaWeights(const int8_t* w, int64_t m, int64_t k);
void packQs8MmlaPanel(const uint8_t* x, int64_t ld, int64_t k, int64_t n0, int64_t nr, uint8_t pad, uint8_t flip, int8_t* out);
void qs8GemmPanelMmla(const std::vector<int8_t>& w, int64_t m, int64_t k, const int8_t* panel, int64_t nr, const Qs8Requant& rq,
                      uint8_t* y, int64_t ldy);

// The int8 GEMM y[M][P] = requantize(w[M][K] x[K][P]) with the core's best
// kernel; the ops call panel() for pixel ranges of panelWidth().
class Qs8ArmGemm {
 public:
  enum Kernel { kI8mm, kDot, kNeon };
  Qs8ArmGemm(const int8_t* w, int64_t m, int64_t k);

  const Qs8PackedWeights& weights() const { return packed_; }  // m, k and the row sums for Qs8ConvParams
  Kernel kernel() const { return kernel_; }
  int64_t panelWidth() const { return kernel_ == kI8mm ? kQs8MmlaNr : kQs8Nr; }
  size_t scratchBytes() const;
  // Pixels [p0, p0 + np) of x ([K][ld] bytes) into y (rows ldy apart).
  void panel(const uint8_t* x, int64_t ld, int64_t p0, int64_t np, uint8_t pad, uint8_t flip, const Qs8Requant& rq, int8_t* scratch,
             uint8_t* y, int64_t ldy) const;

 private:
  Kernel kernel_;
  Qs8PackedWeights packed_;   // k4 layout (row sums always; data for dot / neon)
  std::vector<int8_t> mmla_;  // I8MM layout
};

}  // namespace arm
}  // namespace zy
