// MatMul and Gemm on ARM (f32): C = A * B runs f32-gemm/neon-8x8 with A's
// rows packed as the kernel's weights (per run: A may be an activation) and
// B read as [K][N] panels, so the product comes out row-major with no
// transpose. MatMul: numpy batching where B is one matrix or one per batch;
// Gemm: transA = 0, alpha = beta = 1, constant B (transposed once when
// transB), C one value per column, the fused activation after it.
#include <algorithm>
#include <vector>

#include "arm_op.h"
#include "core/backend_helpers.h"
#include "kernels/f32_gemm_neon.h"
#include "kernels/f32_rows_neon.h"
#include "matmul_shape.h"
#include "ops/fused_activation.h"
#include "row_ops.h"  // allInputsAndOutputF32

namespace zy {
namespace arm {
namespace {

// C[M][N] = A[M][K] * B[K][N] on the session's threads (panels of N).
void gemmRows(const OpContext& ctx, const float* a, const float* b, int64_t M, int64_t K, int64_t N, float* c) {
  f32Gemm(ctx, packF32Weights(a, M, K), b, N, N, nullptr, FusedActivation{}, c, N);
}

// ---- MatMul ----

bool matmulSupported(const zy_op_view_t* op, std::string* why) {
  MatMulShape s;
  if (op->num_inputs != 2 || !allInputsAndOutputF32(op)) { *why = "only f32 MatMul"; return false; }
  return matmulShape(op, &s, why);
}

class MatMulOp : public ArmOp {
 public:
  MatMulOp(const OpContext& ctx, const zy_op_view_t*) : ctx_(ctx) {}
  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    MatMulShape s;
    if (!matmulShape(op, &s, err)) return ZY_INVALID_ARGUMENT;
    const float* a = static_cast<const float*>(op->inputs[0].data);
    const float* b = static_cast<const float*>(op->inputs[1].data);
    float* y = static_cast<float*>(op->outputs[0].data);
    for (int64_t i = 0; i < s.batches; ++i)
      gemmRows(ctx_, a + i * s.M * s.K, b + (s.shared_b ? 0 : i * s.K * s.N), s.M, s.K, s.N, y + i * s.M * s.N);
    return ZY_OK;
  }

 private:
  OpContext ctx_;
};

// ---- Gemm ----

bool gemmSupported(const zy_op_view_t* op, std::string* why) {
  const Attributes a = attributesFromView(op);
  if (op->num_inputs < 2 || !allInputsAndOutputF32(op) || op->inputs[0].rank != 2 || op->inputs[1].rank != 2) { *why = "only f32 2-D Gemm"; return false; }
  if (!op->inputs[1].is_constant) { *why = "B must be a constant"; return false; }
  if (a.getInt("transA", 0) != 0 || a.getFloat("alpha", 1.f) != 1.f || a.getFloat("beta", 1.f) != 1.f) {
    *why = "transA, alpha and beta other than 0, 1, 1 are not implemented for ARM";
    return false;
  }
  const int64_t n = a.getInt("transB", 0) ? op->inputs[1].dims[0] : op->inputs[1].dims[1];
  if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED &&
      (!op->inputs[2].is_constant || elementCountOf(op->inputs[2]) != n)) {
    *why = "C must be a constant row of N values";
    return false;
  }
  FusedActivation act;
  if (!FusedActivation::parse(a, &act)) { *why = "unknown fused activation"; return false; }
  return true;
}

class GemmOp : public ArmOp {
 public:
  GemmOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx) {
    const Attributes a = attributesFromView(op);
    FusedActivation::parse(a, &act_);
    const zy_tensor_view_t& w = op->inputs[1];
    const float* wp = static_cast<const float*>(w.data);
    const bool tb = a.getInt("transB", 0) != 0;
    k_ = tb ? w.dims[1] : w.dims[0];
    n_ = tb ? w.dims[0] : w.dims[1];
    b_.resize(static_cast<size_t>(k_ * n_));
    for (int64_t k = 0; k < k_; ++k)
      for (int64_t n = 0; n < n_; ++n) b_[k * n_ + n] = tb ? wp[n * k_ + k] : wp[k * n_ + n];  // as [K][N]
    if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED) {
      const float* c = static_cast<const float*>(op->inputs[2].data);
      c_.assign(c, c + n_);
    }
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    const int64_t M = op->inputs[0].dims[0];
    float* y = static_cast<float*>(op->outputs[0].data);
    gemmRows(ctx_, static_cast<const float*>(op->inputs[0].data), b_.data(), M, k_, n_, y);
    for (int64_t m = 0; m < M; ++m) {
      for (int64_t n = 0; n < n_ && !c_.empty(); ++n) y[m * n_ + n] += c_[n];
      applyActivation(y + m * n_, n_, act_);
    }
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  FusedActivation act_;
  int64_t k_ = 0, n_ = 0;
  std::vector<float> b_, c_;
};

template <class Op>
std::unique_ptr<ArmOp> prepare(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<Op>(ctx, op); }

}  // namespace

const OpKind kGemmOps[] = {{"MatMul", matmulSupported, prepare<MatMulOp>}, {"Gemm", gemmSupported, prepare<GemmOp>}};
const size_t kNumGemmOps = sizeof(kGemmOps) / sizeof(kGemmOps[0]);

}  // namespace arm
}  // namespace zy
