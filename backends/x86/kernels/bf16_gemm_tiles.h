// bf16-gemm/amx-32x32: the fast-math GEMM on AMX tiles (--precision bf16 on
// CPUs with AMX-BF16, once Linux has granted the process its tile data).
//
// Eight tiles: four f32 accumulators C[2][2] of 16 x 16, two A tiles (16
// rows x 16 k-pairs each) and two B tiles (16 k-pairs x 16 columns, as
// k-pairs: the layout bf16PairPanel writes). One TDPBF16PS is 16 x 16 x 32
// multiply-adds.
//
// The kernel is written against a tile unit given as a template argument, so
// that the same code runs on the hardware (AmxTiles, bf16_gemm_amx.cc) and
// on a software model of the instructions' documented semantics (the unit
// tests: this machine has no AMX).
#pragma once
#include <immintrin.h>

#include <cstdint>

#include "f32_gemm.h"
#include "f32_gemm_tile_avx512.h"

namespace zy {
namespace x86 {

// The operand layout: A panels of 32 rows stored per block of 16 k-pairs as
// [32 rows][16 pairs] (an A tile reads rows 64 bytes apart), B panels of 32
// columns as [pairs][32], K padded with zero pairs to whole blocks.
constexpr int kAmxMR = 32, kAmxNR = 32, kAmxBlockPairs = 16;

// LDTILECFG's 64-byte operand (palette 1).
struct alignas(64) AmxTileConfig {
  uint8_t palette = 1, start_row = 0;
  uint8_t reserved0[14] = {};
  uint16_t colsb[8];  // bytes per row of each tile
  uint16_t reserved1[8] = {};
  uint8_t rows[8];
  uint8_t reserved2[8] = {};
};
static_assert(sizeof(AmxTileConfig) == 64, "LDTILECFG reads 64 bytes");

// Tiles 0-3 accumulate C[i][j] (i: A tile, j: B tile), 4-5 hold A, 6-7 B.
// Every tile is 16 rows of 64 bytes.
constexpr AmxTileConfig kAmx32x32Config = {1, 0, {}, {64, 64, 64, 64, 64, 64, 64, 64}, {}, {16, 16, 16, 16, 16, 16, 16, 16}, {}};

// kc counts k-pairs and is a multiple of kAmxBlockPairs; a holds
// [kc / 16][32][16] pairs, b [kc][32]. The tile is computed whole (the packed
// operands are zero-padded) and stored through the f32 kernels' epilogue.
template <class Tiles>
__attribute__((target("avx512f"))) void bf16GemmTiles32x32(int64_t kc, const float* a, const float* b, float* c, int64_t ldc,
                                                           int64_t mr, int64_t nr, bool accumulate, const TileEpilogue* last) {
  constexpr int64_t kRowBytes = 64, kBRowBytes = kAmxNR * 4, kABlockBytes = kAmxMR * kRowBytes;
  const auto* ap = reinterpret_cast<const uint8_t*>(a);
  const auto* bp = reinterpret_cast<const uint8_t*>(b);
  Tiles::configure(kAmx32x32Config);
  Tiles::template zero<0>();
  Tiles::template zero<1>();
  Tiles::template zero<2>();
  Tiles::template zero<3>();
  for (int64_t q = 0; q < kc; q += kAmxBlockPairs, ap += kABlockBytes, bp += kAmxBlockPairs * kBRowBytes) {
    Tiles::template load<4>(ap, kRowBytes);
    Tiles::template load<5>(ap + 16 * kRowBytes, kRowBytes);
    Tiles::template load<6>(bp, kBRowBytes);
    Tiles::template load<7>(bp + kRowBytes, kBRowBytes);
    Tiles::template dpbf16ps<0, 4, 6>();
    Tiles::template dpbf16ps<1, 4, 7>();
    Tiles::template dpbf16ps<2, 5, 6>();
    Tiles::template dpbf16ps<3, 5, 7>();
  }
  alignas(64) float out[kAmxMR][kAmxNR];
  Tiles::template store<0>(&out[0][0], kBRowBytes);
  Tiles::template store<1>(&out[0][16], kBRowBytes);
  Tiles::template store<2>(&out[16][0], kBRowBytes);
  Tiles::template store<3>(&out[16][16], kBRowBytes);
  Tiles::release();
  // Each half of 16 rows through the f32 store (bias, residual, activation).
  for (int64_t h = 0; h < 2 && 16 * h < mr; ++h) {
    __m512 acc[16][2];
    for (int i = 0; i < 16; ++i)
      for (int v = 0; v < 2; ++v) acc[i][v] = _mm512_load_ps(&out[16 * h + i][16 * v]);
    TileEpilogue e;
    if (last) {
      e = *last;
      if (e.bias) e.bias += 16 * h;
      if (e.residual) e.residual += 16 * h * e.ldr;
    }
    storeTile<16, 2>(acc, c + 16 * h * ldc, ldc, std::min<int64_t>(16, mr - 16 * h), nr, accumulate, last ? &e : nullptr);
  }
}

}  // namespace x86
}  // namespace zy
