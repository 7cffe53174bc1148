// Element-wise ops on ARM: Add, Sub, Mul and Div as the shared row ops
// (backends/common/binary_ops.h) and the standalone activations
// (activation_ops.h), over NEON rows.
#include "activation_ops.h"
#include "arm_op.h"
#include "binary_ops.h"
#include "kernels/f32_rows_neon.h"

namespace zy {
namespace arm {
namespace {

std::unique_ptr<ArmOp> prepareBinary(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<BinaryRowsOp<ArmOp, OpContext>>(ctx, op, vbinary);
}

std::unique_ptr<ArmOp> prepareActivation(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<ActivationOp<ArmOp, OpContext>>(ctx, op, applyActivation);
}

}  // namespace

const OpKind kElementwiseOps[] = {
    {"Add", binarySupported, prepareBinary},          {"Sub", binarySupported, prepareBinary},
    {"Mul", binarySupported, prepareBinary},          {"Div", binarySupported, prepareBinary},
    {"Relu", activationSupported, prepareActivation}, {"Sigmoid", activationSupported, prepareActivation},
    {"Clip", activationSupported, prepareActivation}, {"LeakyRelu", activationSupported, prepareActivation},
    {"HardSigmoid", activationSupported, prepareActivation}, {"HardSwish", activationSupported, prepareActivation}};
const size_t kNumElementwiseOps = sizeof(kElementwiseOps) / sizeof(kElementwiseOps[0]);

}  // namespace arm
}  // namespace zy
