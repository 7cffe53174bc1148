// MatMul on x86 (numpy semantics, both operands at least 2-D): A's rows are
// packed per run and B is read as a matrix, so activations times weights and
// activations times activations (attention) take the same GEMM. B 2-D
// broadcasts over A's batch dimensions as one GEMM over all rows; equal batch
// dimensions run one GEMM per batch.
#include <memory>
#include <vector>

#include "core/backend_helpers.h"
#include "kernels/f32_gemm.h"
#include "kernels/scratch.h"
#include "matmul_shape.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

bool matmulSupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs != 2 || !allF32(op)) { *why = "only f32 MatMul"; return false; }
  MatMulShape s;
  return matmulShape(op, &s, why);
}

// A constant B shared by every batch (a transformer's linear layers) is
// packed into the kernel's panels once, when the session is made: read in
// place, its rows lie N floats apart, and each 32-column block of it read A
// again (a 128 x 256 x 1024 product ran at 61 GFLOP/s).
class MatMulOp : public X86Op {
 public:
  MatMulOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx) {
    const zy_tensor_view_t& b = op->inputs[1];
    if (b.is_constant && matmulBatches(b) == 1 && !ctx.bf16) {
      const int64_t K = b.dims[b.rank - 2], N = b.dims[b.rank - 1];
      kernel_ = ctx.gemm;
      packed_b_ = std::make_unique<PrepackedB>(static_cast<const float*>(b.data), K, N, kernel_->nr);
    }
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    MatMulShape s;
    if (!matmulShape(op, &s, err)) return ZY_INVALID_ARGUMENT;
    const float* a = static_cast<const float*>(op->inputs[0].data);
    const float* b = static_cast<const float*>(op->inputs[1].data);
    float* y = static_cast<float*>(op->outputs[0].data);
    const GemmKernel* kernel = packed_b_ ? kernel_ : ctx_.gemmFor(s.M, s.N);
    float* aligned = packed_.reserve(packedAFloats(kernel, s.M, s.K));
    for (int64_t i = 0; i < s.batches; ++i) {
      const PackedA pa = packAInto(kernel, a + i * s.M * s.K, s.M, s.K, s.K, aligned);
      float* yi = y + i * s.M * s.N;
      if (packed_b_) gemm(pa, *packed_b_, s.N, yi, s.N, nullptr, FusedActivation{}, ctx_.parallel);
      else gemm(pa, b + (s.shared_b ? 0 : i * s.K * s.N), s.N, s.N, yi, s.N, nullptr, FusedActivation{}, ctx_.parallel);
    }
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  GrowBuffer<float> packed_;  // A, packed per run
  const GemmKernel* kernel_ = nullptr;
  std::unique_ptr<PrepackedB> packed_b_;  // a constant B shared by all batches
};

std::unique_ptr<X86Op> prepareMatMul(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<MatMulOp>(ctx, op); }

}  // namespace

const OpKind kMatMulOps[] = {{"MatMul", matmulSupported, prepareMatMul}};
const size_t kNumMatMulOps = 1;

}  // namespace x86
}  // namespace zy
