#include "padded_planes.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "cpu_features.h"
#include "f32_lane_runs_avx512.h"

namespace zy {
namespace x86 {

namespace {

// even[k] = x[2k], odd[k] = x[2k+1] for k < n.
__attribute__((target("avx512f"))) void deinterleaveAvx512(const float* x, int64_t n, float* even, float* odd) {
  const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  int64_t k = 0;
  for (; k + 16 <= n; k += 16) {
    const __m512 a = _mm512_loadu_ps(x + 2 * k), b = _mm512_loadu_ps(x + 2 * k + 16);
    _mm512_storeu_ps(even + k, _mm512_permutex2var_ps(a, ie, b));
    _mm512_storeu_ps(odd + k, _mm512_permutex2var_ps(a, io, b));
  }
  for (; k < n; ++k) {
    even[k] = x[2 * k];
    odd[k] = x[2 * k + 1];
  }
}

// y[k] = x[2k] for k < n, reading x[0 .. 2n - 2] only (the odd input after
// the last even one may lie past the row, or past the tensor).
__attribute__((target("avx512f"))) void evensAvx512(const float* x, int64_t n, float* y) {
  const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  int64_t k = 0;
  // A whole second load while it stays within x[0 .. 2n - 2]; masked for the last one.
  for (; k + 16 <= n; k += 16) {
    const __m512 hi = 2 * k + 32 <= 2 * n - 1 ? _mm512_loadu_ps(x + 2 * k + 16) : _mm512_maskz_loadu_ps(0x7FFF, x + 2 * k + 16);
    _mm512_storeu_ps(y + k, _mm512_permutex2var_ps(_mm512_loadu_ps(x + 2 * k), ie, hi));
  }
  for (; k < n; ++k) y[k] = x[2 * k];
}

// kc rows of one panel, nr / 16 vectors each, every vector from its runs.
__attribute__((target("avx512f"))) void packRowsAvx512(const float* base, const int64_t* offsets, int64_t kc, const LaneRuns* runs,
                                                       int64_t vectors, float* panel) {
  for (int64_t kk = 0; kk < kc; ++kk) {
    const float* src = base + offsets[kk];
    for (int64_t v = 0; v < vectors; ++v) _mm512_storeu_ps(panel + (kk * vectors + v) * 16, loadRuns(src, runs[v]));
  }
}

}  // namespace

void PaddedImagePacker::pack(int64_t k0, int64_t kc, int64_t n0, int64_t ncols, int64_t nr, float* dst) const {
  constexpr int kMaxVectors = 4;  // NR up to 64
  const bool vectors_ok = cpuFeatures().avx512f && nr % 16 == 0 && nr <= 16 * kMaxVectors;
  for (int64_t j0 = 0; j0 < ncols; j0 += nr) {
    const int64_t w = std::min(nr, ncols - j0);
    float* panel = dst + (j0 / nr) * kc * nr;
    // The panel's pieces, one per output row it spans: (column in panel,
    // position in the plane, length); at most w <= NR of them.
    constexpr int kMaxPieces = 64;
    int64_t piece[kMaxPieces][3], pieces = 0;
    for (int64_t j = 0; j < w && pieces < kMaxPieces;) {
      const int64_t p = n0 + j0 + j, ow = p % OW_, len = std::min(w - j, OW_ - ow);
      piece[pieces][0] = j, piece[pieces][1] = (p / OW_) * Wq_ + ow, piece[pieces][2] = len;
      ++pieces, j += len;
    }
    // Each 16 columns as the runs of the pieces that cross them.
    LaneRuns runs[kMaxVectors];
    bool use_runs = vectors_ok;
    for (int64_t v = 0; v < nr / 16 && use_runs; ++v) {
      runs[v].count = 0;
      for (int64_t q = 0; q < pieces && use_runs; ++q) {
        const int64_t lo = std::max(piece[q][0], 16 * v), hi = std::min(piece[q][0] + piece[q][2], 16 * v + 16);
        if (lo < hi) use_runs = runs[v].add(static_cast<int>(lo - 16 * v), static_cast<int>(hi - lo), piece[q][1] + lo - piece[q][0]);
      }
      if (runs[v].count == 0) runs[v].add(0, 0, 0);  // columns past the panel's pixels: zeros
    }
    if (use_runs) {
      packRowsAvx512(base_, offsets_.data() + k0, kc, runs, nr / 16, panel);
      continue;
    }
    for (int64_t kk = 0; kk < kc; ++kk) {
      const float* src = base_ + offsets_[static_cast<size_t>(k0 + kk)];
      float* row = panel + kk * nr;
      for (int64_t q = 0; q < pieces; ++q)
        std::memcpy(row + piece[q][0], src + piece[q][1], static_cast<size_t>(piece[q][2]) * sizeof(float));
      if (w < nr) std::memset(row + w, 0, static_cast<size_t>(nr - w) * sizeof(float));
    }
  }
}

void subsamplePlane(const float* x, int64_t W, int64_t SH, int64_t SW, int64_t OH, int64_t OW, float* y) {
  const bool fast2 = SW == 2 && cpuFeatures().avx512f;
  for (int64_t oh = 0; oh < OH; ++oh) {
    const float* row = x + oh * SH * W;
    float* dst = y + oh * OW;
    if (SW == 1) std::memcpy(dst, row, static_cast<size_t>(OW) * sizeof(float));
    else if (fast2) evensAvx512(row, OW, dst);
    else for (int64_t ow = 0; ow < OW; ++ow) dst[ow] = row[ow * SW];
  }
}

PaddedPlanes::PaddedPlanes(const WindowGeometry& g, int64_t h, int64_t w, int64_t slack)
    : H(h), W(w), OH(g.out[0]), OW(g.out[1]), SH(g.strides[0]), SW(g.strides[1]), DH(g.dilations[0]), DW(g.dilations[1]),
      pad_top(g.pad_begin[0]), pad_left(g.pad_begin[1]), KH(g.kernel[0]), KW(g.kernel[1]) {
  Hq = OH + (KH - 1) * DH / SH + 1;  // one spare row: the dropped columns of the last output row read past it
  Wq = OW + (KW - 1) * DW / SW;
  phase_stride = Hq * Wq + slack;
  for (int64_t i = 0; i < KH && SH <= 64; ++i) row_phases |= uint64_t{1} << (i * DH % SH);
  for (int64_t j = 0; j < KW && SW <= 64; ++j) col_phases |= uint64_t{1} << (j * DW % SW);
}

int64_t PaddedPlanes::tapOffset(int64_t i, int64_t j) const {
  const int64_t di = i * DH, dj = j * DW;
  return ((di % SH) * SW + dj % SW) * phase_stride + (di / SH) * Wq + dj / SW;
}

bool PaddedPlanes::phaseUsed(int64_t pr, int64_t pc) const {
  if (SH <= 64 && SW <= 64) return (row_phases >> pr & 1) && (col_phases >> pc & 1);
  bool row = false, col = false;
  for (int64_t i = 0; i < KH && !row; ++i) row = i * DH % SH == pr;
  for (int64_t j = 0; j < KW && !col; ++j) col = j * DW % SW == pc;
  return row && col;
}

void PaddedPlanes::fill(const float* x, float v, float* dst) const { fillRows(x, v, 0, Hq, dst); }

void PaddedPlanes::fillRows(const float* x, float v, int64_t a_begin, int64_t a_end, float* dst) const {
  // Phase column b of phase pc holds input column b*SW + pc - pad_left.
  int64_t lo[8], hi[8];  // valid columns per column phase (strides up to 8 take the fast path)
  const bool small_stride = SW <= 8;
  for (int64_t pc = 0; pc < SW && small_stride; ++pc) {
    const int64_t first = pad_left - pc, last = W - 1 + pad_left - pc;
    lo[pc] = std::min(Wq, first <= 0 ? 0 : (first + SW - 1) / SW);
    hi[pc] = std::max(lo[pc], std::min(Wq, last < 0 ? 0 : last / SW + 1));
  }
  const bool fast2 = SW == 2 && cpuFeatures().avx512f;
  float* tmp = nullptr;
  float even_odd[2 * 512];
  if (fast2 && W <= 1024) tmp = even_odd;
  for (int64_t pr = 0; pr < SH; ++pr) {
    bool row_used = false;  // a strided 1x1 window reads one row phase of SH
    for (int64_t pc = 0; pc < SW && !row_used; ++pc) row_used = phaseUsed(pr, pc);
    if (!row_used) continue;
    for (int64_t a = a_begin; a < a_end; ++a) {
      const int64_t ih = a * SH + pr - pad_top;
      const bool inside = ih >= 0 && ih < H;
      const float* src_row = inside ? x + ih * W : nullptr;
      if (tmp && inside) {
        deinterleaveAvx512(src_row, W / 2, tmp, tmp + 512);
        if (W & 1) tmp[W / 2] = src_row[W - 1];
      }
      for (int64_t pc = 0; pc < SW; ++pc) {
        if (!phaseUsed(pr, pc)) continue;
        float* row = dst + (pr * SW + pc) * phase_stride + a * Wq;
        if (!inside) { std::fill(row, row + Wq, v); continue; }
        int64_t l, h;
        if (small_stride) { l = lo[pc]; h = hi[pc]; }
        else {
          const int64_t first = pad_left - pc, last = W - 1 + pad_left - pc;
          l = std::min(Wq, first <= 0 ? 0 : (first + SW - 1) / SW);
          h = std::max(l, std::min(Wq, last < 0 ? 0 : last / SW + 1));
        }
        std::fill(row, row + l, v);
        std::fill(row + h, row + Wq, v);
        const int64_t shift = pc - pad_left;  // input column = b*SW + shift
        if (SW == 1) {
          std::memcpy(row + l, src_row + l + shift, static_cast<size_t>(h - l) * sizeof(float));
        } else if (tmp) {  // input column 2b + shift is entry b + floor(shift / 2) of the evens or the odds
          const int64_t odd = shift & 1, base = (shift - odd) / 2;
          std::memcpy(row + l, (odd ? tmp + 512 : tmp) + l + base, static_cast<size_t>(h - l) * sizeof(float));
        } else {
          for (int64_t b = l; b < h; ++b) row[b] = src_row[b * SW + shift];
        }
      }
    }
  }
  if (a_end < Hq) return;  // the slack past the last row: with the last rows
  for (int64_t p = 0; p < phases(); ++p)
    if (phaseUsed(p / SW, p % SW)) std::fill(dst + p * phase_stride + Hq * Wq, dst + (p + 1) * phase_stride, v);
}

void PaddedPlanes::dropPadColumns(const float* flat, float* y) const {
  if (Wq == OW) { std::memcpy(y, flat, static_cast<size_t>(OH * OW) * sizeof(float)); return; }
  for (int64_t oh = 0; oh < OH; ++oh) std::memcpy(y + oh * OW, flat + oh * Wq, static_cast<size_t>(OW) * sizeof(float));
}

}  // namespace x86
}  // namespace zy
