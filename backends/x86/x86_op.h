// The x86 backend's ops: each op type the backend takes has a capability
// check (which says why not) and a prepare step that builds an X86Op, the
// per-session state (packed weights, buffers) that runs it.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "core/attributes.h"
#include "kernels/f32_gemm.h"
#include "zy/backend.h"

namespace zy {
namespace x86 {

// A buffer that only grows, 64-byte aligned, its contents left as they are:
// ops write what they read. (std::vector::resize zero-filled the part that
// one op's larger request added after another's smaller one, on every run:
// 2.5% of MobileNetV2 at 2 threads, on the calling thread alone.)
template <class T>
class GrowBuffer {
 public:
  // At least n elements, valid until the next call.
  T* reserve(size_t n) {
    if (n > size_) {
      const size_t bytes = (std::max<size_t>(n, 1) * sizeof(T) + 63) / 64 * 64;
      T* p = static_cast<T*>(std::aligned_alloc(64, bytes));
      if (!p) throw std::bad_alloc();
      data_.reset(p);
      size_ = n;
    }
    return data_.get();
  }
  T* data() const { return data_.get(); }

 private:
  struct Free {
    void operator()(T* p) const { std::free(p); }
  };
  std::unique_ptr<T, Free> data_;
  size_t size_ = 0;
};

// Scratch buffers shared by the ops of one backend instance (one session):
// a session runs one op at a time, so ops may borrow them for a run.
struct Workspace {
  GrowBuffer<float> image, output, packed;
  GrowBuffer<uint8_t> bytes;  // int8 GEMMs' transposed operand
};

// What every op gets from the backend: the session's threads, the best GEMM
// microkernel of this CPU and the shared workspace.
struct OpContext {
  const GemmKernel* gemm = nullptr;
  const GemmKernel* bf16 = nullptr;  // set when the session asked for bf16 and the CPU has it
  ParallelFor parallel;
  Workspace* workspace = nullptr;

  // The microkernel for an M x N product: bf16 in fast-math sessions.
  const GemmKernel* gemmFor(int64_t m, int64_t n) const { return bf16 ? bf16 : f32GemmFor(m, n); }
  const GemmKernel* f32GemmFor(int64_t m, int64_t n) const { return n > 0 ? selectGemmKernel(m, n) : gemm; }
  // Whether the f32 paths that do fewer multiplies or no packing (Winograd,
  // the direct RGB stem) stay on in this session: always in f32, and in bf16
  // sessions on AVX512-BF16, whose rate is only twice the f32 FMA's
  // (ResNet-18 ran 23.6 ms in bf16 im2col against 23.4 in f32 Winograd).
  // On AMX tiles every convolution takes the bf16 GEMM.
  bool keepsF32Shortcuts() const { return !bf16 || bf16->k_block_pairs == 0; }
};

class X86Op {
 public:
  virtual ~X86Op() = default;
  // Runs on the op's current tensors; on failure says why in *err.
  virtual zy_status_code_t run(const zy_op_view_t* op, std::string* err) = 0;
  // What to keep ahead of time (zy-compile --target x86); empty = nothing.
  virtual std::vector<uint8_t> compiledBlob() const { return {}; }
};

struct OpKind {
  const char* type;  // ONNX op type
  bool (*supported)(const zy_op_view_t* op, std::string* why);
  std::unique_ptr<X86Op> (*prepare)(const OpContext& ctx, const zy_op_view_t* op);
};

// The op kinds of each ops/*.cc file, in one table (x86_backend.cc).
extern const OpKind kConvOps[], kConvTransposeOps[], kGemmOps[], kPoolOps[], kElementwiseOps[], kNormalizationOps[], kMatMulOps[],
    kQuantizedOps[], kQuantizedElementwiseOps[], kQuantizedPoolOps[], kDataMovementOps[], kRecurrentOps[];
extern const size_t kNumConvOps, kNumConvTransposeOps, kNumGemmOps, kNumPoolOps, kNumElementwiseOps, kNumNormalizationOps,
    kNumMatMulOps, kNumQuantizedOps, kNumQuantizedElementwiseOps, kNumQuantizedPoolOps, kNumDataMovementOps, kNumRecurrentOps;

// Shared capability checks.
inline bool allF32(const zy_op_view_t* op) {
  for (size_t i = 0; i < op->num_inputs; ++i)
    if (op->inputs[i].dtype != ZY_DTYPE_F32 && op->inputs[i].dtype != ZY_DTYPE_UNDEFINED) return false;
  for (size_t i = 0; i < op->num_outputs; ++i)
    if (op->outputs[i].dtype != ZY_DTYPE_F32) return false;
  return true;
}
inline int64_t elementCount(const zy_tensor_view_t& t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t.rank; ++i) n *= t.dims[i];
  return n;
}

}  // namespace x86
}  // namespace zy
