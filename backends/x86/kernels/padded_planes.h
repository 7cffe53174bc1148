// One input plane, zero- (or otherwise) padded and split by stride phase, so
// that a strided, dilated sliding window becomes contiguous reads: plane
// (pr, pc) row a, column b holds input (a*SH + pr - pad_top, b*SW + pc - pad_left).
// Output pixel (oh, ow) is flat index oh * Wq + ow, and kernel tap (i, j)
// reads phase ((i*DH) % SH, (j*DW) % SW) at that index plus
// ((i*DH) / SH) * Wq + (j*DW) / SW. The Wq - OW columns past each output
// row are computed and dropped. Used by the convolution GEMM (conv.cc) and
// the sliding-window kernels (f32_window2d).
#pragma once
#include <cstdint>
#include <vector>

#include "f32_gemm.h"
#include "ops/op_helpers.h"

namespace zy {
namespace x86 {

struct PaddedPlanes {
  int64_t H = 0, W = 0, OH = 0, OW = 0;
  int64_t SH = 1, SW = 1, DH = 1, DW = 1, pad_top = 0, pad_left = 0;
  int64_t KH = 1, KW = 1;
  int64_t Hq = 0, Wq = 0;  // rows and columns of one phase plane
  int64_t phase_stride = 0;  // floats from one phase plane to the next (with slack for vector overreads)
  uint64_t row_phases = 0, col_phases = 0;  // bit p: some tap reads row (column) phase p (strides up to 64)

  // slack: floats readable past the last output's window (vector tails).
  PaddedPlanes(const WindowGeometry& g, int64_t H, int64_t W, int64_t slack);

  int64_t phases() const { return SH * SW; }
  int64_t floats() const { return phases() * phase_stride; }  // one input plane
  int64_t outputs() const { return OH * Wq; }                  // flat outputs, with the dropped columns
  // Where tap (i, j) starts, from the first phase plane.
  int64_t tapOffset(int64_t i, int64_t j) const;

  // Whether some kernel tap reads phase (pr, pc): a strided 1x1 window reads one of four.
  bool phaseUsed(int64_t pr, int64_t pc) const;
  // Copies one input plane x [H, W] into dst (floats() floats), padding with
  // `fill`; phases no tap reads are left as they are.
  void fill(const float* x, float fill_value, float* dst) const;
  // The same for phase rows [a_begin, a_end) of every phase (and the slack
  // when a_end is Hq): pieces of one plane for several threads.
  void fillRows(const float* x, float fill_value, int64_t a_begin, int64_t a_end, float* dst) const;
  // Copies the flat outputs [OH, Wq] into y [OH, OW].
  void dropPadColumns(const float* flat, float* y) const;
};

// A convolution as one GEMM over the padded input: each input channel is
// copied once into PaddedPlanes. Output pixel (oh, ow) lies at oh * Wq + ow
// of every phase plane, and the im2col row of tap (c, i, j) starts at a
// fixed offset there (offsets[k]), so a panel of consecutive output pixels
// packs as one contiguous read per output row it spans (the Wq - OW pad
// columns between rows are skipped; with AVX-512, one masked load per
// piece of each 16 columns). The GEMM then writes the output as it is.
class PaddedImagePacker : public BPacker {
 public:
  PaddedImagePacker(const float* base, const std::vector<int64_t>& offsets, int64_t OW, int64_t Wq)
      : base_(base), offsets_(offsets), OW_(OW), Wq_(Wq) {}
  void pack(int64_t k0, int64_t kc, int64_t n0, int64_t ncols, int64_t nr, float* dst) const override;

 private:
  const float* base_;
  const std::vector<int64_t>& offsets_;
  int64_t OW_, Wq_;
};

// y[oh][ow] = x[oh*SH][ow*SW]: the pixels a strided 1x1 window without
// padding reads from a plane of row length W (AVX-512 for stride 2).
void subsamplePlane(const float* x, int64_t W, int64_t SH, int64_t SW, int64_t OH, int64_t OW, float* y);

}  // namespace x86
}  // namespace zy
