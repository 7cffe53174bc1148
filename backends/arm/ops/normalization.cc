// Softmax and LayerNormalization on ARM: the shared row ops
// (backends/common/row_ops.h) over the NEON row kernels.
#include "arm_op.h"
#include "kernels/f32_rows_neon.h"
#include "row_ops.h"

namespace zy {
namespace arm {
namespace {

std::unique_ptr<ArmOp> prepareSoftmax(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<SoftmaxRowsOp<ArmOp, OpContext>>(ctx, op, softmaxRows);
}
std::unique_ptr<ArmOp> prepareLayerNorm(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<LayerNormRowsOp<ArmOp, OpContext>>(ctx, op, layerNormRows);
}

}  // namespace

const OpKind kNormalizationOps[] = {{"Softmax", softmaxRowsSupported, prepareSoftmax},
                                    {"LayerNormalization", layerNormRowsSupported, prepareLayerNorm}};
const size_t kNumNormalizationOps = 2;

}  // namespace arm
}  // namespace zy
