// f32 GEMM for the x86 backend: C[M,N] = act(A[M,K] * B[K,N] + bias[M] + R).
// A (the weights) is packed once into panels of MR rows; B is packed per
// call into panels of NR columns, in blocks of KC x NC that stay in cache,
// or read in place when it is a plain matrix and K fits one block.
// Microkernels (named as XNNPACK names them: f32-gemm/<isa>-<MR>x<NR>):
//   avx512-12x32, avx512-8x48, avx512-24x16 (N <= 16), avx2-6x16, pixel-major avx512-7x48, 14x32 and 13x32,
//   and bf16-gemm/amx-32x32 or avx512bf16-12x32 for the opt-in fast math; chosen at run time from the CPU's features.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "ops/fused_activation.h"

namespace zy {
namespace x86 {

// What the last K block applies in the store, in this order: bias (one per
// row), residual (one per element, row stride ldr), activation.
struct TileEpilogue {
  const float* bias = nullptr;
  const float* residual = nullptr;
  int64_t ldr = 0;
  const FusedActivation* act = nullptr;  // null: none
};

// One microkernel: a tile of mr x nr outputs (mr <= MR, nr <= NR) over kc
// steps of packed A ([kc][MR]) and packed B ([kc][NR]). With accumulate the
// tile adds to C; `last` (non-null on the last K block) is the epilogue.
using GemmMicrokernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int64_t mr,
                                 int64_t nr, bool accumulate, const TileEpilogue* last);

// A full-width tile (nr = NR) with B read in place: row k of the tile's
// columns at b + k * ldb (1x1 convolutions, MatMul: no packing of B).
using GemmMicrokernelInPlace = void (*)(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc,
                                        int64_t mr, bool accumulate, const TileEpilogue* last);

// A full-height tile (mr = MR) with A read in place by columns: A[i][k] at
// a[a_offsets[k] + i] (a pixel-major convolution's im2col rows, read where
// they lie in the input or its padded planes: no packing of A), B packed.
using GemmMicrokernelAInPlace = void (*)(int64_t kc, const float* a, const int64_t* a_offsets, const float* b, float* c,
                                         int64_t ldc, int64_t nr, bool accumulate, const TileEpilogue* last);

struct GemmKernel {
  const char* name;
  int mr, nr;
  GemmMicrokernel run;
  bool bf16 = false;  // operands packed as bf16 k-pairs (the opt-in fast math)
  GemmMicrokernelInPlace run_in_place = nullptr;
  GemmMicrokernelAInPlace run_a_in_place = nullptr;
  // bf16 kernels on tiles (AMX): A is stored per block of this many k-pairs
  // as [MR][block] (tile rows), and K is padded with zero pairs to whole
  // blocks, in A and in B. 0: A is [k-pair][MR].
  int k_block_pairs = 0;
};

// The best microkernel this CPU runs (nullptr without AVX2+FMA).
const GemmKernel* bestGemmKernel();
// The microkernel for an M x N output: with AVX-512, 8x48 for few rows and
// many columns (measured faster there: zy-kernel-bench) and for rows that 8
// divides and 12 does not, 24x16 for N of 16 or less, else the best one.
const GemmKernel* selectGemmKernel(int64_t m, int64_t n);
// The pixel-major microkernel for `pixels` rows and `channels` columns:
// f32-gemm/avx512-7x48 (7 rows fit 7x7 images exactly) or avx512-14x32
// (14x14 images with 32k channels), whichever pads less; nullptr without AVX-512.
const GemmKernel* pixelMajorGemmKernel(int64_t pixels, int64_t channels);
// Every f32 microkernel this CPU runs (for tests and benchmarks).
std::vector<const GemmKernel*> availableGemmKernels();
// The bf16 microkernel: AMX-BF16 tiles where the CPU has them and Linux
// permits them (amxTilesPermitted), else AVX512-BF16; nullptr without either.
const GemmKernel* bf16GemmKernel();
// bf16-gemm/amx-32x32's descriptor with another microkernel in its place:
// the tests run its tile code on a software model (bf16_gemm_tiles.h).
GemmKernel bf16AmxGemmKernelOn(GemmMicrokernel run);

// A packed once, as [ceil(M/MR)][K][MR], zero-padded, 64-byte aligned.
// With by_columns set (kernels with run_a_in_place), panel p is read where A
// lies when panel_base[p] >= 0, A[p * MR + i][k] = by_columns[row_offsets[k]
// + panel_base[p] + i], and data holds the other panels at their packed places.
struct PackedA {
  const GemmKernel* kernel = nullptr;
  int64_t m = 0, k = 0;
  std::shared_ptr<float> data;
  const float* by_columns = nullptr;
  const int64_t* row_offsets = nullptr;
  const int64_t* panel_base = nullptr;

