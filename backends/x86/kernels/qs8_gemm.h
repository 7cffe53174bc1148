// qs8-gemm: the int8 GEMM of the int8 spec (docs/int8.md) on x86.
//   acc[m, p] = sum_k w[m, k] * x[k, p]      (int32, exact)
// with w signed int8 weights (symmetric: zero point 0) and x unsigned 8-bit
// activations. int8 activations enter as x ^ 0x80 (x + 128); the zero point
// moves into a per-channel bias, so that the GEMM needs no centring:
//   sum_k w (x - zx) = sum_k w x_u8 - (zx + 128 for int8) * sum_k w.
// Both operands are packed in groups of 4 along K, the unit of vpdpbusd
// (u8 x s8, four products into one int32 lane).
// Then each tile is requantized (qs8-requantize) straight into the output.
#pragma once
#include <emmintrin.h>

#include <cstdint>
#include <vector>

#include "kernels/f32_gemm.h"  // ParallelFor
#include "qs8_params.h"

namespace zy {
namespace x86 {

constexpr int kQs8Lanes = 16;  // pixels per accumulator (one zmm of int32)

// The requantizing stores are certified in float: v = a * scale + zero_point
// in one f32 FMA (scale = multiplier * 2^-shift, Qs8Requant::scale), clamped
// to [lo, hi], rounded to nearest. Where the clamp does not saturate, |a *
// scale| <= |v| + |zero_point| <= 510, and the three f32 roundings (a,
// scale, the FMA; 2^-24 relative each) leave v within 1.1e-4 < 2^-13 of the
// exact value. So v's nearest integer is the spec's result unless |v -
// round(v)| exceeds this bound, within 2^-12 of a tie; such vectors (under 1%
// of them) take the exact int64 path. Where the clamp saturates, both give lo
// or hi. Half the instructions of the int64 path.
constexpr float kQs8TieBound = 0.5f - 1.f / 4096;

// 16 pixels of 4 im2col rows (a byte each) as the packed layout's 16 x 4
// bytes at dst, every byte XORed with flip: two rounds of byte and word
// interleaving (SSE2).
inline void interleaveRows4x16(__m128i a, __m128i b, __m128i c, __m128i d, __m128i flip, uint8_t* dst) {
  const __m128i ab_lo = _mm_unpacklo_epi8(a, b), ab_hi = _mm_unpackhi_epi8(a, b);
  const __m128i cd_lo = _mm_unpacklo_epi8(c, d), cd_hi = _mm_unpackhi_epi8(c, d);
  __m128i* o = reinterpret_cast<__m128i*>(dst);
  _mm_storeu_si128(o + 0, _mm_xor_si128(flip, _mm_unpacklo_epi16(ab_lo, cd_lo)));
  _mm_storeu_si128(o + 1, _mm_xor_si128(flip, _mm_unpackhi_epi16(ab_lo, cd_lo)));
  _mm_storeu_si128(o + 2, _mm_xor_si128(flip, _mm_unpacklo_epi16(ab_hi, cd_hi)));
  _mm_storeu_si128(o + 3, _mm_xor_si128(flip, _mm_unpackhi_epi16(ab_hi, cd_hi)));
}

// Activations [k][p] (rows `ld` apart) packed for pixels [p0, p0 + np): as
// [K/4][NP][4] bytes, NP = np rounded up to 16 (the extra pixels hold `pad`).
// Every byte is XORed with `flip`: 0x80 turns int8 into the u8 the GEMM takes.
void packQs8Activations(const uint8_t* x, int64_t ld, int64_t k, int64_t p0, int64_t np, uint8_t pad, uint8_t flip, uint8_t* out);

// One output panel: channels [m_begin, m_end) (multiples of kQs8Mr but for
// the last; -1 = all) for the packed pixels [p0, p0 + np) of an [M][P] output
// with P = ldy, bytes as int8 or uint8 per rq's range.
void qs8GemmPanel(const Qs8PackedWeights& w, const uint8_t* packed_x, int64_t np, const Qs8Requant& rq, uint8_t* y, int64_t ldy,
                  int64_t m_begin = 0, int64_t m_end = -1);

// Whether this CPU runs qs8-gemm: AVX-512 VNNI (qs8-gemm/avx512vnni-8x48),
// or AVX2 (qs8-gemm/avx2-8x8: the same packed operands, exact 16-bit products
// through vpmaddwd; vpmaddubsw would saturate). Call prepareQs8Weights on
// the weights once before the AVX2 kernel uses them.
bool qs8GemmAvailable();
// The microkernel qs8GemmPanel runs on this CPU ("none" without AVX2).
const char* qs8GemmKernelName();
void prepareQs8Weights(Qs8PackedWeights* w);

}  // namespace x86
}  // namespace zy
