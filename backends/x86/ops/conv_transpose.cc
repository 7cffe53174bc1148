// ConvTranspose on x86: backends/common/conv_transpose_ops.h over the f32
// GEMM, W^T packed once for the session's microkernel.
#include "conv_transpose_ops.h"
#include "kernels/f32_gemm.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

struct GemmProduct {
  OpContext ctx;
  PackedA weights;
  GemmProduct(const OpContext& c, const float* wt, int64_t rows, int64_t k) : ctx(c), weights(packA(c.gemmFor(rows, 0), wt, rows, k, k)) {}
  void operator()(const float* x, int64_t P, float* cols) const { gemm(weights, x, P, P, cols, P, nullptr, FusedActivation{}, ctx.parallel); }
};

std::unique_ptr<X86Op> prepareConvTranspose(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<ConvTransposeOp<X86Op, OpContext, GemmProduct>>(ctx, op);
}

}  // namespace

const OpKind kConvTransposeOps[] = {{"ConvTranspose", convTransposeSupported, prepareConvTranspose}};
const size_t kNumConvTransposeOps = 1;

}  // namespace x86
}  // namespace zy
