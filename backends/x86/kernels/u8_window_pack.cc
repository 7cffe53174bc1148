#include "u8_window_pack.h"

#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "cpu_features.h"
#include "lane_mask.h"
#include "qs8_gemm.h"  // kQs8Lanes

namespace zy {
namespace x86 {
namespace {

#define ZY_BW __attribute__((target("avx512f,avx512bw,avx512vl")))

constexpr int64_t kChunk = 64;  // pixels gathered per im2col row: one zmm of bytes

// Where the pixels of a chunk read one kernel tap: runs of lanes that read
// consecutive bytes (stride 1) or every other byte (stride 2) of an input
// row, one load each; lanes of other strides, and a stride-2 run's last lane
// when the word under it would reach past the plane, are `single` (one
// byte, blended in). Lanes of no run are padding.
struct Run {
  int64_t start;  // single: the byte's offset; else the offset lane 0 would read
  uint64_t lanes;
  bool single;
};

// One tap's runs. A chunk of 48 pixels spans at most two output rows on
// images 48+ wide: two runs are kept inline, any others (runs, then singles)
// in PanelRuns::extra.
struct TapRuns {
  int64_t start[2] = {0, 0};
  uint64_t lanes[2] = {0, 0};  // 0: no run
  int32_t extra_begin = 0, extra = 0;
};

struct PanelRuns {
  std::vector<TapRuns> taps;
  std::vector<Run> extra;
};

// Adds a run to tap e: inline while there is room, else to extra. A tap's
// singles come after its runs (stride 2 adds its one single last; other
// strides have only singles), as gatherRow expects.
inline void addRun(PanelRuns* r, TapRuns* e, const Run& run) {
  if (!run.single && e->extra == 0)
    for (int q = 0; q < 2; ++q)
      if (e->lanes[q] == 0) {
        e->start[q] = run.start;
        e->lanes[q] = run.lanes;
        return;
      }
  if (e->extra == 0) e->extra_begin = static_cast<int32_t>(r->extra.size());
  r->extra.push_back(run);
  ++e->extra;
}

// The runs of pixels [p0, p0 + np), np <= kChunk, for every tap.
void buildRuns(const U8Window& w, int64_t p0, int64_t np, PanelRuns* r) {
  const WindowGeometry& g = w.g;
  const int64_t OW = g.out[1], sh = g.strides[0], sw = g.strides[1], dh = g.dilations[0], dw = g.dilations[1];
  const int64_t taps = w.kh * w.kw, plane = w.H * w.W;
  const int64_t step = sw == 2 ? 2 : 1;  // bytes between the lanes of a run
  struct Segment {                       // lanes [first, first + n) on output row oh, from column ow
    int64_t first, n, oh, ow;
  } segs[kChunk];
  int nsegs = 0;
  for (int64_t l = 0; l < np; l += segs[nsegs++].n) {
    const int64_t p = p0 + l, ow = p % OW;
    segs[nsegs] = {l, std::min(OW - ow, np - l), p / OW, ow};
  }
  r->taps.assign(static_cast<size_t>(taps), TapRuns{});
  r->extra.clear();
  for (int64_t t = 0; t < taps; ++t) {
    TapRuns* e = &r->taps[static_cast<size_t>(t)];
    const int64_t ih_tap = t / w.kw * dh - g.pad_begin[0], iw_tap = t % w.kw * dw - g.pad_begin[1];
    Run last{};  // a stride-2 run's last lane at the plane's end, added after the runs
    for (int s = 0; s < nsegs; ++s) {
      const Segment& sg = segs[s];
      const int64_t ih = sg.oh * sh + ih_tap;
      if (ih < 0 || ih >= w.H) continue;
      // Lanes first + q, q in [lo, hi), read columns iw0 + q * sw inside [0, W).
      const int64_t iw0 = sg.ow * sw + iw_tap;
      const int64_t lo = iw0 >= 0 ? 0 : (-iw0 + sw - 1) / sw;
      int64_t hi = iw0 < w.W ? std::min<int64_t>(sg.n, (w.W - 1 - iw0) / sw + 1) : 0;
      if (lo >= hi) continue;
      const int64_t row = ih * w.W + iw0;
      if (sw > 2) {
        for (int64_t q = lo; q < hi; ++q) addRun(r, e, {row + q * sw, uint64_t{1} << (sg.first + q), true});
        continue;
      }
      if (sw == 2 && row + (hi - 1) * sw + 1 >= plane) {
        --hi;
        last = {row + hi * sw, uint64_t{1} << (sg.first + hi), true};
      }
      if (lo < hi) addRun(r, e, {row + lo * sw - (sg.first + lo) * step, laneRange64(sg.first + lo, sg.first + hi), false});
    }
    if (last.lanes) addRun(r, e, last);
  }
}

// The 64 bytes (or 32 words) at x + off, into the lanes of v that `lanes`
// selects. Zen 4 runs masked loads at half the speed of a load and a blend,
// so a masked load is used only where they would reach outside x's `size`.
ZY_BW inline __m512i loadBytes(__m512i v, uint64_t lanes, const uint8_t* x, int64_t off, int64_t size) {
  if (off >= 0 && off + 64 <= size) return _mm512_mask_blend_epi8(lanes, v, _mm512_loadu_si512(x + off));
  return _mm512_mask_loadu_epi8(v, lanes, x + off);
}
ZY_BW inline __m512i loadWords(__m512i v, __mmask32 lanes, const uint8_t* x, int64_t off, int64_t size) {
  if (off >= 0 && off + 64 <= size) return _mm512_mask_blend_epi16(lanes, v, _mm512_loadu_si512(x + off));
  return _mm512_mask_loadu_epi16(v, lanes, x + off);
}

// Byte lanes of a run: from 64 bytes, or (stride 2) the low bytes of 64 words.
template <bool kWords>
ZY_BW inline __m512i loadRun(__m512i v, uint64_t lanes, const uint8_t* x, int64_t off, int64_t size) {
  if (!kWords) return loadBytes(v, lanes, x, off, size);
  // Each half: its words loaded over v's bytes widened, then narrowed back.
  __m256i lo = _mm512_castsi512_si256(v), hi = _mm512_extracti64x4_epi64(v, 1);
  if (static_cast<uint32_t>(lanes)) lo = _mm512_cvtepi16_epi8(loadWords(_mm512_cvtepu8_epi16(lo), static_cast<__mmask32>(lanes), x, off, size));
  if (lanes >> 32) hi = _mm512_cvtepi16_epi8(loadWords(_mm512_cvtepu8_epi16(hi), static_cast<__mmask32>(lanes >> 32), x, off + 64, size));
  return _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
}

// One im2col row of the chunk, channel plane at x + plane_off: the runs'
// bytes over a vector of `pad`.
template <bool kWords>
ZY_BW inline __m512i gatherRow(const uint8_t* x, int64_t plane_off, int64_t size, const TapRuns& e, const Run* extra, __m512i pad) {
  // Both inline runs, used or not (an unused one loads no lanes at the plane's start): no branches.
  __m512i v = loadRun<kWords>(pad, e.lanes[0], x, plane_off + e.start[0], size);
  v = loadRun<kWords>(v, e.lanes[1], x, plane_off + e.start[1], size);
  const Run *q = extra + e.extra_begin, *end = q + e.extra;
  for (; q < end && !q->single; ++q) v = loadRun<kWords>(v, q->lanes, x, plane_off + q->start, size);
  for (; q < end; ++q) v = _mm512_mask_blend_epi8(q->lanes, v, _mm512_set1_epi8(static_cast<char>(x[plane_off + q->start])));
  return v;
}

// Pixels [p0, p0 + np), np <= kChunk, at out (NP pixels per K group).
template <bool kWords>
ZY_BW void packChunk(const U8Window& w, const PanelRuns& r, const uint8_t* x, int64_t np, int64_t NP, uint8_t pad, uint8_t flip,
                     uint8_t* out) {
  // Locals only: the byte stores below may alias anything a pointer reaches.
  const int64_t taps = w.kh * w.kw, C = w.C, K = C * taps, kgroups = (K + 3) / 4, V = (np + kQs8Lanes - 1) / kQs8Lanes;
  const int64_t plane = w.H * w.W, size = C * plane;
  const __m512i f = _mm512_set1_epi8(static_cast<char>(flip)), padv = _mm512_set1_epi8(static_cast<char>(pad));
  const TapRuns* tap_runs = r.taps.data();
  const Run* extra = r.extra.data();
  int64_t c = 0, t = 0;  // channel and tap of row 4g
  for (int64_t g = 0; g < kgroups; ++g) {
    __m512i row[4];
#pragma GCC unroll 4
    for (int q = 0; q < 4; ++q) {
      row[q] = c < C ? gatherRow<kWords>(x, c * plane, size, tap_runs[t], extra, padv) : padv;
      if (++t == taps) t = 0, ++c;
    }
    // 4 rows x 64 pixels -> 64 pixels x 4 bytes. Byte and word interleaves
    // work per 128-bit lane: x[j] holds pixels 16L + 4j .. 16L + 4j + 3 in lane L.
    const __m512i ab_lo = _mm512_unpacklo_epi8(row[0], row[1]), ab_hi = _mm512_unpackhi_epi8(row[0], row[1]);
    const __m512i cd_lo = _mm512_unpacklo_epi8(row[2], row[3]), cd_hi = _mm512_unpackhi_epi8(row[2], row[3]);
    const __m512i x0 = _mm512_unpacklo_epi16(ab_lo, cd_lo), x1 = _mm512_unpackhi_epi16(ab_lo, cd_lo);
    const __m512i x2 = _mm512_unpacklo_epi16(ab_hi, cd_hi), x3 = _mm512_unpackhi_epi16(ab_hi, cd_hi);
    // Vector v of the output is lane v of x0..x3: a 4x4 transpose of lanes.
    const __m512i t0 = _mm512_shuffle_i64x2(x0, x1, 0x44), t1 = _mm512_shuffle_i64x2(x2, x3, 0x44);
    const __m512i t2 = _mm512_shuffle_i64x2(x0, x1, 0xEE), t3 = _mm512_shuffle_i64x2(x2, x3, 0xEE);
    uint8_t* o = out + g * NP * 4;
    _mm512_storeu_si512(o, _mm512_xor_si512(f, _mm512_shuffle_i64x2(t0, t1, 0x88)));
    if (V > 1) _mm512_storeu_si512(o + 64, _mm512_xor_si512(f, _mm512_shuffle_i64x2(t0, t1, 0xDD)));
    if (V > 2) _mm512_storeu_si512(o + 128, _mm512_xor_si512(f, _mm512_shuffle_i64x2(t2, t3, 0x88)));
    if (V > 3) _mm512_storeu_si512(o + 192, _mm512_xor_si512(f, _mm512_shuffle_i64x2(t2, t3, 0xDD)));
  }
}

// Without AVX-512: each im2col row gathered run by run into a row of pad
// bytes (a copy per stride-1 run), then four rows interleaved with SSE2 as
// packQs8Activations does. A byte at a time, with the window arithmetic per
// byte, it had taken 2.7x the AVX2 GEMM's time (int8 ResNet-18 on AVX2 118 ms).
void gatherRowPortable(const uint8_t* x, int64_t plane_off, const TapRuns& e, const Run* extra, bool words, uint8_t pad,
                       uint8_t* row) {
  std::memset(row, pad, kChunk);
  const auto copyRun = [&](int64_t start, uint64_t lanes) {
    if (!lanes) return;
    const int first = __builtin_ctzll(lanes), n = 64 - __builtin_clzll(lanes) - first;  // a run's lanes are contiguous
    const uint8_t* src = x + plane_off + start;
    if (!words) {
      std::memcpy(row + first, src + first, static_cast<size_t>(n));
      return;
    }
    for (int l = first; l < first + n; ++l) row[l] = src[2 * l];
  };
  copyRun(e.start[0], e.lanes[0]);
  copyRun(e.start[1], e.lanes[1]);
  for (const Run *q = extra + e.extra_begin, *end = q + e.extra; q < end; ++q) {
    if (!q->single) {
      copyRun(q->start, q->lanes);
      continue;
    }
    for (uint64_t m = q->lanes; m; m &= m - 1) row[__builtin_ctzll(m)] = x[plane_off + q->start];
  }
}

void packChunkPortable(const U8Window& w, const PanelRuns& r, const uint8_t* x, int64_t np, int64_t NP, bool words, uint8_t pad,
                       uint8_t flip, uint8_t* out) {
  const int64_t taps = w.kh * w.kw, C = w.C, K = C * taps, kgroups = (K + 3) / 4, plane = w.H * w.W;
  const __m128i f = _mm_set1_epi8(static_cast<char>(flip));
  alignas(16) uint8_t rows[4][kChunk];
  int64_t c = 0, t = 0;  // channel and tap of row 4g
  for (int64_t g = 0; g < kgroups; ++g) {
    for (int q = 0; q < 4; ++q) {
      if (c < C) gatherRowPortable(x, c * plane, r.taps[static_cast<size_t>(t)], r.extra.data(), words, pad, rows[q]);
      else std::memset(rows[q], pad, kChunk);
      if (++t == taps) t = 0, ++c;
    }
    uint8_t* o = out + g * NP * 4;
    const auto row = [&](int q, int64_t p) { return _mm_load_si128(reinterpret_cast<const __m128i*>(rows[q] + p)); };
    for (int64_t p = 0; p < np; p += 16) interleaveRows4x16(row(0, p), row(1, p), row(2, p), row(3, p), f, o + p * 4);
  }
}

}  // namespace

void packQs8Window(const U8Window& w, const uint8_t* x, int64_t p0, int64_t np, uint8_t pad, uint8_t flip, uint8_t* out) {
  const CpuFeatures& f = cpuFeatures();
  const bool avx512 = f.avx512f && f.avx512bw && f.avx512vl, words = w.g.strides[1] == 2;
  thread_local PanelRuns runs;
  const int64_t NP = (np + kQs8Lanes - 1) / kQs8Lanes * kQs8Lanes;
  for (int64_t c0 = 0; c0 < np; c0 += kChunk) {
    const int64_t n = std::min(kChunk, np - c0);
    buildRuns(w, p0 + c0, n, &runs);
    if (!avx512) packChunkPortable(w, runs, x, n, NP, words, pad, flip, out + c0 * 4);
    else if (words) packChunk<true>(w, runs, x, n, NP, pad, flip, out + c0 * 4);
    else packChunk<false>(w, runs, x, n, NP, pad, flip, out + c0 * 4);
  }
}

}  // namespace x86
}  // namespace zy
