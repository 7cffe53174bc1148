// ConvTranspose on ARM: backends/common/conv_transpose_ops.h over
// f32-gemm/neon, W^T packed once (PP-OCR's detector head on edge boards).
#include "arm_op.h"
#include "conv_transpose_ops.h"
#include "kernels/f32_gemm_neon.h"

namespace zy {
namespace arm {
namespace {

struct GemmProduct {
  OpContext ctx;
  F32PackedWeights weights;
  GemmProduct(const OpContext& c, const float* wt, int64_t rows, int64_t k) : ctx(c), weights(packF32Weights(wt, rows, k)) {}
  void operator()(const float* x, int64_t P, float* cols) const { f32Gemm(ctx, weights, x, P, P, nullptr, FusedActivation{}, cols, P); }
};

std::unique_ptr<ArmOp> prepareConvTranspose(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<ConvTransposeOp<ArmOp, OpContext, GemmProduct>>(ctx, op);
}

}  // namespace

const OpKind kConvTransposeOps[] = {{"ConvTranspose", convTransposeSupported, prepareConvTranspose}};
const size_t kNumConvTransposeOps = 1;

}  // namespace arm
}  // namespace zy
