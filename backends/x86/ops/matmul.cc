// MatMul on x86 (numpy semantics, both operands at least 2-D): A's rows are
// packed per run and B is read as a matrix, so activations times weights and
// activations times activations (attention) take the same GEMM. B 2-D
// broadcasts over A's batch dimensions as one GEMM over all rows; equal batch
// dimensions run one GEMM per batch.
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

class MatMulOp : public X86Op {
 public:
  explicit MatMulOp(const OpContext& ctx) : ctx_(ctx) {}
  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    MatMulShape s;
    if (!matmulShape(op, &s, err)) return ZY_INVALID_ARGUMENT;
    const float* a = static_cast<const float*>(op->inputs[0].data);
    const float* b = static_cast<const float*>(op->inputs[1].data);
    float* y = static_cast<float*>(op->outputs[0].data);
    const GemmKernel* kernel = ctx_.gemmFor(s.M, s.N);
    packed_.resize(packedAFloats(kernel, s.M, s.K) + 16);
    float* aligned = reinterpret_cast<float*>((reinterpret_cast<uintptr_t>(packed_.data()) + 63) & ~uintptr_t(63));
    for (int64_t i = 0; i < s.batches; ++i) {
      const PackedA pa = packAInto(kernel, a + i * s.M * s.K, s.M, s.K, s.K, aligned);
      gemm(pa, b + (s.shared_b ? 0 : i * s.K * s.N), s.N, s.N, y + i * s.M * s.N, s.N, nullptr, FusedActivation{}, ctx_.parallel);
    }
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  std::vector<float> packed_;  // A, packed per run
};

std::unique_ptr<X86Op> prepareMatMul(const OpContext& ctx, const zy_op_view_t*) { return std::make_unique<MatMulOp>(ctx); }

}  // namespace

const OpKind kMatMulOps[] = {{"MatMul", matmulSupported, prepareMatMul}};
const size_t kNumMatMulOps = 1;

}  // namespace x86
}  // namespace zy
