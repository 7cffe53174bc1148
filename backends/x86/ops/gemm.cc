// Gemm with constant weights on x86 (the fully connected layers of CNN heads
// and transformers): Y = act(A * op(B) + C), C one value per output column.
// Batch 1 is a dot product per output; larger batches run the packed GEMM on
// the transposed problem, Y^T = W * A^T, with the weights as the packed operand.
#include <vector>

#include "core/backend_helpers.h"
#include "kernels/f32_activation.h"
#include "kernels/f32_gemm.h"
#include "kernels/f32_gemv.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

bool gemmSupported(const zy_op_view_t* op, std::string* why) {
  const Attributes a = attributesFromView(op);
  if (op->num_inputs < 2 || !allF32(op)) { *why = "only f32 Gemm"; return false; }
  if (!op->inputs[1].is_constant) { *why = "B must be a constant"; return false; }
  if (a.getInt("transA", 0) != 0 || a.getFloat("alpha", 1.f) != 1.f || a.getFloat("beta", 1.f) != 1.f) {
    *why = "transA, alpha and beta other than 0, 1, 1 are not implemented for x86 yet";
    return false;
  }
  const int64_t n = a.getInt("transB", 0) ? op->inputs[1].dims[0] : op->inputs[1].dims[1];
  if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED) {
    const zy_tensor_view_t& c = op->inputs[2];
    const bool per_column = c.is_constant && ((c.rank == 1 && c.dims[0] == n) || (c.rank == 2 && c.dims[0] == 1 && c.dims[1] == n));
    if (!per_column) { *why = "C must be a constant row of N values"; return false; }
  }
  FusedActivation act;
  if (!FusedActivation::parse(a, &act)) { *why = "unknown fused activation"; return false; }
  return true;
}

class GemmOp : public X86Op {
 public:
  GemmOp(const OpContext& ctx, const zy_op_view_t* op) : ctx_(ctx) {
    const Attributes a = attributesFromView(op);
    FusedActivation::parse(a, &act_);
    const zy_tensor_view_t& w = op->inputs[1];
    const bool tb = a.getInt("transB", 0) != 0;
    const int64_t k = tb ? w.dims[1] : w.dims[0], n = tb ? w.dims[0] : w.dims[1];
    const float* wp = static_cast<const float*>(w.data);
    if (tb) {
      rows_.assign(wp, wp + n * k);
    } else {  // B is [K, N]: transpose once to [N, K]
      rows_.resize(static_cast<size_t>(n * k));
      for (int64_t i = 0; i < k; ++i)
        for (int64_t j = 0; j < n; ++j) rows_[j * k + i] = wp[i * n + j];
    }
    weights_ = packA(ctx.bf16 ? ctx.bf16 : ctx.gemm, rows_.data(), n, k, k);
    if (op->num_inputs > 2 && op->inputs[2].dtype != ZY_DTYPE_UNDEFINED) {
      const float* bias = static_cast<const float*>(op->inputs[2].data);
      bias_.assign(bias, bias + n);
    }
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    const zy_tensor_view_t &a = op->inputs[0], &y = op->outputs[0];
    const int64_t M = a.dims[0], K = a.dims[1], N = weights_.m;
    if (K != weights_.k || y.dims[0] != M || y.dims[1] != N) { *err = "Gemm shapes do not match"; return ZY_INVALID_ARGUMENT; }
    const float* ap = static_cast<const float*>(a.data);
    float* yp = static_cast<float*>(y.data);
    const float* bias = bias_.empty() ? nullptr : bias_.data();
    if (M == 1) {  // one dot product per output, rows split across threads
      ctx_.parallel(static_cast<size_t>(N), [&](size_t begin, size_t end) {
        gemvRows(rows_.data(), ap, K, bias, yp, static_cast<int64_t>(begin), static_cast<int64_t>(end));
      });
      applyActivation(yp, N, act_);
      return ZY_OK;
    }
    buffer_.resize(static_cast<size_t>(K * M + N * M));
    float* at = buffer_.data();
    float* yt = at + K * M;
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < K; ++j) at[j * M + i] = ap[i * K + j];
    gemm(weights_, at, M, M, yt, M, bias, act_, ctx_.parallel);
    for (int64_t i = 0; i < N; ++i)
      for (int64_t j = 0; j < M; ++j) yp[j * N + i] = yt[i * M + j];
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  FusedActivation act_;
  std::vector<float> rows_;  // the weights as [N, K] rows
  PackedA weights_;
  std::vector<float> bias_;
  std::vector<float> buffer_;  // A^T and Y^T
};

std::unique_ptr<X86Op> prepareGemm(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<GemmOp>(ctx, op); }

}  // namespace

const OpKind kGemmOps[] = {{"Gemm", gemmSupported, prepareGemm}};
const size_t kNumGemmOps = 1;

}  // namespace x86
}  // namespace zy