  // Panels in memory someone else owns (a workspace, a mapped model).
  static PackedA borrowed(const GemmKernel* kernel, int64_t m, int64_t k, float* data) {
    return PackedA{kernel, m, k, std::shared_ptr<float>(data, [](float*) {})};
  }
};
PackedA packA(const GemmKernel* kernel, const float* a, int64_t m, int64_t k, int64_t lda);
// The same into caller-owned memory of packedAFloats(kernel, m, k) floats,
// 64-byte aligned (A that changes every run: MatMul of two activations).
size_t packedAFloats(const GemmKernel* kernel, int64_t m, int64_t k);
// A[i][kk] = base[row_offsets[kk] + pixel[i]]: A given by columns (the
// im2col matrix, transposed; pixel maps rows to column positions), packed
// into dst.
PackedA packAColumns(const GemmKernel* kernel, const float* base, const int64_t* row_offsets, const int64_t* pixel, int64_t m,
                     int64_t k, float* dst);
PackedA packAInto(const GemmKernel* kernel, const float* a, int64_t m, int64_t k, int64_t lda, float* dst);

// Runs fn over [0, n) in parallel chunks on the session's `threads` threads
// (a plain function converts to one with threads = 1). Kernels that trade
// parallel slack against reuse (the GEMM's row groups re-read B) look at it.
struct ParallelFor {
  std::function<void(size_t n, const std::function<void(size_t, size_t)>& fn)> run;
  int threads = 1;

  ParallelFor() = default;
  template <class F>
  ParallelFor(F f, int thread_count = 1) : run(std::move(f)), threads(thread_count) {}  // NOLINT: implicit from a function
  void operator()(size_t n, const std::function<void(size_t, size_t)>& fn) const { run(n, fn); }
};

// Packs the block B[k0 : k0+kc, n0 : n0+ncols] into panels of nr columns:
// dst[(j / nr) * kc * nr + kk * nr + j % nr] = B[k0 + kk][n0 + j], with the
// last panel zero-padded to nr. Packers read B where it lies: a matrix, or
// the input image of a convolution (implicit im2col).
class BPacker {
 public:
  virtual ~BPacker() = default;
  virtual void pack(int64_t k0, int64_t kc, int64_t n0, int64_t ncols, int64_t nr, float* dst) const = 0;
  // B as a plain matrix (rows *ldb apart) that kernels may read in place; null if not.
  virtual const float* inPlace(int64_t* ldb) const { (void)ldb; return nullptr; }
  // B packed once (constant weights): the panel of nr columns from column
  // col0, [kc][nr] contiguous from row k0 on; null if B is packed per call.
  virtual const float* prepackedPanel(int64_t col0, int64_t k0) const { (void)col0; (void)k0; return nullptr; }
};

// A constant B [K, N], packed once into panels of nr columns, [N/nr][K][nr]
// (the weights when activations are the A side: pixel-major GEMM).
class PrepackedB : public BPacker {
 public:
  PrepackedB(const float* b, int64_t k, int64_t n, int64_t nr);
  void pack(int64_t k0, int64_t kc, int64_t n0, int64_t ncols, int64_t nr, float* dst) const override;
  const float* prepackedPanel(int64_t col0, int64_t k0) const override {
    return panels_.get() + (col0 / nr_) * k_ * nr_ + k0 * nr_;
  }

 private:
  int64_t k_, n_, nr_;
  std::shared_ptr<float> panels_;  // 64-byte aligned: the AVX2 kernels load B with aligned loads
};

// B as a [K, N] matrix with row stride ldb.
class MatrixPacker : public BPacker {
 public:
  MatrixPacker(const float* b, int64_t ldb) : b_(b), ldb_(ldb) {}
  void pack(int64_t k0, int64_t kc, int64_t n0, int64_t ncols, int64_t nr, float* dst) const override;
  const float* inPlace(int64_t* ldb) const override {
    *ldb = ldb_;
    return b_;
  }

 private:
  const float* b_;
  int64_t ldb_;
};

// C = act(A * B + bias + residual) with C [M, N] of row stride ldc; the
// residual (optional) has C's layout.
void gemm(const PackedA& a, const BPacker& b, int64_t n, float* c, int64_t ldc, const float* bias, const FusedActivation& act,
          const ParallelFor& parallel, const float* residual = nullptr);
// The same with B a [K, N] matrix of row stride ldb.
void gemm(const PackedA& a, const float* b, int64_t n, int64_t ldb, float* c, int64_t ldc, const float* bias,
          const FusedActivation& act, const ParallelFor& parallel, const float* residual = nullptr);

}  // namespace x86
}  // namespace zy
