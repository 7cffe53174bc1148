// Softmax and LayerNormalization on x86: the shared row ops
// (backends/common/row_ops.h) over the AVX-512 / AVX2 row kernels.
#include "kernels/f32_layernorm.h"
#include "kernels/f32_softmax.h"
#include "row_ops.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

std::unique_ptr<X86Op> prepareSoftmax(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<SoftmaxRowsOp<X86Op, OpContext>>(ctx, op, softmaxRows);
}
std::unique_ptr<X86Op> prepareLayerNorm(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<LayerNormRowsOp<X86Op, OpContext>>(ctx, op, layerNormRows);
}

}  // namespace

const OpKind kNormalizationOps[] = {{"Softmax", softmaxRowsSupported, prepareSoftmax},
                                    {"LayerNormalization", layerNormRowsSupported, prepareLayerNorm}};
const size_t kNumNormalizationOps = 2;

}  // namespace x86
}  // namespace zy
